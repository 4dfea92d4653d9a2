"""Channel-neutral text: gettext message ids with typed parameters.

Flows never translate. They call `_("...", name=value)`, which pybabel extracts like any
gettext call but which returns a `Text` value (a msgid and its parameters) and the edges
render them in the user's language. Parameters are typed so that the renderer can format
them for the locale: a `Day` becomes "Wednesday" or "środa", a `Clock` becomes "09:30",
and a `Phone` or `Link` keeps left-to-right order inside right-to-left text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import TypeAlias


@dataclass(frozen=True)
class Phone:
    """A phone number, shown as written and never reordered by right-to-left text."""

    number: str


@dataclass(frozen=True)
class Link:
    """A web or email address, shown as written and never reordered."""

    address: str


@dataclass(frozen=True)
class Day:
    """A day of the week (0 is Monday), named in the user's language."""

    weekday: int


@dataclass(frozen=True)
class Clock:
    """A time of day in UK time, formatted for the user's locale."""

    value: time


@dataclass(frozen=True)
class CalendarDate:
    """A date, formatted for the locale: "long" (29 December 2026) or "short" (29/12/2026)."""

    value: date
    style: str = "long"


@dataclass(frozen=True)
class Percent:
    """A share such as 45%, formatted for the locale ("45 %" in some languages)."""

    fraction: float


@dataclass(frozen=True)
class Verbatim:
    """Text that is not translated: names of services and places."""

    value: str


Param: TypeAlias = (
    "str | int | Text | Phone | Link | Day | Clock | CalendarDate | Percent | Verbatim | Lines"
)


@dataclass(frozen=True)
class Text:
    """A translatable message: msgid (and plural msgid with a count) plus named parameters."""

    msgid: str
    params: dict[str, Param] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None

    def __hash__(self) -> int:
        return hash((self.msgid, self.plural, self.count))


@dataclass(frozen=True)
class Lines:
    """Several texts shown one per line, for example a bulleted list."""

    items: tuple[Text | Verbatim, ...]
    bullet: str = "• "


def _(msgid: str, **params: Param) -> Text:
    """Mark a message for translation; it is rendered later in the user's language."""
    return Text(msgid, dict(params))


def P_(singular: str, plural: str, n: int, /, **params: Param) -> Text:
    """A plural message chosen by `n`; pybabel extracts it with the keyword spec P_:1,2."""
    return Text(singular, dict(params), plural=plural, count=n)
