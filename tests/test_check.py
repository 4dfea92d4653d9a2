"""The check, through the engine: every sign, back, not sure and every summary."""

from __future__ import annotations

import pytest

from flows.signs import CONTEXT, SIGNS
from tests.flowdriver import FlowDriver

ALL_NO = "n" * 13
NEVER_SAY = ("not being stalked", "not stalking", "you are not stalked", "nothing to worry")


def at_sign(index: int) -> FlowDriver:
    """A driver showing sign `index` (0-based), the earlier ones answered no."""
    return FlowDriver().answer_signs("n" * index)


def test_start_offers_the_check_first_and_the_way_out():
    driver = FlowDriver()
    assert driver.text.splitlines()[0] == "Hello. This chat is private."
    assert "stalking" not in driver.text.splitlines()[0].lower()
    assert "/exit" in driver.text
    assert "Call 999" in driver.text
    assert driver.labels()[0].endswith("Check what's happening")
    assert "✖ Exit" in driver.labels()


def test_in_danger_shows_emergency_help_then_the_choice_to_go_on():
    driver = FlowDriver().click("Check what")
    assert driver.text.startswith("Are you in danger right now?")
    driver.click("Yes")
    assert driver.state == "check.emergency"
    assert "press 55" in driver.text
    assert "emergencySMS" in driver.text
    assert "101" in driver.text
    driver.click("Go on")
    assert driver.state == "check.sign"
    assert driver.text.startswith("Question 1 of 13")


@pytest.mark.parametrize("index", range(len(SIGNS)))
def test_each_sign_is_one_screen_with_progress_and_every_answer(index):
    driver = at_sign(index)
    assert driver.text.startswith(f"Question {index + 1} of 13")
    assert driver.tr.label(SIGNS[index].question) in driver.text
    assert driver.labels()[:3] == ["Yes", "No", "Not sure"]
    assert {"◀ Back", "✖ Exit"} <= set(driver.labels())
    driver.click("Yes")
    assert driver.session.answers[SIGNS[index].id] == "y"


@pytest.mark.parametrize("index", range(len(SIGNS)))
def test_back_from_each_sign_goes_to_the_one_before(index):
    driver = at_sign(index).click("Back")
    if index == 0:
        assert driver.state == "check.danger"
    else:
        assert driver.text.startswith(f"Question {index} of 13")
        assert driver.session.answers[SIGNS[index - 1].id] == "n"  # the earlier answer is kept


@pytest.mark.parametrize("index", range(len(SIGNS)))
def test_not_sure_is_recorded_for_each_sign(index):
    driver = at_sign(index).click("Not sure")
    assert driver.session.answers[SIGNS[index].id] == "u"


def test_back_from_the_first_question_returns_to_the_last_sign():
    driver = FlowDriver().answer_signs(ALL_NO)
    assert driver.text.startswith(f"Nearly done: 1 of {len(CONTEXT)}")
    driver.click("Back")
    assert driver.text.startswith("Question 13 of 13")


def test_back_through_the_context_questions():
    driver = FlowDriver().answer_signs(ALL_NO).click("An ex-partner").click("Yes")
    assert driver.text.startswith("Nearly done: 3 of 5")
    driver.click("Back")
    assert driver.text.startswith("Nearly done: 2 of 5")


def summary(signs: str, *, who="A stranger", threatened="No", fear="No", violent="No",
            repeated="Yes"):
    return FlowDriver().answer_signs(signs).answer_context(who, threatened, fear, violent, repeated)


def test_summary_lists_the_recognised_signs_and_what_stalking_is():
    driver = summary("yn" + "n" * 10 + "y", repeated="Yes")
    assert driver.state == "check.summary"
    assert "You said yes to 2 of the 13 signs" in driver.text
    assert "Unwanted contact" in driver.text
    assert "Making you afraid of violence" in driver.text
    assert "Unwanted gifts" not in driver.text
    assert "Fixated, Obsessive, Unwanted and Repeated" in driver.text
    assert "25 November 2012" in driver.text
    assert "not your fault" in driver.text


def test_nothing_recognised_never_says_not_stalked_and_offers_the_helpline():
    driver = summary(ALL_NO)
    text = driver.text.lower()
    assert "did not say yes to any of the signs" in text
    assert "trust your instincts" in text
    assert "0808 802 0300" in text
    assert "start slowly" in text
    for phrase in NEVER_SAY:
        assert phrase not in text


def test_all_not_sure_is_counted_and_kind():
    driver = summary("u" * 13)
    assert "You were not sure about 13 signs" in driver.text
    assert "did not say yes" in driver.text


def test_one_unsure_sign_uses_the_singular():
    driver = summary("u" + "n" * 12)
    assert "You were not sure about 1 sign." in driver.text


def test_ex_partner_with_threats_is_named_the_highest_risk():
    driver = summary(ALL_NO, who="An ex-partner", threatened="Yes")
    assert "An ex-partner who makes threats is the highest risk" in driver.text
    assert "contact the police today" in driver.text
    assert "Call 999" in driver.text and "Call 101" in driver.text
    assert "020 3866 4107" in driver.text  # Paladin's corrected number (facts.md)
    assert "020 7840 8960" not in driver.text


def test_ex_partner_threatening_through_a_sign_counts_too():
    signs = "n" * 9 + "y" + "nnn"  # "used threats to make you meet them"
    assert "highest risk" in summary(signs, who="An ex-partner").text


@pytest.mark.parametrize(
    ("fear", "violent"), [("Yes", "No"), ("No", "Yes")], ids=["fear", "past-violence"]
)
def test_fear_of_violence_or_past_violence_is_high_risk(fear, violent):
    driver = summary(ALL_NO, fear=fear, violent=violent)
    assert "Your answers show a high risk of harm" in driver.text
    assert "contact the police today" in driver.text


def test_stranger_without_threats_or_violence_gets_no_risk_message():
    driver = summary("y" * 5 + "n" * 8)
    assert "police today" not in driver.text
    assert "high risk" not in driver.text


def test_threats_from_someone_not_an_ex_partner_are_not_called_highest():
    driver = summary(ALL_NO, who="Someone I know", threatened="Yes")
    assert "highest risk" not in driver.text


@pytest.mark.parametrize(
    ("signs", "button"),
    [
        ("y" + "n" * 12, "Mute, don't block"),
        ("y" + "n" * 12, "Keeping evidence"),
        ("n" * 5 + "y" + "n" * 7, "Online safety and trackers"),
        ("n" * 6 + "y" + "n" * 6, "Stalking at work"),
        ("n" * 7 + "y" + "n" * 5, "Staying safe"),
    ],
    ids=["contact-mute", "contact-evidence", "watched-trackers", "work", "hanging-around"],
)
def test_next_steps_follow_the_answers(signs, button):
    driver = summary(signs)
    assert any(button in label for label in driver.labels())
    driver.click(button)
    assert driver.state == "advice.topic"


def test_next_steps_without_recognised_signs_still_offer_help():
    labels = summary(ALL_NO).labels()
    assert any("Helplines" in label for label in labels)
    assert any("General tips" in label for label in labels)


def test_happened_once_suggests_keeping_a_note():
    assert "keep a note of it" in summary("y" + "n" * 12, repeated="No").text
    assert "keep a note of it" not in summary("y" + "n" * 12, repeated="Yes").text


def test_back_from_summary_and_start_again():
    driver = summary("y" * 13)
    driver.click("Back")
    assert driver.text.startswith("Nearly done: 5 of 5")
    driver.click("Yes")
    driver.click("Start again")
    assert driver.state == "check.danger"
    assert driver.session.answers == {}


def test_stale_answer_for_another_question_changes_nothing():
    driver = at_sign(4)
    before = driver.session.to_json()
    driver.action("answer:2:y")
    assert driver.session.to_json() == before
    assert driver.text.startswith("Question 5 of 13")


@pytest.mark.parametrize(
    "data",
    ["answer:4:maybe", "answer", "restart", "danger:y", "service:paladin", "open:nowhere",
     "open:advice:nothing", "x" * 64, "", "answer:4:y:extra", "topic:mute"],
)
def test_forged_callback_data_changes_nothing_and_shows_the_screen_again(data):
    driver = at_sign(4)
    before = driver.session.to_json()
    driver.action(data)
    assert driver.session.to_json() == before
    assert driver.text.startswith("Question 5 of 13")


def test_typed_text_gets_a_reminder_and_the_same_question():
    driver = at_sign(2).type("I don't know what to do")
    assert driver.text.startswith("Please tap one of the buttons")
    assert "Question 3 of 13" in driver.text
    assert driver.labels()[:3] == ["Yes", "No", "Not sure"]


def test_a_sticker_gets_a_gentle_reply_and_nothing_changes():
    driver = at_sign(2)
    before = driver.session.to_json()
    driver.other()
    assert "can only read text" in driver.text
    assert driver.session.to_json() == before


def test_exit_ends_and_start_begins_again():
    driver = at_sign(3)
    driver.session.lang, driver.session.wipe_after = "pl", 5
    driver.click("Exit")
    assert driver.ended
    assert driver.screen is None  # nothing is said after the wipe
    assert driver.session.answers == {}
    assert driver.session.state == "menu"
    assert (driver.session.lang, driver.session.wipe_after) == ("pl", 5)  # settings stay


def test_exit_command_from_anywhere():
    assert at_sign(7).command("exit").ended


def test_unknown_command_shows_help_and_back_resumes():
    driver = at_sign(3).command("frobnicate")
    assert "/exit" in driver.text and "/menu" in driver.text
    driver.click("Back")
    assert driver.text.startswith("Question 4 of 13")


def test_in_danger_button_is_one_tap_from_a_question_and_back_resumes():
    driver = at_sign(6).click("In danger")
    assert "press 55" in driver.text
    assert driver.text.startswith("In danger now? Call 999.")
    driver.click("Back")
    assert driver.text.startswith("Question 7 of 13")


def test_a_damaged_session_starts_again_at_the_menu():
    driver = at_sign(3)
    driver.session.state = "check.removed_in_an_old_version"
    driver.action("menu")
    assert driver.state == "menu"
    driver.session.state, driver.session.topic = "advice.topic", "no-such-topic"
    driver.action("resume")
    assert driver.state == "menu"
