"""The diary's screens. Entries are personal: screens that show them are sent protected."""

from __future__ import annotations

from datetime import datetime, time

from flows.diary_model import Entry
from flows.diary_patterns import patterns, when
from flows.flow import ScreenFn
from flows.screen import MENU, SAFETY_ROW, Block, Button, Context, Screen, back
from flows.services import UK
from flows.session import Session
from flows.signs import SIGNS
from flows.text import CalendarDate, Clock, Lines, Phone, Text, Verbatim, _

# Steps whose typed answer goes in one field of the entry (step name -> Entry field).
STEP_FIELDS = {"where": "where", "what": "what", "who": "who", "feel": "feel",
               "witnesses": "witnesses"}
# What can be changed from the review or on a saved entry (action suffix -> step state).
CHANGEABLE = {"when": "diary.when", "where": "diary.where", "what": "diary.what",
              "who": "diary.who", "signs": "diary.signs", "feel": "diary.feel",
              "witnesses": "diary.witnesses"}
CHANGE_LABELS: dict[str, Text] = {
    "when": _("When"), "where": _("Where"), "what": _("What happened"), "who": _("Who"),
    "signs": _("Which signs"), "feel": _("How you felt"), "witnesses": _("Witnesses"),
}
SIGN_NAMES = {sign.id: sign.short for sign in SIGNS}
STEP_COUNT = 8
PAGE_SIZE = 5
DIARY = Button(_("📓 Diary"), "diary")


def _diary(ctx: Context) -> list[Entry]:
    return ctx.diary.entries() if ctx.diary else []


def _draft(ctx: Context) -> Entry:
    return (ctx.diary.draft() if ctx.diary else None) or Entry()


def _step(n: int, question: Text, *rows: tuple[Button, ...]) -> Screen:
    """One step of a new incident, with its progress."""
    return Screen(
        (_("New incident: step %(n)s of %(total)s", n=n, total=STEP_COUNT), question),
        (*rows, (back(), *SAFETY_ROW)),
    )


def _moment(moment: datetime | None) -> Text:
    """A date and time in UK time, or "not given"."""
    if moment is None:
        return _("Time not given")
    uk = moment.astimezone(UK)
    return _("%(date)s at %(time)s", date=CalendarDate(uk.date()), time=Clock(uk.time()))


def entry_blocks(entry: Entry) -> tuple[Block, ...]:
    """A whole entry, as the leaflet's template lays it out."""
    lines: list[Text | Verbatim] = [
        _("When: %(when)s", when=_moment(when(entry))),
    ]
    for label, value in (
        (_("Where: %(text)s"), entry.where), (_("What happened: %(text)s"), entry.what),
        (_("Who: %(text)s"), entry.who), (_("How you felt: %(text)s"), entry.feel),
        (_("Witnesses: %(text)s"), entry.witnesses),
    ):
        if value:
            lines.append(Text(label.msgid, {"text": Verbatim(value)}))
    if entry.signs:
        names = Lines(tuple(SIGN_NAMES[s] for s in entry.signs if s in SIGN_NAMES), bullet="  • ")
        lines.append(_("Signs:\n%(signs)s", signs=names))
    if entry.evidence:
        lines.append(_("Evidence: %(count)s files", count=len(entry.evidence)))
    if entry.forwarded:
        lines.append(_("Forwarded message, first sent %(when)s", when=_moment(entry.forwarded.sent_at)))
        lines.append(_("SHA-256 at capture: %(hash)s", hash=Verbatim(entry.forwarded.sha256[:16] + "…")))
    if entry.quick:
        lines.append(_("Quick note: add the details when you can."))
    return (_("<b>Incident %(n)s</b>", n=entry.number), Lines(tuple(lines), bullet=""))


def menu_screen(session: Session, ctx: Context) -> Screen:
    """The diary: add, read, patterns, export, lock."""
    has_pin = bool(ctx.diary and ctx.diary.has_pin())
    lock = Button(_("🔒 Lock"), "lock") if has_pin else Button(_("🔑 Set a PIN"), "set_pin")
    return Screen(
        (
            _("<b>Your diary</b>"),
            _("Write down each incident as soon as you can. It can help the police."),
            _("Or send a message, photo or file here: it is saved at once as a quick note. You can forward the person's messages here too: the time they sent them is kept."),
            _("Incidents saved: %(count)s", count=len(_diary(ctx))),
            _("The quick exit keeps your diary. /forget deletes it."),
        ),
        (
            (Button(_("➕ Add an incident"), "add"),),
            (Button(_("📖 My incidents"), "list"), Button(_("📊 Patterns"), "patterns")),
            (Button(_("📄 Export"), "export"), lock),
            (MENU, *SAFETY_ROW),
        ),
    )


def locked_screen(session: Session, ctx: Context) -> Screen:
    """The lock: type the PIN."""
    return Screen(
        (_("<b>Your diary is locked</b>"), _("Type your PIN to open it. Your message is deleted at once.")),
        ((Button(_("I forgot my PIN"), "forgot"),), (MENU, *SAFETY_ROW)),
    )


def forgot_screen(session: Session, ctx: Context) -> Screen:
    """A forgotten PIN: the diary can be erased, never read."""
    return Screen(
        (
            _("<b>Forgot your PIN?</b>"),
            _("Nobody can open the diary without it, not even the people who run this service. You can delete the whole diary and start again."),
        ),
        ((Button(_("🗑 Delete my diary"), "erase"),), (back(), *SAFETY_ROW)),
    )


def pin_screen(session: Session, ctx: Context) -> Screen:
    """Choose a PIN."""
    return Screen(
        (_("<b>Set a PIN</b>"), _("Type 4 to 8 digits. You will need them to open your diary. Your message is deleted at once.")),
        ((back(), *SAFETY_ROW),),
    )


def when_screen(session: Session, ctx: Context) -> Screen:
    """Step 1: when it happened."""
    return _step(
        1, _("When did it happen?"),
        (Button(_("Just now"), "now"),),
        (Button(_("Earlier today"), "today"), Button(_("Another day"), "another_day")),
    )


def when_today_screen(session: Session, ctx: Context) -> Screen:
    """Step 1: the time, today."""
    return _step(1, _("What time did it happen? For example: %(example)s", example=Clock(time(14, 30))))


def when_day_screen(session: Session, ctx: Context) -> Screen:
    """Step 1: the day and time."""
    example = ctx.now.astimezone(UK).date().replace(day=1)
    return _step(
        1,
        _("What day and time? For example: %(date)s %(time)s", date=CalendarDate(example, "short"),
          time=Clock(time(14, 30))),
    )


def text_step(n: int, question: Text, *rows: tuple[Button, ...]) -> ScreenFn:
    """A step that takes typed text."""
    screen = _step(n, question, *rows)
    return lambda session, ctx: screen


def signs_screen(session: Session, ctx: Context) -> Screen:
    """Step 5: which signs it was, several allowed: names listed, numbers on the buttons."""
    chosen = set(_draft(ctx).signs)
    listed = Lines(tuple(
        _("%(mark)s %(n)s. %(sign)s", mark=Verbatim("✅" if sign.id in chosen else "▫️"),
          n=number, sign=sign.short)
        for number, sign in enumerate(SIGNS, 1)
    ), bullet="")
    buttons = [
        Button(Verbatim(f"✓{number}" if sign.id in chosen else str(number)), f"sign:{sign.id}")
        for number, sign in enumerate(SIGNS, 1)
    ]
    rows = tuple(tuple(buttons[i : i + 5]) for i in range(0, len(buttons), 5))
    return Screen(
        (
            _("New incident: step %(n)s of %(total)s", n=5, total=STEP_COUNT),
            _("Which of these was it? Tap the numbers of all that fit, then Done."),
            listed,
        ),
        (*rows, (Button(_("Done ▶"), "done"),), (back(), *SAFETY_ROW)),
    )


def evidence_screen(session: Session, ctx: Context) -> Screen:
    """Step 8: evidence files."""
    count = len(_draft(ctx).evidence)
    return Screen(
        (
            _("New incident: step %(n)s of %(total)s", n=8, total=STEP_COUNT),
            _("Send any photos, screenshots, voice notes, videos or documents. The diary keeps a link to each one. Tap Done when you have finished, or if you have none."),
            _("Files kept: %(count)s", count=count),
        ),
        ((Button(_("Done ▶"), "done"),), (back(), *SAFETY_ROW)),
    )


def review_screen(session: Session, ctx: Context) -> Screen:
    """Check the entry before saving it."""
    return Screen(
        (_("<b>Check your incident</b>"), *entry_blocks(_draft(ctx))[1:]),
        (
            (Button(_("✅ Save"), "save"),),
            (Button(_("✏ Change something"), "change"), Button(_("🗑 Discard"), "discard")),
            SAFETY_ROW,
        ),
        personal=True,
    )


def change_screen(session: Session, ctx: Context) -> Screen:
    """Which answer to change."""
    rows = tuple(
        tuple(Button(CHANGE_LABELS[name], f"change_{name}") for name in pair)
        for pair in (("when", "where"), ("what", "who"), ("signs", "feel"), ("witnesses",))
    )
    return Screen((_("What would you like to change?"),), (*rows, (back(), *SAFETY_ROW)))


def discard_screen(session: Session, ctx: Context) -> Screen:
    """Ask before throwing the draft away."""
    return Screen(
        (_("Throw this incident away? It will not be saved."),),
        ((Button(_("🗑 Yes, throw it away"), "confirm"),), (back(), *SAFETY_ROW)),
    )


def saved_screen(session: Session, ctx: Context) -> Screen:
    """Saved: only this stays in the chat."""
    return Screen(
        (_("Saved: incident %(n)s", n=session.entry),),
        ((Button(_("📖 My incidents"), "list"), DIARY), (MENU, *SAFETY_ROW)),
    )


def list_screen(session: Session, ctx: Context) -> Screen:
    """Saved entries, newest first, a page at a time."""
    entries = _diary(ctx)
    page = entries[session.page * PAGE_SIZE : (session.page + 1) * PAGE_SIZE]
    rows = []
    for entry in page:
        moment = when(entry)
        date = moment.astimezone(UK).strftime("%d/%m") if moment else "–"
        summary = (entry.where or entry.what or "…")[:24]
        rows.append((Button(Verbatim(f"#{entry.number} · {date} · {summary}"), f"view:{entry.number}"),))
    nav = []
    if session.page:
        nav.append(Button(_("◀ Newer"), "newer"))
    if (session.page + 1) * PAGE_SIZE < len(entries):
        nav.append(Button(_("Older ▶"), "older"))
    intro = (
        _("Incidents saved: %(count)s", count=len(entries)) if entries
        else _("No incidents saved yet. Tap Add an incident in your diary, or send a message there.")
    )
    return Screen(
        (_("<b>My incidents</b>"), intro),
        (*rows, *((tuple(nav),) if nav else ()), (DIARY, MENU), SAFETY_ROW),
        personal=True,
    )


def view_screen(session: Session, ctx: Context) -> Screen:
    """One saved entry."""
    entry = ctx.diary.get(session.entry) if ctx.diary else None
    if entry is None:
        return list_screen(session, ctx)
    return Screen(
        entry_blocks(entry),
        ((Button(_("✏ Edit"), "edit"), Button(_("🗑 Delete"), "delete")), (back(), *SAFETY_ROW)),
        personal=True,
    )


def delete_screen(session: Session, ctx: Context) -> Screen:
    """Ask before deleting an entry."""
    return Screen(
        (_("Delete incident %(n)s? This cannot be undone.", n=session.entry),),
        ((Button(_("🗑 Yes, delete it"), "confirm"),), (back(), *SAFETY_ROW)),
    )


def patterns_screen(session: Session, ctx: Context) -> Screen:
    """Incidents per week, the signs seen most, and a plain warning when it matters."""
    summary = patterns(_diary(ctx), ctx.now)
    weeks = Lines(tuple(
        _("Week of %(date)s: %(count)s", date=CalendarDate(monday), count=count)
        for monday, count in summary.per_week
    ), bullet="")
    body: list[Block] = [
        _("<b>Patterns</b>"),
        _("Incidents saved: %(count)s", count=summary.total),
        _("Last 8 weeks:"), weeks,
    ]
    if summary.by_sign:
        body.append(_("Seen most:"))
        body.append(Lines(tuple(
            _("%(sign)s: %(count)s", sign=SIGN_NAMES[sign], count=count)
            for sign, count in summary.by_sign[:3]
        )))
    warnings = []
    if summary.more_frequent:
        warnings.append(_("It is happening more often."))
    if summary.threats:
        warnings.append(_("Some incidents include threats."))
    if summary.breach:
        warnings.append(_("Some incidents break an order that protects you."))
    if warnings:
        body.append(Lines(tuple(warnings), bullet="⚠️ "))
        body.append(_("<b>If you are in danger, call %(n999)s.</b> Otherwise call %(n101)s. Keep these entries: they are evidence.", n999=Phone("999"), n101=Phone("101")))
    return Screen(tuple(body), ((DIARY, MENU), SAFETY_ROW), personal=True)


def export_screen(session: Session, ctx: Context) -> Screen:
    """Send the diary as a PDF and a CSV file."""
    return Screen(
        (
            _("<b>Export</b>"),
            _("Get your diary as a PDF to show the police, and as a spreadsheet (CSV). They are sent here as files you can save."),
            _("The quick exit deletes them from this chat."),
        ),
        ((Button(_("📄 Send PDF and CSV"), "send"),), (DIARY, MENU), SAFETY_ROW),
    )


SCREENS: dict[str, ScreenFn] = {
    "diary.menu": menu_screen,
    "diary.locked": locked_screen,
    "diary.forgot": forgot_screen,
    "diary.pin": pin_screen,
    "diary.when": when_screen,
    "diary.when_today": when_today_screen,
    "diary.when_day": when_day_screen,
    "diary.where": text_step(2, _("Where did it happen?")),
    "diary.what": text_step(3, _("What happened? What did you see or hear? Was anything damaged, or anyone hurt?")),
    "diary.who": text_step(4, _("Who did it, and how do you know them? For example: my ex-partner, a neighbour, someone I do not know.")),
    "diary.signs": signs_screen,
    "diary.feel": text_step(6, _("How did it make you feel?")),
    "diary.witnesses": text_step(
        7, _("Did anyone see or hear it? If you like, say who, and how to reach them."),
        (Button(_("Skip ▶"), "skip"),),
    ),
    "diary.evidence": evidence_screen,
    "diary.review": review_screen,
    "diary.change": change_screen,
    "diary.discard": discard_screen,
    "diary.saved": saved_screen,
    "diary.list": list_screen,
    "diary.view": view_screen,
    "diary.delete": delete_screen,
    "diary.patterns": patterns_screen,
    "diary.export": export_screen,
}
