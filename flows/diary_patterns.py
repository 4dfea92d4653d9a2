"""Patterns over the diary: incidents per week, by sign, and plain warnings.

The warning comes when incidents become more frequent, or include threats or a breach of
an order: then the person is told 999 if in danger, else 101, and to keep the entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.diary_model import Entry
from flows.services import UK
from flows.signs import SIGN_IDS

WEEKS = 8
THREAT_SIGNS = frozenset({"threats_to_meet", "fear_violence"})
BREACH_SIGNS = frozenset({"breaching_orders"})


@dataclass(frozen=True)
class Patterns:
    """What the diary shows over time."""

    total: int
    per_week: tuple[tuple[date, int], ...]  # Monday of each of the last WEEKS weeks, oldest first
    by_sign: tuple[tuple[str, int], ...]  # sign id and count, most first
    more_frequent: bool
    threats: bool
    breach: bool

    @property
    def flagged(self) -> bool:
        """Something the person should act on."""
        return self.more_frequent or self.threats or self.breach


def when(entry: Entry) -> datetime | None:
    """When an incident happened: as told, else when the message was first sent, else saved."""
    moment = entry.happened_at or (entry.forwarded.sent_at if entry.forwarded else None)
    return moment or entry.created_at


def is_more_frequent(times: list[datetime], now: datetime) -> bool:
    """More incidents in the last 14 days than in the 14 days before, and at least 2."""
    recent = sum(1 for t in times if now - timedelta(days=14) <= t <= now)
    before = sum(1 for t in times if now - timedelta(days=28) <= t < now - timedelta(days=14))
    return recent >= 2 and recent > before


def patterns(entries: list[Entry], now: datetime) -> Patterns:
    """Summarise the diary as of `now` (UK weeks, Monday first)."""
    times = [t for t in (when(e) for e in entries) if t is not None]
    today = now.astimezone(UK).date()
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=w) for w in range(WEEKS - 1, -1, -1)]
    weeks = Counter(
        t.astimezone(UK).date() - timedelta(days=t.astimezone(UK).weekday()) for t in times
    )
    signs = Counter(sign for e in entries for sign in e.signs if sign in SIGN_IDS)
    return Patterns(
        total=len(entries),
        per_week=tuple((monday, weeks.get(monday, 0)) for monday in mondays),
        by_sign=tuple(sorted(signs.items(), key=lambda item: (-item[1], SIGN_IDS.index(item[0])))),
        more_frequent=is_more_frequent(times, now),
        threats=any(THREAT_SIGNS & set(e.signs) for e in entries),
        breach=any(BREACH_SIGNS & set(e.signs) for e in entries),
    )
