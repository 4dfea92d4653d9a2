"""Choosing the language: every shipped language, each named in itself.

The state diagram, drawn from TABLE: flows/diagrams/language.md.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale
from transitions import EventData

from flows.flow import Flow, arg_of, context_of, session_of
from flows.screen import MENU, SAFETY_ROW, Button, Context, Screen
from flows.session import Session
from flows.text import Verbatim, _

LANGUAGE = "language"


@cache
def own_name(code: str) -> str:
    """A language's name in that language: "Polski", "Cymraeg", "اردو"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def is_shipped(event: EventData) -> bool:
    """The tapped language is one the bot has."""
    return arg_of(event) in context_of(event).languages


def choose(event: EventData) -> None:
    """Keep the chosen language."""
    session_of(event).lang = arg_of(event)


TABLE: list[dict[str, Any]] = [
    {"trigger": "lang", "source": LANGUAGE, "dest": None,
     "conditions": [is_shipped], "after": [choose]},
]


def language_screen(session: Session, ctx: Context) -> Screen:
    """Every language in its own name; the chosen one ticked."""
    rows = []
    for code in ctx.languages:
        name = own_name(code)
        label = f"✓ {name}" if code == session.lang else name
        rows.append(Button(Verbatim(label), f"lang:{code}"))  # type: ignore[arg-type]
    pairs = tuple(tuple(rows[i : i + 2]) for i in range(0, len(rows), 2))
    return Screen(
        (_("<b>Language</b>"), _("Choose your language.")),
        (*pairs, (MENU,), SAFETY_ROW),
    )


def enter(session: Session, arg: str, ctx: Context) -> bool:
    """Open the list of languages."""
    if arg:
        return False
    session.state = LANGUAGE
    return True


FLOW = Flow("language", {LANGUAGE: language_screen}, enter, TABLE)
