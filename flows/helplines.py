"""Helplines: the services directory, with opening hours and whether a line is open now.

The state diagram, drawn from TABLE: flows/diagrams/helplines.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from transitions import EventData

from flows.emergency import EMERGENCY_BODY
from flows.flow import Flow, arg_of, context_of, session_of
from flows.screen import MENU, SAFETY_ROW, Block, Button, Context, Screen, back
from flows.services import UK, Service, opening_status, weekly_hours
from flows.session import Session
from flows.text import CalendarDate, Clock, Day, Lines, Link, Phone, Text, Verbatim, _

MENU_STATE = "helplines.menu"
SERVICE_STATE = "helplines.service"
EMERGENCY_ID = "emergency"


def is_listed(event: EventData) -> bool:
    """The tapped service is in the directory."""
    return arg_of(event) in context_of(event).directory.ids


def open_service(event: EventData) -> None:
    """Remember which service is shown."""
    session_of(event).topic = arg_of(event)


def close_service(event: EventData) -> None:
    """Forget the shown service."""
    session_of(event).topic = ""


TABLE: list[dict[str, Any]] = [
    {"trigger": "service", "source": MENU_STATE, "dest": SERVICE_STATE,
     "conditions": [is_listed], "after": [open_service]},
    {"trigger": "back", "source": SERVICE_STATE, "dest": MENU_STATE, "after": [close_service]},
]


def _label(service: Service) -> Text | Verbatim:
    """The button for a service: the emergency line is named in the user's language."""
    if service.id == EMERGENCY_ID:
        return _("🚨 Emergency: 999 and 101")
    return Verbatim(service.name)


def menu_screen(session: Session, ctx: Context) -> Screen:
    """Every service in the directory, one per row."""
    rows = tuple(
        (Button(_label(s), f"service:{s.id}"),)  # type: ignore[arg-type]
        for s in ctx.directory.services
    )
    return Screen(
        (_("<b>Helplines</b>"), _("Who would you like to contact?")),
        (*rows, (MENU,), SAFETY_ROW),
    )


def _days(days: tuple[int, ...]) -> Text | Day:
    """A run of days: "Monday", "Monday and Tuesday" or "Monday to Friday"."""
    if len(days) == 1:
        return Day(days[0])
    if len(days) == 2:
        return _("%(first)s and %(last)s", first=Day(days[0]), last=Day(days[1]))
    return _("%(first)s to %(last)s", first=Day(days[0]), last=Day(days[-1]))


def _hours(service: Service) -> list[Block]:
    """The weekly opening hours, in UK time."""
    if not service.hours:
        return []
    lines = tuple(
        _("%(days)s: %(opens)s–%(closes)s", days=_days(days), opens=Clock(o), closes=Clock(c))
        for days, o, c in weekly_hours(service)
    )
    blocks: list[Block] = [_("<b>Opening hours (UK time)</b>"), Lines(lines, bullet="")]
    if service.bank_holidays == "closed":
        blocks.append(_("Closed on bank holidays."))
    return blocks


def _when(next_open: datetime, now: datetime) -> Text:
    """When a closed line opens again: today, tomorrow, a weekday or a date."""
    days_ahead = (next_open.date() - now.date()).days
    at = Clock(next_open.timetz().replace(tzinfo=None))
    if days_ahead == 0:
        return _("Closed now. Opens today at %(time)s.", time=at)
    if days_ahead == 1:
        return _("Closed now. Opens tomorrow at %(time)s.", time=at)
    if days_ahead < 7:
        return _("Closed now. Opens %(day)s at %(time)s.", day=Day(next_open.weekday()), time=at)
    return _(
        "Closed now. Opens on %(date)s at %(time)s.", date=CalendarDate(next_open.date()), time=at
    )


def _status(service: Service, now: datetime) -> list[Block]:
    """Whether the line is open now, or when it opens next."""
    status = opening_status(service, now)
    uk_now = now.astimezone(UK)
    blocks: list[Block] = []
    if status.bank_holiday_today and service.bank_holidays == "closed":
        blocks.append(_("Today is a bank holiday."))
    elif status.bank_holiday_today:
        blocks.append(_("Today is a bank holiday, so it may be closed."))
    if status.kind == "open" and status.closes_at is not None:
        blocks.append(_("🟢 Open now, until %(time)s.", time=Clock(status.closes_at)))
    elif status.kind == "closed" and status.next_open is not None:
        blocks.append(_("🔴 %(when)s", when=_when(status.next_open, uk_now)))
    return blocks


def _contacts(service: Service) -> list[Block]:
    """Phone, email and website, each on its own line."""
    lines: list[Text] = []
    if service.phone:
        lines.append(_("📞 %(phone)s", phone=Phone(service.phone)))
    if service.email:
        lines.append(_("✉️ %(email)s", email=Link(service.email)))
    if service.website:
        lines.append(_("🌐 %(site)s", site=Link(service.website)))
    return [Lines(tuple(lines), bullet="")] if lines else []


def service_screen(session: Session, ctx: Context) -> Screen:
    """One service: what it does, how to reach it, and whether it is open now."""
    service = ctx.directory.get(session.topic)
    nav = ((back(), MENU), SAFETY_ROW)
    if service.id == EMERGENCY_ID:
        return Screen(EMERGENCY_BODY, nav)
    # The first line may show on a lock screen or in the chat list: keep it neutral.
    body: list[Block] = [_("📞 Contact details"), _("<b>%(name)s</b>", name=Verbatim(service.name))]
    if service.provider:
        body.append(Verbatim(service.provider))
    body.append(Text(service.about))
    if service.areas:
        body.append(_("Areas: %(areas)s", areas=Verbatim(", ".join(service.areas))))
    body += _contacts(service)
    body += _hours(service)
    body += _status(service, ctx.now)
    return Screen(tuple(body), nav)


def enter(session: Session, arg: str, ctx: Context) -> bool:
    """Open the list of helplines."""
    if arg:
        return False
    session.state, session.topic = MENU_STATE, ""
    return True


FLOW = Flow(
    "helplines",
    {MENU_STATE: menu_screen, SERVICE_STATE: service_screen},
    enter,
    TABLE,
)
