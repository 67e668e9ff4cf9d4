"""Every kind of page the site serves, in the states that change what it shows, for the checks that must see
them all (axe-core in the browser, the Nu HTML Checker on the served markup).

`build_tour` sets up the people and their progress through the app's services (a demo cohort for the
instructor pages, a trainee who has passed everything, one half-way with an attempt open in every other
module) and returns the stops: a URL, who looks at it, the status it answers, and for a form the POST that
shows its error state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from course.enrolment import invitations
from course.enrolment.models import Cohort
from course.extensions import db
from course.identity import profile
from course.identity.models import User
from course.learning import services as learning
from course.quizzes import services as quizzes
from course.quizzes.models import QuizAttempt

from .journey import form_for

QUESTION_TYPES = ("single", "multiple", "true_false", "matching")


@dataclass(frozen=True)
class Stop:
    name: str
    url: str
    who: str | None = None  # a key of Tour.users, or None for a visitor
    status: int = 200
    # A form's error state: the button a person presses with the form left empty, and where that posts.
    submit: str | None = None
    post_to: str | None = None


@dataclass
class Tour:
    users: dict[str, object]
    stops: list[Stop] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)  # every lesson page, for the ada (done) trainee


def _read_all(app, user_id: int, modules) -> None:
    for module in modules:
        for page in module.pages:
            learning.complete_page(user_id, module, page.anchor)


def _answer_and_submit(app, user_id: int, attempt_id: int, right: bool, leave_out: int = 0) -> None:
    attempt = quizzes.get_attempt(user_id, attempt_id)
    items = [(item.position, item.snapshot) for item in attempt.items]
    for position, snapshot in items[: len(items) - leave_out]:
        quizzes.save_answer(user_id, attempt_id, position, form_for(snapshot, right))


def build_tour(app, make_user, runner) -> Tour:
    seeded = runner.invoke(args=["demo", "seed", "--trainees", "12", "--cohorts", "2", "--seed", "5"])
    assert seeded.exit_code == 0, seeded.output
    admin = make_user("admin", name="Ann Admin")
    ada = make_user(name="Ada Lovelace")  # passes every module (one after a failed attempt)
    # An attempt open in every module but the first; a long email, to see that the account page still reflows.
    bea = make_user(name="Bea Halfway", email="bea.halfway.at.the.evening.clinic@training-department.example.org")
    catalog = app.extensions["catalog"]
    modules = catalog.modules
    first = modules[0]
    with app.app_context():
        _read_all(app, ada.id, modules)
        for module in modules[1:]:
            attempt_id = quizzes.start_attempt(ada.id, module).id
            _answer_and_submit(app, ada.id, attempt_id, right=True)
            quizzes.submit(ada.id, catalog, attempt_id)
        failed_id = quizzes.start_attempt(ada.id, first).id
        _answer_and_submit(app, ada.id, failed_id, right=False)
        quizzes.submit(ada.id, catalog, failed_id)
        attempt = db.session.get(QuizAttempt, failed_id)
        attempt.submitted_at -= timedelta(minutes=10)
        db.session.commit()
        passed_id = quizzes.start_attempt(ada.id, first).id
        _answer_and_submit(app, ada.id, passed_id, right=True)
        quizzes.submit(ada.id, catalog, passed_id)
        code = learning.certificate_for(ada.id, ada.display_name, catalog).code

        _read_all(app, bea.id, modules)
        question_of_type: dict[str, str] = {}
        open_ids = []
        for module in modules[1:]:
            attempt = quizzes.start_attempt(bea.id, module)
            open_ids.append(attempt.id)
            for item in attempt.items:
                question_of_type.setdefault(item.snapshot["type"], f"/attempts/{attempt.id}/questions/{item.position}")
        assert sorted(question_of_type) == sorted(QUESTION_TYPES)
        _answer_and_submit(app, bea.id, open_ids[0], right=False, leave_out=1)  # the confirm page lists a gap
        first_trainee = db.session.scalar(
            select(QuizAttempt.user_id).where(QuizAttempt.submitted_at.is_not(None)).order_by(QuizAttempt.id)
        )
        seeded_attempt = db.session.scalar(
            select(QuizAttempt.id)
            .where(QuizAttempt.user_id == first_trainee, QuizAttempt.submitted_at.is_not(None))
            .order_by(QuizAttempt.id)
        )
        # The links people follow from their email, and an invitation waiting in a cohort.
        secret = app.config["SECRET_KEY"]
        reset_link = f"/reset-password/{profile.reset_token(secret, db.session.get(User, bea.id))}"
        cohort = db.session.scalar(select(Cohort).order_by(Cohort.id))
        row = invitations.RosterRow(1, "new.nurse@clinic.example", "Nia New")
        [invitation] = invitations.invite(db.session.get(User, admin.id), cohort, (row,), days=14).invitations
        invitation_link = f"/invitations/{invitations.invitation_token(secret, invitation)}"
        cohort_id, cohort_name = cohort.id, cohort.name

    tour = Tour(users={"admin": admin, "ada": ada, "bea": bea})
    add = tour.stops.append
    # A visitor
    add(Stop("home", "/"))
    add(Stop("module", f"/modules/{modules[2].slug}"))
    add(Stop("login", "/login"))
    add(Stop("login, errors", "/login", status=400, submit="Log in", post_to="/login"))
    add(Stop("register", "/register"))
    add(Stop("register, errors", "/register", status=400, submit="Register", post_to="/register"))
    add(Stop("verify form", "/verify"))
    add(Stop("verify, valid", f"/verify/{code}"))
    add(Stop("verify, unknown", "/verify/NOPE-NOPE-NOPE", status=404))
    add(Stop("not found", "/no-such-page", status=404))
    add(Stop("method not allowed", "/logout", status=405))
    add(Stop("accessibility statement", "/accessibility"))
    add(Stop("sources and review dates", "/sources"))
    add(Stop("forgot password", "/forgot-password"))
    add(Stop("forgot, errors", "/forgot-password", status=400, submit="Send me a link", post_to="/forgot-password"))
    add(Stop("reset password", reset_link))
    add(Stop("reset, errors", reset_link, status=400, submit="Set the new password", post_to=reset_link))
    add(Stop("reset link tampered", "/reset-password/forged", status=400))
    add(Stop("email confirmation tampered", "/account/verify-email/forged", status=400))
    add(Stop("invitation accept", invitation_link))
    add(
        Stop(
            "invitation accept, errors",
            invitation_link,
            status=400,
            submit="Create my account",
            post_to=invitation_link,
        )
    )
    # A trainee half-way, with attempts open
    add(Stop("dashboard, in progress", "/dashboard", "bea"))
    for question_type in QUESTION_TYPES:
        add(Stop(f"question ({question_type})", question_of_type[question_type], "bea"))
    add(Stop("question 2", f"/attempts/{open_ids[1]}/questions/2", "bea"))
    add(Stop("confirm", f"/attempts/{open_ids[0]}/confirm", "bea"))
    add(Stop("quiz, attempt open", f"/modules/{modules[1].slug}/quiz", "bea"))
    add(Stop("account", "/account", "bea"))
    add(Stop("delete account", "/account/delete", "bea"))
    add(
        Stop(
            "delete, errors",
            "/account/delete",
            "bea",
            status=400,
            submit="Delete my account",
            post_to="/account/delete",
        )
    )
    add(Stop("not allowed: instructor pages", "/instructor/", "bea", status=403))
    add(Stop("not allowed: admin console", "/admin/", "bea", status=403))
    add(Stop("certificate refused", "/certificate", "bea", status=403))
    add(Stop("account, join errors", "/account", "bea", status=400, submit="Join", post_to="/account/join"))
    add(Stop("password", "/account/password", "bea"))
    add(
        Stop(
            "password, errors",
            "/account/password",
            "bea",
            status=400,
            submit="Change password",
            post_to="/account/password",
        )
    )
    # A trainee who has passed everything
    add(Stop("dashboard, all passed", "/dashboard", "ada"))
    add(Stop("quiz, history", f"/modules/{first.slug}/quiz", "ada"))
    add(Stop("result, not passed", f"/attempts/{failed_id}", "ada"))
    add(Stop("result, passed", f"/attempts/{passed_id}", "ada"))
    add(Stop("certificate", "/certificate", "ada"))
    # An instructor (admin)
    add(Stop("matrix", "/instructor/", "admin"))
    add(Stop("matrix, filtered", "/instructor/?signal=needs-help&sort=activity", "admin"))
    add(Stop("matrix, nobody", "/instructor/?q=nobody-by-that-name", "admin"))
    add(Stop("trainee detail", f"/instructor/trainees/{first_trainee}", "admin"))
    add(
        Stop(
            "trainee action, errors",
            f"/instructor/trainees/{first_trainee}",
            "admin",
            status=400,
            submit="Apply and record",
            post_to=f"/instructor/trainees/{first_trainee}/actions",
        )
    )
    add(Stop("trainee attempt", f"/instructor/trainees/{first_trainee}/attempts/{seeded_attempt}", "admin"))
    add(Stop("statistics", f"/instructor/statistics?module={modules[2].slug}", "admin"))
    add(Stop("cohorts", "/instructor/cohorts", "admin"))
    add(
        Stop(
            "cohorts, create errors",
            "/instructor/cohorts",
            "admin",
            status=400,
            submit="Create cohort",
            post_to="/instructor/cohorts",
        )
    )
    add(Stop("exports", "/instructor/exports", "admin"))
    add(
        Stop(
            "cohorts, add an instructor errors",
            "/instructor/cohorts",
            "admin",
            status=400,
            submit=f"Add an instructor to {cohort_name}",
            post_to=f"/instructor/cohorts/{cohort_id}/instructors",
        )
    )
    invitations_page = f"/instructor/cohorts/{cohort_id}/invitations"
    add(Stop("invitations, pending", invitations_page, "admin"))
    add(
        Stop("invitations, empty list", invitations_page, "admin", 400, "Check the list", f"{invitations_page}/preview")
    )
    # The admin console
    add(Stop("admin console", "/admin/", "admin"))
    add(Stop("admin console, search", "/admin/?q=bea", "admin"))
    add(Stop("admin console, nobody", "/admin/?q=nobody-by-that-name", "admin"))
    add(Stop("admin user", f"/admin/users/{bea.id}", "admin"))
    add(Stop("admin erase", f"/admin/users/{bea.id}/erase", "admin"))
    erase_button = f"Erase the personal data of {bea.display_name}"
    add(
        Stop(
            "admin erase, errors",
            f"/admin/users/{bea.id}/erase",
            "admin",
            400,
            erase_button,
            f"/admin/users/{bea.id}/erase",
        )
    )
    add(Stop("LTI platforms", "/admin/lti/", "admin"))
    add(Stop("LTI platforms, errors", "/admin/lti/", "admin", status=400, submit="Register", post_to="/admin/lti/"))
    add(Stop("LMS grades and rosters", "/lti/manage", "admin"))
    add(Stop("LTI launch refused", "/lti/login", status=400))
    add(Stop("compliance", "/instructor/compliance", "admin"))
    add(Stop("retention", "/instructor/retention", "admin"))
    add(Stop("matrix, overdue", "/instructor/?deadline=overdue", "admin"))
    tour.lessons = [f"/modules/{m.slug}/pages/{p.anchor}" for m in modules for p in m.pages]
    return tour
