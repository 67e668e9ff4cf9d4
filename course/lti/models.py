"""The LMS platforms this course is registered with as an LTI 1.3 tool, and what their launches left."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

URL_MAX = 500
ID_MAX = 255


class LtiPlatform(db.Model):
    """One registration: an LMS (issuer) and the client id it gave this tool."""

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(ID_MAX))
    client_id: Mapped[str] = mapped_column(String(ID_MAX))
    auth_login_url: Mapped[str] = mapped_column(String(URL_MAX))
    auth_token_url: Mapped[str] = mapped_column(String(URL_MAX))
    key_set_url: Mapped[str] = mapped_column(String(URL_MAX))
    created_at: Mapped[datetime]


class LtiDeployment(db.Model):
    """A deployment id the platform may launch with; a launch from any other is refused."""

    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(ID_MAX))


class LtiIdentity(db.Model):
    """Who a platform's user (its `sub`) is here."""

    __tablename__ = "lti_identity"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(ID_MAX))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class LtiContext(db.Model):
    """An LMS course (context): its cohort here, and where its roster can be read (NRPS)."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(ID_MAX))
    title: Mapped[str] = mapped_column(String(120))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    memberships_url: Mapped[str | None] = mapped_column(String(URL_MAX))


class LtiLink(db.Model):
    """A resource link placed in the LMS: which module it opens (none: the course home) and the line item
    its grades go to (AGS)."""

    __tablename__ = "lti_link"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(ID_MAX))
    context_id: Mapped[int | None] = mapped_column(ForeignKey("lti_context.id", ondelete="SET NULL"))
    module_slug: Mapped[str | None] = mapped_column(String(80))
    lineitem_url: Mapped[str | None] = mapped_column(String(URL_MAX))


class LtiLinkUser(db.Model):
    """Someone launched this link: their grades for it go back to its line item."""

    __tablename__ = "lti_link_user"
    __table_args__ = (UniqueConstraint("link_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_link.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class LtiScore(db.Model):
    """A score to post to a line item (AGS), queued with the grade and retried with backoff until the
    platform takes it."""

    __tablename__ = "lti_score"
    __table_args__ = (Index("ix_lti_score_due", "status", "next_try_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_link.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    score: Mapped[dict] = mapped_column(db.JSON)  # the AGS score, as posted
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | failed
    created_at: Mapped[datetime]
    next_try_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))


class LtiNonce(db.Model):
    """An id_token nonce already used: a second launch with it is a replay. Kept until the token expires."""

    __tablename__ = "lti_nonce"

    value: Mapped[str] = mapped_column(String(ID_MAX), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LtiStore(db.Model):
    """pylti1p3's launch data (state, login nonce, validated launches), kept in the database rather than
    the Flask session, whose cookie a browser may not send back to an iframe."""

    __tablename__ = "lti_store"

    key: Mapped[str] = mapped_column(String(ID_MAX), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    expires_at: Mapped[datetime] = mapped_column(index=True)
