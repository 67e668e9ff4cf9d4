"""One action on several accounts at once, from the account list (issue 24, A4).

The request is checked whole first: a selection of known accounts (at most a page's worth), a known
action, a reason, and for "add to a cohort" an open cohort. Anything wrong there does nothing at all
and says what (4xx).

Then each account is one transaction of its own, through the very operation the account's page uses
(`operations`), so every rule holds exactly as one by one: the last active admin stays, no admin
deactivates themselves, an erased account is not changed, only trainees take a cohort place, a confirmed
email is not confirmed again. Why not all-or-nothing: those rules refuse accounts for reasons of their
own (one confirmed email among twenty must not hold back the nineteen links), and an email sent cannot
be rolled back. So the valid ones are done, each with its audit entry, and the refused ones are listed
with why. Emails stop at the first the mail server does not take: the rest are listed as not sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from ..enrolment.models import Cohort
from ..errors import CourseError, NotFound
from ..extensions import db
from ..identity.models import User
from . import operations
from .forms import BULK_ACTIONS
from .listing import PER_PAGE

MAIL_DOWN = "Not sent: the mail server did not take the previous message. Try again later."


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


@dataclass
class Outcome:
    action: str
    cohort: Cohort | None = None
    done: list[Person] = field(default_factory=list)
    refused: list[tuple[Person, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return BULK_ACTIONS[self.action]


def selected_ids(raw: list[str]) -> list[int]:
    """The ticked accounts' ids, in order, once each; refused whole when empty, too many or not numbers."""
    ids: list[int] = []
    for value in raw:
        if not value.isdigit() or len(value) > 12:
            raise CourseError("The selection is not a list of accounts. Tick the accounts on the list again.")
        if int(value) not in ids:
            ids.append(int(value))
    if not ids:
        raise CourseError("Select at least one account: tick the box at the start of its row.")
    if len(ids) > PER_PAGE:
        raise CourseError(f"Select at most {PER_PAGE} accounts at a time (one page of the list).")
    return ids


def known_people(ids: list[int]) -> list[Person]:
    """The selected accounts, in the order ticked; an id no account has refuses the whole request."""
    rows = {r.id: r for r in db.session.execute(select(User.id, User.display_name, User.email).where(User.id.in_(ids)))}
    unknown = [str(i) for i in ids if i not in rows]
    if unknown:
        raise NotFound(f"No account has the number {', '.join(unknown)}, so nothing was done. Reload the list.")
    return [Person(i, rows[i].display_name, rows[i].email) for i in ids]


def target_cohort(action: str, raw: str | None) -> Cohort | None:
    if action != "add-to-cohort":
        return None
    if not raw:
        raise CourseError("Choose the cohort to add the selected accounts to.")
    if not raw.isdigit() or len(raw) > 12:
        raise CourseError("There is no such cohort. Choose one from the list.")
    return operations.open_cohort(int(raw))


def apply(
    actor: User, action: str, people: list[Person], reason: str, cohort: Cohort | None, send: Callable[[User], bool]
) -> Outcome:
    """Act on each person in turn, one transaction each; `send` mails a confirmation link (False: the mail
    server did not take it)."""
    outcome = Outcome(action, cohort)
    mail_down = False
    for person in people:
        if mail_down:
            outcome.refused.append((person, MAIL_DOWN))
            continue
        try:
            if action == "deactivate":
                operations.set_active(actor, person.id, False, reason)
            elif action == "reactivate":
                operations.set_active(actor, person.id, True, reason)
            elif action == "add-to-cohort":
                operations.add_to_cohort(actor, person.id, cohort, reason)
            elif action == "resend-confirmation":
                user = operations.record_confirmation_sent(actor, person.id, reason=reason)
                if not send(user):
                    mail_down = True
                    outcome.refused.append((person, "Not sent: the mail server did not answer. Try again later."))
                    continue
            else:
                raise CourseError("Choose an action.")
        except CourseError as error:
            db.session.rollback()  # this account only: its refusal undoes nothing done for the others
            outcome.refused.append((person, error.message))
            continue
        outcome.done.append(person)
    return outcome
