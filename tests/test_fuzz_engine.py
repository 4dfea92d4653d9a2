"""Whatever arrives, in any order, the engine answers calmly and never fails.

Hypothesis drives the engine with taps on real buttons, forged callback data, commands,
text of any script and length, files, forwarded messages and stickers; every reply must
render in any shipped language as HTML Telegram accepts, within its 4096 characters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.diary_model import MemoryDiary
from flows.engine import COMMANDS
from flows.screen import Event, Kind
from flows.session import Session
from tests.fakeapi import parse_html
from tests.flowdriver import catalogs, engine

START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)

steps = st.one_of(
    st.tuples(st.just("tap"), st.integers(0, 40)),
    st.tuples(st.just("forged"), st.text(max_size=70)),
    st.tuples(st.just("command"), st.sampled_from([*COMMANDS, "", "nonsense", "start@bot"])),
    st.tuples(st.just("text"), st.text(max_size=300) | st.sampled_from(
        ["yes", "nie wiem", "14:30", "25/11/2026 14:30", "4821", "exit", "x" * 5000, "<b>&"]
    )),
    st.tuples(st.just("file"), st.sampled_from(["photo:AgAC:", "document:BQAC:a:b.pdf", "zip:1:"])),
    st.tuples(st.just("forward"), st.sampled_from(
        ['{"sent_at": "2026-11-20T23:47:00+00:00", "sha256": "ab", "text": "hi"}', "{", "[]"]
    )),
    st.tuples(st.just("other"), st.none()),
)


def event_for(step: tuple[str, object], actions: list[str]) -> Event:
    kind, value = step
    if kind == "tap":
        return Event(Kind.ACTION, actions[int(value) % len(actions)] if actions else "menu")
    mapping = {"forged": Kind.ACTION, "command": Kind.COMMAND, "text": Kind.TEXT,
               "file": Kind.FILE, "forward": Kind.FORWARD, "other": Kind.OTHER}
    return Event(mapping[kind], "" if value is None else str(value))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=40), st.sampled_from(catalogs().languages))
def test_any_sequence_of_events_gets_a_valid_reply(sequence, lang):
    tr = catalogs().translator(lang)
    diary, session, actions = MemoryDiary(), Session(), ["open:check"]
    now = START
    for step in sequence:
        now += timedelta(minutes=7)
        session = Session.from_json(session.to_json())
        outcome = engine().handle(session, event_for(step, actions), now, diary=diary, lang=lang)
        session = outcome.session
        if outcome.wipe:
            assert outcome.replies == []
            actions = ["open:check"]
            continue
        assert outcome.replies
        for reply in outcome.replies:
            html = tr.screen(reply.screen.body)
            plain, _entities = parse_html(html)
            assert 0 < len(plain) <= 4096
            for row in reply.screen.buttons:
                for button in row:
                    assert tr.label(button.label)
                    assert len(button.action.encode()) <= 64
        actions = sorted(outcome.replies[-1].screen.actions())
