"""The tool's signing keys: RSA private keys in a folder outside the repository (the instance folder by
default, `LTI_KEY_DIR`), never in the database or the code.

The newest key signs (AGS and NRPS token requests, deep-linking responses); the JWKS publishes the two
newest, so during a rotation a platform that cached the old key still verifies what it signed, and one
that fetches again finds the new one. `flask lti rotate-key` adds a key and drops any older than those two.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

from ..clock import utcnow

PUBLISHED = 2


@dataclass(frozen=True)
class ToolKey:
    kid: str
    private_pem: str

    @property
    def public_jwk(self) -> dict:
        jwk = JWK.from_pem(self.private_pem.encode())
        return {**jwk.export_public(as_dict=True), "kid": self.kid, "alg": "RS256", "use": "sig"}


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pem")) if folder.is_dir() else []  # names start with the UTC time


def add_key(folder: Path) -> ToolKey:
    """Make a new signing key (the one used from now on) and drop keys older than the published ones."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = f"{utcnow():%Y%m%dT%H%M%S%f}-{os.urandom(4).hex()}"
    path = folder / f"{kid}.pem"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(pem)
    for old in _files(folder)[:-PUBLISHED]:
        old.unlink()
    return ToolKey(kid, pem)


def keys(folder: Path) -> list[ToolKey]:
    """The published keys, newest first; a first key is made when there is none."""
    files = _files(folder)
    if not files:
        return [add_key(folder)]
    return [ToolKey(path.stem, path.read_text()) for path in reversed(files[-PUBLISHED:])]


def signing_key(folder: Path) -> ToolKey:
    return keys(folder)[0]


def jwks(folder: Path) -> dict:
    return {"keys": [key.public_jwk for key in keys(folder)]}
