"""The main menu, the welcome and the help.

The welcome's first line is neutral: it may show on a lock screen or in the chat list.
"""

from __future__ import annotations

from flows.flow import Flow
from flows.screen import SAFETY_ROW, Block, Button, Context, Screen
from flows.session import START_STATE, Session
from flows.text import Phone, _

MENU_STATE = START_STATE

WELCOME: tuple[Block, ...] = (
    _("Hello. This chat is private."),
    _(
        "It can help you find out if what someone is doing could be stalking, "
        "what you can do, and who can help."
    ),
    _("To leave fast, send /exit or tap ✖ on any screen."),
    _("<b>In danger now? Call %(n999)s.</b>", n999=Phone("999")),
)

HELP: tuple[Block, ...] = (
    _("<b>Help</b>"),
    _("Tap the buttons to move around. You can also type an answer, like \"yes\" or \"not sure\"."),
    _(
        "/start – start again\n"
        "/menu – the main menu\n"
        "/help – this help\n"
        "/settings – clear the chat automatically, sounds\n"
        "/language – choose your language\n"
        "/diary – write down what happens\n"
        "/privacy – what is kept, and how to delete it\n"
        "/exit – leave and delete this chat"
    ),
    _("<b>In danger now? Call %(n999)s.</b>", n999=Phone("999")),
)

MENU_BUTTONS: tuple[tuple[Button, ...], ...] = (
    (Button(_("🔎 Check what's happening"), "open:check"),),
    (Button(_("🛡 Safety advice"), "open:advice"),),
    (Button(_("📞 Helplines"), "open:helplines"), Button(_("📓 My diary"), "open:diary")),
    (Button(_("🤝 I'm worried about someone"), "open:supporter"),),
    (Button(_("💼 I'm a professional"), "open:professional"),),
    (Button(_("⚙ Settings and privacy"), "open:privacy:settings"),),
    SAFETY_ROW,
)



def menu_screen(session: Session, ctx: Context) -> Screen:
    """The main menu."""
    return Screen((_("What would you like to do?"),), MENU_BUTTONS)


def welcome_screen() -> Screen:
    """The welcome and the main menu, in one message."""
    return Screen((*WELCOME, _("What would you like to do?")), MENU_BUTTONS)


def enter(session: Session, arg: str, ctx: Context) -> bool:
    """Go to the main menu."""
    if arg:
        return False
    session.state, session.step, session.topic, session.page = MENU_STATE, 0, "", 0
    return True


FLOW = Flow("menu", {MENU_STATE: menu_screen}, enter, [])
