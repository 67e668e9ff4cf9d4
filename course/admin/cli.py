"""`flask users ...`: account administration from the shell."""

from __future__ import annotations

import sys

import click
from flask import Blueprint

from ..errors import CourseError
from ..identity import services
from ..identity.models import ROLES, Role
from . import operations

bp = Blueprint("users_cli", __name__, cli_group="users")


@bp.cli.command("create")
@click.argument("email")
@click.option("--name", default=None, help="Display name (defaults to the part of the email before @).")
@click.option("--role", type=click.Choice(ROLES), default=Role.TRAINEE.value, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, name: str | None, role: str, password_stdin: bool) -> None:
    """Create an account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.register(email, name or email.split("@")[0], password, role=role)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role} {user.email}")


@bp.cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--reason", default="Changed on the command line", show_default=True, help="Kept in the audit trail.")
def set_role(email: str, role: str, reason: str) -> None:
    """Change an account's role, under the admin console's rules (the last active admin stays one) and with
    an entry in the account's audit trail."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No account with email {services.normalise_email(email)}.")
    try:
        user = operations.change_role(None, user.id, role, reason)
    except CourseError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{user.email} is now {user.role}")


@bp.cli.command("list")
def list_users() -> None:
    """List every account."""
    for user in services.list_users():
        click.echo(f"{user.role:<10} {user.email:<40} {user.display_name}")


@bp.cli.command("ensure-admin")
@click.option("--email", envvar="ADMIN_EMAIL", default="admin@example.com", show_default=True)
def ensure_admin(email: str) -> None:
    """Create the first admin with a one-time password, if the database has no admin."""
    created = services.ensure_admin(email)
    if created:
        user, password = created
        click.echo(f"Created the first admin account: {user.email}")
        click.echo(f"One-time password (shown once; you must change it at first log-in): {password}")
