"""What the flows hand to the edges: screens with buttons, events coming back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cached_property
from typing import TypeAlias

from flows.diary_model import DiaryPort
from flows.services import Directory
from flows.session import Session
from flows.text import Lines, Text, Verbatim, _

Block: TypeAlias = Text | Lines | Verbatim


@dataclass(frozen=True)
class Button:
    """A button: a label to translate and the action id it sends back (at most 64 bytes)."""

    label: Text | Verbatim
    action: str


@dataclass(frozen=True)
class Screen:
    """One message: paragraphs and rows of buttons."""

    body: tuple[Block, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    personal: bool = False

    @cached_property
    def action_set(self) -> frozenset[str]:
        """Every action id this screen offers (computed once: screens never change)."""
        return frozenset(b.action for row in self.buttons for b in row)

    def actions(self) -> frozenset[str]:
        """Every action id this screen offers."""
        return self.action_set


@dataclass(frozen=True)
class Reply:
    """A screen to show; `fresh` sends it as a new message instead of replacing the last one."""

    screen: Screen
    fresh: bool = False


class Kind(Enum):
    """What the person did."""

    ACTION = "action"
    TEXT = "text"
    COMMAND = "command"
    FILE = "file"  # value: "kind:file_id:name" (a photo, document, voice note...)
    FORWARD = "forward"  # value: JSON with the original send time, a SHA-256 and any file
    OTHER = "other"


@dataclass(frozen=True)
class Event:
    """One thing the person did: tapped a button, typed, sent a command or something else."""

    kind: Kind
    value: str = ""


@dataclass
class Outcome:
    """The result of handling one event: the new session and the replies.

    `wipe` asks the edge to delete every message of the chat it still can; nothing is
    said after it. With `forget`, the session itself is erased too (settings included).
    """

    session: Session
    replies: list[Reply] = field(default_factory=list)
    wipe: bool = False
    forget: bool = False
    effects: tuple[str, ...] = ()  # for the edge: "scrub", "cleanup", "export"


@dataclass(frozen=True)
class Context:
    """What one event is handled with besides the session.

    `diary` is the person's diary (None where there is none); callbacks may add `effects`
    for the edge and a `notice` shown at the top of the next screen.
    """

    now: datetime
    directory: Directory
    languages: tuple[str, ...] = ("en",)
    diary: DiaryPort | None = None
    lang: str = "en"  # the language the person reads: typed dates are parsed in it
    effects: list[str] = field(default_factory=list)
    notice: list[Text] = field(default_factory=list)


# The buttons every screen ends with: the emergency screen and the quick exit.
EXIT = Button(_("✖ Exit"), "exit")
SOS = Button(_("🆘 In danger?"), "sos")
MENU = Button(_("☰ Menu"), "menu")
SAFETY_ROW = (SOS, EXIT)


def back(action: str = "back") -> Button:
    """The Back button, sending `action`."""
    return Button(_("◀ Back"), action)


def nav_row(*buttons: Button) -> tuple[Button, ...]:
    """A row of navigation buttons."""
    return tuple(buttons)
