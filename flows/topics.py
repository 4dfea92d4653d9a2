"""A menu of topics, each one or two short pages: the shape of advice, supporters' and
professionals' guidance. One factory, one shared machine per flow it builds.

    menu --topic--> topic --next/back--> topic --back (first page)--> menu
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from transitions import EventData

from flows.flow import Flow, arg_of, session_of
from flows.screen import MENU, SAFETY_ROW, Block, Button, Context, Screen, back
from flows.session import Session
from flows.text import Text, _


@dataclass(frozen=True)
class Topic:
    """A topic: its button label and one or two pages."""

    id: str
    title: Text
    pages: tuple[tuple[Block, ...], ...]


def topic_flow(
    name: str,
    heading: tuple[Block, ...],
    topics: Mapping[str, Topic],
    extra_rows: tuple[tuple[Button, ...], ...] = (),
) -> Flow:
    """A flow with a menu of `topics` and their pages; `extra_rows` go under the topics."""
    menu_state, topic_state = f"{name}.menu", f"{name}.topic"

    def is_known_topic(event: EventData) -> bool:
        """The tapped topic exists."""
        return arg_of(event) in topics

    def has_next_page(event: EventData) -> bool:
        """The open topic has a page after this one."""
        session = session_of(event)
        return session.page + 1 < len(topics[session.topic].pages)

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

    table: list[dict[str, Any]] = [
        {"trigger": "topic", "source": menu_state, "dest": topic_state,
         "conditions": [is_known_topic], "after": [open_topic]},
        {"trigger": "next", "source": topic_state, "dest": None,
         "conditions": [has_next_page], "after": [turn_page]},
        {"trigger": "back", "source": topic_state, "dest": menu_state,
         "conditions": [is_on_first_page], "after": [close_topic]},
        {"trigger": "back", "source": topic_state, "dest": None, "after": [turn_back]},
    ]

    rows = tuple((Button(topic.title, f"topic:{topic.id}"),) for topic in topics.values())
    menu = Screen(heading, (*rows, *extra_rows, (MENU,), SAFETY_ROW))

    def menu_screen(session: Session, ctx: Context) -> Screen:
        """The list of topics."""
        return menu

    def topic_screen(session: Session, ctx: Context) -> Screen:
        """One page of the open topic."""
        pages = topics[session.topic].pages
        page = min(session.page, len(pages) - 1)
        nav = [back()]
        if page + 1 < len(pages):
            nav.append(Button(_("Next ▶"), "next"))
        body = pages[page]
        if len(pages) > 1:
            body = (*body, _("Page %(page)s of %(pages)s", page=page + 1, pages=len(pages)))
        return Screen(body, (tuple(nav), (MENU, *SAFETY_ROW)))

    def enter(session: Session, arg: str, ctx: Context) -> bool:
        """Open the menu, or a topic directly ("open:advice:mute")."""
        if arg and arg not in topics:
            return False
        session.state = topic_state if arg else menu_state
        session.topic, session.page = arg, 0
        return True

    return Flow(name, {menu_state: menu_screen, topic_state: topic_screen}, enter, table)
