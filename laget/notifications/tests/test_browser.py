"""The journey of issue 13 in Debian's Chromium, checked with axe-core: Jonas writes on his
phone and sees when it will be read; Ahmed's bell shows it, the wall marks it new, he
answers; Jonas's bell shows the answer; Jonas asks to be called and Ahmed finds it on
"Trenger deg"."""

from __future__ import annotations

import pytest

from laget.tests.test_browser import (  # noqa: F401
    assert_accessible,
    browser,
    demo,
    log_in,
    page_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

JONAS_WORDS = "Kan noen ringe meg? Det har vært en tung uke."


def bell_count(page) -> int:
    badge = page.locator("#bell .badge")
    return int(badge.inner_text().split()[0]) if badge.count() else 0


def test_a_message_is_told_answered_and_a_call_is_asked_for(demo, page_for):  # noqa: F811
    # Jonas, on his phone, writes to the team and sees when it will be read.
    phone = page_for(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    log_in(phone, "jonas.eriksen@person.test", code=False)
    phone.get_by_role("link", name="Min plan").click()
    phone.get_by_role("link", name="Alle meldinger, og skriv en melding").click()
    net = phone.locator("section.safety-net")
    assert net.get_by_text("Meldinger leses på hverdager.").is_visible()
    assert net.get_by_role("link", name="116 117").is_visible()
    assert net.get_by_role("link", name="113").is_visible()
    phone.get_by_label("Skriv en melding til teamet").fill(JONAS_WORDS)
    phone.get_by_role("button", name="Send", exact=True).click()
    phone.get_by_text("Meldingen din er sendt til teamet.").wait_for()
    assert phone.get_by_text("Meldinger leses på hverdager.").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
    jonas_before = bell_count(phone)

    # Ahmed's bell shows it; the list leads to the wall, which marks it new.
    ahmed = page_for()
    log_in(ahmed, "ahmed.rahimi@fjordvik-kommune.test", code=True)
    assert bell_count(ahmed) >= 1
    ahmed.locator("#bell").click()
    ahmed.get_by_role("heading", name="Varsler").wait_for()
    assert_accessible(ahmed)
    ahmed.get_by_role("link", name="Ny melding i en plan").first.click()
    card = ahmed.locator("article.message-card.is-new", has_text=JONAS_WORDS)
    card.wait_for()
    assert card.get_by_text("Ny", exact=True).is_visible()
    assert_accessible(ahmed)
    # He answers Jonas's message.
    card.locator("summary").click()
    card.locator("textarea").fill("Jeg ringer deg i morgen formiddag, Jonas.")
    card.get_by_role("button", name="Send").click()
    ahmed.get_by_text("Meldingen din er sendt til teamet.").wait_for()
    # Seen now: nothing on the wall is new to him any more.
    assert ahmed.locator("article.message-card.is-new").count() == 0

    # Jonas's bell shows the answer.
    phone.goto("/")
    assert bell_count(phone) == jonas_before + 1
    phone.locator("#bell").click()
    phone.get_by_role("link", name="Svar på meldingen din").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
    phone.get_by_role("link", name="Svar på meldingen din").first.click()
    phone.get_by_text("Jeg ringer deg i morgen formiddag, Jonas.").wait_for()

    # Jonas asks to be called in the afternoon; it is on Ahmed's "Trenger deg".
    phone.get_by_label("Når passer det at vi ringer deg?").select_option("afternoon")
    phone.get_by_role("button", name="Jeg vil bli ringt").click()
    phone.get_by_text("Koordinatoren har fått beskjed om å ringe deg.").wait_for()
    assert_accessible(phone)
    ahmed.get_by_role("link", name="Trenger deg").click()
    ahmed.get_by_role("heading", name="Folk som venter på deg").wait_for()
    assert ahmed.get_by_role("link", name="Jonas Eriksen vil bli ringt").is_visible()
    assert ahmed.get_by_text("om ettermiddagen").first.is_visible()
    assert_accessible(ahmed)
    assert phone.csp_violations == [] and ahmed.csp_violations == []  # type: ignore[attr-defined]
