"""Crawl every screen the engine can show and hold each one to the safety rules."""

from __future__ import annotations

import json
import re
from collections import deque
from datetime import UTC, datetime

from flows.diary_model import MemoryDiary
from flows.screen import Event, Kind, Screen
from flows.session import Session
from tests.flowdriver import catalogs, engine

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
TELEGRAM_LIMIT = 4096
CALLBACK_LIMIT = 64


def position(session: Session) -> str:
    """Where a session is, ignoring its answers (which only change the summary's content)."""
    data = json.loads(session.to_json())
    for key in ("a", "m", "w", "n", "l", "o", "k", "e"):  # answers, ids and settings
        data.pop(key, None)
    return json.dumps(data, sort_keys=True)


# What a person may type or send on the diary's screens: text, a time, a date, a PIN, a file.
TYPED = [
    Event(Kind.TEXT, "Outside the station"), Event(Kind.TEXT, "09:15"),
    Event(Kind.TEXT, "02/11/2026 09:15"), Event(Kind.TEXT, "2468"),
    Event(Kind.FILE, "photo:AgACAgQ:"),
]


def crawl() -> list[tuple[Session, Screen]]:
    """Every (session, screen) reachable from /start by tapping buttons, breadth first."""
    start = Session()
    diary = MemoryDiary()
    first = engine().handle(start, Event(Kind.COMMAND, "start"), NOW)
    seen = {position(first.session)}
    found: list[tuple[Session, Screen]] = [(first.session, first.replies[-1].screen)]
    queue = deque([(first.session, first.replies[-1].screen)])
    while queue:
        session, screen = queue.popleft()
        events = [Event(Kind.ACTION, action) for action in sorted(screen.actions())]
        if session.state.startswith("diary."):
            events += TYPED
        for event in events:
            action = event.value if event.kind is Kind.ACTION else event.kind.value
            copy = Session.from_json(session.to_json())
            outcome = engine().handle(copy, event, NOW, diary=diary)
            if outcome.wipe:
                continue
            key = position(outcome.session) + action * (action in ("sos", "resume"))
            if key not in seen:
                seen.add(key)
                found.extend((outcome.session, reply.screen) for reply in outcome.replies)
                queue.append((outcome.session, outcome.replies[-1].screen))
    return found


SCREENS = crawl()


def test_the_crawl_reaches_every_part_of_the_conversation():
    states = {session.state for session, _screen in SCREENS}
    assert states >= {
        "menu", "check.danger", "check.emergency", "check.sign", "check.context",
        "check.summary", "advice.menu", "advice.topic", "helplines.menu", "helplines.service",
    }
    assert len(SCREENS) > 60


def test_every_screen_has_a_one_tap_exit_and_emergency_help():
    tr = catalogs().translator("en")
    for session, screen in SCREENS:
        actions = screen.actions()
        assert "exit" in actions, session.state
        text = tr.screen(screen.body, markup=False)
        assert "sos" in actions or "Call 999" in text, session.state


def test_every_screen_fits_telegram_and_the_phone():
    tr = catalogs().translator("en")
    for _session, screen in SCREENS:
        text = tr.screen(screen.body)
        assert 0 < len(text) <= TELEGRAM_LIMIT
        assert len(tr.screen(screen.body, markup=False).split()) < 220, text[:80]
        for row in screen.buttons:
            short = all(len(tr.label(b.label)) <= 3 for b in row)  # number buttons
            assert len(row) <= (5 if short else 3)
            for button in row:
                assert len(button.action.encode()) <= CALLBACK_LIMIT
                assert len(tr.label(button.label)) <= 45, tr.label(button.label)


def test_every_screen_has_the_exit_button_on_its_last_row():
    for _session, screen in SCREENS:
        if screen.buttons:
            assert "exit" in {b.action for b in screen.buttons[-1]}


BLOCK_THE_PERSON = re.compile(
    r"\bblock(s|ed|ing)?\s+(them|the person|the stalker|their (phone )?number|him|her)\b", re.I
)
CHANGE_NUMBER = re.compile(r"change (your|their) (phone )?number", re.I)
NEGATION = re.compile(r"\b(don't|do not|never|not)\b|after you block", re.I)


def test_no_screen_advises_blocking_or_changing_number_or_says_not_stalked():
    tr = catalogs().translator("en")
    checked = 0
    for _session, screen in SCREENS:
        text = tr.screen(screen.body, markup=False)
        for sentence in text.split("\n"):  # a paragraph or a list item
            if BLOCK_THE_PERSON.search(sentence) or CHANGE_NUMBER.search(sentence):
                checked += 1
                assert NEGATION.search(sentence), sentence
            assert "not being stalked" not in sentence.lower()
    assert checked >= 3  # the mute advice, the supporters' and the professionals' rules


def test_every_screen_is_valid_telegram_html():
    tr = catalogs().translator("en")
    allowed = re.compile(r"</?(b|i|u|s|code|pre|a)( [^>]*)?>")
    for _session, screen in SCREENS:
        html = tr.screen(screen.body)
        for tag in re.findall(r"<[^>]*>", html):
            assert allowed.fullmatch(tag), tag
        assert html.count("<b>") == html.count("</b>")


REVEALING = re.compile(r"stalk|abuse|harass|violen|threat", re.I)


def test_every_first_line_is_neutral_enough_for_a_lock_screen():
    tr = catalogs().translator("en")
    first_lines = {tr.screen(screen.body, markup=False).split("\n")[0] for _s, screen in SCREENS}
    assert "Hello. This chat is private." in first_lines
    for line in first_lines:
        assert not REVEALING.search(line), line
