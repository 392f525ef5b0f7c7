"""The login throttle protects without locking the owner out, and holds across worker
processes (issue 14). Both failed on the code before: five failures from anywhere locked the
account for everyone, and the counters lived in each process's memory."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from laget.accounts.middleware import DEVICE_COOKIE
from laget.accounts.totp import current_code
from laget.conftest import TEST_TOTP_SECRET

PASSWORD = "riktig-passord-123"


def log_in(client, email, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def enter_code(client, code):
    return client.post(reverse("mfa_authenticate"), {"code": code})


@pytest.mark.django_db
def test_guessing_from_many_addresses_does_not_stop_the_owner(world, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # the owner logs in twice within one 30-second step
    owner = Client()
    # The owner has logged in on this browser before: it keeps a signed device cookie.
    assert log_in(owner, world.member.email)["Location"] == reverse("mfa_authenticate")
    assert enter_code(owner, current_code(TEST_TOTP_SECRET)).status_code == 302
    assert DEVICE_COOKIE in owner.cookies
    owner.post(reverse("account_logout"))

    # Someone guesses the password from twenty addresses.
    attacker = Client()
    for n in range(20):
        response = log_in(attacker, world.member.email, "gjett-" + str(n), f"10.0.{n}.1")
        assert response.status_code in (200, 429)
        assert response.get("Location") != reverse("mfa_authenticate")
    # Guessing has stopped: even the right password from a new browser must wait...
    stranger = log_in(Client(), world.member.email, PASSWORD, "10.9.9.9")
    assert stranger.get("Location") != reverse("mfa_authenticate")
    assert "Vent et minutt" in stranger.content.decode()
    # ...but the owner, with the right password and code, gets in from their own browser.
    response = log_in(owner, world.member.email, PASSWORD, "192.0.2.7")
    assert response["Location"] == reverse("mfa_authenticate")
    next_code = current_code(TEST_TOTP_SECRET, at=time.time() + 30)
    assert enter_code(owner, next_code).status_code == 302
    assert owner.get(reverse("home")).wsgi_request.user == world.member


@pytest.mark.django_db
def test_another_port_in_the_host_header_gives_no_more_guesses(world):
    # allauth keyed the account's count by the Host header: a port per guess, and the
    # account's limit never held (found when two workers on two ports counted apart).
    for n in range(6):
        Client().post(
            reverse("account_login"),
            {"login": world.member.email, "password": f"gjett-{n}"},
            REMOTE_ADDR=f"10.1.{n}.1",
            HTTP_HOST=f"127.0.0.1:{1000 + n}",
        )
    stranger = Client().post(
        reverse("account_login"),
        {"login": world.member.email, "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
        HTTP_HOST="127.0.0.1:2000",
    )
    assert stranger.get("Location") != reverse("mfa_authenticate")
    assert "Vent et minutt" in stranger.content.decode()


@pytest.mark.django_db
def test_a_forged_or_foreign_device_cookie_counts_as_a_stranger(world):
    attacker = Client()
    for n in range(6):
        log_in(attacker, world.member.email, "gjett-" + str(n), f"10.1.{n}.1")
    for cookie in ("forfalsket", _device_cookie_for("someone.else@test.invalid")):
        client = Client()
        client.cookies[DEVICE_COOKIE] = cookie
        response = log_in(client, world.member.email, PASSWORD, "10.2.2.2")
        assert "Vent et minutt" in response.content.decode()


def _device_cookie_for(login):
    from django.core import signing

    from laget.accounts.middleware import DEVICE_COOKIE_SALT

    return signing.dumps({"login": login, "device": "x"}, salt=DEVICE_COOKIE_SALT)


# --- Two worker processes --------------------------------------------------------------

SETUP = """
from laget.accounts.models import User
from laget.accounts.totp import ensure_totp
u = User.objects.create_user("prosess@test.invalid", "riktig-passord-123", kind="professional")
ensure_totp(u, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A tiny browser: cookies and CSRF tokens, against a real server process."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        page = self.get(path)[2]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, page[:500]
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": match.group(1)}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self._open(request)

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


TWO_WORKERS_SECRET_KEY = "to-prosesser-test-" + "x" * 40


def _env(directory: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'laget.sqlite3'}",
        "LAGET_VAR_DIR": str(directory),
        "SECRET_KEY": TWO_WORKERS_SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "laget.settings",
    }


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """One migrated database file with the test user, made once for the module (migrating
    took most of each test's time); each test gets its own copy of it."""
    directory = tmp_path_factory.mktemp("two-workers-template")
    env = _env(directory)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True)
    return directory / "laget.sqlite3"


@pytest.fixture
def two_workers(tmp_path, migrated_database):
    """Two separate server processes (gunicorn, one worker each) on one database file, a
    fresh copy of the migrated one (so no test sees another's counters or used codes)."""
    env = _env(tmp_path)
    root = Path(settings.BASE_DIR)
    # The backup API copies a consistent database, whatever the WAL holds.
    source, copy = sqlite3.connect(migrated_database), sqlite3.connect(tmp_path / "laget.sqlite3")
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    ports = [_free_port(), _free_port()]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    servers = [
        subprocess.Popen(
            [gunicorn, "-w", "1", "-b", f"127.0.0.1:{port}", "laget.wsgi:application"],
            env=env,
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


# The three tests share the migrated database: on one worker, it is made once.
two_process_group = pytest.mark.xdist_group("two-processes")


@two_process_group
def test_the_throttle_and_the_code_reuse_guard_hold_across_two_processes(two_workers):
    a, b = two_workers
    login = "/accounts/login/"
    email = "prosess@test.invalid"
    # Ten failures from one address, alternating between the two processes: the eleventh
    # attempt is refused by either, because both count in the one shared cache.
    for n in range(10):
        _, location, _ = Browser(a if n % 2 else b).post(
            login, {"login": email, "password": f"feil-{n}"}
        )
        assert location != "/accounts/2fa/authenticate/", n
    for base in (a, b):
        _, location, body = Browser(base).post(login, {"login": email, "password": PASSWORD})
        assert location != "/accounts/2fa/authenticate/"
        assert "For mange mislykkede innloggingsforsøk" in body


@two_process_group
def test_a_code_used_in_one_process_is_refused_in_the_other(two_workers):
    a, b = two_workers
    email = "prosess@test.invalid"
    first, second = Browser(a), Browser(b)
    for browser in (first, second):
        _, location, _ = browser.post("/accounts/login/", {"login": email, "password": PASSWORD})
        assert location == "/accounts/2fa/authenticate/"
    code = current_code(TEST_TOTP_SECRET)
    _, location, _ = first.post("/accounts/2fa/authenticate/", {"code": code})
    assert location == "/"
    # The same code, moments later, in the other process: refused (it was used).
    _, location, body = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert location != "/"
    # The shared cache tells the other process the code was used, so it says so (not
    # "incorrect code"): the owner knows to wait for the next one.
    assert "Denne koden er allerede brukt" in body


@two_process_group
def test_strangers_guessing_through_both_processes_do_not_stop_the_owner(two_workers):
    """The must-show of issue 14 across real worker processes: guesses at one account,
    spread over two processes, stop the guessing in both, yet the owner, on the browser
    they logged in on before, gets in through either with the right password and code."""
    from django.core import signing

    from laget.accounts.middleware import DEVICE_COOKIE_SALT

    a, b = two_workers
    login = "/accounts/login/"
    email = "prosess@test.invalid"
    # Eight wrong passwords, alternating between the processes (fewer than the address's
    # ten a minute, more than the account's five in five minutes).
    for n in range(8):
        _, location, _ = Browser(a if n % 2 else b).post(
            login, {"login": email, "password": f"feil-{n}"}
        )
        assert location != "/accounts/2fa/authenticate/", n
    # A stranger with the right password is stopped by the process that saw fewer guesses.
    _, location, body = Browser(a).post(login, {"login": email, "password": PASSWORD})
    assert location != "/accounts/2fa/authenticate/"
    assert "For mange mislykkede innloggingsforsøk" in body
    # The owner's browser carries the device cookie from an earlier login (the server's
    # key signs it, as the server does at login).
    owner = Browser(b)
    cookie = signing.dumps(
        {"login": email, "device": "eierens-nettleser"},
        key=TWO_WORKERS_SECRET_KEY,
        salt=DEVICE_COOKIE_SALT,
    )
    owner.jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            DEVICE_COOKIE,
            cookie,
            None,
            False,
            "127.0.0.1",
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )
    _, location, _ = owner.post(login, {"login": email, "password": PASSWORD})
    assert location == "/accounts/2fa/authenticate/"
    _, location, _ = owner.post(location, {"code": current_code(TEST_TOTP_SECRET)})
    assert location == "/"
    status, _, _ = owner.get("/planer/")
    assert status == 200
