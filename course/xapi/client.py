"""Posting statements to a learning record store (xAPI 1.0.3 `POST /statements`, HTTP basic auth)."""

from __future__ import annotations

import requests

from .outbox import LrsRejected, LrsUnavailable, Post

VERSION = "1.0.3"
# The statements themselves are at fault: sending them again would not help.
REFUSED = {400, 409, 413, 422}


def statements_url(endpoint: str) -> str:
    """The Statements resource of an LRS endpoint given as `.../xAPI/` or already as `.../statements`."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/statements") else endpoint + "/statements"


def poster(endpoint: str, username: str | None, password: str | None, timeout: float) -> Post:
    url = statements_url(endpoint)
    auth = (username, password or "") if username else None

    def post(statements: list[dict]) -> None:
        try:
            response = requests.post(
                url, json=statements, auth=auth, timeout=timeout, headers={"X-Experience-API-Version": VERSION}
            )
        except requests.RequestException as exc:
            raise LrsUnavailable(f"cannot reach the LRS at {url}: {type(exc).__name__}") from None
        if response.status_code in (200, 204):
            return
        if response.status_code == 409 and len(statements) == 1:
            return  # xAPI: the LRS already holds a statement with this id, which is ours
        message = f"the LRS answered {response.status_code}: {response.text[:200]}"
        raise (LrsRejected if response.status_code in REFUSED else LrsUnavailable)(message)

    return post
