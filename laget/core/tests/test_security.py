"""Secure defaults: headers, strict CSP with no inline code, CSRF, sessions, hashing,
error pages, and production settings that pass `check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import laget.settings as base_settings

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db


def pages(world):
    slug = world.service.slug
    return [
        ("anonymous", reverse("home")),
        ("anonymous", reverse("directory:catalogue")),
        ("anonymous", reverse("directory:service", kwargs={"slug": slug})),
        ("anonymous", reverse("account_login")),
        ("anonymous", "/finnes/ikke/"),
        ("owner", reverse("home")),
        ("owner", reverse("directory:service_edit", kwargs={"slug": slug})),
        ("owner", reverse("directory:whos_who", kwargs={"slug": world.network.slug})),
        ("owner", reverse("mfa_index")),
        ("outsider", reverse("directory:service_edit", kwargs={"slug": slug})),
    ]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_headers_and_no_inline_code_on_every_page(world, client_for):
    for actor, url in pages(world):
        response = client_for(actor).get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        body = response.content.decode()
        assert not INLINE_SCRIPT.search(body), url
        assert not INLINE_STYLE.search(body), url
        assert not EVENT_HANDLER.search(body), url


def test_pages_declare_the_language_and_a_skip_link(world, client):
    body = client.get(reverse("directory:catalogue")).content.decode()
    assert '<html lang="nb">' in body
    assert 'href="#main"' in body and 'id="main"' in body
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in english.get(reverse("directory:catalogue")).content.decode()


def test_forms_without_csrf_token_are_refused_in_norwegian(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    url = reverse("directory:service_edit", kwargs={"slug": world.service.slug})
    response = client.post(url, {"offer": "x", "version": "1"})
    assert response.status_code == 403
    assert "Skjemaet er utløpt" in response.content.decode()


def test_unknown_url_is_a_norwegian_404(client):
    response = client.get("/dette/finnes/ikke/")
    assert response.status_code == 404
    assert "Vi finner ikke siden" in response.content.decode()


def test_500_page_renders_without_a_request():
    body = render_to_string("500.html")
    assert "Noe gikk galt hos oss" in body and "Something went wrong" in body


def test_sessions_expire_after_inactivity(world, client):
    assert base_settings.SESSION_COOKIE_AGE <= 60 * 60
    client.force_login(world.member)
    assert client.get(reverse("home")).wsgi_request.user == world.member
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(reverse("home")).wsgi_request.user.is_anonymous


def test_a_request_renews_the_session_at_most_once_a_minute(world, client, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    client.force_login(world.member)
    client.get(reverse("home"))  # the first request renews
    soon = timezone.now() + timezone.timedelta(minutes=5)
    Session.objects.update(expire_date=soon)

    # Within the minute: a read stays a read, the expiry does not move.
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == soon

    # A minute later the next request pushes the expiry a whole idle period ahead.
    with mock.patch("laget.core.middleware.time.time", return_value=time.time() + 61):
        client.get(reverse("home"))
    renewed = Session.objects.get().expire_date
    assert renewed > timezone.now() + timezone.timedelta(minutes=29)


def test_anonymous_visitors_get_no_session_row(client):
    client.get(reverse("home"))
    client.get(reverse("directory:catalogue"))
    assert not Session.objects.exists()


def test_passwords_are_hashed_with_argon2(settings):
    assert base_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS
    from django.contrib.auth.hashers import make_password

    encoded = make_password("et-langt-passord")
    # Argon2id at OWASP's parameters: 19 MiB, two passes, one lane.
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_with_django_s_heavier_argon2_defaults_is_upgraded_at_login(settings):
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password

    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS
    old = Argon2PasswordHasher().encode("et-langt-passord", "saltsaltsalt")
    assert "m=102400" in old
    upgraded: list[str] = []
    assert check_password("et-langt-passord", old, setter=upgraded.append)
    assert upgraded == ["et-langt-passord"]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "LAGET_DEBUG", "LAGET_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "laget.settings_production",
    "SECRET_KEY": "k" * 20 + "x9Q#2m!vL4p@8rT&" * 3,
    "ALLOWED_HOSTS": "laget.example.no",
    "LAGET_AUDIT_KEY": "a" * 16 + "Zr8!kP2#vQ9@wL5&" * 2,
}


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_require_a_secret_key():
    env = dict(PRODUCTION)
    env.pop("SECRET_KEY")
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_require_an_audit_key():
    env = dict(PRODUCTION)
    env.pop("LAGET_AUDIT_KEY")
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "LAGET_AUDIT_KEY" in result.stderr


def test_production_refuses_the_demo_shortcuts():
    for command in ("seed_demo", "demo_totp"):
        result = run_manage(command, **PRODUCTION, LAGET_DEMO="1")
        assert result.returncode != 0, command
        assert "LAGET_DEMO" in result.stderr


def test_debug_is_off_by_default():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_every_response_carries_a_request_id(client):
    first = client.get(reverse("home"))["X-Request-ID"]
    assert len(first) == 32 and first != client.get(reverse("home"))["X-Request-ID"]
    kept = client.get(reverse("home"), HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert kept["X-Request-ID"] == "proxy-1234abcd"
    junk = client.get(reverse("home"), HTTP_X_REQUEST_ID="<script>")
    assert junk["X-Request-ID"] != "<script>"
