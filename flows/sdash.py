"""S-DASH: the 11 stalking screening questions for professionals (facts.md), one per
screen, then a summary. A screening aid, never an assessment: there is no cut-off score.

The state diagram, drawn from TABLE: flows/diagrams/sdash.md.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from transitions import EventData

from flows.flow import Flow, arg_of, session_of
from flows.guidance_content import SDASH_LINKS, SDASH_NOTES
from flows.guidance_content import SDASH_QUESTIONS as QUESTIONS
from flows.screen import MENU, SAFETY_ROW, Block, Button, Context, Screen, back
from flows.session import Session
from flows.signs import NO, UNSURE, YES
from flows.text import P_, Lines, Text, _

QUESTION = "sdash.question"
SUMMARY = "sdash.summary"
KEY = "sd{}"  # answers are kept as sd0..sd10 beside the check's

OPTIONS: tuple[tuple[str, Text], ...] = ((YES, _("Yes")), (NO, _("No")), (UNSURE, _("Don't know")))


def is_last_question(event: EventData) -> bool:
    """This answer is to the eleventh question."""
    return session_of(event).step >= len(QUESTIONS) - 1


def is_first_question(event: EventData) -> bool:
    """Back from here leaves the screening."""
    return session_of(event).step == 0


def record(event: EventData) -> None:
    """Keep the answer to the current question."""
    session = session_of(event)
    session.answers[KEY.format(session.step)] = arg_of(event).rpartition(":")[2]


def record_and_go_on(event: EventData) -> None:
    """Keep the answer and show the next question."""
    record(event)
    session_of(event).step += 1


def step_back(event: EventData) -> None:
    """Show the previous question."""
    session_of(event).step -= 1


def to_last_question(event: EventData) -> None:
    """Back from the summary to the last question."""
    session_of(event).step = len(QUESTIONS) - 1


def start_again(event: EventData) -> None:
    """Clear the screening's answers."""
    session = session_of(event)
    for index in range(len(QUESTIONS)):
        session.answers.pop(KEY.format(index), None)
    session.step = 0


TABLE: list[dict[str, Any]] = [
    {"trigger": "answer", "source": QUESTION, "dest": SUMMARY,
     "conditions": [is_last_question], "before": [record]},
    {"trigger": "answer", "source": QUESTION, "dest": None, "after": [record_and_go_on]},
    {"trigger": "back", "source": QUESTION, "dest": None, "unless": [is_first_question],
     "after": [step_back]},
    {"trigger": "back", "source": SUMMARY, "dest": QUESTION, "after": [to_last_question]},
    {"trigger": "restart", "source": SUMMARY, "dest": QUESTION, "after": [start_again]},
]


def question_screen(session: Session, ctx: Context) -> Screen:
    """One screening question with its progress."""
    return _question(min(session.step, len(QUESTIONS) - 1))


@cache
def _question(step: int) -> Screen:
    """The screen of question `step`, built once."""
    answers = tuple(Button(label, f"answer:{step}:{code}") for code, label in OPTIONS)
    nav = (back(), *SAFETY_ROW) if step else (back("open:professional"), *SAFETY_ROW)
    return Screen(
        (
            _("S-DASH screening: %(n)s of %(total)s", n=step + 1, total=len(QUESTIONS)),
            QUESTIONS[step][0],
        ),
        (answers, nav),
    )


def summary_screen(session: Session, ctx: Context) -> Screen:
    """The factors answered yes, what they mean and where to go next."""
    yes = [i for i in range(len(QUESTIONS)) if session.answers.get(KEY.format(i)) == YES]
    body: list[Block] = [_("<b>S-DASH screening: summary</b>")]
    if yes:
        body.append(
            P_("%(count)s answer was yes:", "%(count)s answers were yes:", len(yes), count=len(yes))
        )
        body.append(Lines(tuple(QUESTIONS[i][1] for i in yes)))
    else:
        body.append(_("No answer was yes."))
    body += [
        *SDASH_NOTES,
        Lines(SDASH_LINKS, bullet=""),
    ]
    return Screen(
        tuple(body),
        ((back(), Button(_("↺ Start again"), "restart")),
         (Button(_("◀ Professionals"), "open:professional"), MENU), SAFETY_ROW),
        personal=True,
    )


def enter(session: Session, arg: str, ctx: Context) -> bool:
    """Start the screening at the first question."""
    if arg:
        return False
    session.state, session.step = QUESTION, 0
    return True


FLOW = Flow("sdash", {QUESTION: question_screen, SUMMARY: summary_screen}, enter, TABLE)
