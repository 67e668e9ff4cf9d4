"""`flask reminders send`: for a daily timer. It first records what time changed (lapses, renewals: the
sweep of recertification/standing.py), then sends each person one digest of what is due. Idempotent:
what was sent is recorded, so a second run sends nothing already sent; a message the mail server refused
is retried by the next run."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from ..clock import utcnow
from ..core import mail
from ..recertification import standing
from . import emails, reminders

bp = Blueprint("reminders_cli", __name__, cli_group="reminders")
CLAIM_BATCH = 200  # digests recorded per commit before they are sent


@bp.cli.command("send")
@click.option("--dry-run", is_flag=True, help="List who is due what; send nothing and record nothing.")
def send(dry_run: bool) -> None:
    """Email each trainee one digest: refreshers due, a due date near or passed, a certificate expiring
    within 30 days, a quiz left open for a day, or REMINDER_INACTIVE_DAYS without activity."""
    config = current_app.config
    now = utcnow()
    catalog = current_app.extensions["catalog"]
    if not dry_run:
        swept = standing.sweep(now, catalog)
        click.echo(
            f"Recorded {swept.lapses} lapse(s), {swept.renewals} renewal(s), {swept.certificates} certificate(s)."
        )
    base = config.get("BASE_URL") or "http://127.0.0.1:5000"
    sent = failed = 0
    with current_app.test_request_context(base_url=base):
        everyone = reminders.digests(reminders.due(now, config["REMINDER_INACTIVE_DAYS"]))
        if dry_run:
            for digest in everyone:
                click.echo(f"{', '.join(i.kind for i in digest.items):<30} {digest.user.email}")
            return
        with mail.one_connection():
            for start in range(0, len(everyone), CLAIM_BATCH):
                for digest in reminders.claim_batch(everyone[start : start + CLAIM_BATCH], now):
                    if emails.send_digest(digest, catalog):
                        sent += 1
                    else:
                        reminders.release(digest)
                        failed += 1
    click.echo(f"Sent {sent} reminder(s).")
    if failed:
        raise click.ClickException(f"{failed} reminder(s) could not be sent; the next run tries them again.")
