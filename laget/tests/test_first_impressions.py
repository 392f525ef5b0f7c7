"""What a newcomer meets first (issue 12): the README and `make run` agree on the demo
accounts and say which Python is needed; no page links to a missing favicon; a person
meets no dead-end link to "who's who"; the timeline has a date axis."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from laget.plans.tests.conftest import _media_in_tmp, plan_client, plan_world  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def banner() -> list[str]:
    return [line for line in MAKEFILE.splitlines() if line.strip().startswith('@echo "  ')]


def make_python_version(python: str) -> subprocess.CompletedProcess:
    make = shutil.which("make") or "/usr/bin/make"
    return subprocess.run(
        [make, "-s", "python-version", f"PYTHON={python}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_readme_says_python_3_11_and_make_refuses_another_version(tmp_path):
    assert "Python 3.11" in README
    fake = tmp_path / "python3"
    fake.write_text('#!/bin/sh\n[ "$1" = "--version" ] && echo "Python 3.13.1"\nexit 1\n')
    fake.chmod(0o755)
    refused = make_python_version(str(fake))
    assert refused.returncode != 0
    assert "Laget needs Python 3.11, but" in refused.stderr and "Python 3.13.1" in refused.stderr
    if sys.version_info[:2] == (3, 11):
        assert make_python_version(sys.executable).returncode == 0


def test_the_make_run_banner_and_the_readme_agree_on_the_demo_accounts():
    emails = [m for line in banner() for m in re.findall(r"[\w.]+@[\w.-]+\.test", line)]
    assert emails, "the banner names the demo accounts"
    for email in emails:
        assert f"`{email}`" in README, email
    # Who the service administrator is: the same people in both.
    admins_in_banner = {
        e
        for line in banner()
        if "tjenesteadministrator" in line
        for e in re.findall(r"[\w.]+@[\w.-]+\.test", line)
    }
    for email in admins_in_banner:
        row = next(line for line in README.splitlines() if f"`{email}`" in line)
        assert "service administrator" in row, email
    # A person's own account, which logs in without a second factor.
    assert any(e.endswith("@person.test") for e in emails)


def test_the_coordinator_is_not_listed_among_the_accounts_without_a_second_factor():
    without = README[README.index("Persons and relatives log in") :]
    without = without[: without.index("\n\n", without.index("| who |"))]
    assert "ahmed.rahimi" not in without
    with_mfa = README[README.index("## Demo logins") : README.index("Persons and relatives")]
    assert "`ahmed.rahimi@fjordvik-kommune.test`" in with_mfa


@pytest.mark.django_db
def test_every_page_links_a_favicon_that_exists(client):
    assert finders.find("core/favicon.svg")
    body = client.get(reverse("directory:catalogue")).content.decode()
    assert '<link rel="icon" href="/static/core/favicon.svg"' in body


@pytest.mark.django_db
def test_a_person_meets_no_link_to_who_is_who(world, client_for):
    from laget.directory.models import Network

    Network.objects.get_or_create(slug="testvik", defaults={"name": "Testvik"})
    url = reverse("directory:networks")
    whos_who = reverse("directory:whos_who", kwargs={"slug": "testvik"})
    assert whos_who not in client_for("person").get(url).content.decode()
    assert whos_who not in client_for("anonymous").get(url).content.decode()
    assert whos_who in client_for("member").get(url).content.decode()


@pytest.mark.django_db
def test_the_timeline_has_a_date_axis(plan_world, plan_client):  # noqa: F811
    from laget.continuity import services

    today = dt.date.today()
    services.episode_start(
        actor=plan_world.coordinator,
        plan=plan_world.plan,
        service=plan_world.dps,
        responsibility="responsible",
        starts=today - dt.timedelta(days=100),
    )
    body = (
        plan_client("person")
        .get(reverse("continuity:timeline", kwargs={"plan_id": plan_world.plan.pk}))
        .content.decode()
    )
    axis = body[body.index('class="timeline-axis"') :].split("</ol>")[0]
    dates = re.findall(r'<time datetime="([\d-]+)">', axis)
    assert len(dates) == 5
    assert dates[0] == (today - dt.timedelta(days=100)).isoformat()
    assert dates[-1] == today.isoformat()
    assert dates == sorted(dates)
    assert body.count('class="axis-tick"') == 5
