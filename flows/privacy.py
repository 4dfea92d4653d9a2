"""Settings, privacy and /forget: what is kept, for how long, and how to erase it.

The state diagram, drawn from TABLE: flows/diagrams/privacy.md.
"""

from __future__ import annotations

from typing import Any

from transitions import EventData

from flows.flow import Flow, arg_of, session_of
from flows.privacy_content import FORGET_BODY, PRIVACY_BODY, PRIVACY_LIMITS
from flows.screen import MENU, SAFETY_ROW, Button, Context, Screen, back
from flows.session import DEFAULT_WIPE_AFTER, WIPE_CHOICES, Session
from flows.text import Text, _

SETTINGS = "settings"
PRIVACY = "privacy"
LIMITS = "privacy.limits"
FORGET = "forget"

WIPE_LABELS: dict[int, Text] = {
    0: _("Never"),
    5: _("5 minutes"),
    15: _("15 minutes"),
    60: _("1 hour"),
}


def is_a_wipe_choice(event: EventData) -> bool:
    """The tapped idle time is one the bot offers."""
    return arg_of(event).isdigit() and int(arg_of(event)) in WIPE_CHOICES


def set_wipe_after(event: EventData) -> None:
    """Keep the chosen idle time."""
    session_of(event).wipe_after = int(arg_of(event))


def toggle_sound(event: EventData) -> None:
    """Sounds on, or off again."""
    session = session_of(event)
    session.sound = not session.sound


TABLE: list[dict[str, Any]] = [
    {"trigger": "wipe_after", "source": SETTINGS, "dest": None,
     "conditions": [is_a_wipe_choice], "after": [set_wipe_after]},
    {"trigger": "sound", "source": SETTINGS, "dest": None, "after": [toggle_sound]},
    {"trigger": "privacy", "source": SETTINGS, "dest": PRIVACY},
    {"trigger": "back", "source": PRIVACY, "dest": SETTINGS},
    {"trigger": "limits", "source": PRIVACY, "dest": LIMITS},
    {"trigger": "back", "source": LIMITS, "dest": PRIVACY},
    {"trigger": "back", "source": FORGET, "dest": PRIVACY},
    {"trigger": "forget", "source": [PRIVACY, LIMITS], "dest": FORGET},
]


def _wipe_text(minutes: int) -> Text:
    """How the chat clears itself, in words."""
    if minutes == 0:
        return _("This chat does not clear itself. Use ✖ Exit when you leave.")
    return _(
        "This chat clears itself after %(time)s without use.", time=WIPE_LABELS[minutes]
    )


def settings_screen(session: Session, ctx: Context) -> Screen:
    """Auto-clear time and sounds."""
    choices = tuple(
        Button(
            _("✓ %(choice)s", choice=WIPE_LABELS[m]) if m == session.wipe_after else WIPE_LABELS[m],
            f"wipe_after:{m}",
        )
        for m in WIPE_CHOICES
    )
    sound = (
        Button(_("🔔 Sounds are on: turn off"), "sound")
        if session.sound
        else Button(_("🔕 Sounds are off: turn on"), "sound")
    )
    return Screen(
        (
            _("<b>Settings</b>"),
            _wipe_text(session.wipe_after),
            _("Clear the chat after this long without use:"),
        ),
        (
            choices[:2],
            choices[2:],
            (sound,),
            (Button(_("🌐 Language"), "open:language"), Button(_("🔒 Privacy"), "privacy")),
            (MENU, *SAFETY_ROW),
        ),
    )


def privacy_screen(session: Session, ctx: Context) -> Screen:
    """What is stored, where, for how long, and the limits."""
    return Screen(
        (
            *PRIVACY_BODY,
            _wipe_text(session.wipe_after),
            _(
                "Unless you change it in /settings, the chat clears itself after %(time)s.",
                time=WIPE_LABELS[DEFAULT_WIPE_AFTER],
            ),
        ),
        (
            (Button(_("What the bot cannot do ▶"), "limits"),),
            (back(), Button(_("🗑 Forget me"), "forget")),
            (MENU, *SAFETY_ROW),
        ),
    )


def limits_screen(session: Session, ctx: Context) -> Screen:
    """The limits, stated plainly."""
    return Screen(
        PRIVACY_LIMITS, ((back(), Button(_("🗑 Forget me"), "forget")), (MENU, *SAFETY_ROW))
    )


def forget_screen(session: Session, ctx: Context) -> Screen:
    """Ask once before erasing everything."""
    return FORGET_SCREEN


FORGET_SCREEN = Screen(
    FORGET_BODY,
    ((Button(_("🗑 Yes, delete everything"), "forget_now"),), (back(), *SAFETY_ROW)),
)


def enter(session: Session, arg: str, ctx: Context) -> bool:
    """Open settings, privacy or the forget question."""
    if arg not in (SETTINGS, PRIVACY, FORGET):
        return False
    session.state = arg
    return True


FLOW = Flow(
    "privacy",
    {SETTINGS: settings_screen, PRIVACY: privacy_screen, LIMITS: limits_screen,
     FORGET: forget_screen},
    enter,
    TABLE,
)
