"""Worker CPU per request under gunicorn, audited reads per second, and a worker's memory
after logins, measured side by side in one run on PostgreSQL with the Fjordvik demo.

- `cpu_ms`: CPU milliseconds one gunicorn worker (WSGI, DEBUG off, the development settings
  without the production HTTPS redirect) spends per request, from /proc, over `--requests`
  sequential requests after a warm-up: a logged-in empty page (a 404 through the layout),
  the plan page, the message page, the coordinator's dashboard, the survey results and the
  plan API, each as a user who may read it.
- `cpu_ratio`: each against the logged-in empty page.
- `audited_reads_per_s`: access-log appends from 1 and 8 concurrent connections, each its
  own process, reads spread over persons (bench/audit_throughput.py).
- `worker_peak_mb`: the worker's peak resident memory (VmHWM) after five real password
  logins (the password hasher's memory shows here).

Makes and drops its own database on the PostgreSQL server of BENCH_POSTGRES_URL (default the
local one). Uses only the pages' URLs, the demo loader and the access-log API, so it runs
against an older checkout too, for before/after figures.

    .venv/bin/python bench/throughput.py [--requests 100]
    .venv/bin/python bench/throughput.py --base /tmp/laget-base   # before/after, one run

`--base DIR` serves an older checkout too (its own database, its own gunicorn worker, this
venv) and measures both workers in turns, page by page, so both see the same machine load:
`cpu_ratio` is this checkout's, `base_cpu_ratio` the older one's (no reads/s or memory then).

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_pid(master: int) -> int:
    for _ in range(100):
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                return int(stat.parent.name)
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def peak_mb(pid: int) -> float:
    match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


def prepare(env: dict[str, str], root: Path = ROOT) -> dict:
    """Migrate, load the demo and make sessions, in a child (Django set up on the bench DB)."""
    code = r"""
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0)
from django.conf import settings
from django.test import Client
from laget.accounts.models import User
from laget.plans.models import Plan
from laget.surveys.models import Round

def session(email):
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client.cookies[settings.SESSION_COOKIE_NAME].value

plan = Plan.objects.get(person__first_name="Jonas", person__last_name="Eriksen")
import datetime
closed = Round.objects.filter(closes__lt=datetime.date.today()).order_by("-closes").first()
print(json.dumps({
    "cookie": settings.SESSION_COOKIE_NAME,
    "coordinator": session("ahmed.rahimi@fjordvik-kommune.test"),
    "organiser": session("ingrid.berg@fjordvik-kommune.test"),
    "plan": plan.pk,
    "round": closed.pk,
}))
"""
    out = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def fetch(url: str, cookie: str, name: str) -> int:
    headers = {"Cookie": f"{name}={cookie}"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback http)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def cpu_per_request(pid: int, url: str, cookie: str, name: str, n: int, expect: int) -> float:
    for _ in range(5):
        status = fetch(url, cookie, name)
    if status != expect:
        raise RuntimeError(f"{url} answered {status}, expected {expect}")
    before = cpu_ticks(pid)
    for _ in range(n):
        fetch(url, cookie, name)
    return (cpu_ticks(pid) - before) * TICK_MS / n


def log_in(base: str, email: str, password: str) -> None:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback http)
        f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request).read()
    if not any(c.name == "sessionid" for c in jar):
        raise RuntimeError(f"logging in {email} did not give a session")


def pages_of(info: dict) -> dict[str, tuple[str, str, int]]:
    plan = info["plan"]
    return {
        "empty_page": (f"/finnes-ikke/{uuid.uuid4().hex}/", info["coordinator"], 404),
        "plan_page": (f"/planer/{plan}/", info["coordinator"], 200),
        "message_page": (f"/planer/{plan}/meldinger/", info["coordinator"], 200),
        "dashboard": ("/dashbord/", info["coordinator"], 200),
        "survey_results": (
            f"/samhandlingsmaling/{info['round']}/resultater/",
            info["organiser"],
            200,
        ),
        "plan_api": (f"/api/v1/plans/{plan}", info["coordinator"], 200),
    }


class Server:
    """One checkout served by a one-worker gunicorn on its own database."""

    def __init__(self, root: Path, admin) -> None:
        self.root = root
        self.db = f"laget_bench_tp_{uuid.uuid4().hex[:8]}"
        admin.execute(f'CREATE DATABASE "{self.db}"')
        self.url = BASE_URL.rsplit("/", 1)[0] + f"/{self.db}"
        self.env = dict(
            os.environ,
            DATABASE_URL=self.url,
            DJANGO_SETTINGS_MODULE="laget.settings",
            LAGET_DEMO="1",
            LAGET_DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1",
            PYTHONPATH=str(root),
        )
        self.gunicorn = None

    def start(self) -> None:
        self.info = prepare(self.env, self.root)
        port = free_port()
        self.gunicorn = subprocess.Popen(  # noqa: S603 (the venv's gunicorn, fixed arguments)
            [str(BIN / "gunicorn"), "laget.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
            env=self.env,
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pid = worker_pid(self.gunicorn.pid)
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                fetch(f"{self.base}/", "", "x")
                break
            except OSError:
                time.sleep(0.2)
        self.pages = pages_of(self.info)

    def warm(self, page: str) -> None:
        path, session, expect = self.pages[page]
        for _ in range(5):
            status = fetch(self.base + path, session, self.info["cookie"])
        if status != expect:
            raise RuntimeError(f"{self.root}: {path} answered {status}, expected {expect}")

    def ticks(self, page: str, n: int) -> int:
        path, session, _expect = self.pages[page]
        before = cpu_ticks(self.pid)
        for _ in range(n):
            fetch(self.base + path, session, self.info["cookie"])
        return cpu_ticks(self.pid) - before

    def stop(self) -> None:
        if self.gunicorn is not None:
            self.gunicorn.send_signal(signal.SIGTERM)
            self.gunicorn.wait(timeout=30)
            self.gunicorn = None


def compare(args: argparse.Namespace, admin) -> None:
    """This checkout and `--base` measured in turns, page by page, in one run."""
    servers = {"new": Server(ROOT, admin), "base": Server(Path(args.base).resolve(), admin)}
    cpu: dict[str, dict[str, float]] = {"new": {}, "base": {}}
    turns = 4
    try:
        for server in servers.values():
            server.start()
        for page in servers["new"].pages:
            for server in servers.values():
                server.warm(page)
            ticks = {"new": 0, "base": 0}
            for turn in range(turns):
                order = ["new", "base"] if turn % 2 == 0 else ["base", "new"]
                for side in order:
                    ticks[side] += servers[side].ticks(page, max(1, args.requests // turns))
            n = max(1, args.requests // turns) * turns
            for side in cpu:
                cpu[side][page] = round(ticks[side] * TICK_MS / n, 2)
            print(f"{page:>15}: {cpu['new'][page]:7.2f} ms (base {cpu['base'][page]:7.2f} ms)")
    finally:
        for server in servers.values():
            server.stop()
            admin.execute(f'DROP DATABASE IF EXISTS "{server.db}" WITH (FORCE)')
    ratios = {
        side: {p: round(ms / cpu[side]["empty_page"], 2) for p, ms in cpu[side].items()}
        for side in cpu
    }
    for side in ratios:
        ratios[side].pop("empty_page")
    print(
        json.dumps(
            {
                "cpu_ms": cpu["new"],
                "cpu_ratio": ratios["new"],
                "base_cpu_ms": cpu["base"],
                "base_cpu_ratio": ratios["base"],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--base", help="an older checkout to measure side by side (CPU only)")
    args = parser.parse_args()
    import psycopg

    if args.base:
        admin = psycopg.connect(BASE_URL, autocommit=True)
        compare(args, admin)
        return

    name = f"laget_bench_tp_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(BASE_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = BASE_URL.rsplit("/", 1)[0] + f"/{name}"
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="laget.settings",
        LAGET_DEMO="1",
        LAGET_DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(ROOT),
    )
    gunicorn = None
    try:
        info = prepare(env)
        gunicorn = subprocess.Popen(  # noqa: S603 (the venv's gunicorn, fixed arguments)
            [str(BIN / "gunicorn"), "laget.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pid = worker_pid(gunicorn.pid)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                fetch(f"{base}/", "", "x")
                break
            except OSError:
                time.sleep(0.2)
        plan, cookie = info["plan"], info["cookie"]
        pages = {
            "empty_page": (f"/finnes-ikke/{uuid.uuid4().hex}/", info["coordinator"], 404),
            "plan_page": (f"/planer/{plan}/", info["coordinator"], 200),
            "message_page": (f"/planer/{plan}/meldinger/", info["coordinator"], 200),
            "dashboard": ("/dashbord/", info["coordinator"], 200),
            "survey_results": (
                f"/samhandlingsmaling/{info['round']}/resultater/",
                info["organiser"],
                200,
            ),
            "plan_api": (f"/api/v1/plans/{plan}", info["coordinator"], 200),
        }
        cpu_ms = {}
        for page, (path, session, expect) in pages.items():
            cpu_ms[page] = round(
                cpu_per_request(pid, base + path, session, cookie, args.requests, expect), 2
            )
            print(f"{page:>15}: {cpu_ms[page]:7.2f} ms worker CPU per request")
        for _ in range(5):
            log_in(base, "jonas.eriksen@person.test", "fjordvik-demo-2026")
        worker_peak = round(peak_mb(pid), 1)
        print(f"worker peak after five logins: {worker_peak} MB")
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
    sys.path.insert(0, str(Path(__file__).parent))
    from audit_throughput import measure

    reads = {str(n): round(measure(url, n, True, args.seconds), 1) for n in (1, 8)}
    print(f"audited reads/s: {reads['1']} from 1 connection, {reads['8']} from 8")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    empty = cpu_ms["empty_page"]
    ratios = {page: round(cpu_ms[page] / empty, 2) for page in pages if page != "empty_page"}
    print(
        json.dumps(
            {
                "cpu_ms": cpu_ms,
                "cpu_ratio": ratios,
                "audited_reads_per_s": reads,
                "audited_reads_8_vs_1": round(reads["8"] / reads["1"], 2),
                "worker_peak_mb": worker_peak,
            }
        )
    )


if __name__ == "__main__":
    main()
