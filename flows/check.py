"""The check: are you in danger, the thirteen signs, a few questions, then the summary.

The state diagram, drawn from TABLE: flows/diagrams/check.md.
The answer actions carry the step they answer ("answer:3:y"), so a tap on an old
screen can never answer the wrong question: the engine only accepts actions that the
current screen shows.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from transitions import EventData

from flows.emergency import EMERGENCY_BODY
from flows.flow import Flow, arg_of, session_of
from flows.screen import MENU, SAFETY_ROW, Button, Context, Screen, back
from flows.session import Session
from flows.signs import CONTEXT, SIGNS, YES_NO_UNSURE
from flows.summary import summary_screen
from flows.text import Text, _

DANGER = "check.danger"
EMERGENCY = "check.emergency"
SIGN = "check.sign"
QUESTION = "check.context"
SUMMARY = "check.summary"


def said_yes(event: EventData) -> bool:
    """The person answered yes."""
    return arg_of(event) == "y"


def is_first_step(event: EventData) -> bool:
    """Back from here leaves this part of the check."""
    return session_of(event).step == 0


def is_last_sign(event: EventData) -> bool:
    """This answer is to the thirteenth sign."""
    return session_of(event).step >= len(SIGNS) - 1


def is_last_question(event: EventData) -> bool:
    """This answer is to the last context question."""
    return session_of(event).step >= len(CONTEXT) - 1


def record_sign(event: EventData) -> None:
    """Keep the answer to the current sign."""
    session = session_of(event)
    session.answers[SIGNS[session.step].id] = arg_of(event).rpartition(":")[2]


def record_question(event: EventData) -> None:
    """Keep the answer to the current context question."""
    session = session_of(event)
    session.answers[CONTEXT[session.step].id] = arg_of(event).rpartition(":")[2]


def record_sign_and_go_on(event: EventData) -> None:
    """Keep the answer to the current sign and show the next one."""
    record_sign(event)
    session_of(event).step += 1


def record_question_and_go_on(event: EventData) -> None:
    """Keep the answer to the current question and show the next one."""
    record_question(event)
    session_of(event).step += 1


def step_back(event: EventData) -> None:
    """Move to the previous question."""
    session_of(event).step -= 1


def start_at_first(event: EventData) -> None:
    """Start a part of the check at its first question."""
    session_of(event).step = 0


def start_at_last_sign(event: EventData) -> None:
    """Go back into the signs at the last one."""
    session_of(event).step = len(SIGNS) - 1


def start_at_last_question(event: EventData) -> None:
    """Go back into the context questions at the last one."""
    session_of(event).step = len(CONTEXT) - 1


def forget_answers(event: EventData) -> None:
    """Clear every answer to start the check again."""
    session = session_of(event)
    session.answers.clear()
    session.step = 0


TABLE: list[dict[str, Any]] = [
    {"trigger": "danger", "source": DANGER, "dest": EMERGENCY, "conditions": [said_yes]},
    {"trigger": "danger", "source": DANGER, "dest": SIGN, "after": [start_at_first]},
    {"trigger": "go_on", "source": EMERGENCY, "dest": SIGN, "after": [start_at_first]},
    {"trigger": "back", "source": EMERGENCY, "dest": DANGER},
    {"trigger": "answer", "source": SIGN, "dest": QUESTION, "conditions": [is_last_sign],
     "before": [record_sign], "after": [start_at_first]},
    {"trigger": "answer", "source": SIGN, "dest": None, "after": [record_sign_and_go_on]},
    {"trigger": "back", "source": SIGN, "dest": DANGER, "conditions": [is_first_step]},
    {"trigger": "back", "source": SIGN, "dest": None, "after": [step_back]},
    {"trigger": "answer", "source": QUESTION, "dest": SUMMARY,
     "conditions": [is_last_question], "before": [record_question]},
    {"trigger": "answer", "source": QUESTION, "dest": None,
     "after": [record_question_and_go_on]},
    {"trigger": "back", "source": QUESTION, "dest": SIGN, "conditions": [is_first_step],
     "after": [start_at_last_sign]},
    {"trigger": "back", "source": QUESTION, "dest": None, "after": [step_back]},
    {"trigger": "back", "source": SUMMARY, "dest": QUESTION, "after": [start_at_last_question]},
    {"trigger": "restart", "source": SUMMARY, "dest": DANGER, "after": [forget_answers]},
]


def danger_screen(session: Session, ctx: Context) -> Screen:
    """The first question: is the person in danger now?"""
    return DANGER_SCREEN


DANGER_SCREEN = Screen(
    (_("<b>Are you in danger right now?</b>"),),
    (
        (Button(_("Yes"), "danger:y"), Button(_("No"), "danger:n")),
        (back("menu"), *SAFETY_ROW),
    ),
)


def emergency_screen(session: Session, ctx: Context) -> Screen:
    """What to do in danger, then the choice to go on with the check."""
    return EMERGENCY_SCREEN


EMERGENCY_SCREEN = Screen(
    EMERGENCY_BODY,
    (
        (Button(_("Go on with the check ▶"), "go_on"),),
        (back(), MENU, SAFETY_ROW[1]),
    ),
)


def _answer_rows(
    step: int, options: tuple[tuple[str, Text], ...]
) -> tuple[tuple[Button, ...], ...]:
    """Answer buttons that carry the step they answer; long option lists go one per row."""
    buttons = tuple(Button(label, f"answer:{step}:{code}") for code, label in options)
    return (buttons,) if len(buttons) <= 3 else tuple((b,) for b in buttons)


def sign_screen(session: Session, ctx: Context) -> Screen:
    """One sign of stalking, with its progress."""
    return _sign_screen(min(session.step, len(SIGNS) - 1))


@cache
def _sign_screen(step: int) -> Screen:
    """The screen of sign `step`: the same for everyone, so built once."""
    return Screen(
        (
            _("Question %(n)s of %(total)s", n=step + 1, total=len(SIGNS)),
            SIGNS[step].question,
        ),
        (*_answer_rows(step, YES_NO_UNSURE), (back(), *SAFETY_ROW)),
    )


def question_screen(session: Session, ctx: Context) -> Screen:
    """One context question, with its progress."""
    return _question_screen(min(session.step, len(CONTEXT) - 1))


@cache
def _question_screen(step: int) -> Screen:
    """The screen of context question `step`, built once."""
    question = CONTEXT[step]
    return Screen(
        (
            _("Nearly done: %(n)s of %(total)s", n=step + 1, total=len(CONTEXT)),
            question.text,
        ),
        (*_answer_rows(step, question.options), (back(), *SAFETY_ROW)),
    )


def enter(session: Session, arg: str, ctx: Context) -> bool:
    """Start the check from the beginning."""
    if arg:
        return False
    session.state, session.step = DANGER, 0
    session.answers.clear()
    return True


FLOW = Flow(
    "check",
    {
        DANGER: danger_screen,
        EMERGENCY: emergency_screen,
        SIGN: sign_screen,
        QUESTION: question_screen,
        SUMMARY: summary_screen,
    },
    enter,
    TABLE,
)
