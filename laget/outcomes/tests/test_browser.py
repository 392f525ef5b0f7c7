"""The whole journey in Debian's Chromium: Jonas rates on a 375 px phone with the keyboard
only and sees his chart; his coordinator sees the urgent alert with the crisis routine and
the chart. axe-core clean on every page."""

from __future__ import annotations

import pytest

from laget.outcomes.models import Rating
from laget.tests.test_browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_jonas_rates_on_his_phone_and_his_helper_sees_the_alert_and_the_chart(demo, page_for):
    phone = page_for(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    log_in(phone, "jonas.eriksen@person.test", code=False)
    phone.get_by_role("link", name="Min plan").click()
    phone.get_by_role("link", name="Vurderinger").click()
    phone.get_by_role("heading", name="Dine vurderinger").wait_for()
    assert phone.get_by_text("Du har fått det merkbart bedre siden start.").first.is_visible()
    assert phone.locator("svg.outcome-chart line.cutoff").count() >= 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)

    # The alliance, on four sliders, by keyboard only.
    phone.get_by_role("link", name="Hvordan hjelpen virker").click()
    first = phone.get_by_role("slider").first
    first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
    first.focus()
    phone.keyboard.press("End")
    for _ in range(3):
        phone.keyboard.press("ArrowLeft")
    assert phone.locator("output").first.inner_text() == "9,7"
    assert first.get_attribute("aria-valuetext") == "9,7 av 10"
    for _ in range(3):
        phone.keyboard.press("Tab")
        phone.keyboard.press("End")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    phone.get_by_text("Takk! Vurderingen er lagret.").wait_for()
    latest = Rating.objects.filter(instrument="alliance").latest("pk")
    assert float(latest.total) == 39.7
    assert_accessible(phone)

    # PHQ-9 with the keyboard: item 9 above zero shows safe next steps at once.
    phone.goto(phone.url.split("#")[0] + "phq9/")
    phone.locator("input[name=q1]").first.focus()
    for item in range(1, 10):
        if item == 9:
            phone.keyboard.press("ArrowRight")  # moves to and checks "Noen dager" (1)
        else:
            phone.keyboard.press("Space")  # checks "Ikke i det hele tatt" (0)
        phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    phone.get_by_role("heading", name="Du er ikke alene med dette").wait_for()
    assert phone.get_by_text("Er du i fare nå: ring 113.").is_visible()
    assert Rating.objects.filter(instrument="phq9", risk=True).count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
    assert phone.csp_violations == []  # type: ignore[attr-defined]

    # His coordinator: the urgent alert with the crisis routine, then the chart.
    helper = page_for()
    log_in(helper, "ahmed.rahimi@fjordvik-kommune.test", code=True)
    helper.get_by_role("link", name="Trenger deg").click()
    helper.get_by_role("heading", name="Vurderinger som trenger deg").wait_for()
    assert helper.get_by_text("Haster: PHQ-9 spørsmål 9").is_visible()
    assert helper.get_by_text("Ring personen i dag").is_visible()
    assert_accessible(helper)
    helper.locator(".outcome-alerts").get_by_role("link", name="Jonas Eriksen").click()
    helper.get_by_role("heading", name="Vurderinger: Jonas Eriksen").wait_for()
    assert helper.locator("svg.outcome-chart polyline.scores").count() == 4
    assert helper.get_by_role("table").first.is_visible()
    assert_accessible(helper)
    chart_url = helper.url
    # A group session: Ahmed starts one, Jonas rates the group on the tablet by keyboard.
    helper.get_by_role("link", name="Gruppetimer: hver deltaker vurderer gruppa").click()
    helper.get_by_role("link", name="Ny gruppetime").click()
    helper.get_by_label("Navnet på gruppa (ingen navn på personer)").fill("Mestringsgruppe")
    boxes = helper.get_by_role("checkbox")
    helper.get_by_role("checkbox", name="Jonas Eriksen").check()
    for i in range(boxes.count()):
        if not boxes.nth(i).is_checked():
            boxes.nth(i).check()
            break
    assert_accessible(helper)
    helper.get_by_role("button", name="Start gruppetimen").click()
    helper.get_by_role("heading", name="Hvordan gruppa virker").wait_for()
    assert_accessible(helper)
    helper.get_by_role("link", name="Vurder nå (Jonas Eriksen)").click()
    slider = helper.get_by_role("slider").first
    slider.wait_for()
    slider.focus()
    for _ in range(4):
        helper.keyboard.press("End")
        helper.keyboard.press("Tab")
    helper.keyboard.press("Enter")
    helper.get_by_text("har vurdert", exact=True).wait_for()
    rating = Rating.objects.get(instrument="group_alliance")
    assert float(rating.total) == 40.0 and rating.plan.person.first_name == "Jonas"
    assert_accessible(helper)
    # The person's own chart page, the coordinator's view of it refused to nobody else.
    phone.goto(chart_url)
    phone.get_by_role("heading", name="Dine vurderinger").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert helper.csp_violations == []  # type: ignore[attr-defined]
