"""The same conversation in a terminal: buttons become numbered choices.

For trying the bot and reviewing its content without Telegram. Type a number, a button's
label or an answer such as "not sure"; /exit leaves and clears the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.i18n import Catalogs, Translator
from bot.typed import typed_action
from flows.diary_model import MemoryDiary
from flows.engine import Engine
from flows.screen import Event, Kind, Outcome, Screen
from flows.session import Session

CLEAR = "\033[3J\033[H\033[2J"  # clear the scrollback, then the screen
RULE = "─" * 40


def render(screen: Screen, tr: Translator) -> str:
    """A screen as plain text with numbered choices."""
    lines = [tr.screen(screen.body, markup=False)]
    number = 0
    for row in screen.buttons:
        for button in row:
            number += 1
            lines.append(f"  {number}. {tr.label(button.label)}")
    return "\n".join(lines)


def command_name(text: str) -> str:
    """"/Start@bot now" -> "start"."""
    words = text[1:].split()
    return words[0].split("@")[0].lower() if words else ""


def to_event(line: str, screen: Screen, tr: Translator, english: Translator) -> Event:
    """What the typed line means on this screen."""
    text = line.strip()
    if text.startswith("/"):
        return Event(Kind.COMMAND, command_name(text))
    action = typed_action(text, screen, tr, english)
    return Event(Kind.ACTION, action) if action else Event(Kind.TEXT, text)


def run_console(
    engine: Engine,
    catalogs: Catalogs,
    lang: str,
    *,
    stdin: TextIO,
    stdout: TextIO,
    clock: Callable[[], datetime],
    clear_on_exit: bool = True,
) -> int:
    """Chat until /exit or the end of input; returns the exit status."""
    tr, english = catalogs.translator(lang), catalogs.translator("en")
    session = Session(lang=lang)
    diary = MemoryDiary()  # the terminal chat keeps its diary in memory only
    outcome = engine.handle(session, Event(Kind.COMMAND, "start"), clock())
    screen = _show(outcome, tr, stdout)
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return 0
        if not line.strip():
            continue
        outcome = engine.handle(
            session, to_event(line, screen, tr, english), clock(), diary=diary, lang=tr.lang
        )
        if outcome.wipe:
            if clear_on_exit:
                stdout.write(CLEAR)
            stdout.flush()
            return 0
        session = outcome.session
        tr = catalogs.translator(session.lang or lang)  # /language may have changed it
        screen = _show(outcome, tr, stdout)


def _show(outcome: Outcome, tr: Translator, stdout: TextIO) -> Screen:
    """Print the replies; the last one is the screen the next line answers."""
    for reply in outcome.replies:
        stdout.write(f"\n{RULE}\n{render(reply.screen, tr)}\n")
    stdout.flush()
    return outcome.replies[-1].screen
