"""Registering LMS platforms (issuer, client id, their endpoints, deployment ids), and pylti1p3's view of
them: a tool configuration read from the database, signing with the tool's newest key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select

from ..errors import Conflict, CourseError, NotFound
from ..extensions import db
from . import keys
from .models import URL_MAX, LtiDeployment, LtiPlatform


@dataclass(frozen=True)
class PlatformFields:
    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str


def _check_url(label: str, url: str, allow_http: bool) -> str:
    url = url.strip()
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.netloc or len(url) > URL_MAX:
        raise CourseError(f"{label} must be an https:// address (at most {URL_MAX} characters).")
    return url


def _checked(fields: PlatformFields, allow_http: bool) -> PlatformFields:
    if not fields.issuer.strip() or not fields.client_id.strip():
        raise CourseError("The issuer and the client id are both needed: copy them from the LMS's tool page.")
    return PlatformFields(
        name=(fields.name.strip() or urlsplit(fields.issuer).netloc or fields.issuer)[:120],
        issuer=fields.issuer.strip()[:255],
        client_id=fields.client_id.strip()[:255],
        auth_login_url=_check_url("The authentication request URL", fields.auth_login_url, allow_http),
        auth_token_url=_check_url("The access token URL", fields.auth_token_url, allow_http),
        key_set_url=_check_url("The public keyset URL", fields.key_set_url, allow_http),
    )


def add_platform(fields: PlatformFields, deployment_ids: list[str], now: datetime, allow_http: bool) -> LtiPlatform:
    """Register a platform with its deployments (or add deployments to one already registered)."""
    fields = _checked(fields, allow_http)
    platform = db.session.scalar(
        select(LtiPlatform).where(LtiPlatform.issuer == fields.issuer, LtiPlatform.client_id == fields.client_id)
    )
    if platform is None:
        platform = LtiPlatform(**fields.__dict__, created_at=now)
        db.session.add(platform)
        db.session.flush()
    else:
        for name, value in fields.__dict__.items():
            setattr(platform, name, value)
    known = set(deployments_of(platform.id))
    for deployment_id in {d.strip()[:255] for d in deployment_ids if d.strip()} - known:
        db.session.add(LtiDeployment(platform_id=platform.id, deployment_id=deployment_id))
    db.session.commit()
    return platform


def deployments_of(platform_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(LtiDeployment.deployment_id)
            .where(LtiDeployment.platform_id == platform_id)
            .order_by(LtiDeployment.deployment_id)
        )
    )


def list_platforms() -> list[tuple[LtiPlatform, list[str]]]:
    platforms = db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.name, LtiPlatform.id)).all()
    return [(p, deployments_of(p.id)) for p in platforms]


def remove(platform_id: int, deployment_id: str | None = None) -> None:
    """Remove one deployment, or the whole platform (its links, identities and queued scores with it;
    the accounts and cohorts it made stay)."""
    platform = db.session.get(LtiPlatform, platform_id)
    if platform is None:
        raise NotFound(f"No platform #{platform_id}.")
    if deployment_id is None:
        db.session.delete(platform)
    else:
        row = db.session.scalar(
            select(LtiDeployment).where(
                LtiDeployment.platform_id == platform_id, LtiDeployment.deployment_id == deployment_id
            )
        )
        if row is None:
            raise Conflict(f"Platform #{platform_id} has no deployment '{deployment_id}'.")
        db.session.delete(row)
    db.session.commit()


def find(issuer: str, client_id: str | None) -> LtiPlatform | None:
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    found = db.session.scalars(query.limit(2)).all()
    return found[0] if len(found) == 1 else None


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _KeyedRegistration(Registration):
    """Names the signing key by its file (what the JWKS publishes) rather than by a hash of the key."""

    def __init__(self, kid: str):
        super().__init__()
        self._kid = kid

    def get_kid(self) -> str:
        return self._kid


def registration_for(platform: LtiPlatform, key_dir: Path) -> Registration:
    """pylti1p3's registration of a platform, signing with the tool's newest key."""
    key = keys.signing_key(key_dir)
    return (
        _KeyedRegistration(key.kid)
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_tool_private_key(key.private_pem)
    )


class DatabaseToolConf(ToolConfAbstract):
    """pylti1p3's tool configuration, read from the registered platforms."""

    def __init__(self, key_dir: Path):
        super().__init__()
        self.key_dir = key_dir

    def _registration(self, platform: LtiPlatform | None) -> Registration | None:
        return None if platform is None else registration_for(platform, self.key_dir)

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False  # always look the registration up by issuer and client id

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self._registration(find(iss, None))

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        return self._registration(find(iss, client_id))

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = find(iss, client_id)
        if platform is None or deployment_id not in deployments_of(platform.id):
            return None
        return Deployment().set_deployment_id(deployment_id)
