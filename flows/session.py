"""The user's session: plain data, small enough to store on every update.

A session is rehydrated from the store for each update, moved through the shared state
machines, and written back. Its JSON form uses short keys and leaves out defaults, so a
session in the middle of the check takes a few hundred bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

START_STATE = "menu"
DEFAULT_WIPE_AFTER = 15  # minutes of no use before the chat clears itself (0: never)
WIPE_CHOICES = (0, 5, 15, 60)
# Telegram delivers an update again when the bot did not confirm it (a crash, say); the
# ids of the last few applied let the bot show the screen again instead of applying twice.
RECENT_UPDATES = 8


@dataclass
class Session:
    """Where one user is in the conversation, and what they have answered."""

    state: str = START_STATE
    step: int = 0
    answers: dict[str, str] = field(default_factory=dict)
    topic: str = ""
    page: int = 0
    lang: str = ""
    screen_id: int = 0
    wipe_after: int = DEFAULT_WIPE_AFTER
    sound: bool = False
    lang_offered: bool = False
    diary_open: bool = False
    entry: int = 0
    back_to: str = ""
    tracked: list[int] = field(default_factory=list)  # message ids of the entry being written
    updates: list[int] = field(default_factory=list)  # the last update ids applied

    def cleared(self) -> Session:
        """After leaving: the conversation is gone, only the person's settings stay."""
        return Session(
            lang=self.lang, wipe_after=self.wipe_after, sound=self.sound,
            lang_offered=self.lang_offered, updates=list(self.updates),
        )

    def seen(self, update_id: int) -> bool:
        """Whether this update was applied already (Telegram delivers some twice)."""
        if not update_id:
            return False
        if update_id in self.updates:
            return True
        return len(self.updates) == RECENT_UPDATES and update_id < min(self.updates)

    def applied(self, update_id: int) -> None:
        """Remember an update as applied (only the last few are kept)."""
        if update_id and update_id not in self.updates:
            self.updates = [*self.updates, update_id][-RECENT_UPDATES:]

    def to_json(self) -> str:
        """Serialise compactly, leaving out every value that equals its default."""
        data: dict[str, Any] = {}
        for key, (attr, default) in _FIELDS.items():
            value = getattr(self, attr)
            if value != default:
                data[key] = value
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Session:
        """Rebuild a session; unknown or malformed values fall back to a fresh start."""
        try:
            data = json.loads(raw)
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        session = cls()
        for key, (attr, default) in _FIELDS.items():
            if key in data and type(data[key]) is type(default):
                setattr(session, attr, data[key])
        session.answers = {
            str(k): str(v) for k, v in session.answers.items() if isinstance(v, str)
        }
        session.tracked = [i for i in session.tracked if isinstance(i, int)][-200:]
        session.updates = [i for i in session.updates if isinstance(i, int)][-RECENT_UPDATES:]
        if session.wipe_after not in WIPE_CHOICES:
            session.wipe_after = DEFAULT_WIPE_AFTER
        return session


_FIELDS: dict[str, tuple[str, Any]] = {
    "s": ("state", START_STATE),
    "i": ("step", 0),
    "a": ("answers", {}),
    "t": ("topic", ""),
    "p": ("page", 0),
    "l": ("lang", ""),
    "m": ("screen_id", 0),
    "w": ("wipe_after", DEFAULT_WIPE_AFTER),
    "n": ("sound", False),
    "o": ("lang_offered", False),
    "d": ("diary_open", False),
    "e": ("entry", 0),
    "b": ("back_to", ""),
    "k": ("tracked", []),
    "u": ("updates", []),
}
