"""A real LTI 1.3 platform on loopback for the tests: a small Flask app built on `lti1p3platform` 0.1.8,
an independent implementation of the platform side (login initiation, signed launches, deep-linking
responses, client-credentials tokens checked against the tool's JWKS), plus AGS score and NRPS roster
endpoints of its own. Knobs make it misbehave for the negative cases (`Emulator.tamper` etc.).
"""

from __future__ import annotations

import html
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, abort, jsonify, redirect, request
from jwcrypto.jwk import JWK
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from werkzeug.serving import make_server

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def new_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(private_pem: str) -> str:
    return JWK.from_pem(private_pem.encode()).export_to_pem().decode()


class KeyedRegistration(Registration):
    """lti1p3platform's registration, with a `kid` on the platform's key (the tool selects keys by it)."""

    kid = "platform-key-1"

    def get_kid(self):
        return self.kid

    def get_jwks(self):
        return [{**Registration.get_jwk(self.get_platform_public_key()), "kid": self.kid}]


@dataclass
class User:
    sub: str
    name: str
    email: str
    roles: list[str]


@dataclass
class Emulator:
    """What the platform is and does; tests change the knobs between launches."""

    tool: str = ""  # the tool's base URL
    url: str = ""  # the platform's own base URL
    client_id: str = "course-tool"
    deployment_id: str = "deployment-1"
    private_key: str = field(default_factory=new_private_key)
    # knobs for the negative cases
    tamper: bool = False
    aud: str | None = None
    iss: str | None = None
    expired: bool = False
    deployment_override: str | None = None
    down: bool = False  # AGS and NRPS answer 503
    # what it received
    scores: list[dict] = field(default_factory=list)
    deep_links: list[list[dict]] = field(default_factory=list)
    id_tokens: list[dict] = field(default_factory=list)
    members: list[User] = field(default_factory=list)
    # what the next launch carries
    user: User = field(default_factory=lambda: User("u-1", "Lena Learner", "lena@clinic.example", [LEARNER]))
    resource_link: str = "link-1"
    custom: dict | None = None
    document_target: str = "window"
    deep_linking: bool = False

    @property
    def issuer(self) -> str:
        return self.url


class Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self.emulator: Emulator = kwargs["emulator"]
        self.signing = kwargs.get("signing", False)  # the wrong-iss/aud knobs bend only the signed launch

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        e = self.emulator
        return (
            KeyedRegistration()
            .set_iss((self.signing and e.iss) or e.issuer)
            .set_client_id(e.client_id)
            .set_deployment_id(e.deployment_override or e.deployment_id)
            .set_oidc_login_url(f"{e.tool}/lti/login")
            .set_launch_url(f"{e.tool}/lti/launch")
            .set_deeplink_launch_url(f"{e.tool}/lti/launch")
            .set_platform_public_key(public_pem(e.private_key))
            .set_platform_private_key(e.private_key)
            .set_tool_key_set_url(f"{e.tool}/lti/jwks")
        )


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str):
        return redirect(url)


class Launch(LTIAdvantageMessageLaunchAbstract):
    def get_preflight_response(self) -> dict:
        return dict(request.values)

    def render_launch_form(self, launch_data: dict, **kwargs: Any):
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(launch_data[name])}">'
            for name in ("id_token", "state")
        )
        return (
            f'<!doctype html><html lang="en"><title>LMS</title><form id="launch" method="post" '
            f'action="{html.escape(launch_data["launch_url"])}">{fields}<button>Launch</button></form>'
            "<script>document.getElementById('launch').submit()</script></html>"
        )


def build_app(e: Emulator) -> Flask:
    app = Flask("lms-emulator")

    def config() -> Config:
        return Config(emulator=e)

    @app.get("/course-page")
    def course_page():
        """An LMS course page that shows the tool in a frame, as Moodle's "embed" and Canvas do."""
        return (
            '<!doctype html><html lang="en"><title>Ward 7 induction</title><h1>Ward 7 induction</h1>'
            f'<iframe title="Ketamine course" src="{e.url}/start" width="900" height="600"></iframe></html>'
        )

    @app.get("/start")
    def start():
        """Where the LMS page's link goes: a third-party initiated login at the tool."""
        login = Login(request, config())
        login.set_lti_message_hint(hint=e.resource_link)
        return login.initiate_login(e.user.sub)

    @app.route("/auth", methods=["GET", "POST"])
    def auth():
        launch = Launch(request, Config(emulator=e, signing=True))
        user = e.user
        launch.set_user_data(user.sub, user.roles, user.name, user.email)
        launch.set_launch_context_claim("course-42", context_title="Ward 7 induction", context_label="W7")
        launch.set_launch_presentation_claim(document_target=e.document_target)
        launch.set_resource_link_claim(e.resource_link, title="Ketamine course")
        if e.custom:
            launch.set_custom_parameters_claim(e.custom)
        launch.set_ags(lineitems_url=f"{e.url}/lineitems", lineitem_url=f"{e.url}/lineitems/1")
        launch.set_nrps(context_memberships_url=f"{e.url}/memberships")
        if e.deep_linking:
            launch.set_dl(f"{e.url}/deep-link-return", title="Pick", accept_types={"ltiResourceLink"})
        if e.expired:
            launch.set_id_token_expiration(-120)
        response = launch.lti_launch()
        body = response if isinstance(response, str) else response.get_data(as_text=True)
        token = body.split('name="id_token" value="')[1].split('"')[0]
        if e.aud:  # the same launch, signed by the platform, for another tool
            claims = jwt.decode(token, options={"verify_signature": False})
            resigned = jwt.encode(
                {**claims, "aud": e.aud, "azp": e.aud}, e.private_key, "RS256", {"kid": KeyedRegistration.kid}
            )
            response = body = body.replace(token, resigned)
        if e.tamper:
            head, payload, signature = token.split(".")
            flipped = ("A" if signature[10] != "A" else "B").join([signature[:10], signature[11:]])
            response = body.replace(token, f"{head}.{payload}.{flipped}")
        return response

    @app.get("/jwks")
    def jwks():
        return jsonify(config().get_registration().get_jwks() and {"keys": config().get_registration().get_jwks()})

    @app.post("/token")
    def token():
        conf = config()
        conf.get_registration()
        return jsonify(conf.get_access_token(dict(request.form)))

    def authorised(scope: str) -> None:
        if e.down:
            abort(503)
        conf = config()
        conf.get_registration()
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not conf.validate_token(bearer, allowed_scopes=[scope]):
            abort(403)

    @app.post("/lineitems/1/scores")
    def scores():
        authorised("https://purl.imsglobal.org/spec/lti-ags/scope/score")
        if request.content_type != "application/vnd.ims.lis.v1.score+json":
            abort(415)
        e.scores.append(request.get_json(force=True))
        return "", 204

    @app.get("/memberships")
    def memberships():
        authorised("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly")
        members = [
            {"user_id": u.sub, "name": u.name, "email": u.email, "roles": u.roles, "status": "Active"}
            for u in e.members
        ]
        return jsonify({"id": f"{e.url}/memberships", "context": {"id": "course-42"}, "members": members})

    @app.post("/deep-link-return")
    def deep_link_return():
        conf = config()
        conf.get_registration()
        e.deep_links.append(conf.validate_deeplinking_resp(dict(request.form)))
        return "<!doctype html><title>LMS</title><p>Link added</p>"

    return app


class Running:
    """The emulator's app on a real threaded server on 127.0.0.1."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1"):
        self.emulator = emulator
        self.server = make_server("127.0.0.1", 0, build_app(emulator), threaded=True)
        emulator.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Emulator:
        self.thread.start()
        return self.emulator

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def fresh_id() -> str:
    return uuid.uuid4().hex
