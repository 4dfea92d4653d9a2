"""Supporters and professionals: their guidance, S-DASH, referrals, and no personal details."""

from __future__ import annotations

import re

import pytest

from flows.guidance_content import SDASH_QUESTIONS
from tests.flowdriver import FlowDriver, catalogs
from tests.test_every_screen import SCREENS


def test_the_self_check_is_still_one_tap_from_start():
    driver = FlowDriver()
    driver.click("Check what")
    assert driver.text.startswith("Are you in danger right now?")


def test_supporters_find_their_guidance_in_two_taps():
    driver = FlowDriver().click("worried about someone").click("How you can help")
    text = driver.text
    for advice in ("believe them", "not their fault", "Do not suggest they meet",
                   "diary and evidence", "witness", "Muting is safer"):
        assert advice in text


def test_supporters_at_work_and_when_to_call_999():
    driver = FlowDriver().click("worried about someone").click("If it happens at work")
    assert "manager" in driver.text
    assert "Suzy Lamplugh Trust" in driver.text
    driver.click("Back").click("When to call 999")
    assert "Call 999 if they, or you, are in danger now." in driver.text
    assert "101" in driver.text


def test_supporters_reach_the_helplines():
    driver = FlowDriver().click("worried about someone").click("Helplines")
    assert driver.state == "helplines.menu"


def test_professionals_find_do_and_do_not_in_two_taps():
    driver = FlowDriver().click("I'm a professional").click("Do and")
    assert "Take threats to kill very seriously." in driver.text
    assert "DASH" in driver.text and "S-DASH" in driver.text
    driver.click("Next")
    text = driver.text
    assert "lucky to get this attention" in text
    assert "no physical violence" in text
    assert "talks to or meets the person" in text
    assert "Never tell the victim to change their phone number or block the person" in text
    assert "ex-partner has threatened them" in text


def test_west_midlands_referral_explains_the_form_and_secure_sending():
    driver = FlowDriver().click("I'm a professional").click("West Midlands")
    for asked in ("consent", "safe ways to contact", "most recent incident", "DASH and S-DASH",
                  "risks", "children"):
        assert asked in driver.text
    assert "Do not type any client details in this chat." in driver.text
    driver.click("Next")
    assert "password in a separate email" in driver.text
    assert "IDVA@blackcountrywomensaid.co.uk.cjsm.net" in driver.text


def test_paladin_referral_is_for_high_risk():
    driver = FlowDriver().click("I'm a professional").click("Paladin")
    assert "high risk" in driver.text
    assert "020 3866 4107" in driver.text
    assert "paladinservice.co.uk/guidance-for-professionals" in driver.text


def test_unwanted_prisoner_contact_says_who_can_ask():
    driver = FlowDriver().click("I'm a professional").click("prisoner")
    for who in ("victim", "family or friends", "police", "probation", "victim liaison",
                "solicitors"):
        assert who in driver.text
    assert "0300 060 6699" in driver.text


def sdash(answers: str) -> FlowDriver:
    """The S-DASH screening answered from a string of y/n/u."""
    driver = FlowDriver().click("I'm a professional").click("S-DASH")
    for index, code in enumerate(answers):
        assert driver.text.startswith(f"S-DASH screening: {index + 1} of 11")
        assert driver.labels()[:3] == ["Yes", "No", "Don't know"]
        assert {"◀ Back", "✖ Exit"} <= set(driver.labels())
        driver.click({"y": "Yes", "n": "No", "u": "Don't know"}[code])
    return driver


@pytest.mark.parametrize("index", range(11))
def test_each_sdash_question_is_one_screen(index):
    driver = sdash("n" * index)
    assert driver.tr.label(SDASH_QUESTIONS[index][0]) in driver.text


def test_sdash_summary_with_no_yes():
    text = sdash("n" * 11).text
    assert "No answer was yes." in text
    assert "There is no cut-off score" in text
    assert "screening aid, not a risk assessment" in text
    assert "DASH risk checklist" in text and "Paladin" in text


def test_sdash_summary_names_the_factors_answered_yes():
    text = sdash("y" + "n" * 4 + "y" + "u" * 5).text
    assert "2 answers were yes:" in text
    assert "The victim is very frightened" in text
    assert "Threats of physical or sexual violence" in text
    assert "Damaged property" not in text


def test_sdash_summary_with_every_answer_yes():
    text = sdash("y" * 11).text
    assert "11 answers were yes:" in text
    for _question, short in SDASH_QUESTIONS:
        assert catalogs().translator("en").label(short) in text


def test_sdash_back_and_start_again():
    driver = sdash("yyy").click("Back")
    assert driver.text.startswith("S-DASH screening: 3 of 11")
    driver = sdash("y" * 11).click("Start again")
    assert driver.text.startswith("S-DASH screening: 1 of 11")
    assert not any(key.startswith("sd") for key in driver.session.answers)


# A request starts a sentence: "What is your name?", "Please type their address".
ASKS_FOR_DETAILS = re.compile(
    r"(^|[.?!:]\s+)(please\s+)?(what is|what's|tell (me|us)|type|enter|send (me|us)|"
    r"give (me|us)|share)\b[^.?!]*"
    r"\b(name|address|date of birth|birthday|phone number|postcode|email address)\b",
    re.I,
)


def test_the_request_pattern_catches_requests():
    for request in ("What is your name?", "Please type their address.",
                    "Thank you. Tell us your date of birth."):
        assert ASKS_FOR_DETAILS.search(request)
    assert not ASKS_FOR_DETAILS.search("It never keeps what you type, your name or number.")


def test_no_screen_asks_for_personal_details():
    tr = catalogs().translator("en")
    states = set()
    for session, screen in SCREENS:
        states.add(session.state)
        for line in tr.screen(screen.body, markup=False).split("\n"):
            assert not ASKS_FOR_DETAILS.search(line) or "Do not type" in line, line
    assert {"supporter.topic", "professional.topic", "sdash.question", "sdash.summary"} <= states


def test_typed_personal_details_are_not_kept(tmp_path):
    driver = FlowDriver().click("I'm a professional")
    driver.type("Client: Jane Doe, 14 Acacia Road, born 01/02/1990, 07700 900123")
    assert "Jane" not in driver.session.to_json()
    assert "07700" not in driver.session.to_json()
