"""The thirteen signs of stalking ("Is stalking happening?") and the context questions.

Wording follows the leaflet, shortened for a phone. Each sign names the advice topics it
points to in the summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.text import Text, _


@dataclass(frozen=True)
class Sign:
    """One sign: the question, a short name for the summary and the advice it leads to."""

    id: str
    question: Text
    short: Text
    topics: tuple[str, ...] = ()


SIGNS: tuple[Sign, ...] = (
    Sign(
        "contact",
        _(
            "Do they keep contacting you when you don't want them to? "
            "This could be by phone, text, in person or online."
        ),
        _("Unwanted contact"),
        ("mute", "evidence"),
    ),
    Sign(
        "gifts",
        _("Have they sent you gifts you didn't want? Even nice things, like flowers."),
        _("Unwanted gifts"),
        ("evidence",),
    ),
    Sign(
        "meaningful_gifts",
        _(
            "Have they given you gifts that might seem normal to others, "
            "but mean something to you that makes you feel threatened?"
        ),
        _("Gifts that feel threatening"),
        ("evidence",),
    ),
    Sign(
        "get_around",
        _(
            "Do they find ways round what you do to avoid them? "
            "For example, making fake profiles to contact you after you block them."
        ),
        _("Getting round what you do to avoid them"),
        ("mute", "evidence"),
    ),
    Sign(
        "friends_family",
        _(
            "Do they contact your friends or family to get to you? "
            "This could be in person, online or by phone."
        ),
        _("Contacting friends or family to get to you"),
        ("mute", "evidence"),
    ),
    Sign(
        "watched",
        _(
            "Do they always seem to know where you are and what you are doing? "
            "Do you feel watched?"
        ),
        _("Seeming to know where you are"),
        ("online",),
    ),
    Sign(
        "work_school",
        _("Have they turned up at your work or school?"),
        _("Turning up at work or school"),
        ("work", "physical"),
    ),
    Sign(
        "hanging_around",
        _("Do they hang around places where you might be, even if they don't speak to you?"),
        _("Hanging around places you go"),
        ("physical",),
    ),
    Sign(
        "damage",
        _("Have they damaged your things, or things that belong to your family or friends?"),
        _("Damaging property"),
        ("physical", "evidence"),
    ),
    Sign(
        "threats_to_meet",
        _("Have they used threats to make you meet them?"),
        _("Threats to make you meet them"),
        ("physical", "evidence"),
    ),
    Sign(
        "stories",
        _("Are they spreading stories about you to other people?"),
        _("Spreading stories about you"),
        ("evidence",),
    ),
    Sign(
        "breaching_orders",
        _("Do they keep breaking orders that were put in place to protect you?"),
        _("Breaking orders that protect you"),
        ("law", "evidence"),
    ),
    Sign(
        "fear_violence",
        _(
            "Do they make you afraid they will use violence against you? "
            "They may have been violent to you before."
        ),
        _("Making you afraid of violence"),
        ("physical",),
    ),
)

SIGN_IDS: tuple[str, ...] = tuple(sign.id for sign in SIGNS)


@dataclass(frozen=True)
class Question:
    """A context question after the signs, with its answer options (code, label)."""

    id: str
    text: Text
    options: tuple[tuple[str, Text], ...]


YES, NO, UNSURE = "y", "n", "u"
YES_NO_UNSURE: tuple[tuple[str, Text], ...] = (
    (YES, _("Yes")),
    (NO, _("No")),
    (UNSURE, _("Not sure")),
)

EX_PARTNER = "ex"

CONTEXT: tuple[Question, ...] = (
    Question(
        "who",
        _("Who is doing this?"),
        (
            (EX_PARTNER, _("An ex-partner")),
            ("known", _("Someone I know")),
            ("stranger", _("A stranger")),
            (UNSURE, _("I'm not sure")),
        ),
    ),
    Question(
        "threatened",
        _("Have they threatened you, or people close to you?"),
        YES_NO_UNSURE,
    ),
    Question(
        "fear",
        _("Are you afraid they will use violence?"),
        YES_NO_UNSURE,
    ),
    Question(
        "violent_before",
        _("Have they been violent before, to you or to anyone else?"),
        YES_NO_UNSURE,
    ),
    Question(
        "repeated",
        _("Has this happened more than once?"),
        YES_NO_UNSURE,
    ),
)

CONTEXT_IDS: tuple[str, ...] = tuple(question.id for question in CONTEXT)
