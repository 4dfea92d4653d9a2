"""Guidance for the people around the victim: supporters and professionals.

State diagrams, drawn from the tables: flows/diagrams/supporter.md, professional.md.
"""

from __future__ import annotations

from flows.guidance_content import PROFESSIONAL_TOPICS, SUPPORTER_TOPICS
from flows.screen import Button
from flows.text import _
from flows.topics import topic_flow

HELPLINES_ROW = (Button(_("📞 Helplines"), "open:helplines"),)

SUPPORTER = topic_flow(
    "supporter",
    (
        _("<b>Helping someone</b>"),
        _("Friends, family and colleagues can help a lot. What would you like to know?"),
    ),
    SUPPORTER_TOPICS,
    (HELPLINES_ROW,),
)

PROFESSIONAL = topic_flow(
    "professional",
    (
        _("<b>For professionals</b>"),
        _("Guidance, S-DASH screening and referral routes. Never type a client's details here."),
    ),
    PROFESSIONAL_TOPICS,
    ((Button(_("📋 S-DASH screening questions"), "open:sdash"),), HELPLINES_ROW),
)
