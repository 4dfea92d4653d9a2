"""Safety advice topics and the helplines, through the engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.advice_content import TOPICS
from flows.services import UK
from tests.flowdriver import FlowDriver

TOPIC_LABELS = {topic.id: "" for topic in TOPICS.values()}


def open_topic(topic_id: str) -> FlowDriver:
    driver = FlowDriver().click("Safety advice")
    driver.click(driver.tr.label(TOPICS[topic_id].title))
    return driver


def test_advice_menu_lists_every_topic():
    driver = FlowDriver().click("Safety advice")
    for topic in TOPICS.values():
        assert driver.tr.label(topic.title) in driver.labels()


@pytest.mark.parametrize("topic_id", list(TOPICS))
def test_each_topic_pages_forward_and_back_to_the_menu(topic_id):
    driver = open_topic(topic_id)
    pages = len(TOPICS[topic_id].pages)
    assert driver.state == "advice.topic"
    assert {"◀ Back", "☰ Menu", "✖ Exit"} <= set(driver.labels())
    seen = [driver.text]
    for _page in range(pages - 1):
        assert "Next ▶" in driver.labels()
        driver.click("Next")
        seen.append(driver.text)
    assert "Next ▶" not in driver.labels()
    assert len(set(seen)) == pages
    for _page in range(pages):
        driver.click("Back")
    assert driver.state == "advice.menu"


def test_mute_dont_block_gives_the_four_reasons_and_never_advises_blocking():
    driver = open_topic("mute")
    for number in ("1.", "2.", "3.", "4."):
        assert number in driver.text
    assert "evidence" in driver.text
    assert "in person" in driver.text
    driver.click("Next")
    assert "notification settings" in driver.text
    assert "Do not change your phone number" in driver.text


def test_trackers_page_has_both_phones_and_the_safety_warning():
    driver = open_topic("online").click("Next")
    assert "Items Detected With You" in driver.text
    assert "Unknown tracker alerts" in driver.text
    assert "Removing it can tell them you found it" in driver.text


def test_law_topic_has_the_date_and_orders():
    driver = open_topic("law")
    assert "25 November 2012" in driver.text
    driver.click("Next")
    assert "Stalking Protection Order" in driver.text


def test_who_stalks_formats_the_share_for_the_locale():
    assert "About 45% of people" in open_topic("who").text


def test_summary_next_step_opens_the_topic_directly():
    driver = FlowDriver().action("open:advice:evidence")
    assert driver.state == "advice.topic"
    assert "Keep a diary" in driver.text


# --- helplines -------------------------------------------------------------------------------


def helpline(service_label: str, now: datetime) -> FlowDriver:
    return FlowDriver(now=now).click("Helplines").click(service_label)


def uk(*args: int) -> datetime:
    return datetime(*args, tzinfo=UK)


def test_helplines_menu_lists_every_service():
    driver = FlowDriver().click("Helplines")
    for name in ("Emergency", "National Stalking Helpline", "Paladin",
                 "West Midlands Stalking Service", "Unwanted Prisoner Contact"):
        assert any(name in label for label in driver.labels())


def test_emergency_line_explains_999_101_and_the_silent_solution():
    text = helpline("Emergency", uk(2026, 11, 30, 10)).text
    assert "999" in text and "101" in text and "press 55" in text


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (uk(2026, 11, 30, 10, 0), "Open now, until 16:00."),
        (uk(2026, 11, 30, 16, 30), "Closed now. Opens tomorrow at 09:30."),
        (uk(2026, 12, 2, 19, 0), "Open now, until 20:00."),  # Wednesday evening
        (uk(2026, 12, 2, 20, 30), "Closed now. Opens tomorrow at 09:30."),
        (uk(2026, 12, 4, 17, 0), "Closed now. Opens Monday at 09:30."),
        (uk(2026, 12, 1, 7, 0), "Closed now. Opens today at 09:30."),
        (uk(2026, 12, 25, 10, 0), "Closed now. Opens Tuesday at 09:30."),  # Christmas Day
        (datetime(2026, 7, 2, 8, 45, tzinfo=UTC), "Open now, until 16:00."),  # Thu 09:45 BST
    ],
    ids=["mon-open", "mon-late", "wed-evening", "wed-late", "fri-weekend", "early",
         "christmas", "summer-time"],
)
def test_national_helpline_open_or_next_opening(now, expected):
    text = helpline("National Stalking Helpline", now).text
    assert expected in text
    assert "Wednesday: 09:30–20:00" in text
    assert "Closed on bank holidays." in text


def test_bank_holiday_is_named_and_the_helpline_is_closed():
    text = helpline("National Stalking Helpline", uk(2026, 4, 6, 11, 0)).text  # Easter Monday
    assert "Today is a bank holiday." in text
    assert "Closed now. Opens tomorrow at 09:30." in text
    assert "Open now" not in text


def test_a_long_closure_gives_the_date():
    # Christmas Eve evening 2026: Thursday; closed Fri 25, Mon 28 (Boxing Day observed).
    text = helpline("National Stalking Helpline", uk(2026, 12, 24, 17, 0)).text
    assert "Closed now. Opens Tuesday at 09:30." in text


def test_service_with_unknown_bank_holiday_hours_warns_it_may_be_closed():
    text = helpline("Unwanted Prisoner Contact", uk(2026, 12, 25, 10, 0)).text
    assert "may be closed" in text
    assert "0300 060 6699" in text
    assert "Monday to Friday: 09:00–16:00" in text


def test_paladin_has_the_corrected_number():
    text = helpline("Paladin", uk(2026, 11, 30, 10)).text
    assert "020 3866 4107" in text
    assert "020 7840 8960" not in text
    assert "high risk" in text


def test_west_midlands_lists_its_areas():
    text = helpline("West Midlands", uk(2026, 11, 30, 10)).text
    for area in ("Sandwell", "Solihull", "Birmingham", "Dudley", "Walsall", "Wolverhampton",
                 "Coventry"):
        assert area in text
    assert "0121 553 0090" in text


def test_back_from_a_service_returns_to_the_list():
    driver = helpline("Paladin", uk(2026, 11, 30, 10)).click("Back")
    assert driver.state == "helplines.menu"


def test_a_forged_service_id_changes_nothing():
    driver = FlowDriver().click("Helplines").action("service:not_a_service")
    assert driver.state == "helplines.menu"
