"""Safety advice: a menu of topics, each one or two short pages.

The state diagram, drawn from the table: flows/diagrams/advice.md.
"""

from __future__ import annotations

from flows.advice_content import TOPICS
from flows.text import _
from flows.topics import topic_flow

FLOW = topic_flow(
    "advice", (_("<b>Safety advice</b>"), _("What would you like to read about?")), TOPICS
)
