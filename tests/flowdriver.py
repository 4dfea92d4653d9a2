"""Drive the flow engine like a person: tap buttons by label, type, send commands.

Every step round-trips the session through JSON, as the store does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache

from bot.i18n import Catalogs, Translator
from flows.diary_model import MemoryDiary
from flows.engine import Engine
from flows.screen import Event, Kind, Screen
from flows.services import DEFAULT_SERVICES_FILE, load_services
from flows.session import Session

MONDAY_MORNING = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@cache
def engine() -> Engine:
    """One engine for every test, as in the bot."""
    return Engine(load_services(DEFAULT_SERVICES_FILE), catalogs().languages)


@cache
def catalogs() -> Catalogs:
    """The real compiled catalogs."""
    return Catalogs()


class FlowDriver:
    """A person talking to the engine, reading English screens."""

    def __init__(self, now: datetime = MONDAY_MORNING, lang: str = "en") -> None:
        self.now = now
        self.session = Session()
        self.screen: Screen | None = None
        self.tr: Translator = catalogs().translator(lang)
        self.ended = False
        self.diary = MemoryDiary()
        self.effects: tuple[str, ...] = ()
        self.command("start")

    def _apply(self, event: Event) -> FlowDriver:
        restored = Session.from_json(self.session.to_json())
        outcome = engine().handle(
            restored, event, self.now, diary=self.diary, lang=self.tr.lang
        )
        self.effects = outcome.effects
        self.session = outcome.session
        self.ended = outcome.wipe
        self.screen = outcome.replies[-1].screen if outcome.replies else None
        return self

    def command(self, name: str) -> FlowDriver:
        """Send /name."""
        return self._apply(Event(Kind.COMMAND, name))

    def action(self, action: str) -> FlowDriver:
        """Send raw callback data, as a forged or stale button would."""
        return self._apply(Event(Kind.ACTION, action))

    def type(self, text: str) -> FlowDriver:
        """Type text that matches no button."""
        return self._apply(Event(Kind.TEXT, text))

    def send_file(self, kind: str, file_id: str, name: str = "") -> FlowDriver:
        """Send a photo, document, voice note..."""
        return self._apply(Event(Kind.FILE, f"{kind}:{file_id}:{name}"))

    def forward(self, text: str, sent_at: datetime, sha256: str) -> FlowDriver:
        """Forward a message the person received."""
        payload = {"sent_at": sent_at.isoformat(), "sha256": sha256, "text": text}
        return self._apply(Event(Kind.FORWARD, json.dumps(payload)))

    def other(self) -> FlowDriver:
        """Send a sticker, photo or anything else that is not text."""
        return self._apply(Event(Kind.OTHER))

    def click(self, label: str) -> FlowDriver:
        """Tap the button whose English label contains `label`."""
        matches = [a for lbl, a in self.buttons() if label.casefold() in lbl.casefold()]
        assert matches, f"no button {label!r} on screen; buttons: {self.labels()}"
        return self.action(matches[0])

    def buttons(self) -> list[tuple[str, str]]:
        """(label, action) of every button on the current screen."""
        assert self.screen is not None
        return [(self.tr.label(b.label), b.action) for row in self.screen.buttons for b in row]

    def labels(self) -> list[str]:
        """The button labels of the current screen."""
        return [label for label, _action in self.buttons()]

    @property
    def text(self) -> str:
        """The current screen as plain English text."""
        assert self.screen is not None
        return self.tr.screen(self.screen.body, markup=False)

    @property
    def html(self) -> str:
        """The current screen as the HTML Telegram receives."""
        assert self.screen is not None
        return self.tr.screen(self.screen.body)

    @property
    def state(self) -> str:
        """The session's state name."""
        return self.session.state

    def answer_signs(self, answers: str) -> FlowDriver:
        """Answer the thirteen signs from a string of y/n/u, after the danger question."""
        self.click("Check what").click("No")
        for code in answers:
            self.click({"y": "Yes", "n": "No", "u": "Not sure"}[code])
        return self

    def answer_context(self, *labels: str) -> FlowDriver:
        """Answer the five context questions by label, in order."""
        for label in labels:
            self.click(label)
        return self
