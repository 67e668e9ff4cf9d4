"""Locust users for `make loadtest` (benchmarks/load/run.py sets the environment this file reads).

Trainees register (3 in 10) or log in, read a module's pages, start its quiz, answer every question (half
the time first changing their mind, which static/autosave.js saves in the background: `go=stay`, 204),
submit, and retake or move on. Instructors open the matrix and download exports. Every answer save and
submit the app confirmed is written to LOAD_RECORD at the end (for each question, the form last confirmed
and any sent after it whose outcome is unknown), with every failure and its time and the starts refused
by the retake wait, so the run can check them against the database.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import time
import uuid

import urllib3
from locust import HttpUser, between, events, task

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the local nginx has a throwaway cert

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
TRAINEES = json.loads(os.environ.get("LOAD_TRAINEES", "[]"))
INSTRUCTORS = json.loads(os.environ.get("LOAD_INSTRUCTORS", "[]"))
MODULES = json.loads(os.environ.get("LOAD_MODULES", "[]"))  # [[slug, [page anchors]], ...]
RECORD = os.environ.get("LOAD_RECORD")
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
CHOICE = re.compile(r'<input type="(radio|checkbox)"[^>]*name="choice" value="([^"]+)"')
SELECT = re.compile(r'<select[^>]*name="(match-[^"]+)">(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)")

accounts = itertools.count()
saved: dict[str, list] = {}  # "attempt:position" -> [the form last confirmed, forms sent later with no answer]
submitted: list[int] = []
failures: list[dict] = []
refused_starts: list[int] = []  # 403/429: a retake not allowed yet (not a success of the start)


@events.request.add_listener
def _failure(request_type, name, response_time, response_length, exception=None, response=None, **_):
    if exception is not None:
        status = getattr(response, "status_code", 0) or 0
        failures.append({"t": time.time(), "name": name, "status": status, "error": str(exception)[:200]})


@events.test_stop.add_listener
def _write(**_):
    if RECORD:
        with open(RECORD, "w") as handle:
            record = {
                "saved": saved,
                "submitted": submitted,
                "failures": failures,
                "refused_starts": len(refused_starts),
            }
            json.dump(record, handle)


class Visitor(HttpUser):
    abstract = True

    def on_start(self):
        self.client.verify = False
        self.client.headers["Referer"] = self.host + "/"  # Flask-WTF checks the referrer on HTTPS
        self.csrf = ""

    def get(self, url: str, name: str, ok=(200,)):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code in ok:
                response.success()
                found = CSRF.search(response.text)
                if found:
                    self.csrf = html.unescape(found[1])
            else:
                response.failure(f"status {response.status_code}")
            return response

    def post(self, url: str, name: str, data: dict | None = None, ok=(302, 303, 204), headers=None):
        form = {"csrf_token": self.csrf, **(data or {})}
        sent = {"data": form, "name": name, "allow_redirects": False, "catch_response": True, "headers": headers}
        with self.client.post(url, **sent) as response:
            if response.status_code in ok:
                response.success()
            else:
                response.failure(f"status {response.status_code}")
            return response

    def log_in(self, email: str) -> None:
        for _ in range(3):  # a person whose page failed to load tries again
            if self.get("/login", "log-in page").status_code != 200:
                continue
            if self.post("/login", "log in", {"email": email, "password": PASSWORD}, ok=(302,)).status_code == 302:
                return


class Trainee(Visitor):
    weight = 9
    wait_time = between(0.5, 2)

    def on_start(self):
        super().on_start()
        self.module, self.read = 0, set()
        if random.random() < 0.3 or not TRAINEES:
            email = f"load-{uuid.uuid4().hex[:12]}@load.example"
            form = {"email": email, "display_name": "Load Trainee", "password": PASSWORD, "confirm": PASSWORD}
            for _ in range(3):
                if self.get("/register", "register page").status_code != 200:
                    continue
                if self.post("/register", "register", form, ok=(302,)).status_code == 302:
                    break
        else:  # an account made for the run that has read the first module already: its quiz comes first
            self.log_in(TRAINEES[next(accounts) % len(TRAINEES)])
            self.read.add(0)

    @task
    def study(self):
        slug, anchors = MODULES[self.module % len(MODULES)]
        self.get("/", "home")
        self.get("/dashboard", "dashboard")
        if self.module in self.read:  # a look back at one page before the quiz
            self.get(f"/modules/{slug}/pages/{random.choice(anchors)}", "lesson page")
        else:
            for anchor in anchors:
                self.get(f"/modules/{slug}/pages/{anchor}", "lesson page")
                self.post(f"/modules/{slug}/pages/{anchor}/complete", "lesson complete")
            self.read.add(self.module)
        started = self.post(f"/modules/{slug}/quiz/start", "quiz start", ok=(303, 403, 429))
        if started.status_code != 303:  # a retake not allowed yet: read the next module
            refused_starts.append(started.status_code)
            self.module += 1
            return
        attempt = int(ATTEMPT.search(started.headers["Location"])[1])
        self.take(attempt)

    def take(self, attempt: int) -> None:
        position = 1
        for _ in range(40):
            page = self.get(f"/attempts/{attempt}/questions/{position}", "question page")
            if page.status_code != 200:
                return
            form = {"go": "next", **self.pick_answer(page.text)}
            key, url = f"{attempt}:{position}", f"/attempts/{attempt}/questions/{position}"
            if random.random() < 0.5:  # a first thought, saved by the autosave script, then the answer given
                self.save(key, url, "autosave", {**self.pick_answer(page.text), "go": "stay"}, 204)
            answer = self.save(key, url, "answer save", form, 303)
            if answer.status_code != 303:
                return
            location = answer.headers["Location"]
            if location.endswith("/confirm"):
                break
            position = int(location.rsplit("/", 1)[1])
        self.get(f"/attempts/{attempt}/confirm", "confirm page")
        self.submit(attempt)

    def save(self, key: str, url: str, name: str, form: dict, confirmed: int):
        """One save, recorded: a confirmed one replaces what was kept for the question; one without an
        answer (an error, a lost connection) may or may not have landed, so it is kept beside it."""
        headers = {"Accept": "application/json"} if form.get("go") == "stay" else None
        response = self.post(url, name, form, ok=(confirmed,), headers=headers)
        answer = {k: v for k, v in form.items() if k != "go"}
        if response.status_code == confirmed:
            saved[key] = [answer]
        elif response.status_code == 0 or response.status_code >= 500:
            saved.setdefault(key, []).append(answer)
        return response

    @staticmethod
    def pick_answer(page: str) -> dict:
        """A random answer to the question on this page, as its form posts it."""
        form = {}
        choices = CHOICE.findall(page)
        if choices:
            keys = [k for _, k in choices]
            multiple = choices[0][0] == "checkbox"
            form["choice"] = random.sample(keys, random.randint(1, len(keys))) if multiple else random.choice(keys)
        for name, options in SELECT.findall(page):
            form[name] = random.choice(OPTION.findall(options) or [""])
        return form

    def submit(self, attempt: int) -> None:
        if self.post(f"/attempts/{attempt}/submit", "submit").status_code == 303:
            submitted.append(attempt)
            result = self.get(f"/attempts/{attempt}", "result page")
            if ", passed</h1>" in result.text or random.random() < 0.5:
                self.module += 1  # passed (or gives up for now): the next module; otherwise a retake


class Instructor(Visitor):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        super().on_start()
        self.log_in(random.choice(INSTRUCTORS))

    @task(4)
    def matrix(self):
        self.get("/instructor/", "instructor matrix")
        self.get("/instructor/?sort=activity&signal=needs-help", "instructor matrix (filtered)")

    @task(1)
    def export(self):
        self.get("/instructor/matrix.csv", "matrix export (CSV)")
