"""The scripted people of the crash test (tests/test_crash.py): their plans and what they see.

A plan is a list of steps. Each step is taken on one screen (`on`) and leads to another
(`expect`); `kind` says what the person does and how they recover when a crash swallows the
bot's reply (see the test's docstring). Screens are named by where the session is, as
(state, step): what the person reads in the chat is mapped back to it by `identify`, and what
the bot saved by `where_of`, so the two can be compared.
"""

from __future__ import annotations

import enum
import random
import re
from dataclasses import dataclass, field

from flows.diary_model import Entry
from flows.session import Session
from flows.signs import CONTEXT, SIGN_IDS, SIGNS, YES_NO_UNSURE

Where = tuple[str, int]  # (session state, question number in the check, else 0)

MENU: Where = ("menu", 0)
DANGER: Where = ("check.danger", 0)
SUMMARY: Where = ("check.summary", 0)
DIARY: Where = ("diary.menu", 0)
SAVED: Where = ("diary.saved", 0)
REVIEW: Where = ("diary.review", 0)
LIST: Where = ("diary.list", 0)
ENTRY_STEPS: tuple[Where, ...] = tuple(
    (f"diary.{name}", 0)
    for name in ("when", "where", "what", "who", "signs", "feel", "witnesses", "evidence")
)
WHEN, WHERE, WHAT, WHO, SIGN_STEP, FEEL, WITNESSES, EVIDENCE = ENTRY_STEPS
QUESTIONS = ("check.sign", "check.context")

# Button labels, exactly as the English screens show them.
CHECK = "🔎 Check what's happening"
MY_DIARY = "📓 My diary"
ADD = "➕ Add an incident"
JUST_NOW = "Just now"
DONE = "Done ▶"
SKIP = "Skip ▶"
SAVE = "✅ Save"
MY_INCIDENTS = "📖 My incidents"
TO_DIARY = "📓 Diary"
BACK = "◀ Back"
ANSWER_LABELS = {code: text.msgid for code, text in YES_NO_UNSURE}
REMINDER = "Please tap one of the buttons, or type your answer."

_SCREENS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.MULTILINE), state) for pattern, state in (
        (r"^Question (\d+) of 13$", "check.sign"),
        (r"^Nearly done: (\d+) of 5$", "check.context"),
        (r"^New incident: step (\d+) of 8$", "entry"),
        (r"^Are you in danger right now\?$", "check.danger"),
        (r"^Your answers$", "check.summary"),
        (r"^Saved: incident (\d+)$", "diary.saved"),
        (r"^Check your incident$", "diary.review"),
        (r"^My incidents$", "diary.list"),
        (r"^Your diary$", "diary.menu"),
        (r"^What would you like to do\?$", "menu"),
    )
)


def identify(text: str | None) -> Where | None:
    """The screen a message shows (a reminder on top of a screen shows that screen)."""
    for pattern, state in _SCREENS:
        match = pattern.search(text or "")
        if match is None:
            continue
        if state == "entry":
            return ENTRY_STEPS[int(match.group(1)) - 1]
        if state in QUESTIONS:
            return state, int(match.group(1)) - 1
        return state, 0
    return None


def where_of(session: Session | None) -> Where | None:
    """Where a saved session is, in the terms of `identify`."""
    if session is None:
        return None
    return session.state, session.step if session.state in QUESTIONS else 0


def name_of(where: Where | None) -> str:
    """A screen for a failure message: "check.sign (Question 4 of 13)"."""
    if where is None:
        return "nothing"
    state, step = where
    if state == "check.sign":
        return f"{state} (Question {step + 1} of 13)"
    if state == "check.context":
        return f"{state} (Nearly done: {step + 1} of 5)"
    if where in ENTRY_STEPS:
        return f"{state} (New incident: step {ENTRY_STEPS.index(where) + 1} of 8)"
    return state


class Kind(enum.Enum):
    """What a step does, which decides how the person recovers a lost reply."""

    COMMAND = "command"  # send /start, /diary, /menu: sent again
    NOTE = "note"  # text on the diary's screen, a quick note: looked for, sent again if lost
    TYPE = "type"  # a typed answer in a new incident: Back, then answer again from there
    TAP = "tap"  # a button that is safe to tap twice: tapped again
    SIGN = "sign"  # tick a sign in a new incident: tapped until the screen shows it ticked
    BACK = "back"  # ◀ Back, only to recover a TYPE step: answer again from where it leads
    LOOK = "look"  # 📖 My incidents, only to recover a NOTE step: was it saved?


@dataclass(frozen=True)
class Spec:
    """An entry as the person wrote it (what the diary must hold, field for field)."""

    quick: bool
    where: str = ""
    what: str = ""
    who: str = ""
    signs: tuple[str, ...] = ()
    feel: str = ""
    witnesses: str = ""

    def differences(self, entry: Entry) -> list[str]:
        """How a saved entry differs from this one (empty when it matches)."""
        saved = Spec(entry.quick, entry.where, entry.what, entry.who, entry.signs, entry.feel,
                     entry.witnesses)
        return [f"{name}: saved {getattr(saved, name)!r}, written {getattr(self, name)!r}"
                for name in self.__dataclass_fields__
                if getattr(saved, name) != getattr(self, name)]

    def review_lines(self) -> list[str]:
        """Lines the review of a new incident shows for it (before the signs' names)."""
        fields = (("Where", self.where), ("What happened", self.what), ("Who", self.who),
                  ("How you felt", self.feel), ("Witnesses", self.witnesses))
        return [f"{name}: {value}" for name, value in fields if value]

    @property
    def sign_names(self) -> list[str]:
        """The short names of its signs, as the review lists them."""
        return [sign.short.msgid for sign in SIGNS if sign.id in self.signs]

    @property
    def label(self) -> str:
        """What "My incidents" shows of it."""
        return (self.where or self.what)[:24]


@dataclass(frozen=True)
class Step:
    """One thing the person does on screen `on` (None: anywhere), to reach `expect`."""

    kind: Kind
    arg: str  # the text sent, the button label tapped, or the sign's number
    on: Where | None
    expect: Where
    answer: tuple[str, str] | None = None  # (question id, code) the tap answers in the check
    saves: Spec | None = None  # the entry this step saves
    shows_summary: bool = False  # the check's summary: it must list the answers
    look: Spec | None = None  # LOOK: the note looked for in the list

    def __str__(self) -> str:
        verb = {Kind.COMMAND: "send", Kind.NOTE: "note", Kind.TYPE: "type"}.get(self.kind, "tap")
        return f"{verb} {self.arg!r} on {name_of(self.on)} -> {name_of(self.expect)}"


@dataclass
class Plan:
    """A person's whole conversation."""

    chat_id: int
    steps: list[Step] = field(default_factory=list)
    entries: list[Spec] = field(default_factory=list)  # in the order they are saved

    @property
    def last(self) -> Where:
        """Where the conversation ends."""
        return self.steps[-1].expect

    def add(self, kind: Kind, arg: str, expect: Where, *, answer: tuple[str, str] | None = None,
            saves: Spec | None = None, shows_summary: bool = False) -> None:
        """Append a step taken on the screen the previous step leads to (a command: anywhere)."""
        on = self.steps[-1].expect if self.steps and kind is not Kind.COMMAND else None
        self.steps.append(Step(kind, arg, on, expect, answer, saves, shows_summary))


# --- writing the plans --------------------------------------------------------------------

PLACES = ("Bus stop, Station Road", "Outside my flat", "Tesco car park", "The gym on Mill Lane",
          "Outside work", "Instagram, a new account")
HAPPENINGS = ("Waited by my car again", "Followed me home", "Left flowers at the door",
              "Rang eleven times tonight", "Took photos of me", "Sent a message from a new number")
PEOPLE = ("My ex-partner", "A man from the gym", "Someone I do not know", "A neighbour")
FEELINGS = ("Frightened", "Shaken and angry", "Worried for my children", "Numb")


def _check(plan: Plan, rng: random.Random, answers: int) -> None:
    """Into the check from the main menu, then `answers` questions (18: all, to the summary)."""
    plan.add(Kind.TAP, CHECK, DANGER)
    plan.add(Kind.TAP, "No", ("check.sign", 0))
    for number in range(min(answers, len(SIGNS))):
        code = rng.choice("ynnu")
        last = number == len(SIGNS) - 1
        plan.add(Kind.TAP, ANSWER_LABELS[code], ("check.context", 0) if last else
                 ("check.sign", number + 1), answer=(SIGNS[number].id, code))
    for number in range(max(0, answers - len(SIGNS))):
        question = CONTEXT[number]
        code, label = rng.choice(question.options)
        last = number == len(CONTEXT) - 1
        plan.add(Kind.TAP, label.msgid, SUMMARY if last else ("check.context", number + 1),
                 answer=(question.id, code), shows_summary=last)


def _open_diary(plan: Plan, rng: random.Random) -> None:
    """The diary by its command, or from the main menu."""
    if plan.steps[-1].expect == MENU and rng.random() < 0.5:
        plan.add(Kind.TAP, MY_DIARY, DIARY)
    else:
        plan.add(Kind.COMMAND, "/diary", DIARY)


def _note(plan: Plan, rng: random.Random) -> None:
    """A quick note, typed on the diary's screen."""
    if plan.steps[-1].expect == SAVED:
        plan.add(Kind.TAP, TO_DIARY, DIARY)
    text = f"Note {len(plan.entries) + 1}: {rng.choice(HAPPENINGS)} (chat {plan.chat_id})"
    spec = Spec(quick=True, what=text)
    plan.entries.append(spec)
    plan.add(Kind.NOTE, text, SAVED, saves=spec)


def _entry(plan: Plan, rng: random.Random) -> None:
    """A new incident, step by step, then saved."""
    if plan.steps[-1].expect == SAVED:
        plan.add(Kind.TAP, TO_DIARY, DIARY)
    tag = f"(entry {len(plan.entries) + 1} of chat {plan.chat_id})"
    signs = tuple(sorted(rng.sample(range(1, 14), rng.choice((0, 1, 1, 2)))))
    spec = Spec(
        quick=False, where=rng.choice(PLACES), what=f"{rng.choice(HAPPENINGS)} {tag}",
        who=rng.choice(PEOPLE), signs=tuple(SIGN_IDS[n - 1] for n in signs),
        feel=rng.choice(FEELINGS), witnesses=rng.choice(("", f"My sister saw it {tag}")),
    )
    plan.entries.append(spec)
    plan.add(Kind.TAP, ADD, WHEN)
    plan.add(Kind.TAP, JUST_NOW, WHERE)
    plan.add(Kind.TYPE, spec.where, WHAT)
    plan.add(Kind.TYPE, spec.what, WHO)
    plan.add(Kind.TYPE, spec.who, SIGN_STEP)
    for number in signs:
        plan.add(Kind.SIGN, str(number), SIGN_STEP)
    plan.add(Kind.TAP, DONE, FEEL)
    plan.add(Kind.TYPE, spec.feel, WITNESSES)
    if spec.witnesses:
        plan.add(Kind.TYPE, spec.witnesses, EVIDENCE)
    else:
        plan.add(Kind.TAP, SKIP, EVIDENCE)
    plan.add(Kind.TAP, DONE, REVIEW)
    plan.add(Kind.TAP, SAVE, SAVED, saves=spec)


def _incidents(plan: Plan) -> None:
    """Read the list of saved incidents (from the diary's screen or a "Saved" one)."""
    plan.add(Kind.TAP, MY_INCIDENTS, LIST)


def _leave_saved(plan: Plan, rng: random.Random, incidents: float) -> None:
    """After a quick note: to the list of incidents, or back to the diary's screen.

    (Not ending on the note: a person whose note got no reply looks in the list for it.)
    """
    if rng.random() < incidents:
        _incidents(plan)
    else:
        plan.add(Kind.TAP, TO_DIARY, DIARY)


def conversation(rng: random.Random, chat_id: int) -> Plan:
    """A random conversation: /start, then the check, the diary, or both, of various lengths.

    About a third of the people save one or two quick notes, and one in twelve writes a new
    incident step by step (some after a quick note).
    """
    plan = Plan(chat_id)
    plan.add(Kind.COMMAND, "/start", MENU)
    shape = rng.random()
    if shape < 0.36:  # part of the check: the conversation ends on a question
        _check(plan, rng, rng.randint(1, 3))
    elif shape < 0.385:  # the whole check, to its summary
        _check(plan, rng, len(SIGNS) + len(CONTEXT))
    elif shape < 0.71:  # one or two quick notes
        _open_diary(plan, rng)
        for _ in range(rng.choice((1, 1, 1, 2))):
            _note(plan, rng)
        _leave_saved(plan, rng, 0.5)
    elif shape < 0.79:  # a new incident, step by step, maybe after a quick note
        _open_diary(plan, rng)
        if rng.random() < 0.25:
            _note(plan, rng)
        _entry(plan, rng)
        if rng.random() < 0.3:
            _incidents(plan)
    else:  # some of the check, then a quick note
        _check(plan, rng, rng.randint(1, 2))
        if rng.random() < 0.3:
            plan.add(Kind.COMMAND, "/menu", MENU)
        _open_diary(plan, rng)
        _note(plan, rng)
        _leave_saved(plan, rng, 0.3)
    return plan


def summary_lines(answers: dict[str, str]) -> list[str]:
    """Lines the check's summary must show for these answers."""
    yes = [sign for sign in SIGNS if answers.get(sign.id) == "y"]
    unsure = sum(answers.get(sign.id) == "u" for sign in SIGNS)
    lines = ([f"You said yes to {len(yes)} of the 13 signs:", *(s.short.msgid for s in yes)]
             if yes else ["You did not say yes to any of the signs."])
    if unsure:
        noun = "sign" if unsure == 1 else "signs"
        lines.append(f"You were not sure about {unsure} {noun}. That is fine.")
    return lines
