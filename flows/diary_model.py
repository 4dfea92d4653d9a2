"""The incident diary's data: entries as plain data, and the port the diary is kept behind.

Flows read and change the diary only through `DiaryPort`, which the edge implements (an
encrypted SQLite store) and the flow tests fake in memory. An entry follows the leaflet's
incident diary template: when, where, what happened, who, how it made you feel,
witnesses, and evidence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

# Kinds of evidence Telegram can hold for us by file id (never copied to our disk).
EVIDENCE_KINDS = ("photo", "document", "voice", "video", "audio", "video_note")
PIN_TRIES = 5
PIN_LOCKOUT_MINUTES = 15


@dataclass(frozen=True)
class Evidence:
    """A file the person sent as evidence, kept as Telegram's file id."""

    kind: str
    file_id: str
    name: str = ""


@dataclass(frozen=True)
class Forwarded:
    """A message forwarded from the person doing this: when it was first sent, and proof
    (SHA-256 of its content at capture) that it is unchanged since."""

    sent_at: datetime
    sha256: str
    sender: str = ""


@dataclass(frozen=True)
class Entry:
    """One incident. `number` is per person: incident 1, 2, 3..."""

    number: int = 0
    created_at: datetime | None = None
    happened_at: datetime | None = None
    where: str = ""
    what: str = ""
    who: str = ""
    signs: tuple[str, ...] = ()
    feel: str = ""
    witnesses: str = ""
    evidence: tuple[Evidence, ...] = ()
    forwarded: Forwarded | None = None
    quick: bool = False  # a quick note, to complete later

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (times as ISO 8601)."""
        data = asdict(self)
        for key in ("created_at", "happened_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        if self.forwarded:
            data["forwarded"]["sent_at"] = self.forwarded.sent_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """The inverse of to_dict."""
        forwarded = data.get("forwarded")
        return cls(
            number=int(data.get("number", 0)),
            created_at=_time(data.get("created_at")),
            happened_at=_time(data.get("happened_at")),
            where=str(data.get("where", "")),
            what=str(data.get("what", "")),
            who=str(data.get("who", "")),
            signs=tuple(data.get("signs", ())),
            feel=str(data.get("feel", "")),
            witnesses=str(data.get("witnesses", "")),
            evidence=tuple(Evidence(**e) for e in data.get("evidence", ())),
            forwarded=(
                Forwarded(datetime.fromisoformat(forwarded["sent_at"]), forwarded["sha256"],
                          forwarded.get("sender", ""))
                if forwarded else None
            ),
            quick=bool(data.get("quick", False)),
        )

    def with_(self, **changes: object) -> Entry:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class PinResult:
    """The answer to a PIN attempt."""

    ok: bool
    tries_left: int = PIN_TRIES
    locked_until: datetime | None = None


class DiaryPort(Protocol):
    """One person's diary. Implementations keep every entry and draft encrypted at rest."""

    def has_pin(self) -> bool:
        """A PIN protects the diary."""
        ...

    def set_pin(self, pin: str) -> None:
        """Protect the diary with a PIN (kept only as a slow salted hash)."""
        ...

    def try_pin(self, pin: str, now: datetime) -> PinResult:
        """Check a PIN; after PIN_TRIES wrong ones, refuse every try for PIN_LOCKOUT_MINUTES."""
        ...

    def locked_until(self, now: datetime) -> datetime | None:
        """When a lockout ends, if the diary is locked out now."""
        ...

    def draft(self) -> Entry | None:
        """The entry being written, if any."""
        ...

    def save_draft(self, entry: Entry) -> None:
        """Keep the entry being written (every step, so nothing is lost)."""
        ...

    def discard_draft(self) -> None:
        """Throw the entry being written away."""
        ...

    def add(self, entry: Entry, now: datetime) -> int:
        """Save a new entry; returns its number."""
        ...

    def replace(self, entry: Entry) -> None:
        """Save a changed entry under its number."""
        ...

    def delete(self, number: int) -> None:
        """Delete one entry."""
        ...

    def get(self, number: int) -> Entry | None:
        """One entry by its number."""
        ...

    def entries(self) -> list[Entry]:
        """Every saved entry, newest first."""
        ...

    def erase(self) -> None:
        """Delete the whole diary: entries, draft and PIN."""
        ...


@dataclass
class MemoryDiary:
    """A DiaryPort in memory, for flow tests and the terminal chat."""

    saved: dict[int, Entry] = field(default_factory=dict)
    pin: str | None = None
    wrong: int = 0
    until: datetime | None = None
    current: Entry | None = None

    def has_pin(self) -> bool:
        return self.pin is not None

    def set_pin(self, pin: str) -> None:
        self.pin, self.wrong, self.until = pin, 0, None

    def try_pin(self, pin: str, now: datetime) -> PinResult:
        from datetime import timedelta  # noqa: PLC0415 - only here

        if self.until and now < self.until:
            return PinResult(False, 0, self.until)
        if pin == self.pin:
            self.wrong, self.until = 0, None
            return PinResult(True)
        self.wrong += 1
        if self.wrong >= PIN_TRIES:
            self.until, self.wrong = now + timedelta(minutes=PIN_LOCKOUT_MINUTES), 0
            return PinResult(False, 0, self.until)
        return PinResult(False, PIN_TRIES - self.wrong)

    def locked_until(self, now: datetime) -> datetime | None:
        return self.until if self.until and now < self.until else None

    def draft(self) -> Entry | None:
        return self.current

    def save_draft(self, entry: Entry) -> None:
        self.current = entry

    def discard_draft(self) -> None:
        self.current = None

    def add(self, entry: Entry, now: datetime) -> int:
        number = max(self.saved, default=0) + 1
        self.saved[number] = entry.with_(number=number, created_at=entry.created_at or now)
        return number

    def replace(self, entry: Entry) -> None:
        self.saved[entry.number] = entry

    def delete(self, number: int) -> None:
        self.saved.pop(number, None)

    def get(self, number: int) -> Entry | None:
        return self.saved.get(number)

    def entries(self) -> list[Entry]:
        return [self.saved[n] for n in sorted(self.saved, reverse=True)]

    def erase(self) -> None:
        self.saved.clear()
        self.pin, self.current, self.wrong, self.until = None, None, 0, None
