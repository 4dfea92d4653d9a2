"""The flow engine: one event in, the new session and the screens to show out.

Rules that keep a frightened person safe from surprises:
- An action is accepted only if the current screen offers it (or it is global: menu,
  exit, the emergency screen). Forged or stale button data changes nothing and shows the
  current screen again.
- A session that no longer makes sense (an old state, a damaged value) starts again at
  the menu instead of failing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flows import advice, check, diary, guidance, helplines, language, menu, privacy, sdash
from flows.diary_model import DiaryPort
from flows.emergency import EMERGENCY_BODY
from flows.flow import Flow
from flows.screen import SAFETY_ROW, Context, Event, Kind, Outcome, Reply, Screen, back
from flows.services import Directory
from flows.session import Session
from flows.text import _

log = logging.getLogger(__name__)

FLOWS: tuple[Flow, ...] = (
    menu.FLOW, check.FLOW, advice.FLOW, helplines.FLOW, privacy.FLOW, language.FLOW,
    guidance.SUPPORTER, guidance.PROFESSIONAL, sdash.FLOW, diary.FLOW,
)

COMMANDS = (
    "start", "menu", "help", "exit", "settings", "privacy", "forget", "language", "diary",
)

RESUME = back("resume")
INPUT = frozenset({Kind.TEXT, Kind.FILE, Kind.FORWARD})
REMINDER = _("Please tap one of the buttons, or type your answer.")
CANNOT_READ = _("I can only read text and button taps here. Nothing you sent was kept.")


@dataclass(frozen=True)
class Engine:
    """Moves sessions through the flows. Stateless: one engine serves every user."""

    directory: Directory
    languages: tuple[str, ...] = ("en",)
    flows: Sequence[Flow] = FLOWS
    _by_state: dict[str, Flow] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_state = {state: flow for flow in self.flows for state in flow.screens}
        object.__setattr__(self, "_by_state", by_state)

    def handle(
        self,
        session: Session,
        event: Event,
        now: datetime,
        *,
        language_known: bool = True,
        diary: DiaryPort | None = None,
        lang: str = "en",
    ) -> Outcome:
        """Apply one event to a session and say what to show.

        `language_known` is False when the person's own language is not one the bot has:
        /start then offers the list of languages, once.
        """
        ctx = self.context(now, diary, lang)
        current = self._current(session, ctx)
        if event.kind is Kind.COMMAND:
            return self._command(session, event.value, ctx, language_known=language_known)
        if event.kind is Kind.ACTION:
            return self._action(session, event.value, current, ctx)
        flow = self._flow_of(session.state)
        if event.kind in INPUT and flow.accepts_input:
            if not flow.fire(session, "input", event.value, ctx, kind=event.kind):
                ctx.notice.append(REMINDER if event.kind is Kind.TEXT else CANNOT_READ)
            return self._result(session, ctx, fresh=True)
        note = REMINDER if event.kind is Kind.TEXT else CANNOT_READ
        return Outcome(session, [Reply(Screen((note, *current.body), current.buttons), fresh=True)])

    def _result(self, session: Session, ctx: Context, *, fresh: bool = False) -> Outcome:
        """The current screen, with any notice on top, and the effects for the edge."""
        screen = self.screen(session, ctx)
        if ctx.notice:
            screen = Screen((*ctx.notice, *screen.body), screen.buttons, screen.personal)
        return Outcome(session, [Reply(screen, fresh=fresh)], effects=tuple(ctx.effects))

    def context(
        self, now: datetime, diary: DiaryPort | None = None, lang: str = "en"
    ) -> Context:
        """What screens depend on besides the session."""
        return Context(now, self.directory, self.languages, diary, lang=lang)

    def screen(self, session: Session, ctx: Context) -> Screen:
        """The screen of the session's current state."""
        return self._flow_of(session.state).screens[session.state](session, ctx)

    def _command(
        self, session: Session, name: str, ctx: Context, *, language_known: bool
    ) -> Outcome:
        """/start, /menu, /exit and the others; anything unknown gets the help."""
        if name == "start":
            fresh = session.cleared()
            fresh.screen_id = session.screen_id
            replies = [Reply(menu.welcome_screen(), fresh=True)]
            if not (language_known or fresh.lang or fresh.lang_offered):
                fresh.lang_offered = True
                language.enter(fresh, "", ctx)
                replies.append(Reply(self.screen(fresh, ctx), fresh=True))
            return Outcome(fresh, replies)
        if name in ("language", "diary"):
            self._open(session, name, ctx)
            return Outcome(session, [Reply(self.screen(session, ctx), fresh=True)])
        if name == "menu":
            menu.enter(session, "", ctx)
            return Outcome(session, [Reply(self.screen(session, ctx), fresh=True)])
        if name == "exit":
            return self._exit(session)
        if name in (privacy.SETTINGS, privacy.PRIVACY, privacy.FORGET):
            privacy.enter(session, name, ctx)
            return Outcome(session, [Reply(self.screen(session, ctx), fresh=True)])
        return Outcome(session, [Reply(Screen(menu.HELP, ((RESUME,), SAFETY_ROW)), fresh=True)])

    def _action(self, session: Session, action: str, current: Screen, ctx: Context) -> Outcome:
        """A button: global actions anywhere, others only if the current screen shows them."""
        if action == "exit":
            return self._exit(session)
        if action == "forget_now" and action in current.actions():
            return Outcome(Session(), wipe=True, forget=True)
        if action == "sos":
            return Outcome(session, [Reply(Screen(EMERGENCY_BODY, ((RESUME,), SAFETY_ROW)))])
        if action == "menu":
            menu.enter(session, "", ctx)
        elif action.startswith("open:"):
            self._open(session, action.removeprefix("open:"), ctx)
        elif action != "resume" and action in current.actions():
            event, _sep, arg = action.partition(":")
            if not self._flow_of(session.state).fire(session, event, arg, ctx):
                log.warning("action %s refused in state %s", event, session.state)
        return self._result(session, ctx)

    def _open(self, session: Session, target: str, ctx: Context) -> None:
        """Enter another flow ("check", "advice:mute"); unknown targets change nothing."""
        name, _sep, arg = target.partition(":")
        for flow in self.flows:
            if flow.name == name:
                flow.enter(session, arg, ctx)
                return

    def _exit(self, session: Session) -> Outcome:
        """Leave: the chat is wiped and the conversation forgotten; settings stay."""
        return Outcome(session.cleared(), wipe=True)

    def _flow_of(self, state: str) -> Flow:
        """The flow a state belongs to (KeyError for a state no flow has)."""
        return self._by_state[state]

    def _current(self, session: Session, ctx: Context) -> Screen:
        """The current screen; a session that no longer fits the flows starts at the menu."""
        try:
            return self.screen(session, ctx)
        except (KeyError, IndexError, ValueError):
            log.warning("session in state %s could not be shown; back to the menu", session.state)
            lang = session.lang
            session.__dict__.update(Session(lang=lang).__dict__)
            return self.screen(session, ctx)
