"""`flask reminders send`: for cron. Idempotent: what was sent is recorded, so a second run sends nothing
already sent; a message the mail server refused is retried by the next run."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from ..clock import utcnow
from ..core import mail
from . import emails, reminders

bp = Blueprint("reminders_cli", __name__, cli_group="reminders")


@bp.cli.command("send")
@click.option("--dry-run", is_flag=True, help="List who is due a reminder; send nothing.")
def send(dry_run: bool) -> None:
    """Email trainees inactive for REMINDER_INACTIVE_DAYS, and those with a quiz left open for a day."""
    config = current_app.config
    now = utcnow()
    catalog = current_app.extensions["catalog"]
    base = config.get("BASE_URL") or "http://127.0.0.1:5000"
    sent = failed = 0
    with current_app.test_request_context(base_url=base):
        for item in reminders.due(now, config["REMINDER_INACTIVE_DAYS"]):
            if dry_run:
                click.echo(f"{item.kind:<13} {item.user.email}")
                continue
            if not reminders.claim(item, now):
                continue
            module = catalog.module(item.module_slug) if item.module_slug else None
            if item.kind == "open-attempt":
                url = mail.link("quizzes.quiz", slug=item.module_slug)
            else:
                url = mail.link("learning.dashboard")
            ok = emails.send_reminder(
                item.user, item.kind, url, module=module.title if module else "", days=item.idle_days
            )
            if ok:
                sent += 1
            else:
                reminders.release(item)
                failed += 1
    if not dry_run:
        click.echo(f"Sent {sent} reminder(s).")
    if failed:
        raise click.ClickException(f"{failed} reminder(s) could not be sent; the next run tries them again.")
