"""The diary export: what a PDF reader gets out of the PDF, in English and right to left;
every script the bot ships; the warning box; the CSV round trip; page counts; fonts.

How the PDF text is checked (pypdf's extract_text):

- Text is compared after NFKC (so an Arabic presentation form or a compatibility character
  compares equal to the letter typed) and without format characters (the isolates and
  marks the translator puts around numbers in right-to-left text).
- It is compared word by word: every word of a value (punctuation trimmed off its ends)
  must occur in the extracted text. Lines are wrapped; columns sit side by side, and
  pypdf joins the text of neighbouring cells without a space ("DanielSam") when the next
  cell is drawn to the left, as in right-to-left rows; and for right-to-left lines pypdf
  returns the words in visual order (left to right on the page: the last word first)
  while each word keeps its letters in logical order. Words found anywhere survive all
  three; whole sentences would not. (pypdf's "layout" mode keeps the gaps but returns
  right-to-left words with their letters reversed, so it is not used.)
- In a non-Latin word up to three ASCII characters may sit between two letters: fpdf2
  writes no ToUnicode entry for the extra glyphs HarfBuzz makes of one cluster (a
  two-part Bengali vowel sign, a conjunct), and pypdf returns their raw codes (see
  `pattern`). Copying such text out of the PDF shows the same stray characters.
- File ids and hashes are single long words: they are looked for in the text with all
  whitespace removed, so a wrap inside one would not hide it.

What this cannot check: that glyphs are shaped right (joined Arabic, Bengali conjuncts,
the order of Gurmukhi vowel signs) - the text layer maps glyphs back to letters whatever
they look like - nor where right-to-left words sit on the line. The mirrored layout is
checked apart, from the x position of text on the page.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
import shutil
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.support import NullTranslations
from fpdf import FPDF
from fpdf.bidi import BidiParagraph
from fpdf.enums import TextDirection
from pypdf import PdfReader

from bot import export
from bot.export import CSV_COLUMNS, export_csv, export_pdf, read_csv
from bot.export_shaping import ShapedWriter, bidi_code, level_runs, resolve_levels
from bot.i18n import Catalogs, Translator
from flows.diary_model import Entry, Evidence, Forwarded
from flows.diary_patterns import Patterns, patterns
from flows.signs import SIGN_IDS, SIGNS
from flows.text import Text
from tools import fonts

NOW = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
FILE_IDS = (
    "AgACAgQAAxkBAAIBY2Zf3kq9bT7sX1yR0pL4mN8vC6wE2hJ5uA0oQ9iK3dF7gS1tZxW-_cVbN4eYrM",
    "AwACAgQAAxkBAAIBZGZf3lR2kP8oJ5nH1cV7xB3mT9wQ4eL6yU0iA2sD8fG1hK5jZ-_bN3vC7rX",
    "BQACAgQAAxkBAAIBZWZf3mW9qL2tR6uI8oP1aS4dF7gH0jK3lZ5xC9vB2nM6-_eT1yU4iO8pA",
)
SCRIPTS = {
    "arabic": "انتظرني خارج عملي مرة أخرى وتبعني إلى محطة الحافلات",
    "urdu": "وہ دوبارہ میرے کام کے باہر انتظار کر رہا تھا",
    "bengali": "সে আবার আমার কাজের বাইরে অপেক্ষা করছিল",
    "gurmukhi": "ਉਹ ਫਿਰ ਮੇਰੇ ਕੰਮ ਦੇ ਬਾਹਰ ਉਡੀਕ ਕਰ ਰਿਹਾ ਸੀ",
    "polish": "Znowu czekał przed moją pracą, zażółć gęślą jaźń",
}
# A right-to-left catalog for the labels, independent of the shipped catalogs (which
# translators are still filling in): every export label goes through Translator.label.
ARABIC = {
    "Incident diary": "يوميات الحوادث",
    "Made on %(date)s": "أعدت في %(date)s",
    "What happened?": "ماذا حدث؟",
    "How did it make you feel?": "كيف جعلك ذلك تشعر؟",
    "Where did it happen?": "أين حدث ذلك؟",
    "Who did it, and your relationship to them": "من فعل ذلك وما علاقتك به",
    "Witnesses": "الشهود",
    "Date and time": "التاريخ والوقت",
    "Signs of stalking:": "علامات الملاحقة:",
    "Evidence (in the Telegram chat):": "الأدلة (في محادثة تيليجرام):",
    "Forwarded message:": "رسالة محولة:",
    "First sent on %(when)s": "أرسلت أول مرة في %(when)s",
    "SHA-256 at capture: %(hash)s": "بصمة SHA-256 عند الحفظ: %(hash)s",
    "%(date)s at %(time)s": "%(date)s الساعة %(time)s",
    "%(kind)s: %(file)s": "%(kind)s: %(file)s",
    "Photo": "صورة",
    "Voice message": "رسالة صوتية",
    "Time not given": "الوقت غير معروف",
    "Unwanted contact": "تواصل غير مرغوب فيه",
    "Threats to make you meet them": "تهديدات لإجبارك على مقابلته",
    "If you are in danger, call %(n999)s. Otherwise call %(n101)s. Keep this diary.":
        "إذا كنت في خطر، اتصل بالرقم %(n999)s. وإلا اتصل بالرقم %(n101)s. احتفظ بهذه اليوميات.",
    "Page %(page)s of %(pages)s": "الصفحة %(page)s من %(pages)s",
}
PUNCTUATION = "".join(
    chr(cp) for cp in range(0x3000) if unicodedata.category(chr(cp)).startswith("P")
)
LABELS = (
    export.TITLE_TEXT, export.WHEN_HEADING, export.WHERE_HEADING, export.WHO_HEADING,
    export.WITNESSES_HEADING, export.WHAT_LABEL, export.FEEL_LABEL, export.SIGNS_LABEL,
    export.EVIDENCE_LABEL, export.FORWARDED_LABEL,
)


class FakeArabic(NullTranslations):
    """Arabic labels for the export, English for anything else."""

    def gettext(self, message: str) -> str:
        return ARABIC.get(message, message)


ENGLISH = Translator("en", NullTranslations())
RTL = Translator("ar", FakeArabic())


# --- helpers ---------------------------------------------------------------------------


def normal(text: str) -> str:
    """NFKC, without format characters (isolates, directional marks, joiners)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def words(text: str) -> set[str]:
    """The words of a text, punctuation trimmed off their ends."""
    return {w for raw in normal(text).split() if (w := raw.strip(PUNCTUATION))}


def pdf_text(data: bytes) -> str:
    """Every page's extracted text."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pattern(word: str) -> re.Pattern[str]:
    """A word as it can come out of the text layer. fpdf2 gives no ToUnicode entry to the
    second and later glyphs HarfBuzz makes of one cluster (a Bengali vowel sign drawn in two
    parts, a conjunct), and pypdf then returns their raw codes: a few ASCII characters may
    sit between the letters of a non-Latin word ("অপে\x10ক্ষা")."""
    if word.isascii():
        return re.compile(re.escape(word))
    return re.compile("[\x00-\x7f]{0,3}".join(map(re.escape, word)))


def assert_in(values: Iterable[str], extracted: str) -> None:
    """Every word of every value is in the extracted text."""
    found = normal(extracted)
    missing = {value: {w for w in words(value) if not pattern(w).search(found)}
               for value in values if value}
    assert not any(missing.values()), {k: v for k, v in missing.items() if v}


def compact(text: str) -> str:
    return re.sub(r"\s+", "", normal(text))


def entry(number: int, **fields: object) -> Entry:
    base = Entry(
        number=number,
        created_at=NOW - timedelta(days=30 - number, hours=1),
        happened_at=NOW - timedelta(days=30 - number),
        where=f"Outside the library on Mill Road {number}",
        what=f"Incident {number}: he waited by the gate and followed me home, then texted.",
        who="My ex-partner, Daniel",
        signs=("contact", "hanging_around"),
        feel="Scared and shaky",
        witnesses="Sam from work, 07700 900123",
    )
    return base.with_(**fields)


def full_entries() -> list[Entry]:
    return [
        entry(1, evidence=(Evidence("photo", FILE_IDS[0]), Evidence("voice", FILE_IDS[1]))),
        entry(2, forwarded=Forwarded(NOW - timedelta(days=29), HASH, "Daniel"),
              signs=("threats_to_meet",)),
        entry(3, happened_at=None, quick=True, where="", who="", feel="", witnesses="",
              evidence=(Evidence("document", FILE_IDS[2], "letter.pdf"),)),
    ]


def summary_of(entries: list[Entry]) -> Patterns:
    return patterns(entries, NOW)


# --- the PDF, in English and right to left ---------------------------------------------


@pytest.mark.parametrize("tr", [ENGLISH, RTL], ids=["english", "right-to-left"])
def test_the_pdf_holds_every_field_and_label(tr):
    entries = full_entries()
    data = export_pdf(entries, summary_of(entries), tr, NOW)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for e in entries:
        assert_in((e.where, e.what, e.who, e.feel, e.witnesses), text)
    flat = compact(text)
    for file_id in FILE_IDS:
        assert file_id in flat
    assert HASH in flat
    assert_in((tr.label(label) for label in LABELS), text)
    assert_in((tr.label(SIGNS[SIGN_IDS.index(s)].short) for e in entries for s in e.signs), text)
    assert_in([tr.label(export.TIME_NOT_GIVEN), tr.label(export.QUICK_NOTE)], text)


def test_right_to_left_labels_are_really_translated():
    # The fake catalog at work: Arabic words, none of the English label words.
    entries = full_entries()
    text = pdf_text(export_pdf(entries, summary_of(entries), RTL, NOW))
    assert_in(["يوميات الحوادث", "ماذا حدث؟", "الشهود", "تواصل غير مرغوب فيه"], text)
    assert "happened" not in words(text)


def x_of(data: bytes, needle: str, page: int = 0) -> float:
    """Where (points from the left) the first text containing `needle` is drawn."""
    found: list[float] = []

    def visit(text: str, _cm: list[float], tm: list[float], *_args: object) -> None:
        if needle in normal(text) and not found:
            found.append(tm[4])

    PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    assert found, needle
    return found[0]


def test_right_to_left_pages_are_laid_out_from_the_right():
    entries = full_entries()
    english = export_pdf(entries, summary_of(entries), ENGLISH, NOW)
    rtl = export_pdf(entries, summary_of(entries), RTL, NOW)
    half = 595 / 2  # A4 width in points
    assert x_of(english, "Incident diary") < 100
    assert x_of(rtl, "الحوادث") > half
    # The incident number starts the row: on the left in English, on the right in Arabic.
    assert x_of(english, "Outside the library", page=1) < half
    assert x_of(rtl, "Outside the library", page=1) > half


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@pytest.mark.parametrize("tr", [ENGLISH, RTL], ids=["english", "right-to-left"])
def test_every_script_renders_and_can_be_copied_out(script, tr):
    typed = SCRIPTS[script]
    entries = [entry(1, what=typed, where=typed, feel=typed),
               entry(2, who=f"Daniel ({typed})", what=f"He said: \"{typed}\" and left.")]
    data = export_pdf(entries, summary_of(entries), tr, NOW)  # fpdf2 warnings fail the test
    text = pdf_text(data)
    assert_in([typed, "Daniel", "He said", "and left"], text)


def test_every_shipped_language_renders_its_labels():
    # The real catalogs, however far the translators have got: whatever each language's
    # labels say today must come out of its PDF.
    catalogs = Catalogs()
    entries = full_entries()
    for lang in catalogs.languages:
        tr = catalogs.translator(lang)
        text = pdf_text(export_pdf(entries, summary_of(entries), tr, NOW))
        assert_in([tr.label(label) for label in LABELS], text)
        assert_in([entries[0].what, entries[0].where], text)


def test_all_scripts_in_one_entry_and_symbols_no_font_has():
    mixed = " / ".join(SCRIPTS.values())
    entries = [entry(1, what=f"{mixed} 😡\ufe0f", who="Dan\u0301iel")]
    text = pdf_text(export_pdf(entries, summary_of(entries), ENGLISH, NOW))
    assert_in([mixed], text)
    # An emoji becomes its name rather than a blank box. (The paragraph is right to left
    # - it starts in Arabic - so its brackets are drawn mirrored and read back as "]...[".)
    assert "pouting face" in text


def test_incidents_are_listed_oldest_first_whatever_order_they_come_in():
    entries = [entry(n, what=f"marker{n:02d} happened") for n in (5, 1, 3, 2, 4)]
    text = pdf_text(export_pdf(entries, summary_of(entries), ENGLISH, NOW))
    positions = [text.index(f"marker{n:02d}") for n in range(1, 6)]
    assert positions == sorted(positions)


def test_dates_are_uk_time_in_the_language():
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time).
    moment = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    entries = [entry(1, happened_at=moment)]
    text = pdf_text(export_pdf(entries, summary_of(entries), ENGLISH, NOW))
    assert "2 Jul 2026 at 00:30" in normal(text)
    polish = Translator("pl", NullTranslations())
    text = pdf_text(export_pdf(entries, summary_of(entries), polish, NOW))
    assert "lip 2026" in normal(text)  # lipiec: July in Polish


# --- the summary page --------------------------------------------------------------------


def test_the_warning_box_appears_only_when_the_diary_is_flagged():
    entries = full_entries()
    calm = Patterns(3, ((date(2026, 3, 16), 3),), (("contact", 3),), False, False, False)
    danger = ENGLISH.label(export.DANGER)
    assert danger not in normal(pdf_text(export_pdf(entries, calm, ENGLISH, NOW)))
    for flags, reason in (((True, False, False), export.MORE_OFTEN),
                          ((False, True, False), export.THREATS),
                          ((False, False, True), export.BREACH)):
        flagged = Patterns(3, calm.per_week, calm.by_sign, *flags)
        text = normal(pdf_text(export_pdf(entries, flagged, ENGLISH, NOW)))
        assert danger in text.replace("\n", " ")
        assert ENGLISH.label(reason) in text


def test_the_summary_shows_the_total_weeks_and_signs_seen_most():
    entries = full_entries()
    summary = summary_of(entries)
    first_page = PdfReader(io.BytesIO(export_pdf(entries, summary, ENGLISH, NOW))).pages[0]
    text = normal(first_page.extract_text())
    assert "Incidents saved: 3" in text
    assert "Week of 16 February 2026: 3" in text  # 19, 20 and 21 February
    assert "Week of 16 March 2026: 0" in text
    assert "Unwanted contact: 2" in text
    assert "Made on 20 March 2026 at 18:00" in text


def test_an_empty_diary_is_one_page():
    data = export_pdf([], summary_of([]), ENGLISH, NOW)
    assert pages(data) == 1
    assert ENGLISH.label(export.NO_INCIDENTS) in pdf_text(data)


# --- pages ---------------------------------------------------------------------------------


def ordinary(count: int) -> list[Entry]:
    """Incidents of the usual size: a sentence or two, a few short fields, some evidence."""
    return [
        entry(n, happened_at=NOW - timedelta(hours=7 * (count - n)),
              created_at=NOW - timedelta(hours=7 * (count - n) - 1),
              what="He was waiting outside when I came out and followed me to the bus stop. "
                   * (1 + n % 2),
              evidence=(Evidence("photo", FILE_IDS[n % 3]),) if n % 3 == 0 else ())
        for n in range(1, count + 1)
    ]


def test_page_count_grows_in_step_with_the_diary():
    small, large = ordinary(50), ordinary(500)
    few = pages(export_pdf(small, summary_of(small), ENGLISH, NOW))
    many = pages(export_pdf(large, summary_of(large), ENGLISH, NOW))
    assert many <= 60  # a few dozen pages for 500 incidents, not hundreds
    assert 8 * (few - 1) <= many - 1 <= 12 * (few - 1)  # about ten times the incidents' pages


def test_an_incident_longer_than_a_page_flows_onto_the_next():
    story = " ".join(f"word{n}" for n in range(3000))
    entries = [entry(1), entry(2, what=story), entry(3)]
    data = export_pdf(entries, summary_of(entries), ENGLISH, NOW)
    assert pages(data) >= 4
    assert_in([story, entries[2].where], pdf_text(data))


# --- the text engine: bidi, shaping, fonts ----------------------------------------------------
# The PDF's shaped lines are not drawn by FPDF.cell but by bot/export_shaping.py, which
# does what FPDF.cell does once per distinct line, word and glyph. These check that it
# does the same: fpdf2's bidi levels, and the glyphs FPDF.cell writes.

BIDI_SAMPLES = (
    "29\u200f/05\u200f/2026 الساعة 21:30",  # Babel's Arabic date, with right-to-left marks
    "صورة: AgACAgQAAxkBAAIBY2Zf3kq9bT7sX1yR0pL4mN8vC6wE2hJ5uA0oQ9iK3dF7gS1tZxW-_cVbN4eYrM",
    "الأدلة (في محادثة Telegram):",
    "Week of 12 أكتوبر 2026: 0",
    "He wrote: \"سأنتظرك 5 أيام\" (again) at 9:30pm, 100% sure.",
    "Daniel نے پہلی بار بھیجا: 8 دسمبر، 2025، 01:36 بجے",
    "[Dan\u0301iel] (ש״ח 12-3) \u00ad\u200d -5 $4 €3,5 ١٢٣ ،٤",
)


def bidi_texts() -> list[str]:
    """The samples and a few thousand random strings of the characters that matter."""
    pool = [*"abc DEF 123 ٤٥ ,.:/-+%$#!?\"'()[]{}", *"سلام عليكم", "\u200f", "\u200e",
            "\u064b", "\u0301", "\u061c", "\u200d", "\u00ad", "€", "·", "\u00a0", "ש", "\t"]
    rng = random.Random(7)  # noqa: S311 - test data, not secrets
    return [*BIDI_SAMPLES, *("".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
                             for _ in range(1500))]


@pytest.mark.parametrize("rtl", [False, True], ids=["left-to-right", "right-to-left"])
def test_bidi_levels_are_fpdf2s(rtl):
    direction = TextDirection.RTL if rtl else TextDirection.LTR
    for text in bidi_texts():
        paragraph = BidiParagraph(text, direction, preserve_bn_chars=True)
        levels = resolve_levels(text, "".join(map(bidi_code, text)), rtl)
        assert levels is not None, text
        assert [int(level) for level in levels] == [
            char.embedding_level for char in paragraph.characters], text


def test_runs_are_in_visual_order():
    # A right-to-left phrase with numbers in a left-to-right line reads as one block
    # (rule L2); FPDF.cell would put its first word on the left.
    text = "Week of 12 أكتوبر 2026: 0"
    levels = resolve_levels(text, "".join(map(bidi_code, text)), False)
    assert levels is not None
    assert level_runs(text, levels) == [
        ("Week of 12 ", 0), ("0", 2), (": ", 1), ("2026", 2), ("أكتوبر ", 1)]


def written_text(rtl_lines: Iterable[str], ltr_lines: Iterable[str], cell: bool) -> str:
    """The text a PDF reader gets from lines drawn by FPDF.cell or by ShapedWriter."""
    pdf = FPDF()
    setter = export.Typesetter(pdf, "en", rtl=False)
    for family in (export.ARABIC, export.NASKH, export.BENGALI, export.GURMUKHI):
        setter.font(family)
    fallbacks = setter.registered()
    writer = ShapedWriter(pdf, setter.simple, frozenset({export.SANS}))
    pdf.add_page()
    lines = [(text, True) for text in rtl_lines] + [(text, False) for text in ltr_lines]
    for index, (text, rtl) in enumerate(lines):
        family = setter.analyse(text)[0]
        y = 20 + 8 * index
        if cell:
            pdf.set_font(family, "", 10)
            pdf.set_fallback_fonts(fallbacks, exact_match=False)
            pdf.set_text_shaping(True, direction="rtl" if rtl else "ltr")
            pdf.set_xy(10, y)
            pdf.cell(190, 6, text, align="R" if rtl else "L")
        else:
            line = writer.line(text, family, 10, rtl, fallbacks)
            writer.draw(line, 200 - line.width if rtl else 10, y + 3 + 3 / pdf.k, (0, 0, 0))
    return PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()


def test_shaped_lines_hold_the_glyphs_fpdf2_cell_writes():
    rtl = [SCRIPTS["arabic"], SCRIPTS["urdu"], *BIDI_SAMPLES[:3]]
    ltr = [SCRIPTS["bengali"], SCRIPTS["gurmukhi"], SCRIPTS["polish"],
           f"He said: \"{SCRIPTS['arabic']}\" and left."]
    assert written_text(rtl, ltr, cell=False) == written_text(rtl, ltr, cell=True)


def test_fpdf2_sets_its_colour_again_after_shaped_text():
    # Text is painted with the fill colour: FPDF must not believe its last fill colour is
    # still set after a line, or a band drawn after text would take the text's colour.
    pdf = FPDF()
    writer = export.Typesetter(pdf, "en", rtl=False).writer
    pdf.add_page()
    pdf.set_fill_color(*export.BAND)
    writer.draw(writer.plain_line("Hello", export.SANS, 10), 10, 20, export.INK)
    pdf.set_fill_color(*export.BAND)
    pdf.rect(10, 30, 5, 5, style="F")
    content = bytes(pdf.pages[1].contents).decode("latin-1")
    pdf.output()  # closes the font files
    assert content.rindex(" rg") > content.index(") Tj")


def test_exports_share_no_state():
    # Fonts are read once per process and copied into each document: a document's glyph
    # subset must not leak into the next.
    entries = full_entries()
    first = export_pdf(entries, summary_of(entries), RTL, NOW)
    others = [entry(1, what=" / ".join(SCRIPTS.values()))]
    export_pdf(others, summary_of(others), ENGLISH, NOW)
    assert export_pdf(entries, summary_of(entries), RTL, NOW) == first


# --- CSV -------------------------------------------------------------------------------------


def awkward() -> list[Entry]:
    return [
        Entry(
            number=1,
            created_at=datetime(2026, 3, 1, 9, 0, 12, 345678, tzinfo=UTC),
            happened_at=datetime(2026, 2, 28, 22, 15, tzinfo=LONDON),
            where='At "The Swan", Mill Road, Cambridge',
            what="He said:\n\"you'll regret this\",\r\nthen left.\rStill shaking; 100% sure.",
            who="=HYPERLINK(\"http://x\")",
            signs=("contact", "threats_to_meet"),
            feel="-1 scared, +2 angry, @home",
            witnesses="'Sam', \"Jo\", and Mrs O'Neil; 07700 900123",
            evidence=(Evidence("photo", FILE_IDS[0]),
                      Evidence("document", FILE_IDS[2], "a;b:c%d.pdf")),
            forwarded=Forwarded(datetime(2026, 2, 27, 8, 5, 3, 120000, tzinfo=UTC), HASH, "D;an"),
        ),
        Entry(number=2, what=SCRIPTS["urdu"] + " / " + SCRIPTS["bengali"], quick=True,
              created_at=datetime(2026, 3, 2, 10, 0)),
        Entry(number=3, where=SCRIPTS["gurmukhi"], who=SCRIPTS["arabic"], feel=SCRIPTS["polish"],
              created_at=datetime(2026, 3, 3, 11, 0, tzinfo=UTC), quick=False),
        Entry(),
    ]


def test_the_csv_reads_back_exactly():
    entries = awkward()
    assert read_csv(export_csv(entries)) == entries
    assert read_csv(export_csv([])) == []


def test_the_csv_is_utf8_with_a_bom_and_stable_english_columns():
    data = export_csv(awkward())
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert CSV_COLUMNS[:12] == (
        "number", "happened_at", "created_at", "where", "what", "who", "signs", "feel",
        "witnesses", "evidence", "forwarded_sent_at", "forwarded_sha256",
    )
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["happened_at"] == "2026-02-28T22:15:00+00:00"
    assert first["signs"] == "contact;threats_to_meet"
    assert first["evidence"].startswith(f"photo:{FILE_IDS[0]};document:{FILE_IDS[2]}:")
    assert first["forwarded_sha256"] == HASH
    # Spreadsheets would run these as formulas: they are kept as text.
    assert first["who"].startswith("'=")
    assert first["feel"].startswith("'-")


def test_a_csv_from_somewhere_else_is_refused():
    with pytest.raises(ValueError, match="columns"):
        read_csv(b"a,b\n1,2\n")


# --- fonts -------------------------------------------------------------------------------------


def test_the_fonts_are_in_place():
    assert fonts.missing() == []  # `make test` runs `python -m tools.fonts` first


def test_fonts_are_copied_from_the_system_once(tmp_path: Path, monkeypatch):
    system, target = tmp_path / "noto", tmp_path / "fonts"
    system.mkdir()
    for name in fonts.FONTS:
        shutil.copyfile(fonts.FONT_DIR / name, system / name)
    assert sorted(fonts.ensure(target, system)) == sorted(fonts.FONTS)

    def no_network(*_args: object) -> list[str]:
        raise AssertionError("fetched although every font was there")

    monkeypatch.setattr(fonts, "from_package", no_network)
    assert fonts.ensure(target, system) == []


def test_no_fonts_and_no_apt_is_a_clear_error(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(fonts.shutil, "which", lambda _name: None)
    with pytest.raises(fonts.FontsError, match="install fonts-noto-core"):
        fonts.ensure(tmp_path / "fonts", tmp_path / "nowhere")


def test_a_missing_font_is_named(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(export, "FONT_DIR", tmp_path)
    with pytest.raises(export.FontsMissingError, match="make fonts"):
        export_pdf([], summary_of([]), ENGLISH, NOW)


def test_labels_are_translatable_texts():
    for label in (*LABELS, export.DANGER, export.ABOUT, export.TIME_NOT_GIVEN):
        assert isinstance(label, Text)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_three_and_four_digit_incident_numbers_stay_on_one_line(lang):
    from bot.i18n import Catalogs  # noqa: PLC0415

    tr = Catalogs().translator(lang)
    now = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    entries = [Entry(number=n, what=f"note {n}", created_at=now) for n in (100, 1234)]
    pdf = export_pdf(entries, patterns(entries, now), tr, now)
    fragments: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages[1:]:
        page.extract_text(visitor_text=lambda text, *_: fragments.append(text.strip()))
    # Each number is drawn whole; wrapped, it would come out as "10" and "0".
    assert "100" in fragments and "1234" in fragments, [f for f in fragments if f.isdigit()]
