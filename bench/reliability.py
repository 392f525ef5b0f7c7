"""Reliability harness (issue 14), one command, bounded in time:

    .venv/bin/python bench/reliability.py [--duration 75] [--outage 12] [--cases 2000]

1. starts a throwaway PostgreSQL cluster of its own (initdb/pg_ctl from
   /usr/lib/postgresql/*/bin, on another port, as the postgres user when run as root;
   never the machine's shared server), migrates it and loads the Fjordvik demo;
2. serves Laget with gunicorn (2 workers) and runs a locust load profile of persons,
   coordinators and leaders (bench/reliability_locustfile.py), each logged in with password
   and (for professionals) TOTP;
3. stops the database under load for --outage seconds and starts it again, while a probe
   polls /readyz: every refused request must be a 503 with Retry-After, none a 500;
4. counts lost writes (messages the server acknowledged with 201 that are not in the
   database) and partial writes (messages without their change record), runs verify_audit;
5. runs schemathesis over the whole API (valid and invalid cases for every operation) as a
   logged-in person: server errors and schema violations.

Prints load held, error counts by status, recovery time and lost writes; the last line is
one JSON object. Exits non-zero when a must-show figure fails.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PASSWORD = "fjordvik-demo-2026"

ACCOUNTS_SCRIPT = """
import json
from laget.plans.models import TeamMember, Plan
from laget.directory.models import Network, Membership
persons, coordinators = [], {}
for plan in Plan.objects.filter(status="active").select_related("person__user").order_by("pk"):
    if plan.person.user_id:
        persons.append({"email": plan.person.user.email, "plan": plan.pk})
for m in TeamMember.objects.filter(role="coordinator", plan__status="active").select_related("user"):
    coordinators.setdefault(m.user.email, []).append(m.plan_id)
network = Network.objects.order_by("pk").first()
leaders = sorted({m.professional.user.email for m in Membership.objects.filter(role="admin").select_related("professional__user")})
print(json.dumps({
    "persons": persons,
    "coordinators": [{"email": e, "plans": p} for e, p in sorted(coordinators.items())],
    "leaders": [{"email": e} for e in leaders],
    "network": network.slug,
}))
"""

CHECK_SCRIPT = """
import json, sys
from laget.plans.models import Message
from laget.audit.models import ChangeRecord
tokens = json.load(open(sys.argv[-1]))
bodies = {b.split()[-1] for b in Message.objects.filter(body__startswith="Lasttest ").values_list("body", flat=True)}
ids = set(Message.objects.filter(body__startswith="Lasttest ").values_list("pk", flat=True))
recorded = set(ChangeRecord.objects.filter(action="message_post", object_id__in=[str(i) for i in ids]).values_list("object_id", flat=True))
print(json.dumps({
    "stored": len(bodies),
    "lost": len([t for t in tokens if t not in bodies]),
    "partial": len(ids) - len(recorded),
}))
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of our own in a temporary directory."""

    def __init__(self, root: Path, port: int) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            sys.exit("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
        self.bin = Path(bins[-1])
        self.root = root
        self.data = root / "pgdata"
        self.port = port
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *args], check=check, capture_output=True, text=True, timeout=120
        )

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "postgres", "laget")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c max_connections=60 -c fsync=on"
        )
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                 "-l", str(self.root / "postgres.log"), "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop",
                 check=False)  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/laget"


class Probe(threading.Thread):
    """Polls /readyz ten times a second: when did the app see the database again?"""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.samples: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=5) as r:
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            except OSError:
                status = 0
            self.samples.append((time.monotonic(), status))
            time.sleep(0.1)

    def first_ok_after(self, moment: float) -> float | None:
        for at, status in self.samples:
            if at >= moment and status == 200:
                return at
        return None


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_for(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def person_session(base: str, email: str) -> dict[str, str]:
    """Log a person in over HTTP; the headers schemathesis sends (session and CSRF)."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode(
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"}
    )
    opener.open(request, timeout=10).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("schemathesis: the person could not log in")
    csrf = cookies.get("csrftoken", "")
    return {"Cookie": f"sessionid={cookies['sessionid']}; csrftoken={csrf}", "X-CSRFToken": csrf}


def run_schemathesis(base: str, headers: dict[str, str], target: int) -> dict[str, object]:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_headers_conformance, response_schema_conformance]  # fmt: skip
    schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    totals = {"cases": 0, "server_errors": 0, "schema_violations": 0, "by_status": {},
              "no_invalid_input": 0}  # fmt: skip
    examples: list[str] = []
    per = math.ceil(target / (len(operations) * 1.6))
    for _round in range(4):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for operation in operations:

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(max_examples=per, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck), derandomize=False)  # fmt: skip
                def one(case):
                    try:
                        check_one(case)
                    except Exception as exc:  # a failure is counted, the run goes on
                        totals["schema_violations"] += 1  # type: ignore[operator]
                        examples.append(f"{case.method} {case.formatted_path}: {str(exc)[:300]}")

                def check_one(case):
                    totals["cases"] += 1  # type: ignore[operator]
                    response = case.call(headers=headers, timeout=30)
                    by = totals["by_status"]
                    by[str(response.status_code)] = by.get(str(response.status_code), 0) + 1  # type: ignore[union-attr]
                    if response.status_code >= 500:
                        totals["server_errors"] += 1  # type: ignore[operator]
                        examples.append(
                            f"{response.status_code} {case.method} {case.formatted_path}"
                        )
                        return
                    try:
                        case.validate_response(response, checks=checks)
                    except Exception as exc:
                        totals["schema_violations"] += 1  # type: ignore[operator]
                        examples.append(f"{case.method} {case.formatted_path}: {str(exc)[:200]}")

                # Unsatisfiable: nothing invalid to send to an operation without input.
                try:
                    one()
                except Unsatisfiable:
                    # hypothesis prints "You can reproduce this failure" for these too.
                    totals["no_invalid_input"] += 1  # type: ignore[operator]
                except Exception as exc:
                    totals["schema_violations"] += 1  # type: ignore[operator]
                    examples.append(f"{operation.method} {operation.path}: {str(exc)[:300]}")
        if totals["cases"] >= target:  # type: ignore[operator]
            break
    totals["operations"] = len(operations)
    totals["examples"] = examples[:5]
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=75, help="seconds of load")
    parser.add_argument("--outage", type=int, default=12, help="seconds the database is down")
    parser.add_argument("--cases", type=int, default=2000, help="schemathesis cases, at least")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8105)))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="laget-reliability-"))
    os.chmod(tmp, 0o755)
    cluster = Cluster(tmp / "pg", free_port())
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "LAGET_VAR_DIR": str(tmp / "var"),
        "LAGET_DEMO": "1",
        "SECRET_KEY": "reliability-harness-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "laget.settings",
        "LAGET_LOG_LEVEL": "ERROR",
        "LAGET_DB_POOL_MAX": "8",
    }
    server = locust = None
    result: dict[str, object] = {}
    try:
        log(f"cluster on port {cluster.port} in {tmp}")
        cluster.init()
        manage(env, "migrate", "--no-input")
        log("migrated; loading the Fjordvik demo")
        manage(env, "seed_demo", "--if-empty", timeout=900)
        accounts = json.loads(manage(env, "shell", "-c", ACCOUNTS_SCRIPT).strip().splitlines()[-1])
        accounts_file = tmp / "accounts.json"
        accounts_file.write_text(json.dumps(accounts))
        args.users = (
            len(accounts["persons"])
            + len(accounts["coordinators"])
            + min(len(accounts["leaders"]), 6)
        )
        log(f"demo loaded: {len(accounts['persons'])} persons, "
            f"{len(accounts['coordinators'])} coordinators, {len(accounts['leaders'])} leaders")  # fmt: skip

        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}",
             "--worker-class", "gthread", "--threads", "4",
             "--timeout", "60", "--graceful-timeout", "5", "laget.wsgi:application"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115
        )  # fmt: skip
        wait_for(base + "/healthz")
        probe = Probe(base)
        probe.start()

        out = tmp / "locust.json"
        locust = subprocess.Popen(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "reliability_locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(max(1, args.users // 5)),
             "--run-time", f"{args.duration}s", "--host", base, "--only-summary",
             "--stop-timeout", "10"],
            env={**env, "RELIABILITY_ACCOUNTS": str(accounts_file), "RELIABILITY_OUT": str(out)},
            cwd=ROOT, stdout=open(tmp / "locust.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )  # fmt: skip
        log(f"load: {args.users} users for {args.duration} s")
        time.sleep(args.duration / 3)
        log(f"stopping the database for {args.outage} s")
        down_at = time.monotonic()
        cluster.stop("immediate")
        time.sleep(args.outage)
        cluster.start()
        back_at = time.monotonic()
        log("database started again")
        locust.wait(timeout=args.duration + 120)
        probe.stopped.set()
        probe.join(timeout=5)
        recovered = probe.first_ok_after(back_at)
        during = [s for at, s in probe.samples if down_at + 1 <= at <= back_at]
        if not out.exists():
            raise RuntimeError(
                "locust wrote no results:\n" + (tmp / "locust.log").read_text()[-3000:]
            )
        load = json.loads(out.read_text())
        (tmp / "tokens.json").write_text(json.dumps(load["acknowledged"]))
        checked = json.loads(
            subprocess.run(
                [PYTHON, "-c", "import django,os,sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE','laget.settings'); django.setup(); exec(sys.stdin.read())", str(tmp / "tokens.json")],
                input=CHECK_SCRIPT, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        audit = subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), "verify_audit"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        statuses = load["statuses"]
        total = sum(statuses.values())
        log(f"load held: {total} requests in {args.duration} s ({total / args.duration:.1f}/s), "
            f"slowest {load['slowest_ms']} ms")  # fmt: skip
        log(f"by status: {json.dumps(dict(sorted(statuses.items())))}")
        log(f"503 without Retry-After: {load['missing_retry_after']}")
        for why, n in load.get("no_answer", {}).items():
            log(f"  no answer ({n}): {why}")
        recovery = round(recovered - back_at, 2) if recovered else None
        log(f"probe during the outage: {sorted(set(during))}; ready again {recovery} s after "
            "the database was back")  # fmt: skip
        log(f"writes acknowledged {len(load['acknowledged'])} of {load['attempted_writes']}; "
            f"lost {checked['lost']}; partial {checked['partial']}; "
            f"verify_audit exit {audit.returncode}")  # fmt: skip

        log(f"schemathesis: at least {args.cases} cases over the API")
        fuzz = run_schemathesis(
            base, person_session(base, accounts["persons"][0]["email"]), args.cases
        )
        log(f"schemathesis: {fuzz['cases']} cases over {fuzz['operations']} operations, "
            f"{fuzz['server_errors']} server errors, {fuzz['schema_violations']} schema "
            f"violations; by status {json.dumps(fuzz['by_status'])}; "
            f"{fuzz['no_invalid_input']} operation(s) take no input to make invalid")  # fmt: skip
        for example in fuzz["examples"]:  # type: ignore[attr-defined]
            log(f"  e.g. {example}")
        result = {
            "users": args.users,
            "duration_s": args.duration,
            "requests": total,
            "requests_per_s": round(total / args.duration, 1),
            "slowest_ms": load["slowest_ms"],
            "by_status": statuses,
            "responses_500": statuses.get("500", 0),
            "responses_503": statuses.get("503", 0),
            "responses_503_without_retry_after": load["missing_retry_after"],
            "requests_without_answer": statuses.get("no answer", 0),
            "outage_s": args.outage,
            "recovery_s": recovery,
            "writes_acknowledged": len(load["acknowledged"]),
            "lost_writes": checked["lost"],
            "partial_writes": checked["partial"],
            "verify_audit_ok": audit.returncode == 0,
            "schemathesis_cases": fuzz["cases"],
            "schemathesis_server_errors": fuzz["server_errors"],
            "schemathesis_schema_violations": fuzz["schema_violations"],
            "seconds": round(time.monotonic() - started),
        }
    finally:
        for process in (locust, server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        cluster.stop("fast")
        shutil.rmtree(tmp, ignore_errors=True)
    ok = (
        result.get("responses_500") == 0
        and result.get("responses_503_without_retry_after") == 0
        and result.get("requests_without_answer") == 0
        and result.get("lost_writes") == 0
        and result.get("partial_writes") == 0
        and result.get("verify_audit_ok") is True
        and (result.get("recovery_s") is not None and result["recovery_s"] <= 5)  # type: ignore[operator]
        and result.get("schemathesis_server_errors") == 0
        and result.get("schemathesis_schema_violations") == 0
        and result.get("schemathesis_cases", 0) >= args.cases  # type: ignore[operator]
    )
    result["ok"] = bool(ok)
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
