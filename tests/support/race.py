"""Requests released together from threads, against a live server: for the rules that must hold when
two people act at the same moment (the last admin, one invitation link accepted twice)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    location: str = ""
    set_cookies: list[str] = field(default_factory=list)


def fire_together(posts: list[tuple[str, dict, str]], timeout: float = 30) -> list[Answer]:
    """POST each (url, form, cookie header) from its own thread, all released by one barrier; the answers
    in the order given. Every thread is joined with a bound, so a hung server fails the test, not the run."""
    barrier = threading.Barrier(len(posts))
    answers: list[Answer | None] = [None] * len(posts)
    opener = urllib.request.build_opener(_NoRedirect)

    def one(n: int, url: str, form: dict, cookie: str) -> None:
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(form).encode(), headers={"Cookie": cookie}, method="POST"
        )
        barrier.wait(timeout=10)
        try:
            with opener.open(request, timeout=timeout) as response:
                answers[n] = Answer(
                    response.status, response.headers.get("Location", ""), response.headers.get_all("Set-Cookie") or []
                )
        except urllib.error.HTTPError as error:
            answers[n] = Answer(
                error.code, error.headers.get("Location", ""), error.headers.get_all("Set-Cookie") or []
            )

    threads = [threading.Thread(target=one, args=(n, *post)) for n, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout + 15)
    assert all(answers), "a request did not finish"
    return answers  # type: ignore[return-value]


def cookie_header(client, app) -> str:
    """The Cookie header a test client's browser would send: its session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    return f"{name}={client.get_cookie(name).value}"
