"""A flow: one shared `transitions` machine plus the screens of its states."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from transitions import EventData, Machine

from flows.screen import Context, Screen
from flows.session import Session

ScreenFn = Callable[[Session, Context], Screen]
EnterFn = Callable[[Session, str, Context], bool]


def build_machine(states: Iterable[str], transitions: list[dict[str, Any]]) -> Machine:
    """One machine for a flow, shared by every user: the sessions are passed to each trigger."""
    return Machine(
        model=None,
        states=list(states),
        initial=None,
        transitions=transitions,
        auto_transitions=False,
        ignore_invalid_triggers=True,
        send_event=True,
    )


def arg_of(event: EventData) -> str:
    """The argument part of the action that fired this event ("answer:3:y" -> "3:y")."""
    return str(event.kwargs.get("arg", ""))


def context_of(event: EventData) -> Context:
    """The time and directory the event is handled with."""
    ctx = event.kwargs["ctx"]
    assert isinstance(ctx, Context)  # noqa: S101 - Flow.fire always passes one
    return ctx


def session_of(event: EventData) -> Session:
    """The session the event is moving."""
    model = event.model
    assert isinstance(model, Session)  # noqa: S101 - machines only ever see sessions
    return model


@dataclass(frozen=True)
class Flow:
    """A part of the conversation: its machine, a screen per state and how to enter it.

    `table` is the transition table the machine was built from, kept so that the flow can
    draw itself (tools/diagrams.py) from exactly what runs.
    """

    name: str
    screens: Mapping[str, ScreenFn]
    enter: EnterFn
    table: list[dict[str, Any]]
    accepts_input: bool = False  # typed text, files and forwards go to its "input" event
    machine: Machine = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "machine", build_machine(self.screens, self.table))

    def owns(self, state: str) -> bool:
        """True when `state` belongs to this flow."""
        return state in self.screens

    def fire(
        self, session: Session, event: str, arg: str, ctx: Context, **extra: object
    ) -> bool:
        """Trigger `event` on the shared machine for this session; False if not allowed."""
        trigger = self.machine.events.get(event)
        if trigger is None:
            return False
        return bool(trigger.trigger(session, arg=arg, ctx=ctx, **extra))
