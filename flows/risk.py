"""What the answers of the check mean: pure functions named after what they decide.

The leaflet: "those who are at highest risk of assault are ex-intimate partners who have
been threatened". The check also treats fear of violence and past violence as high risk.
"""

from __future__ import annotations

from collections.abc import Mapping

from flows.signs import EX_PARTNER, SIGNS, YES

Answers = Mapping[str, str]


def recognised_signs(answers: Answers) -> list[str]:
    """The ids of the signs answered yes, in the leaflet's order."""
    return [sign.id for sign in SIGNS if answers.get(sign.id) == YES]


def unsure_signs(answers: Answers) -> list[str]:
    """The ids of the signs answered "not sure"."""
    return [sign.id for sign in SIGNS if answers.get(sign.id) == "u"]


def has_been_threatened(answers: Answers) -> bool:
    """Threats to them or people close to them, or threats to make them meet."""
    return answers.get("threatened") == YES or answers.get("threats_to_meet") == YES


def is_ex_partner_who_threatens(answers: Answers) -> bool:
    """The highest-risk pattern in the leaflet: an ex-partner who has made threats."""
    return answers.get("who") == EX_PARTNER and has_been_threatened(answers)


def fears_violence(answers: Answers) -> bool:
    """They are afraid the person will use violence."""
    return answers.get("fear") == YES or answers.get("fear_violence") == YES


def has_been_violent(answers: Answers) -> bool:
    """The person has been violent before."""
    return answers.get("violent_before") == YES


def is_high_risk(answers: Answers) -> bool:
    """Any of the patterns that call for contacting the police today."""
    return (
        is_ex_partner_who_threatens(answers)
        or fears_violence(answers)
        or has_been_violent(answers)
    )


def suggested_topics(answers: Answers) -> list[str]:
    """Advice topics that fit the recognised signs, without repeats, in a stable order."""
    topics: list[str] = []
    for sign in SIGNS:
        if answers.get(sign.id) == YES:
            topics.extend(t for t in sign.topics if t not in topics)
    return topics
