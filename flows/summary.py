"""The summary at the end of the check.

Safety rules: never tell the person they are not being stalked; say plainly when the
answers show a high risk; choose next steps from the answers.
"""

from __future__ import annotations

from flows.advice_content import TOPICS
from flows.risk import (
    is_ex_partner_who_threatens,
    is_high_risk,
    recognised_signs,
    suggested_topics,
    unsure_signs,
)
from flows.screen import MENU, SAFETY_ROW, Block, Button, Context, Screen, back
from flows.services import Directory
from flows.session import Session
from flows.signs import NO, SIGNS
from flows.text import P_, Lines, Phone, Text, _

MAX_TOPICS = 4  # next steps shown as buttons; more makes the screen long on a phone
SIGN_NAMES: dict[str, Text] = {sign.id: sign.short for sign in SIGNS}


def _phone(directory: Directory, service_id: str) -> Phone | None:
    """The phone number of a service in the directory, if the operator lists it."""
    try:
        number = directory.get(service_id).phone
    except KeyError:
        return None
    return Phone(number) if number else None


def _signs_part(session: Session, directory: Directory) -> list[Block]:
    """What they recognised, or, with nothing recognised, trust your instincts."""
    yes, unsure = recognised_signs(session.answers), unsure_signs(session.answers)
    blocks: list[Block] = []
    if yes:
        blocks.append(
            P_(
                "You said yes to %(count)s of the %(total)s signs:",
                "You said yes to %(count)s of the %(total)s signs:",
                len(yes),
                count=len(yes),
                total=len(SIGNS),
            )
        )
        blocks.append(Lines(tuple(SIGN_NAMES[s] for s in yes)))
    else:
        blocks.append(_("You did not say yes to any of the signs."))
        blocks.append(
            _(
                "Stalking can start slowly. It can be subtle, and can even feel flattering "
                "at first. Trust your instincts."
            )
        )
        helpline = _phone(directory, "national_stalking_helpline")
        if helpline:
            blocks.append(
                _(
                    "If something feels wrong, talk to the National Stalking Helpline "
                    "on %(phone)s.",
                    phone=helpline,
                )
            )
    if unsure:
        blocks.append(
            P_(
                "You were not sure about %(count)s sign. That is fine. Trust your instincts.",
                "You were not sure about %(count)s signs. That is fine. Trust your instincts.",
                len(unsure),
                count=len(unsure),
            )
        )
    return blocks


def _risk_part(session: Session, directory: Directory) -> list[Block]:
    """The high-risk message, when the answers show it."""
    if not is_high_risk(session.answers):
        return []
    blocks: list[Block] = []
    if is_ex_partner_who_threatens(session.answers):
        blocks.append(
            _(
                "<b>An ex-partner who makes threats is the highest risk.</b> People stalked "
                "by an ex-partner who has threatened them are the most likely to be hurt."
            )
        )
    else:
        blocks.append(_("<b>Your answers show a high risk of harm.</b>"))
    blocks.append(
        _(
            "Please contact the police today. Call %(n999)s if you are in danger. "
            "Call %(n101)s if it is not an emergency.",
            n999=Phone("999"),
            n101=Phone("101"),
        )
    )
    paladin = _phone(directory, "paladin")
    if paladin:
        blocks.append(
            _(
                "Paladin helps people at high risk from stalking: %(phone)s.",
                phone=paladin,
            )
        )
    return blocks


def _about_stalking(session: Session) -> list[Block]:
    """What stalking is, and that it is a crime and not their fault."""
    blocks: list[Block] = [
        _(
            "Stalking is behaviour that is Fixated, Obsessive, Unwanted and Repeated."
        ),
        _(
            "It is a crime in England and Wales, and has been since 25 November 2012. "
            "It is not your fault."
        ),
    ]
    if session.answers.get("repeated") == NO:
        blocks.append(
            _(
                "If it has happened only once, keep a note of it. If it happens again, "
                "it may be part of a pattern."
            )
        )
    return blocks


def summary_screen(session: Session, ctx: Context) -> Screen:
    """The summary with next steps chosen from the answers."""
    body: list[Block] = [_("<b>Your answers</b>")]
    body += _signs_part(session, ctx.directory)
    body += _risk_part(session, ctx.directory)
    body += _about_stalking(session)
    body.append(_("<b>What you can do next:</b>"))
    topics = (suggested_topics(session.answers) or ["tips", "evidence"])[:MAX_TOPICS]
    rows = [(Button(TOPICS[topic].title, f"open:advice:{topic}"),) for topic in topics]
    rows.append((Button(_("📞 Helplines"), "open:helplines"),))
    rows.append((back(), Button(_("↺ Start again"), "restart"), MENU))
    rows.append(SAFETY_ROW)
    return Screen(tuple(body), tuple(rows), personal=True)
