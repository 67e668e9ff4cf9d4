"""`flask demo seed`: a realistic course population, for demos and for measuring the instructor pages.

The data follows the app's own rules, so every page shows something a real cohort could produce:
questions are served with `serving.serve`, drawn with `selection.draw`, marked with `grading`, and the
progress summaries are computed as `learning.summary` computes them (`flask summaries rebuild` gives the
same rows). Answers follow a simple item-response model, a trainee's ability against a question's
difficulty, so some trainees struggle, some questions are hard, and item statistics have something to find.

Speed matters (10,000 trainees in well under two minutes on SQLite): one password hash shared by every
demo account, a few pre-served variants of each question, and Core bulk inserts committed per batch.
"""

from __future__ import annotations

import json
import math
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import click
from flask import Blueprint, current_app
from sqlalchemy import bindparam, func, insert, select, type_coerce
from sqlalchemy.types import NullType

from .audit.models import AuditEvent
from .clock import utcnow
from .content import types
from .content.model import Catalog, Module
from .enrolment.cohorts import new_join_code
from .enrolment.models import Cohort, CohortInstructor, CohortMember
from .extensions import db
from .identity.models import Role, User, new_session_token
from .identity.passwords import hash_password
from .learning.models import Certificate, LessonProgress, ModuleSummary, TraineeTotals
from .quizzes import grading, selection, serving, summary
from .quizzes.models import AttemptItem, QuizAttempt
from .recertification import history, policy
from .recertification.models import ModuleCertification, Refresher, RefresherCard, RefresherItem
from .recertification.standing import new_code

bp = Blueprint("demo_cli", __name__, cli_group="demo")

DOMAIN = "demo.example"
BATCH = 1000  # trainees per transaction: about 65,000 rows, a few seconds of work
VARIANTS = 4  # served versions of each question; attempts pick one, as a real draw would shuffle
SPREAD_DAYS = 60  # last activity falls within this many days before now
FINISHED_SPREAD_DAYS = 730  # those who finished did so over the last two years: current, expiring, expired

# Shares of the population, and the model's knobs (logits): tuned so a trainee averages about 12 attempts.
NOT_STARTED, FINISHED = 0.08, 0.34
ABILITY_MEAN, ABILITY_SD = 1.9, 1.0
HARD_SHARE, HARD_EXTRA = 0.15, 1.6
LEARNING = 0.8  # a retake goes better: the trainee has read the explanations
SKIP, PRACTICE = 0.02, 0.10  # an unanswered question; a practice attempt after a pass
UNCONFIRMED = 0.06  # trainees who never opened the confirmation link: no certificate is issued to them

FIRST_NAMES = ("Amara", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Liam")
LAST_NAMES = ("Adams", "Chen", "Diallo", "Evans", "Garcia", "Haddad", "Ito", "Lopez", "Mensah", "Novak", "Patel")


@dataclass(frozen=True)
class Variant:
    snapshot: dict
    right: dict
    wrongs: tuple[dict, ...]  # the most tempting wrong answer first


@dataclass(frozen=True)
class QuestionPlan:
    id: str
    theme: str
    objective: int
    difficulty: float
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class ModulePlan:
    module: Module
    anchors: tuple[str, ...]
    questions: dict[str, QuestionPlan]
    course_version: str | None  # stamped on every attempt, as a real start does


@dataclass
class Batch:
    """Rows of one transaction; `user_id` and `attempt_id` hold batch-local indexes until the ids exist."""

    users: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)
    attempts: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    summaries: list[dict] = field(default_factory=list)
    periods: list[dict] = field(default_factory=list)
    cards: list[dict] = field(default_factory=list)
    refreshers: list[dict] = field(default_factory=list)
    refresher_items: list[dict] = field(default_factory=list)  # `refresher_id` a batch-local index too
    certificates: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def plan_catalog(catalog: Catalog, rng: random.Random) -> list[ModulePlan]:
    plans = []
    for module in catalog.modules:
        questions = {}
        for question in module.quiz.questions:
            variants = []
            for _ in range(VARIANTS):
                snapshot = serving.serve(question, rng)
                kind = types.of(question)
                right = kind.right_answer(snapshot)
                wrongs = tuple(w for w in kind.wrong_answers(question, snapshot) if kind.score(snapshot, w) < 1)
                variants.append(Variant(snapshot, right, wrongs))
            difficulty = rng.gauss(0, 0.7) + (HARD_EXTRA if rng.random() < HARD_SHARE else 0)
            questions[question.id] = QuestionPlan(
                question.id, question.theme, question.objective, difficulty, tuple(variants)
            )
        plans.append(
            ModulePlan(module, tuple(p.anchor for p in module.pages), questions, catalog.course.version or None)
        )
    return plans


@dataclass
class History:
    """What `selection.draw` needs to know of a trainee's earlier attempts at one quiz (demo trainees
    never open a review that reveals answers, so nothing is revealed)."""

    seen: Counter[str] = field(default_factory=Counter)
    last_seen: dict[str, int] = field(default_factory=dict)
    missed: frozenset[int] = frozenset()
    attempts: int = 0

    def for_draw(self) -> selection.History:
        return selection.History(self.seen, self.last_seen, frozenset(), self.missed)


class Trainee:
    """Simulates one trainee's course, in order, on a clock of seconds since their first visit.

    Times stay offsets until `finish` anchors them, so that the last activity falls in the spread window.
    """

    def __init__(self, index: int, batch: Batch, rng: random.Random):
        self.index, self.batch, self.rng = index, batch, rng
        self.ability = rng.gauss(ABILITY_MEAN, ABILITY_SD)
        self.clock = self.last = 0.0
        self.marks = {name: len(getattr(batch, name)) for name in ("pages", "attempts", "items", "summaries")}

    def event(self, low: float, high: float) -> float:
        self.clock += self.rng.uniform(low, high)
        self.last = self.clock
        return self.clock

    def pause(self, chance: float, low: float = 3600, high: float = 3 * 86400) -> None:
        if self.rng.random() < chance:
            self.clock += self.rng.uniform(low, high)

    def read(self, plan: ModulePlan, opened: int, completed: int) -> None:
        for position, anchor in enumerate(plan.anchors[:opened]):
            started = self.event(30, 180)
            done = self.event(120, 720) if position < completed else None
            self.batch.pages.append(
                {
                    "user_id": self.index,
                    "module_slug": plan.module.slug,
                    "page_anchor": anchor,
                    "started_at": started,
                    "last_viewed_at": done or started,
                    "completed_at": done,
                }
            )
            self.pause(0.04)

    def attempt(
        self, plan: ModulePlan, number: int, history: History, practice: bool, answered: int | None = None
    ) -> dict:
        """One attempt; `answered` cuts it short and leaves it open, as a trainee who closed the tab would."""
        quiz, rng = plan.module.quiz, self.rng
        pool = [selection.Candidate(q.id, q.objective) for q in plan.questions.values()]
        drawn = [d.id for d in selection.draw(pool, quiz.questions_per_attempt, rng, history.for_draw())]
        started = self.event(20, 120)
        snapshots, responses, items = [], [], []
        for position, qid in enumerate(drawn, start=1):
            question = plan.questions[qid]
            variant = question.variants[rng.randrange(VARIANTS)]
            response, answered_at = None, None
            if (answered is None or position <= answered) and rng.random() >= SKIP:
                chance = _sigmoid(self.ability - question.difficulty + LEARNING * history.attempts)
                if rng.random() < chance:
                    response = variant.right
                else:
                    response = variant.wrongs[0] if rng.random() < 0.5 else rng.choice(variant.wrongs)
                answered_at = self.event(15, 150)
            snapshots.append(variant.snapshot)
            responses.append(response)
            items.append(
                {
                    "attempt_id": len(self.batch.attempts),
                    "position": position,
                    "question_id": qid,
                    "theme": question.theme,
                    "snapshot": variant.snapshot,
                    "response": response,
                    "answered_at": answered_at,
                    "score": None,
                }
            )
        attempt = {
            "user_id": self.index,
            "module_slug": plan.module.slug,
            "number": number,
            "quiz_version": quiz.version,
            "course_version": plan.course_version,
            "pass_mark": quiz.pass_mark,
            "practice": practice,
            "started_at": started,
            "max_score": float(len(drawn)),
        }
        if answered is not None:
            attempt.update(status="open", open_module=plan.module.slug, submitted_at=None, score=0.0)
            attempt.update(percent=None, passed=None)
        else:
            result = grading.grade(snapshots, responses, quiz.pass_mark)
            for item, score in zip(items, result.item_scores, strict=True):
                item["score"] = score
            attempt.update(status="submitted", open_module=None, submitted_at=self.event(10, 60))
            attempt.update(score=result.score, percent=result.percent, passed=result.passed)
            history.seen.update(drawn)
            history.last_seen.update(dict.fromkeys(drawn, number))
            history.missed = selection.missed_objectives(
                (plan.questions[item["question_id"]].objective, item["score"]) for item in items
            )
            history.attempts += 1
        self.batch.attempts.append(attempt)
        self.batch.items.extend(items)
        return attempt

    def undo_last_attempt(self, clock: float, last: float) -> None:
        attempt = self.batch.attempts.pop()
        del self.batch.items[-int(attempt["max_score"]) :]
        self.clock, self.last = clock, last

    def module(self, plan: ModulePlan, finish: bool) -> None:
        """Read the module and take its quiz until passed (`finish`), or stop somewhere along the way:
        reading, lessons done, failed attempts only, or an attempt left open."""
        pages, quiz, rng = len(plan.anchors), plan.module.quiz, self.rng
        opened, completed, stop = pages, pages, "pass"
        if not finish:
            stage = rng.random()
            if stage < 0.35:
                opened = rng.randint(1, pages)
                completed = rng.randint(0, min(opened, pages - 1))
                stop = "reading"
            else:
                stop = "lessons" if stage < 0.5 else "fail" if stage < 0.85 else "open"
        self.read(plan, opened, completed)
        counted: list[dict] = []
        history = History()
        while stop in ("pass", "fail", "open"):
            self.pause(0.3)
            clock, last = self.clock, self.last
            attempt = self.attempt(plan, len(counted) + 1, history, practice=False)
            if attempt["passed"] and stop != "pass":  # this trainee has not got that far yet
                self.undo_last_attempt(clock, last)
                break
            counted.append(attempt)
            if attempt["passed"]:
                break
            self.pause(1, quiz.retake_wait_minutes * 60, 3600)
        if stop == "pass" and rng.random() < PRACTICE:
            self.pause(1, 600, 86400)
            self.attempt(plan, len(counted) + 1, history, practice=True)
        elif stop == "open":
            self.attempt(
                plan, len(counted) + 1, history, practice=False, answered=rng.randint(0, quiz.questions_per_attempt)
            )
        score = grading.module_score([a["percent"] for a in counted], quiz.grading)
        self.batch.summaries.append(
            {
                "user_id": self.index,
                "module_slug": plan.module.slug,
                "pages_done": completed,
                "lessons_done": completed == pages,
                "attempts": len(counted),
                "failed_attempts": sum(1 for a in counted if not a["passed"]),
                "score": score,
                "passed": score is not None and score >= quiz.pass_mark,
                "last_activity_at": self.last,
            }
        )

    def course(self, plans: list[ModulePlan], finished: bool) -> None:
        """Modules in catalog order: the first `reach` passed, the next one under way."""
        reach = len(plans) if finished else self.rng.randrange(len(plans))
        for plan in plans[:reach]:
            self.module(plan, finish=True)
            self.pause(0.5)
        if reach < len(plans):
            self.module(plans[reach], finish=False)

    def finish(self, now: datetime, spread_days: float = SPREAD_DAYS) -> datetime:
        """Turn clock offsets into times, the last activity `spread_days` or less ago; returns the start."""
        latest = now - timedelta(days=spread_days * self.rng.random() ** 1.3)
        start = latest - timedelta(seconds=self.last)

        def at(offset: float | None) -> datetime | None:
            return None if offset is None else start + timedelta(seconds=offset)

        batch, marks = self.batch, self.marks
        for row in batch.pages[marks["pages"] :]:
            row["started_at"], row["last_viewed_at"] = at(row["started_at"]), at(row["last_viewed_at"])
            row["completed_at"] = at(row["completed_at"])
        for row in batch.attempts[marks["attempts"] :]:
            row["started_at"], row["submitted_at"] = at(row["started_at"]), at(row["submitted_at"])
        for row in batch.items[marks["items"] :]:
            row["answered_at"] = at(row["answered_at"])
        for row in batch.summaries[marks["summaries"] :]:
            row["last_activity_at"] = at(row["last_activity_at"])
        return start


class Seeder:
    def __init__(self, catalog: Catalog, rng: random.Random, hashed: str, now: datetime, mail_rng: random.Random):
        self.plans = plan_catalog(catalog, rng)
        self.rules = catalog.course.certification
        self.objective_pools: dict[str, dict[int, list[str]]] = {}
        for plan in self.plans:
            pools = self.objective_pools.setdefault(plan.module.slug, {})
            for question in plan.questions.values():
                pools.setdefault(question.objective, []).append(question.id)
        self.rng, self.password_hash, self.now = rng, hashed, now
        # Who confirmed their email, and when, is drawn apart: the progress stays what the seed made it before.
        self.mail_rng = mail_rng
        self.counts: Counter[str] = Counter()

    def user(self, email: str, name: str, role: str, created_at: datetime, confirmed: bool = True) -> dict:
        """An account; a confirmed one opened its confirmation link within the hour after it was made."""
        return {
            "email": email,
            "display_name": name,
            "password_hash": self.password_hash,
            "role": role,
            "must_change_password": False,
            "session_token": new_session_token(),
            "created_at": created_at,
            "email_verified_at": created_at + timedelta(minutes=self.mail_rng.uniform(1, 60)) if confirmed else None,
        }

    def name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def cohorts(self, count: int, first: int) -> tuple[list[int], list[str]]:
        """Cohorts with one instructor each; returns the cohort ids and the instructors' emails."""
        emails = [f"instructor{first + n:03d}@{DOMAIN}" for n in range(count)]
        created = self.now - timedelta(days=SPREAD_DAYS + 30)
        users = [self.user(email, self.name(), Role.INSTRUCTOR, created) for email in emails]
        instructor_ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), users))
        # "Complete by" dates: every third cohort has none; the others fall from six weeks ago to months ahead.
        cohorts = [
            {"name": f"Demo cohort {first + n:03d}", "join_code": new_join_code(), "created_by_id": user_id}
            | {"due_on": None if n % 3 == 2 else (self.now + timedelta(days=40 * n - 45)).date()}
            for n, user_id in enumerate(instructor_ids)
        ]
        cohort_ids = list(
            db.session.scalars(insert(Cohort).returning(Cohort.id, sort_by_parameter_order=True), cohorts)
        )
        db.session.execute(
            insert(CohortInstructor),
            [{"cohort_id": c, "user_id": u} for c, u in zip(cohort_ids, instructor_ids, strict=True)],
        )
        db.session.commit()
        return cohort_ids, emails

    def trainees(self, first: int, done: int, count: int, total: int, cohort_ids: list[int]) -> None:
        """Seed `count` trainees, numbered from `first`, in one transaction; `done` were seeded before."""
        batch, rng = Batch(), self.rng
        for index in range(count):
            number = first + index
            trainee = Trainee(index, batch, rng)
            kind = rng.random()
            name = self.name()
            confirmed = self.mail_rng.random() >= UNCONFIRMED
            if kind >= NOT_STARTED:
                finished = kind < NOT_STARTED + FINISHED
                trainee.course(self.plans, finished=finished)
                spread = FINISHED_SPREAD_DAYS if finished else SPREAD_DAYS
                created = trainee.finish(self.now, spread) - timedelta(seconds=rng.uniform(60, 86400))
                self.staying_current(trainee, name, finished, confirmed)
            else:
                created = self.now - timedelta(days=SPREAD_DAYS * rng.random())
            email = f"trainee{number:05d}@{DOMAIN}"
            batch.users.append(self.user(email, name, Role.TRAINEE, created, confirmed))
            self.counts.update(unconfirmed=not confirmed)
            # Contiguous blocks, like intakes; a few trainees sit in two cohorts, a few in none yet.
            home = (done + index) * len(cohort_ids) // total
            roll = rng.random()
            if roll >= 0.01:
                batch.members.append({"cohort_id": cohort_ids[home], "user_id": index})
            if roll > 0.97 and len(cohort_ids) > 1:
                batch.members.append({"cohort_id": cohort_ids[(home + 1) % len(cohort_ids)], "user_id": index})
        self.write(batch)

    def staying_current(self, trainee: Trainee, name: str, finished: bool, confirmed: bool = True) -> None:
        """After the passes: each passed module's period, refresher schedule and answers (simulated by
        recertification.history with the app's own rules), lapses and renewals in the audit trail, and
        for those who finished with a confirmed email, their certificate (and the one it replaced, if a
        renewal moved its end); an unconfirmed finisher has none yet, as the app would issue none."""
        batch, rng, rules = trainee.batch, self.rng, self.rules
        passes = {
            a["module_slug"]: a["submitted_at"]
            for a in reversed(batch.attempts[trainee.marks["attempts"] :])
            if a["passed"] and not a["practice"]
        }
        periods = {}
        answers: list[tuple[datetime, dict]] = []
        for plan in self.plans:
            passed_at = passes.get(plan.module.slug)
            if passed_at is None:
                continue
            slug, user = plan.module.slug, trainee.index
            # A generator of the module's own: how many draws its history takes depends on the time of day
            # of the run, and must not shift every draw after it (same seed, same day: same demo).
            own = random.Random(rng.getrandbits(64))  # noqa: S311 - demo data
            lived = history.simulate(
                passed_at, len(plan.module.objectives), trainee.ability - ABILITY_MEAN, self.now, rules, own
            )
            periods[slug] = lived.period
            p = lived.period
            batch.periods.append(
                {"user_id": user, "module_slug": slug, "certified_at": p.certified_at, "valid_until": p.valid_until}
                | {"lapsed_at": p.lapsed_at, "renewals": p.renewals}
            )
            for number, card in lived.cards.items():
                batch.cards.append(
                    {"user_id": user, "module_slug": slug, "objective": number, "card": card.card}
                    | {"due_at": card.due_at, "reviewed_at": passed_at}
                )
            by_objective = self.objective_pools[slug]
            for answer in lived.answers:
                question = plan.questions[own.choice(by_objective[answer.objective])]
                variant = question.variants[own.randrange(VARIANTS)]
                response = variant.right if answer.right else variant.wrongs[0]
                answers.append(
                    (
                        answer.at,
                        {"user_id": user, "module_slug": slug, "objective": answer.objective}
                        | {"question_id": question.id, "snapshot": variant.snapshot, "response": response}
                        | {"score": 1.0 if answer.right else 0.0, "answered_at": answer.at}
                        | {"days_since_pass": answer.days_since_pass},
                    )
                )
            for at, event in lived.events:
                lapse = event is policy.Event.LAPSE
                batch.events.append(
                    {"actor_id": None, "subject_id": user, "module_slug": slug, "created_at": at}
                    | {"action": "lapse" if lapse else "renewal"}
                    | {"reason": "Demo: refreshers not kept up" if lapse else "Renewed by refreshers kept up"}
                )
        self.refreshers_of(trainee.index, batch, sorted(answers, key=lambda pair: pair[0]))
        if finished and confirmed and len(periods) == len(self.plans):
            self.certificates_of(trainee.index, batch, name, passes, periods)

    def refreshers_of(self, user: int, batch: Batch, answers: list[tuple[datetime, dict]]) -> None:
        """Answers of the same day, up to five, form one refresher."""
        current_day, position = None, 0
        for at, item in answers:
            if at.date() != current_day or position == 5:
                current_day, position = at.date(), 0
                batch.refreshers.append({"user_id": user, "open_of": None, "started_at": at, "finished_at": at})
            position += 1
            batch.refresher_items.append(item | {"refresher_id": len(batch.refreshers) - 1, "position": position})

    def certificates_of(self, user: int, batch: Batch, name: str, passes: dict, periods: dict) -> None:
        first = [policy.renewed_by_pass(None, passes[slug], self.rules) for slug in periods]
        completed, ends = policy.certificate_dates(first)
        now_completed, now_ends = policy.certificate_dates(list(periods.values()))
        scores = [{"module": p.module.slug, "title": p.module.title, "score": 100.0} for p in self.plans]
        row = {"user_id": user, "holder_name": name, "scores": scores, "revoked_at": None, "superseded_by_id": None}
        if now_ends != ends and ends is not None:  # a renewal moved the end: the first one was superseded
            batch.certificates.append(
                row
                | {"current_of": None, "code": new_code(), "issued_at": completed, "completed_at": completed}
                | {"valid_until": ends, "superseded_at": min(ends, self.now)}
            )
        batch.certificates.append(
            row
            | {"current_of": user, "code": new_code(), "issued_at": now_completed, "completed_at": now_completed}
            | {"valid_until": now_ends, "superseded_at": None}
        )

    def write(self, batch: Batch) -> None:
        # A demo trainee last logged in for their latest activity (the admin's list shows it; issue 24, A4).
        latest: dict[int, datetime] = {}
        for row in batch.summaries:
            latest[row["user_id"]] = max(latest.get(row["user_id"], row["last_activity_at"]), row["last_activity_at"])
        for index, user in enumerate(batch.users):
            user["last_login_at"] = latest.get(index)
        user_ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), batch.users))
        for rows in (
            batch.members,
            batch.pages,
            batch.attempts,
            batch.summaries,
            batch.periods,
            batch.cards,
            batch.refreshers,
            batch.refresher_items,
            batch.certificates,
        ):
            for row in rows:
                row["user_id"] = user_ids[row["user_id"]]
        for row in batch.certificates:
            row["current_of"] = row["user_id"] if row["current_of"] is not None else None
        for row in batch.events:
            row["subject_id"] = row["actor_id"] = user_ids[row["subject_id"]]
        refresher_ids = _inserted_ids(Refresher, batch.refreshers)
        for row in batch.refresher_items:
            row["refresher_id"] = refresher_ids[row["refresher_id"]]
        attempt_ids = _inserted_ids(QuizAttempt, batch.attempts)
        for row in batch.items:
            row["attempt_id"] = attempt_ids[row["attempt_id"]]
        for model, rows in (
            (CohortMember, batch.members),
            (LessonProgress, batch.pages),
            (AttemptItem, _snapshots_as_json(batch.items)),
            (ModuleSummary, batch.summaries),
            (ModuleCertification, batch.periods),
            (RefresherCard, batch.cards),
            (RefresherItem, _snapshots_as_json(batch.refresher_items)),
            (Certificate, batch.certificates),
            (AuditEvent, batch.events),
        ):
            statement = insert(model.__table__)  # Core, not ORM, inserts: a third faster for these rows
            if rows and "snapshot_json" in rows[0]:
                # untyped: no JSON encoding again, and PostgreSQL reads the text as json
                statement = statement.values(snapshot=type_coerce(bindparam("snapshot_json"), NullType()))
            for start in range(0, len(rows), 5000):
                db.session.execute(statement, rows[start : start + 5000])
        rolled_up = summary.totals(ModuleSummary.user_id.in_(user_ids))  # as every learner write keeps them
        db.session.execute(
            insert(TraineeTotals.__table__).from_select(list(rolled_up.selected_columns.keys()), rolled_up)
        )
        db.session.commit()
        self.counts.update(
            trainees=len(batch.users),
            pages=len(batch.pages),
            attempts=len(batch.attempts),
            items=len(batch.items),
            refresher_answers=len(batch.refresher_items),
            certificates=len(batch.certificates),
        )


def _inserted_ids(model, rows: list[dict]) -> list[int]:
    """Their ids, in the rows' order. In chunks: SQLAlchemy splices each RETURNING batch onto the ones
    before it, which grows with the square of the rows in one call."""
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return [
        id_ for start in range(0, len(rows), 5000) for id_ in db.session.scalars(statement, rows[start : start + 5000])
    ]


def _snapshots_as_json(rows: list[dict]) -> list[dict]:
    """Each row's question snapshot as JSON text, encoded once per variant (the rows share a few thousand
    snapshot dicts): encoding one per row was a sixth of the seed's time."""
    encoded: dict[int, str] = {}
    for row in rows:
        snapshot = row.pop("snapshot")
        text = encoded.get(id(snapshot))
        if text is None:
            text = encoded[id(snapshot)] = json.dumps(snapshot)
        row["snapshot_json"] = text
    return rows


def _next_number(prefix: str) -> int:
    """The first free number for demo emails, so `--force` adds accounts beside earlier demo ones."""
    emails = db.session.scalars(select(User.email).where(User.email.like(f"{prefix}%@{DOMAIN}")))
    numbers = [int(e[len(prefix) :].split("@")[0]) for e in emails if e[len(prefix) :].split("@")[0].isdigit()]
    return max(numbers, default=0) + 1


@bp.cli.command("seed")
@click.option("--trainees", type=click.IntRange(1, 1_000_000), required=True, help="How many trainees to create.")
@click.option("--cohorts", type=click.IntRange(1, 10_000), default=None, help="Cohorts, each with one instructor.")
@click.option("--seed", "seed_value", type=int, default=None, help="Random seed, for the same data again.")
@click.option("--force", is_flag=True, help="Add demo data even though the database already has trainees.")
def seed(trainees: int, cohorts: int | None, seed_value: int | None, force: bool) -> None:
    """Fill the database with demo trainees, cohorts and instructors, and their progress.

    Never for production data: the accounts share one password, printed once.
    """
    existing = db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.TRAINEE))
    if existing and not force:
        raise click.ClickException(
            f"The database already has {existing} trainees; demo data would mix with them. "
            "Use a fresh database, or --force to add demo trainees anyway."
        )
    cohorts = cohorts or trainees // 250 + 1
    seed_value = secrets.randbits(32) if seed_value is None else seed_value
    password = secrets.token_urlsafe(12)
    began = time.perf_counter()
    rng = random.Random(seed_value)  # noqa: S311 - demo data needs repeatability, not secrecy
    mail_rng = random.Random(f"{seed_value}-email")  # noqa: S311 - the same again, like `rng`
    seeder = Seeder(current_app.extensions["catalog"], rng, hash_password(password), utcnow(), mail_rng)
    cohort_ids, emails = seeder.cohorts(cohorts, _next_number("instructor"))
    first = _next_number("trainee")
    for offset in range(0, trainees, BATCH):
        count = min(BATCH, trainees - offset)
        seeder.trainees(first + offset, offset, count, trainees, cohort_ids)
        click.echo(
            f"  {offset + count:>7,}/{trainees:,} trainees, {seeder.counts['attempts']:,} attempts, "
            f"{seeder.counts['items']:,} answers ({time.perf_counter() - began:.1f} s)"
        )
    click.echo(
        f"Seeded {trainees:,} trainees in {cohorts} cohorts (seed {seed_value}): {seeder.counts['pages']:,} lesson "
        f"pages, {seeder.counts['attempts']:,} attempts, {seeder.counts['items']:,} answers, "
        f"{seeder.counts['refresher_answers']:,} refresher answers, {seeder.counts['certificates']:,} certificates, "
        f"in {time.perf_counter() - began:.1f} s. {seeder.counts['unconfirmed']:,} trainees have not confirmed their "
        "email (no certificate is issued to them until they do)."
    )
    click.echo("Instructors (instructor NNN follows Demo cohort NNN):")
    for email in emails:
        click.echo(f"  {email}")
    click.echo(f"Demo password (every demo account): {password}")
