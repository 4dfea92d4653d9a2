"""The diary conversation through the engine, with an in-memory diary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.diary_model import Entry, Evidence
from flows.diary_patterns import patterns
from flows.services import UK
from tests.flowdriver import FlowDriver

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def diary(lang: str = "en") -> FlowDriver:
    return FlowDriver(now=NOW, lang=lang).command("diary")


def through_to_review(driver: FlowDriver) -> FlowDriver:
    driver.click("Add an incident").click("Just now")
    driver.type("Outside my work, Station Road")
    driver.type("He waited by my car and followed me to the bus stop")
    driver.type("My ex-partner")
    driver.click("8").click("1").click("Done")  # hanging around, unwanted contact
    driver.type("Scared and shaky")
    driver.click("Skip")
    driver.send_file("photo", "AgACAgQ-photo-1")
    driver.send_file("voice", "AwACAgQ-voice-1")
    return driver.click("Done")


def test_the_diary_says_the_quick_exit_keeps_it_and_forget_deletes_it():
    text = diary().text
    assert "The quick exit keeps your diary. /forget deletes it." in text
    assert text.startswith("Your diary")


def test_a_guided_entry_follows_the_leaflets_template_and_is_saved():
    driver = through_to_review(diary())
    review = driver.text
    for shown in ("Station Road", "followed me", "My ex-partner", "Scared and shaky",
                  "Hanging around places you go", "Unwanted contact", "Evidence: 2 files"):
        assert shown in review
    assert driver.screen.personal
    driver.click("Save")
    assert driver.text == "Saved: incident 1"
    assert "cleanup" in driver.effects
    entry = driver.diary.get(1)
    assert entry.where == "Outside my work, Station Road"
    assert entry.who == "My ex-partner"
    assert entry.signs == ("contact", "hanging_around")  # in the leaflet's order
    assert entry.evidence == (
        Evidence("photo", "AgACAgQ-photo-1"), Evidence("voice", "AwACAgQ-voice-1")
    )
    assert entry.happened_at == NOW.astimezone(UK)
    assert driver.diary.draft() is None


def test_every_step_is_kept_at_once_so_nothing_is_lost():
    driver = diary().click("Add an incident").click("Just now").type("The park")
    assert driver.diary.draft().where == "The park"
    assert driver.text.startswith("New incident: step 3 of 8")


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("en", "25/11/2026 14:30", datetime(2026, 11, 25, 14, 30, tzinfo=UK)),
        ("en", "1/7/2026 09:05", datetime(2026, 7, 1, 9, 5, tzinfo=UK)),
        ("pl", "25.11.2026 14:30", datetime(2026, 11, 25, 14, 30, tzinfo=UK)),
        ("pt", "25/11/2026 14:30", datetime(2026, 11, 25, 14, 30, tzinfo=UK)),
    ],
)
def test_another_day_is_typed_in_the_persons_own_date_format(lang, typed, expected):
    driver = diary(lang).click("➕").action("another_day").type(typed)
    assert driver.state == "diary.where"
    assert driver.diary.draft().happened_at == expected


def test_earlier_today_takes_a_time():
    driver = diary().click("Add an incident").click("Earlier today").type("08:15")
    assert driver.diary.draft().happened_at == datetime(2026, 11, 30, 8, 15, tzinfo=UK)


@pytest.mark.parametrize(
    "typed", ["25:99", "yesterday-ish", "31/02/2026 10:00", "25/11/2099 10:00"]
)
def test_a_date_or_time_not_understood_or_in_the_future_is_asked_again(typed):
    button = "Another day" if "/" in typed or "-" in typed else "Earlier today"
    driver = diary().click("Add an incident").click(button).type(typed)
    assert driver.state in ("diary.when_day", "diary.when_today")
    assert driver.text.startswith("Please type a")


def test_change_an_answer_from_the_review():
    driver = through_to_review(diary()).click("Change something").click("Where")
    driver.type("Outside my home")
    assert driver.state == "diary.review"
    assert "Outside my home" in driver.text


def test_discard_throws_the_draft_away():
    driver = through_to_review(diary()).click("Discard").click("Yes, throw it away")
    assert driver.state == "diary.menu"
    assert driver.diary.draft() is None
    assert driver.diary.entries() == []


def test_anything_sent_on_the_diary_screen_is_a_quick_note():
    driver = diary().type("He was outside again at 7am")
    assert driver.text == "Saved: incident 1"
    entry = driver.diary.get(1)
    assert entry.quick and entry.what == "He was outside again at 7am"
    assert entry.created_at == NOW
    driver.click("Diary").send_file("photo", "AgAC-quick")
    assert driver.diary.get(2).evidence == (Evidence("photo", "AgAC-quick"),)


def test_several_messages_forwarded_at_once_are_each_kept():
    sent = datetime(2026, 11, 20, 23, 47, tzinfo=UTC)
    driver = diary().forward("Where are you", sent, "aa" * 32)
    driver.forward("I can see you", sent + timedelta(minutes=1), "bb" * 32)
    driver.send_file("photo", "AgAC-screenshot").type("and a note of my own")
    assert driver.text == "Saved: incident 4"
    assert [e.what for e in driver.diary.entries()][1:] == ["", "I can see you", "Where are you"]
    assert driver.diary.get(3).evidence == (Evidence("photo", "AgAC-screenshot"),)


def test_a_forwarded_message_keeps_when_it_was_first_sent_and_its_hash():
    sent = datetime(2026, 11, 20, 23, 47, tzinfo=UTC)
    driver = diary().forward("You can't hide from me", sent, "ab" * 32)
    entry = driver.diary.get(1)
    assert entry.forwarded.sent_at == sent
    assert entry.forwarded.sha256 == "ab" * 32
    assert entry.happened_at == sent.astimezone(UK)
    driver.click("My incidents").click("#1")
    assert "Forwarded message, first sent 20 November 2026 at 23:47" in driver.text
    assert "SHA-256 at capture: abababababababab" in driver.text


def fill(driver: FlowDriver, count: int) -> None:
    for number in range(count):
        happened = NOW - timedelta(days=count - number)
        driver.diary.add(Entry(where=f"Place {number + 1}", happened_at=happened), NOW)


def test_my_incidents_are_newest_first_and_paged():
    driver = diary()
    fill(driver, 7)
    driver.click("My incidents")
    assert driver.labels()[0].startswith("#7 ")
    assert len([label for label in driver.labels() if label.startswith("#")]) == 5
    driver.click("Older")
    assert [label[:2] for label in driver.labels() if label.startswith("#")] == ["#2", "#1"]
    driver.click("Newer")
    assert driver.labels()[0].startswith("#7 ")


def test_view_edit_and_delete_a_saved_entry():
    driver = diary()
    fill(driver, 2)
    driver.click("My incidents").click("#2")
    assert "Place 2" in driver.text and driver.screen.personal
    driver.click("Edit").click("What happened").type("Left flowers on my doorstep")
    assert driver.state == "diary.view"
    assert driver.diary.get(2).what == "Left flowers on my doorstep"
    driver.click("Delete")
    assert "cannot be undone" in driver.text
    driver.click("Yes, delete it")
    assert driver.diary.get(2) is None and driver.diary.get(1) is not None


def test_patterns_flag_threats_breaches_and_more_incidents():
    driver = diary()
    for days in (20, 3, 2, 1):
        driver.diary.add(Entry(happened_at=NOW - timedelta(days=days), signs=("contact",)), NOW)
    driver.diary.add(Entry(happened_at=NOW, signs=("threats_to_meet", "breaching_orders")), NOW)
    driver.click("Patterns")
    text = driver.text
    assert "It is happening more often." in text
    assert "Some incidents include threats." in text
    assert "break an order" in text
    assert "call 999" in text and "101" in text
    assert "Unwanted contact: 4" in text


def test_patterns_without_warnings():
    result = patterns([Entry(happened_at=NOW - timedelta(days=70))], NOW)
    assert not result.flagged
    assert sum(count for _monday, count in result.per_week) == 0  # older than 8 weeks


def test_a_pin_locks_the_diary_and_typed_pins_leave_the_chat():
    driver = diary().click("Set a PIN").type("12")
    assert "Please type 4 to 8 digits." in driver.text and "scrub" in driver.effects
    driver.type("4821")
    assert "Your PIN is set" in driver.text and "scrub" in driver.effects
    driver.click("Lock")
    assert driver.state == "diary.locked"
    driver.command("menu").command("diary")
    assert driver.state == "diary.locked"
    driver.type("0000")
    assert "4 tries left" in driver.text
    driver.type("4821")
    assert driver.state == "diary.menu"


def test_five_wrong_pins_lock_the_diary_for_15_minutes():
    driver = diary().click("Set a PIN").type("4821").click("Lock")
    for _ in range(5):
        driver.type("9999")
    assert "Too many wrong tries. Try again after 10:15." in driver.text
    driver.type("4821")
    assert driver.state == "diary.locked"  # even the right PIN waits
    driver.now += timedelta(minutes=16)
    driver.type("4821")
    assert driver.state == "diary.menu"


def test_a_forgotten_pin_erases_the_diary_but_never_opens_it():
    driver = diary()
    fill(driver, 2)
    driver.click("Set a PIN").type("4821").click("Lock")
    driver.click("I forgot my PIN")
    assert "Nobody can open the diary without it" in driver.text
    driver.click("Delete my diary")
    assert driver.diary.entries() == [] and not driver.diary.has_pin()


def test_export_asks_the_edge_to_send_the_files():
    driver = diary().click("Export")
    assert "PDF" in driver.text
    driver.click("Send PDF and CSV")
    assert "export" in driver.effects


def test_the_quick_exit_keeps_the_diary():
    driver = diary()
    fill(driver, 1)
    driver.command("exit")
    assert driver.ended and driver.diary.get(1) is not None


@pytest.mark.parametrize(
    ("set_as", "typed"), [("١٢٣٤", "1234"), ("1234", "١٢٣٤"), ("۱۲۳۴", "1234")]
)
def test_a_pin_is_the_same_in_any_scripts_digits(set_as, typed):
    driver = diary().click("Set a PIN").type(set_as).click("Lock").type(typed)
    assert driver.state == "diary.menu"


def test_a_time_not_understood_is_asked_for_once():
    driver = diary().click("Add an incident").click("Earlier today").type("half past")
    assert driver.text.count("Please type a time") == 1


def test_a_file_sent_where_text_is_expected_gets_one_gentle_line():
    driver = diary().click("Add an incident").click("Just now").send_file("photo", "AgAC")
    assert driver.state == "diary.where"
    assert driver.text.count("I can only read text") == 1
