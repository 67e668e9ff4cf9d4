"""`flask xapi send` and `flask xapi status`: the statement outbox from cron or a shell."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from ..clock import utcnow
from . import outbox

bp = Blueprint("xapi", __name__, cli_group="xapi")


@bp.cli.command("send")
@click.option("--limit", default=10_000, show_default=True, help="Statements to try at most in this run.")
def send(limit: int) -> None:
    """Send the statements that are due to the LRS (run it every minute from cron)."""
    app = current_app._get_current_object()
    if not app.config.get("XAPI_LRS_URL"):
        raise click.ClickException("XAPI_LRS_URL is not set: there is no LRS to send to")
    from . import lrs_poster

    delivery = outbox.send_due(lrs_poster(app), utcnow(), limit=limit)
    click.echo(f"sent {delivery.sent}, rejected {delivery.rejected}, not sent {delivery.failed}")
    if delivery.error:
        click.echo(f"the LRS failed: {delivery.error}; retried later with backoff", err=True)
        raise SystemExit(1)


@bp.cli.command("status")
def status() -> None:
    """How many statements are pending, sent and rejected."""
    click.echo(" ".join(f"{name} {count}" for name, count in outbox.counts().items()))
