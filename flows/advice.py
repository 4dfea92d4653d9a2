"""Safety advice: a menu of topics, each one or two short pages.

The state diagram, drawn from TABLE: flows/diagrams/advice.md.
"""

from __future__ import annotations

from typing import Any

from transitions import EventData

from flows.advice_content import TOPICS
from flows.flow import Flow, arg_of, session_of
from flows.screen import MENU, SAFETY_ROW, Button, Context, Screen, back
from flows.session import Session
from flows.text import _

MENU_STATE = "advice.menu"
TOPIC_STATE = "advice.topic"


def is_known_topic(event: EventData) -> bool:
    """The tapped topic exists."""
    return arg_of(event) in TOPICS


def has_next_page(event: EventData) -> bool:
    """The open topic has a page after this one."""
    session = session_of(event)
    return session.page + 1 < len(TOPICS[session.topic].pages)


def is_on_first_page(event: EventData) -> bool:
    """Back from the first page leaves the topic."""
    return session_of(event).page == 0


def open_topic(event: EventData) -> None:
    """Remember the topic and start at its first page."""
    session = session_of(event)
    session.topic, session.page = arg_of(event), 0


def turn_page(event: EventData) -> None:
    """Go to the next page."""
    session_of(event).page += 1


def turn_back(event: EventData) -> None:
    """Go to the previous page."""
    session_of(event).page -= 1


def close_topic(event: EventData) -> None:
    """Forget the open topic."""
    session = session_of(event)
    session.topic, session.page = "", 0


TABLE: list[dict[str, Any]] = [
    {"trigger": "topic", "source": MENU_STATE, "dest": TOPIC_STATE,
     "conditions": [is_known_topic], "after": [open_topic]},
    {"trigger": "next", "source": TOPIC_STATE, "dest": None,
     "conditions": [has_next_page], "after": [turn_page]},
    {"trigger": "back", "source": TOPIC_STATE, "dest": MENU_STATE,
     "conditions": [is_on_first_page], "after": [close_topic]},
    {"trigger": "back", "source": TOPIC_STATE, "dest": None, "after": [turn_back]},
]


def menu_screen(session: Session, ctx: Context) -> Screen:
    """The list of topics."""
    rows = tuple((Button(topic.title, f"topic:{topic.id}"),) for topic in TOPICS.values())
    return Screen(
        (_("<b>Safety advice</b>"), _("What would you like to read about?")),
        (*rows, (MENU,), SAFETY_ROW),
    )


def topic_screen(session: Session, ctx: Context) -> Screen:
    """One page of the open topic."""
    topic = TOPICS[session.topic]
    pages = topic.pages
    page = min(session.page, len(pages) - 1)
    nav = [back()]
    if page + 1 < len(pages):
        nav.append(Button(_("Next ▶"), "next"))
    body = pages[page]
    if len(pages) > 1:
        body = (*body, _("Page %(page)s of %(pages)s", page=page + 1, pages=len(pages)))
    return Screen(body, (tuple(nav), (MENU, *SAFETY_ROW)))


def enter(session: Session, arg: str) -> bool:
    """Open the advice menu, or a topic directly ("open:advice:mute")."""
    if arg and arg not in TOPICS:
        return False
    session.state = TOPIC_STATE if arg else MENU_STATE
    session.topic, session.page = arg, 0
    return True


FLOW = Flow(
    "advice",
    {MENU_STATE: menu_screen, TOPIC_STATE: topic_screen},
    enter,
    TABLE,
)
