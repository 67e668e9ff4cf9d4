"""`flask lti ...`: register platforms and deployments, rotate the tool's key, send waiting grades."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from ..clock import utcnow
from ..errors import CourseError
from . import grades, keys, platforms

bp = Blueprint("lti_cli", __name__, cli_group="lti")


@bp.cli.command("add-platform")
@click.option("--issuer", required=True, help="The platform's issuer (Moodle: its site URL).")
@click.option("--client-id", required=True, help="The client id the platform gave this tool.")
@click.option("--auth-login-url", required=True, help="The platform's OIDC authentication request URL.")
@click.option("--auth-token-url", required=True, help="The platform's access token URL.")
@click.option("--key-set-url", required=True, help="The platform's public keyset (JWKS) URL.")
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True, help="Repeat for several.")
@click.option("--name", default="", help="A name for the list (default: the issuer's host).")
def add_platform(issuer, client_id, auth_login_url, auth_token_url, key_set_url, deployment_ids, name) -> None:
    """Register an LMS platform (or add deployments to one registered with the same issuer and client id)."""
    fields = platforms.PlatformFields(name, issuer, client_id, auth_login_url, auth_token_url, key_set_url)
    try:
        platform = platforms.add_platform(fields, list(deployment_ids), utcnow(), current_app.config["LTI_ALLOW_HTTP"])
    except CourseError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"platform #{platform.id} {platform.name}: deployments {', '.join(platforms.deployments_of(platform.id))}"
    )


@bp.cli.command("list")
def list_() -> None:
    """The registered platforms and their deployments."""
    for platform, deployments in platforms.list_platforms():
        click.echo(f"#{platform.id} {platform.name}  issuer={platform.issuer}  client_id={platform.client_id}")
        click.echo(f"    deployments: {', '.join(deployments) or '(none: every launch is refused)'}")


@bp.cli.command("remove")
@click.argument("platform_id", type=int)
@click.option("--deployment-id", help="Remove only this deployment.")
def remove(platform_id: int, deployment_id: str | None) -> None:
    """Remove a platform (or one of its deployments)."""
    try:
        platforms.remove(platform_id, deployment_id)
    except CourseError as error:
        raise click.ClickException(error.message) from None
    click.echo("removed")


@bp.cli.command("rotate-key")
def rotate_key() -> None:
    """Make a new signing key; the JWKS publishes it and the previous one until the next rotation."""
    key = keys.add_key(current_app.config["LTI_KEY_DIR"])
    click.echo(
        f"new key {key.kid}; published: {', '.join(k.kid for k in keys.keys(current_app.config['LTI_KEY_DIR']))}"
    )


@bp.cli.command("send-grades")
def send_grades() -> None:
    """Post the grades that are due to the LMS (run it every minute from cron)."""
    config = current_app.config
    sent, failed = grades.send_due(grades.poster(config["LTI_KEY_DIR"], config["LTI_TIMEOUT"]), utcnow())
    click.echo(f"sent {sent}, not sent {failed}")
    if failed:
        raise SystemExit(1)
