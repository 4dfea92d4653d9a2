"""The incident diary: write down what happened, keep evidence, see patterns, export.

The state diagram, drawn from TABLE: flows/diagrams/diary.md.

The guided entry follows the leaflet's template: when, where, what happened, who, which
signs, how it made you feel, witnesses (optional), evidence (optional), then a review.
Every step is kept in an encrypted draft at once, so nothing is lost. Anything typed, sent
or forwarded on the diary's own screen is saved in one step as a quick note. Entries are
read and changed only through the DiaryPort the edge provides.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from babel import Locale
from babel.dates import parse_date, parse_time
from transitions import EventData

from flows.diary_model import EVIDENCE_KINDS, DiaryPort, Entry, Evidence, Forwarded
from flows.diary_screens import CHANGEABLE, SCREENS, STEP_FIELDS
from flows.flow import Flow, arg_of, context_of, session_of
from flows.screen import Context, Kind
from flows.services import UK
from flows.session import Session
from flows.signs import SIGN_IDS
from flows.text import Clock, Text, _

MENU, LOCKED, FORGOT, PIN = "diary.menu", "diary.locked", "diary.forgot", "diary.pin"
WHEN, WHEN_TODAY, WHEN_DAY = "diary.when", "diary.when_today", "diary.when_day"
WHERE, WHAT, WHO, SIGNS = "diary.where", "diary.what", "diary.who", "diary.signs"
FEEL, WITNESSES, EVIDENCE = "diary.feel", "diary.witnesses", "diary.evidence"
REVIEW, CHANGE, DISCARD, SAVED = "diary.review", "diary.change", "diary.discard", "diary.saved"
LIST, VIEW, DELETE = "diary.list", "diary.view", "diary.delete"
PATTERNS, EXPORT = "diary.patterns", "diary.export"
TEXT_STEPS = {WHERE: WHAT, WHAT: WHO, WHO: SIGNS, FEEL: WITNESSES, WITNESSES: EVIDENCE}
PAGE_SIZE = 5
MAX_TEXT = 3000


# --- reading the event ----------------------------------------------------------------------


def diary_of(event: EventData) -> DiaryPort:
    """The person's diary (the edge always provides one on diary screens)."""
    diary = context_of(event).diary
    if diary is None:
        raise LookupError("no diary for this event")
    return diary


def source_of(event: EventData) -> str:
    """The step the answer was given on (callbacks run after the state has moved on)."""
    transition = event.transition
    return str(transition.source) if transition else session_of(event).state


def kind_of(event: EventData) -> Kind:
    """What kind of input fired the event."""
    kind = event.kwargs.get("kind", Kind.TEXT)
    return kind if isinstance(kind, Kind) else Kind.TEXT


def notice(event: EventData, text: Text) -> None:
    """Show a line at the top of the next screen."""
    context_of(event).notice.append(text)


def effect(event: EventData, name: str) -> None:
    """Ask the edge to act: "scrub" the typed message, "cleanup" the entry's messages..."""
    context_of(event).effects.append(name)


def draft_of(event: EventData) -> Entry:
    """The entry being written or changed."""
    return diary_of(event).draft() or Entry()


def keep(event: EventData, **changes: object) -> None:
    """Change the draft and keep it at once (encrypted by the store)."""
    diary_of(event).save_draft(draft_of(event).with_(**changes))


# --- guards: named after what they decide -------------------------------------------------


def is_text(event: EventData) -> bool:
    """The input is typed text (not too long)."""
    return kind_of(event) is Kind.TEXT and 0 < len(arg_of(event).strip()) <= MAX_TEXT


def is_a_file(event: EventData) -> bool:
    """The input is a photo, document, voice note or video."""
    return kind_of(event) is Kind.FILE and arg_of(event).split(":", 1)[0] in EVIDENCE_KINDS


def is_forwarded(event: EventData) -> bool:
    """The input was forwarded from someone."""
    return kind_of(event) is Kind.FORWARD


def is_locked(event: EventData) -> bool:
    """The diary has a PIN and is not open in this session."""
    return diary_of(event).has_pin() and not session_of(event).diary_open


def pin_of(event: EventData) -> str:
    """The typed PIN with any script's digits as 0-9: "١٢٣٤" and "1234" are the same PIN."""
    return "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in arg_of(event).strip()
    )


def is_right_pin(event: EventData) -> bool:
    """The typed PIN opens the diary; otherwise say how many tries are left."""
    context = context_of(event)
    result = diary_of(event).try_pin(pin_of(event), context.now)
    if not result.ok:
        if result.locked_until:
            until = result.locked_until.astimezone(UK).time().replace(second=0, microsecond=0)
            notice(event, _("Too many wrong tries. Try again after %(time)s.", time=Clock(until)))
        else:
            notice(event, _("That PIN is not right. %(n)s tries left.", n=result.tries_left))
    return result.ok


def is_valid_new_pin(event: EventData) -> bool:
    """A new PIN is 4 to 8 digits."""
    pin = pin_of(event)
    if pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8:
        return True
    notice(event, _("Please type 4 to 8 digits."))
    return False


def is_a_time_today(event: EventData) -> bool:
    """The typed time is understood (in the person's locale) and not in the future."""
    return _parse_moment(event, day_given=False) is not None


def is_a_day_and_time(event: EventData) -> bool:
    """The typed date (and optional time) is understood and not in the future."""
    return _parse_moment(event, day_given=True) is not None


def is_returning_to_review(event: EventData) -> bool:
    """The person came from the review to change one answer."""
    return session_of(event).back_to == "review"


def is_editing_saved(event: EventData) -> bool:
    """The person is changing a saved entry."""
    return session_of(event).back_to == "view"


def has_a_sign(event: EventData) -> bool:
    """The tapped sign exists."""
    return arg_of(event) in SIGN_IDS


def has_entries(event: EventData) -> bool:
    """There is at least one saved entry."""
    return bool(diary_of(event).entries())


def has_older_page(event: EventData) -> bool:
    """There are older entries after this page."""
    return (session_of(event).page + 1) * PAGE_SIZE < len(diary_of(event).entries())


def is_saved_entry(event: EventData) -> bool:
    """The tapped entry exists."""
    arg = arg_of(event)
    return arg.isdigit() and diary_of(event).get(int(arg)) is not None


def has_other_entries(event: EventData) -> bool:
    """Entries remain after deleting the shown one."""
    return len(diary_of(event).entries()) > 1


# --- callbacks ------------------------------------------------------------------------------


def ask_for_time(event: EventData) -> None:
    """The typed time was not understood: ask again, once."""
    notice(event, _("Please type a time, like the example."))


def ask_for_day(event: EventData) -> None:
    """The typed date was not understood: ask again, once."""
    notice(event, _("Please type a date and time, like the example."))


def open_diary(event: EventData) -> None:
    """The PIN was right: the diary is open for this session."""
    session_of(event).diary_open = True
    effect(event, "scrub")


def scrub(event: EventData) -> None:
    """Take the typed PIN out of the chat."""
    effect(event, "scrub")


def set_pin(event: EventData) -> None:
    """Protect the diary with the new PIN."""
    diary_of(event).set_pin(pin_of(event))
    session_of(event).diary_open = True
    effect(event, "scrub")
    notice(event, _("Your PIN is set. Keep it safe: nobody can open the diary without it."))


def lock(event: EventData) -> None:
    """Close the diary: the PIN is needed again."""
    session_of(event).diary_open = False


def erase_diary(event: EventData) -> None:
    """Forgotten PIN: delete the whole diary (it can never be read without the PIN)."""
    diary_of(event).erase()
    session_of(event).diary_open = False
    notice(event, _("Your diary was deleted."))


def start_entry(event: EventData) -> None:
    """A new, empty draft."""
    diary_of(event).save_draft(Entry())
    session = session_of(event)
    session.back_to, session.entry = "", 0


def happened_now(event: EventData) -> None:
    """It happened just now."""
    keep(event, happened_at=context_of(event).now.astimezone(UK).replace(second=0, microsecond=0))


def keep_moment(event: EventData) -> None:
    """Keep the typed time or date."""
    keep(event, happened_at=_parse_moment(event, day_given=source_of(event) == WHEN_DAY))


def keep_text(event: EventData) -> None:
    """Keep typed text in the field this step asks for."""
    keep(event, **{STEP_FIELDS[_field_of(source_of(event))]: arg_of(event).strip()})
    effect(event, "track")


def toggle_sign(event: EventData) -> None:
    """Tick or untick a sign."""
    signs = list(draft_of(event).signs)
    sign = arg_of(event)
    signs.remove(sign) if sign in signs else signs.append(sign)
    keep(event, signs=tuple(s for s in SIGN_IDS if s in signs))


def add_evidence(event: EventData) -> None:
    """Keep a file as evidence (its Telegram file id, never a copy)."""
    kind, _sep, rest = arg_of(event).partition(":")
    file_id, _sep, name = rest.partition(":")
    keep(event, evidence=(*draft_of(event).evidence, Evidence(kind, file_id, name)))
    effect(event, "track")
    notice(event, _("Kept. Send more, or tap Done."))


def save_entry(event: EventData) -> None:
    """Save the draft as an entry; the messages that made it are taken out of the chat."""
    diary = diary_of(event)
    number = diary.add(draft_of(event), context_of(event).now)
    diary.discard_draft()
    session = session_of(event)
    session.entry, session.back_to = number, ""
    effect(event, "cleanup")


def save_quick_note(event: EventData) -> None:
    """Anything sent on the diary's screen: saved at once, stamped now, to complete later."""
    now = context_of(event).now
    kind, value = kind_of(event), arg_of(event)
    entry = Entry(quick=True, created_at=now, happened_at=now.astimezone(UK).replace(microsecond=0))
    if kind is Kind.TEXT:
        entry = entry.with_(what=value.strip()[:MAX_TEXT])
    elif kind is Kind.FILE:
        file_kind, _sep, rest = value.partition(":")
        file_id, _sep, name = rest.partition(":")
        entry = entry.with_(evidence=(Evidence(file_kind, file_id, name),))
    else:
        entry = _forwarded_entry(entry, value)
    session = session_of(event)
    session.entry = diary_of(event).add(entry, now)
    effect(event, "track")
    effect(event, "cleanup")


def discard_entry(event: EventData) -> None:
    """Throw the draft away."""
    diary_of(event).discard_draft()
    effect(event, "cleanup")
    notice(event, _("The incident was not saved."))


def from_review(event: EventData) -> None:
    """Changing an answer before saving: come back to the review."""
    session_of(event).back_to = "review"


def drop_change(event: EventData) -> None:
    """Leave a saved entry unchanged."""
    diary_of(event).discard_draft()
    session_of(event).back_to = ""


def edit_saved(event: EventData) -> None:
    """Load a saved entry into the draft to change one field."""
    session = session_of(event)
    entry = diary_of(event).get(session.entry)
    if entry is not None:
        diary_of(event).save_draft(entry)
    session.back_to = "view"


def save_change(event: EventData) -> None:
    """Put the changed entry back under its number."""
    diary = diary_of(event)
    diary.replace(draft_of(event).with_(quick=False))
    diary.discard_draft()
    session_of(event).back_to = ""
    effect(event, "cleanup")
    notice(event, _("Saved."))


def view_entry(event: EventData) -> None:
    """Remember which entry is shown."""
    session_of(event).entry = int(arg_of(event))


def delete_entry(event: EventData) -> None:
    """Delete the shown entry."""
    session = session_of(event)
    diary_of(event).delete(session.entry)
    session.entry, session.page = 0, 0
    notice(event, _("The incident was deleted."))


def older(event: EventData) -> None:
    """The next page of older entries."""
    session_of(event).page += 1


def newer(event: EventData) -> None:
    """The previous page of newer entries."""
    session_of(event).page = max(0, session_of(event).page - 1)


def to_first_page(event: EventData) -> None:
    """Lists start at the newest entries."""
    session_of(event).page = 0


def export(event: EventData) -> None:
    """Ask the edge to send the PDF and the CSV."""
    effect(event, "export")


# --- helpers --------------------------------------------------------------------------------


def _field_of(state: str) -> str:
    return state.removeprefix("diary.")


def _parse_moment(event: EventData, *, day_given: bool) -> datetime | None:
    """A typed time ("14:30") or date and time ("25/11/2026 14:30") in the person's locale."""
    context = context_of(event)
    locale = Locale.parse({"en": "en_GB"}.get(context.lang, context.lang))
    words = arg_of(event).strip().split()
    now = context.now.astimezone(UK)
    try:
        if day_given:
            day = parse_date(words[0], locale=locale)
            at = parse_time(words[1], locale=locale) if len(words) > 1 else None
        else:
            day, at = now.date(), parse_time(words[0], locale=locale)
    except (ValueError, IndexError):
        return None
    moment = datetime.combine(day, at or datetime.min.time(), tzinfo=UK)
    if moment > now + timedelta(minutes=5) or moment.year < now.year - 10:
        return None
    return moment


def _forwarded_entry(entry: Entry, value: str) -> Entry:
    """A quick note from a forwarded message: its first send time and content hash."""
    try:
        data = json.loads(value)
        sent_at = datetime.fromisoformat(data["sent_at"])
    except (ValueError, KeyError, TypeError):
        return entry
    evidence = entry.evidence
    if data.get("file"):
        kind, _sep, file_id = str(data["file"]).partition(":")
        evidence = (Evidence(kind, file_id),)
    return entry.with_(
        happened_at=sent_at.astimezone(UK),
        what=str(data.get("text", ""))[:MAX_TEXT],
        evidence=evidence,
        forwarded=Forwarded(sent_at, str(data.get("sha256", "")), str(data.get("sender", ""))),
    )


def _onward(trigger: str, source: str | list[str], dest: str, conditions: list[Any],
            after: list[Any]) -> list[dict[str, Any]]:
    """One answer, three ways on: back to the review, back to the saved entry being
    changed (saving it), or on to the next step."""
    return [
        {"trigger": trigger, "source": source, "dest": REVIEW,
         "conditions": [*conditions, is_returning_to_review], "after": after},
        {"trigger": trigger, "source": source, "dest": VIEW,
         "conditions": [*conditions, is_editing_saved], "after": [*after, save_change]},
        {"trigger": trigger, "source": source, "dest": dest, "conditions": conditions,
         "after": after},
    ]


def _back(source: str, dest: str) -> list[dict[str, Any]]:
    """Back from a step: to where the person came from, or to the step before."""
    return [
        {"trigger": "back", "source": source, "dest": REVIEW,
         "conditions": [is_returning_to_review]},
        {"trigger": "back", "source": source, "dest": VIEW, "conditions": [is_editing_saved],
         "after": [drop_change]},
        {"trigger": "back", "source": source, "dest": dest},
    ]


STEPS = (WHEN, WHERE, WHAT, WHO, SIGNS, FEEL, WITNESSES, EVIDENCE)

TABLE: list[dict[str, Any]] = [
    # the lock
    {"trigger": "input", "source": LOCKED, "dest": MENU, "conditions": [is_right_pin],
     "after": [open_diary]},
    {"trigger": "input", "source": LOCKED, "dest": None, "after": [scrub]},
    {"trigger": "forgot", "source": LOCKED, "dest": FORGOT},
    {"trigger": "back", "source": FORGOT, "dest": LOCKED},
    {"trigger": "erase", "source": FORGOT, "dest": MENU, "after": [erase_diary]},
    {"trigger": "lock", "source": MENU, "dest": LOCKED, "after": [lock]},
    {"trigger": "set_pin", "source": MENU, "dest": PIN},
    {"trigger": "input", "source": PIN, "dest": MENU, "conditions": [is_valid_new_pin],
     "after": [set_pin]},
    {"trigger": "input", "source": PIN, "dest": None, "after": [scrub]},
    {"trigger": "back", "source": PIN, "dest": MENU},
    # quick notes and forwarded messages on the diary's own screen, and straight after one
    # is saved: several messages forwarded at once arrive one after another
    {"trigger": "input", "source": [MENU, SAVED], "dest": SAVED, "conditions": [is_text],
     "after": [save_quick_note]},
    {"trigger": "input", "source": [MENU, SAVED], "dest": SAVED, "conditions": [is_a_file],
     "after": [save_quick_note]},
    {"trigger": "input", "source": [MENU, SAVED], "dest": SAVED, "conditions": [is_forwarded],
     "after": [save_quick_note]},
    # adding an incident, step by step
    {"trigger": "add", "source": MENU, "dest": WHEN, "after": [start_entry]},
    *_onward("now", WHEN, WHERE, [], [happened_now]),
    {"trigger": "today", "source": WHEN, "dest": WHEN_TODAY},
    {"trigger": "another_day", "source": WHEN, "dest": WHEN_DAY},
    *_onward("input", WHEN_TODAY, WHERE, [is_a_time_today], [keep_moment]),
    {"trigger": "input", "source": WHEN_TODAY, "dest": None, "after": [ask_for_time]},
    *_onward("input", WHEN_DAY, WHERE, [is_a_day_and_time], [keep_moment]),
    {"trigger": "input", "source": WHEN_DAY, "dest": None, "after": [ask_for_day]},
    {"trigger": "back", "source": [WHEN_TODAY, WHEN_DAY], "dest": WHEN},
    *_back(WHEN, MENU),
    *_onward("input", WHERE, WHAT, [is_text], [keep_text]),
    *_onward("input", WHAT, WHO, [is_text], [keep_text]),
    *_onward("input", WHO, SIGNS, [is_text], [keep_text]),
    *_onward("input", FEEL, WITNESSES, [is_text], [keep_text]),
    *_onward("input", WITNESSES, EVIDENCE, [is_text], [keep_text]),
    *_onward("done", SIGNS, FEEL, [], []),
    {"trigger": "sign", "source": SIGNS, "dest": None, "conditions": [has_a_sign],
     "after": [toggle_sign]},
    {"trigger": "skip", "source": WITNESSES, "dest": EVIDENCE},
    {"trigger": "input", "source": EVIDENCE, "dest": None, "conditions": [is_a_file],
     "after": [add_evidence]},
    {"trigger": "done", "source": EVIDENCE, "dest": REVIEW},
    *[t for i, step in enumerate(STEPS[1:], 1) for t in _back(step, STEPS[i - 1])],
    # the review
    {"trigger": "save", "source": REVIEW, "dest": SAVED, "after": [save_entry]},
    {"trigger": "change", "source": REVIEW, "dest": CHANGE, "after": [from_review]},
    *[{"trigger": f"change_{name}", "source": CHANGE, "dest": step}
      for name, step in CHANGEABLE.items()],
    {"trigger": "back", "source": CHANGE, "dest": REVIEW, "conditions": [is_returning_to_review]},
    {"trigger": "back", "source": CHANGE, "dest": VIEW, "after": [drop_change]},
    {"trigger": "discard", "source": REVIEW, "dest": DISCARD},
    {"trigger": "confirm", "source": DISCARD, "dest": MENU, "after": [discard_entry]},
    {"trigger": "back", "source": DISCARD, "dest": REVIEW},
    {"trigger": "diary", "source": [SAVED, LIST, PATTERNS, EXPORT], "dest": MENU},
    # reading, changing and deleting saved entries
    {"trigger": "list", "source": [MENU, SAVED], "dest": LIST, "after": [to_first_page]},
    {"trigger": "older", "source": LIST, "dest": None, "conditions": [has_older_page],
     "after": [older]},
    {"trigger": "newer", "source": LIST, "dest": None, "after": [newer]},
    {"trigger": "view", "source": LIST, "dest": VIEW, "conditions": [is_saved_entry],
     "after": [view_entry]},
    {"trigger": "back", "source": VIEW, "dest": LIST},
    {"trigger": "edit", "source": VIEW, "dest": CHANGE, "after": [edit_saved]},
    {"trigger": "delete", "source": VIEW, "dest": DELETE},
    {"trigger": "confirm", "source": DELETE, "dest": LIST, "before": [delete_entry],
     "conditions": [has_other_entries]},
    {"trigger": "confirm", "source": DELETE, "dest": MENU, "before": [delete_entry]},
    {"trigger": "back", "source": DELETE, "dest": VIEW},
    {"trigger": "patterns", "source": MENU, "dest": PATTERNS},
    {"trigger": "export", "source": MENU, "dest": EXPORT},
    {"trigger": "send", "source": EXPORT, "dest": None, "after": [export]},
]


def enter(session: Session, arg: str, ctx: Context) -> bool:
    """Open the diary: its menu, or the lock when a PIN protects it and it is not open."""
    if arg or ctx.diary is None:
        return False
    locked = ctx.diary.has_pin() and not session.diary_open
    session.state, session.page, session.back_to = (LOCKED if locked else MENU), 0, ""
    return True


FLOW = Flow("diary", SCREENS, enter, TABLE, accepts_input=True)
