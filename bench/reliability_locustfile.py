"""The load profile of bench/reliability.py: persons, coordinators and leaders using Laget
as they do on an ordinary day (pages, the message wall, the API, figures), each logged in
as their own account. Every message sent carries a token; the ones the server acknowledged
(201) are written out, so the harness can check that none of them was lost."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import struct
import time
import uuid
from collections import Counter

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["RELIABILITY_ACCOUNTS"]).read())  # noqa: SIM115
OUT = os.environ["RELIABILITY_OUT"]
TOTP_SECRET = os.environ.get("RELIABILITY_TOTP_SECRET", "LAGETDEMOFJORDVIKLAGETDEMO234567")
PASSWORD = os.environ.get("RELIABILITY_PASSWORD", "fjordvik-demo-2026")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

statuses: Counter[str] = Counter()
missing_retry_after = 0
slowest_ms = 0.0
no_answer: Counter[str] = Counter()  # why a request got no response at all
acknowledged: list[str] = []
attempted = 0


def totp(at: float | None = None) -> str:
    key = base64.b32decode(TOTP_SECRET)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@events.request.add_listener
def count(request_type, name, response_time, response_length, response=None, exception=None, **kw):
    global missing_retry_after, slowest_ms
    slowest_ms = max(slowest_ms, response_time or 0)
    code = getattr(response, "status_code", 0) or 0
    statuses[str(code) if code else "no answer"] += 1
    if not code:
        no_answer[f"{name}: {type(exception).__name__}: {str(exception)[:80]}"] += 1
    if code == 503 and "Retry-After" not in response.headers:
        missing_retry_after += 1


@events.test_stop.add_listener
def write_out(environment, **kw):
    with open(OUT, "w") as f:
        json.dump(
            {
                "statuses": dict(statuses),
                "missing_retry_after": missing_retry_after,
                "slowest_ms": round(slowest_ms),
                "no_answer": dict(no_answer.most_common(5)),
                "acknowledged": acknowledged,
                "attempted_writes": attempted,
            },
            f,
        )


class LagetUser(HttpUser):
    abstract = True
    wait_time = between(0.3, 1.5)
    connection_timeout = 5.0
    network_timeout = 20.0
    kind = ""
    _counters: dict[str, itertools.count] = {}

    def on_start(self) -> None:
        pool = ACCOUNTS[self.kind]
        n = next(self._counters.setdefault(self.kind, itertools.count()))
        self.account = pool[n % len(pool)]
        self.logged_in = False
        self.log_in()

    def log_in(self) -> None:
        for _ in range(3):
            page = self.client.get("/accounts/login/", name="login page")
            token = CSRF.search(page.text or "")
            if page.status_code != 200 or not token:
                time.sleep(1)
                continue
            response = self.client.post(
                "/accounts/login/",
                {"login": self.account["email"], "password": PASSWORD,
                 "csrfmiddlewaretoken": token.group(1)},
                headers={"Referer": self.host + "/accounts/login/"},
                allow_redirects=False,
                name="login",
            )  # fmt: skip
            if response.headers.get("Location", "").endswith("/2fa/authenticate/"):
                page = self.client.get("/accounts/2fa/authenticate/", name="code page")
                token = CSRF.search(page.text or "")
                if not token:
                    continue
                response = self.client.post(
                    "/accounts/2fa/authenticate/",
                    {"code": totp(), "csrfmiddlewaretoken": token.group(1)},
                    headers={"Referer": self.host + "/accounts/2fa/authenticate/"},
                    allow_redirects=False,
                    name="code",
                )
            if response.status_code == 302 and "sessionid" in self.client.cookies:
                self.logged_in = True
                return
            time.sleep(2)

    def post_message(self, plan_id: int) -> None:
        global attempted
        if not self.logged_in:
            self.log_in()
            return
        token = uuid.uuid4().hex
        attempted += 1
        response = self.client.post(
            f"/api/v1/plans/{plan_id}/messages",
            json={"body": f"Lasttest {token}"},
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            name="/api/v1/plans/[id]/messages POST",
        )
        if response.status_code == 201:
            acknowledged.append(token)


# One simulated user per account (a TOTP code is accepted once per account and window).
class Person(LagetUser):
    kind = "persons"
    fixed_count = len(ACCOUNTS["persons"])

    @task(4)
    def my_plan(self) -> None:
        self.client.get(f"/planer/{self.account['plan']}/", name="/planer/[id]/")

    @task(2)
    def messages(self) -> None:
        self.client.get(
            f"/planer/{self.account['plan']}/meldinger/", name="/planer/[id]/meldinger/"
        )

    @task(1)
    def access_log(self) -> None:
        self.client.get("/min-plan/logg/")

    @task(2)
    def write(self) -> None:
        self.post_message(self.account["plan"])


class Coordinator(LagetUser):
    kind = "coordinators"
    fixed_count = len(ACCOUNTS["coordinators"])

    @task(3)
    def inbox(self) -> None:
        self.client.get("/innboks/")

    @task(2)
    def my_tasks(self) -> None:
        self.client.get("/oppgaver/")

    @task(3)
    def plan(self) -> None:
        plan = self.account["plans"][int(time.time()) % len(self.account["plans"])]
        self.client.get(f"/planer/{plan}/", name="/planer/[id]/")
        self.client.get(f"/api/v1/plans/{plan}", name="/api/v1/plans/[id]")

    @task(2)
    def write(self) -> None:
        self.post_message(self.account["plans"][0])


class Leader(LagetUser):
    kind = "leaders"
    fixed_count = min(len(ACCOUNTS["leaders"]), 6)

    @task(2)
    def figures(self) -> None:
        self.client.get(
            f"/nettverk/{ACCOUNTS['network']}/samhandling/", name="/nettverk/[slug]/samhandling/"
        )

    @task(2)
    def catalogue(self) -> None:
        self.client.get("/tjenester/?q=bolig", name="/tjenester/?q")
        self.client.get("/api/v1/services?page=1", name="/api/v1/services")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/dashbord/")
