"""The diary export: a PDF to show the police, and a CSV that reads back exactly.

The PDF (A4, fpdf2) has a summary page (total, incidents per week, the signs seen most and,
when the diary shows a worrying pattern, a plain box saying what to do), then the
incidents, oldest first, laid out like the leaflet's incident diary template: one row of
number, date and time, where, who and witnesses, then what happened, how it made the
person feel, the signs, the evidence (Telegram file ids: the files stay in the chat) and,
for a forwarded message, when it was first sent and its SHA-256 at capture.

Text may be in any shipped language, and what people typed may mix scripts, so the PDF
registers Noto fonts for Latin, Arabic, Urdu (Naskh), Bengali and Gurmukhi as fallbacks of
each other, and shapes text with HarfBuzz after fpdf2's bidi algorithm.

Speed: fpdf2's own line breaking (multi_cell) re-shapes a line once per character added,
and `FPDF.cell` runs bidi, font fallback and HarfBuzz in Python for every line it draws
(1-2 ms a line; a diary in Arabic has some 6,000). So this module wraps text itself, with
cached word widths, and paginates before drawing (an incident stays on one page when it
fits; the page count is known for the footer); then every line is written by
`bot.export_shaping.ShapedWriter`, which does what `FPDF.cell` does - the same bidi rules,
font fallback, HarfBuzz shaping and glyph subsets - once per distinct line, word and glyph.
A line that needs nothing from the shaper (Latin, Greek or Cyrillic without combining
marks, in a left-to-right paragraph; or digits such as a time, in any paragraph) is
written from the font's character widths, as `FPDF.text` writes it. Fonts are registered
only when a script needs them, and read once per process (`bot.export_fonts`). Figures:
`python -m benchmarks.diary`.

The CSV is UTF-8 with a byte order mark, one row per incident under stable English
column names, and `read_csv(export_csv(entries)) == entries`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Literal, TypeAlias
from urllib.parse import unquote

from babel.dates import format_date, format_time
from fpdf import FPDF
from fpdf.fonts import TTFFont

from bot.export_fonts import add_font
from bot.export_shaping import Memo, ShapedWriter
from bot.i18n import Translator
from flows.diary_model import Entry, Evidence, Forwarded
from flows.diary_patterns import Patterns, when
from flows.services import UK
from flows.signs import SIGNS
from flows.text import Phone, Text, Verbatim, _

# ---------------------------------------------------------------------------------------
# Fonts

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SANS, ARABIC, NASKH, BENGALI, GURMUKHI = "sans", "arabic", "naskh", "bengali", "gurmukhi"
FONT_FILES: dict[tuple[str, str], str] = {
    (SANS, ""): "NotoSans-Regular.ttf",
    (SANS, "B"): "NotoSans-Bold.ttf",
    (ARABIC, ""): "NotoSansArabic-Regular.ttf",
    # Urdu: Noto Nastaliq Urdu draws well in fpdf2, but fpdf2 gives the extra glyphs it
    # shapes into (dots, joins) no ToUnicode entry, so copied or searched Urdu text comes
    # out with stray characters (and it needs nearly twice the line height); Naskh does not.
    (NASKH, ""): "NotoNaskhArabic-Regular.ttf",
    (BENGALI, ""): "NotoSansBengali-Regular.ttf",
    (GURMUKHI, ""): "NotoSansGurmukhi-Regular.ttf",
}
# Letters Urdu uses and Arabic does not: a paragraph with one is set in the Urdu font.
URDU_LETTERS = frozenset("ٹڈڑںھہےۓ")


class FontsMissingError(RuntimeError):
    """A font file is not in bot/fonts/ (run `make fonts`)."""


# ---------------------------------------------------------------------------------------
# Page geometry (millimetres) and styles

PT_PER_MM = 72 / 25.4
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 15.0
WIDTH = PAGE_W - 2 * MARGIN
TOP = 14.0
BOTTOM = PAGE_H - 16.0  # content ends here; the page number sits below
FOOTER_TOP = PAGE_H - 11.0
PAD_X = 1.5  # inside table cells, left and right
PAD_TOP_ROW, PAD_DETAIL = 0.8, 0.6  # above and below: an incident's top row, its details
LEADING = 1.32  # line height over font size, Latin
LEADING_TALL = 1.6  # Arabic, Bengali and Gurmukhi reach further above and below the line

RGB: TypeAlias = tuple[int, int, int]
INK: RGB = (0, 0, 0)
GREY: RGB = (85, 85, 85)
LABEL_INK: RGB = (40, 55, 90)
BAND: RGB = (238, 240, 244)
RULE: RGB = (170, 170, 170)
BAR: RGB = (95, 110, 140)
ALERT_INK: RGB = (150, 20, 20)
ALERT_FILL: RGB = (253, 238, 236)


@dataclass(frozen=True, slots=True)
class Style:
    """Font size (pt), weight and colour of a piece of text."""

    size: float
    bold: bool = False
    color: RGB = INK


TITLE = Style(18, bold=True)
HEADING = Style(11.5, bold=True)
BODY = Style(8.5)
NOTE = Style(8.5, color=GREY)
SMALL = Style(7, color=GREY)
LABEL = Style(7.5, bold=True, color=LABEL_INK)  # column headings
INLINE_LABEL = Style(8.5, bold=True, color=LABEL_INK)  # "What happened?" before the text
TECHNICAL = Style(6.5)  # file ids and hashes: long, and best kept on one line
NUMBER = Style(10, bold=True)
ALERT = Style(10, bold=True, color=ALERT_INK)

# The incidents table: the top row of each incident (logical x from the start side).
COLUMNS: tuple[tuple[str, float], ...] = (
    ("number", 13.0), ("when", 36.0), ("where", 45.0), ("who", 45.0), ("witnesses", 41.0),
)
COLUMN_SPANS: tuple[tuple[float, float], ...] = tuple(
    (sum(width for _name, width in COLUMNS[:index]), width)
    for index, (_name, width) in enumerate(COLUMNS)
)
DETAIL_X = COLUMNS[0][1]  # the details run under the date, where, who and witnesses
DETAIL_W = WIDTH - DETAIL_X
LABEL_GAP, ITEM_GAP, MIN_TEXT = 1.2, 4.0, 12.0  # mm after an inline label, between fields
ENTRY_GAP = 1.2
BAR_LABEL_W, BAR_GAP = 78.0, 3.0

# ---------------------------------------------------------------------------------------
# Translatable labels (rendered with Translator.label)

TITLE_TEXT = _("Incident diary")
NUMBER_HEADING = _("No.")
WHEN_HEADING = _("Date and time")
WHERE_HEADING = _("Where did it happen?")
WHO_HEADING = _("Who did it, and your relationship to them")
WITNESSES_HEADING = _("Witnesses")
WHAT_LABEL = _("What happened?")
FEEL_LABEL = _("How did it make you feel?")
SIGNS_LABEL = _("Signs of stalking:")
EVIDENCE_LABEL = _("Evidence (in the Telegram chat):")
FORWARDED_LABEL = _("Forwarded message:")
QUICK_NOTE = _("Quick note")
TIME_NOT_GIVEN = _("Time not given")
ABOUT = _(
    "Incidents are listed oldest first. Times are UK time. Photos, voice notes, videos and "
    "documents are kept in the Telegram chat; this diary lists each file's Telegram file id."
)
NO_INCIDENTS = _("No incidents recorded.")
WEEKS_HEADING = _("Last 8 weeks:")
SIGNS_HEADING = _("Seen most:")
MORE_OFTEN = _("It is happening more often.")
THREATS = _("Some incidents include threats.")
BREACH = _("Some incidents break an order that protects you.")
DANGER = _(
    "If you are in danger, call %(n999)s. Otherwise call %(n101)s. Keep this diary.",
    n999=Phone("999"), n101=Phone("101"),
)
EVIDENCE_KINDS: dict[str, Text] = {
    "photo": _("Photo"),
    "document": _("Document"),
    "voice": _("Voice message"),
    "video": _("Video"),
    "audio": _("Audio"),
    "video_note": _("Video message"),
}
SIGN_NAMES: dict[str, Text] = {sign.id: sign.short for sign in SIGNS}


# ---------------------------------------------------------------------------------------
# Typesetting: cleaning, measuring and wrapping text with the fonts fpdf2 will draw with


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text, measured and ready to draw."""

    text: str
    family: str
    style: Literal["", "B"]
    size: float
    color: RGB
    shaped: bool  # bidi and HarfBuzz shaping (else written from the font's character widths)
    rtl: bool  # the paragraph's direction
    width: float  # mm (exact for unshaped lines; used to align them)
    height: float  # mm
    indent: float = 0.0  # mm from the start side of its column
    advance: bool = True  # False: the next line goes on the same line (after an inline label)
    fallbacks: tuple[str, ...] = ()  # font families for what the line's font lacks, in order

    def placed(self, indent: float, height: float, advance: bool) -> Line:
        """The same text at another place (faster than dataclasses.replace)."""
        return Line(self.text, self.family, self.style, self.size, self.color, self.shaped,
                    self.rtl, self.width, height, indent, advance, self.fallbacks)


BLANK_HEIGHT = BODY.size / PT_PER_MM * 0.6
ASCII_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
STRONG_RTL = frozenset({"R", "AL"})
DIGITS = re.compile(r"[0-9]+(?:[.,:/-][0-9]+)*")  # European digits, one separator between
ZEROS = str.maketrans("123456789", "000000000")


class Typesetter:
    """Cleans, measures and wraps text with the Noto fonts registered on one FPDF. Its
    `writer` shapes text (once, for measuring and drawing) and writes lines."""

    def __init__(self, pdf: FPDF, lang: str, rtl: bool) -> None:
        self.pdf = pdf
        self.rtl = rtl
        self.urdu = lang == "ur"
        self.arabic = NASKH if self.urdu else ARABIC
        self._widths: dict[tuple[str, str, float, bool, bool], Memo[float]] = {}
        self._chars = Memo(self._substitute)
        self.simple = Memo(self._is_simple)
        self._families = Memo(self._letter_family)
        self.writer = ShapedWriter(pdf, self.simple, frozenset({SANS, SANS + "B"}))
        self._wrapped: dict[tuple[str, Style, float, float | None], tuple[Line, ...]] = {}
        self.font(SANS)
        self.font(SANS, "B")

    # Fonts ------------------------------------------------------------------------------

    def font(self, family: str, style: str = "") -> TTFFont:
        """The fpdf2 font, registered the first time it is needed."""
        font = self.pdf.fonts.get(family + style)
        if font is None:
            path = FONT_DIR / FONT_FILES[(family, style)]
            if not path.is_file():
                raise FontsMissingError(f"{path} is missing; run `make fonts`")
            font = add_font(self.pdf, family, style, path)
        if not isinstance(font, TTFFont):  # pragma: no cover - only TTF fonts are added
            raise TypeError(f"{family}{style} is not a TrueType font")
        return font

    def registered(self, urdu: bool = False) -> tuple[str, ...]:
        """The families registered so far, in fallback order (Urdu's font before Arabic's
        for Urdu text: both have the letters both languages use)."""
        arabic = (NASKH, ARABIC) if urdu or self.urdu else (ARABIC, NASKH)
        return tuple(family for family in (SANS, *arabic, BENGALI, GURMUKHI)
                     if family in self.pdf.fonts)

    def script_family(self, char: str) -> str:
        """The font family for a character's script (Noto Sans for everything else)."""
        cp = ord(char)
        if (0x0600 <= cp <= 0x08FF) or (0xFB50 <= cp <= 0xFDFF) or (0xFE70 <= cp <= 0xFEFF):
            return self.arabic
        if 0x0980 <= cp <= 0x09FF:
            return BENGALI
        if 0x0A00 <= cp <= 0x0A7F:
            return GURMUKHI
        return SANS

    # Cleaning ---------------------------------------------------------------------------

    def clean(self, text: str) -> str:
        """NFC, one kind of line break, no control characters, and nothing that no font
        can draw: a symbol such as an emoji becomes its name, "[kitchen knife]"."""
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        if text.isascii():
            return ASCII_CONTROLS.sub("", text)
        text = unicodedata.normalize("NFC", text)
        return "".join(map(self._chars.__getitem__, text))

    def _substitute(self, char: str) -> str:
        if char == "\n":
            return char
        category = unicodedata.category(char)
        if category == "Cc":
            return ""
        cp = ord(char)
        family = self.script_family(char)
        candidates = (family, SANS) if family != SANS else (SANS,)
        if family in (ARABIC, NASKH):
            candidates = (family, NASKH if family == ARABIC else ARABIC, SANS)
        for candidate in candidates:
            if cp in self.font(candidate).cmap:
                return char
        if category in ("Mn", "Me", "Cf") or 0xFE00 <= cp <= 0xFE0F:
            return ""  # variation selectors, joiners and marks with nothing to draw
        name = unicodedata.name(char, "")
        return f"[{name.lower()}]" if name else "\ufffd"

    # Analysis and measuring -------------------------------------------------------------

    def _is_simple(self, char: str) -> bool:
        """Drawn right by Noto Sans without shaping: left-to-right, no combining marks.
        (Looked up in `self.simple`.)"""
        cp = ord(char)
        # Latin, Greek, Cyrillic; punctuation and symbols, but not the bidi controls and
        # separators at U+2028-U+202F.
        plain = (cp < 0x0590 or 0x1E00 <= cp <= 0x1FFF or 0x2010 <= cp <= 0x2027
                 or 0x2030 <= cp <= 0x205E or 0x20A0 <= cp <= 0x214F)
        return plain and not unicodedata.combining(char) and cp in self.font(SANS).cmap

    def _letter_family(self, char: str) -> str:
        """The font family of a letter's script; "" for what is not a letter."""
        return self.script_family(char) if char.isalpha() else ""

    def analyse(self, paragraph: str) -> tuple[str, bool, bool, bool]:
        """The paragraph's main font family, whether it needs shaping, its direction (from
        its first strong character, as Telegram does; else the document's), and whether
        it is Urdu rather than Arabic."""
        strong = next(
            (kind for kind in map(unicodedata.bidirectional, paragraph)
             if kind in ("L", "R", "AL")),
            None,
        )
        rtl = strong in STRONG_RTL if strong else self.rtl
        if paragraph.isascii():
            # A number, time or date in digits is one left-to-right run in any paragraph.
            return SANS, rtl and not DIGITS.fullmatch(paragraph), rtl, False
        # The font of most letters draws the line; the others fall back. (fpdf2 shapes each
        # run of one font apart, and spaces take the line's font: a minority script makes
        # fewer, longer runs.)
        scripts = Counter(map(self._families.__getitem__, paragraph))
        scripts.pop("", None)
        family = scripts.most_common(1)[0][0] if scripts else SANS
        urdu = not URDU_LETTERS.isdisjoint(paragraph)
        if urdu:
            self.font(NASKH)
            if family == ARABIC:
                family = NASKH
        shaped = rtl or family != SANS or not all(map(self.simple.__getitem__, paragraph))
        if family != SANS:
            self.font(family)
        return family, shaped, rtl, urdu

    def widths(self, family: str, style: str, size: float, shaped: bool,
               urdu: bool = False) -> Memo[float]:
        """Widths in mm of texts (words) in a font, as they will be drawn: `widths[word]`
        (cached: words repeat a lot). In a shaped line, a run of simple characters in Noto
        Sans is drawn unshaped (see ShapedWriter), so it is measured unshaped; the rest is
        measured shaped, run by run of one font."""
        key = (family, style, size, shaped, urdu)
        widths = self._widths.get(key)
        if widths is None:
            widths = self._widths[key] = Memo(lambda text: self._measure(text, key))
        return widths

    def _measure(self, text: str, key: tuple[str, str, float, bool, bool]) -> float:
        zeros = text.translate(ZEROS)
        if zeros != text:
            # Digits are all as wide as "0" (the Noto fonts' figures are tabular): dates
            # and times are measured once per pattern, not once per date.
            return self._widths[key][zeros]
        family, style, size, shaped, urdu = key
        simple = self.simple.__getitem__
        points = 0.0
        runs = self.runs(text, family, style, urdu) if shaped else [(SANS, style, text)]
        for run_family, run_style, run in runs:
            font = self.font(run_family, run_style)
            if run_family == SANS and (not shaped or all(map(simple, run))):
                # As FPDF.get_string_width without shaping: the font's character widths.
                points += sum(map(font.cw.__getitem__, map(ord, run))) * size * 0.001
            else:  # shaped as it will be drawn (and drawn from that shaping)
                points += self.writer.advance(run_family + run_style, run, size)
        return points / PT_PER_MM

    def runs(self, text: str, family: str, style: str,
             urdu: bool) -> Iterable[tuple[str, str, str]]:
        """Split text by font the way fpdf2 does: the line's font when it has the
        character, else the first fallback font that has it."""
        primary = self.font(family, style).cmap
        if primary.keys() >= set(map(ord, text)):
            yield family, style, text
            return
        fallbacks = [(f, style if f == SANS else "") for f in self.registered(urdu)]
        start, current = 0, (family, style)
        for index, char in enumerate(text):
            cp = ord(char)
            chosen = (family, style)
            if cp not in primary:
                chosen = next(((f, s) for f, s in fallbacks if cp in self.font(f, s).cmap),
                              chosen)
            if chosen != current:
                if index > start:
                    yield (*current, text[start:index])
                start, current = index, chosen
        if len(text) > start:
            yield (*current, text[start:])

    # Wrapping ---------------------------------------------------------------------------

    def lines(self, text: str, style: Style, width: float,
              first: float | None = None) -> list[Line]:
        """Wrap text (paragraphs split at line breaks) into lines at most `width` wide; the
        first line at most `first` wide (it follows an inline label). When not even the
        first word fits there, the first line is empty. (Cached: places, names and
        feelings come back often, and a field may be wrapped twice to fit a label.)"""
        key = (text, style, width, first)
        wrapped = self._wrapped.get(key)
        if wrapped is None:
            wrapped = self._wrapped[key] = tuple(self._lines(text, style, width, first))
        return list(wrapped)

    def _lines(self, text: str, style: Style, width: float,
               first: float | None) -> list[Line]:
        out: list[Line] = []
        for raw in self.clean(text).split("\n"):
            paragraph = raw.strip(" ")
            if paragraph:
                out.extend(self._wrap(paragraph, style, width,
                                      width if out or first is None else first))
            elif out and out[-1].text:
                out.append(Line("", SANS, "", style.size, style.color, False, False, 0.0,
                                BLANK_HEIGHT))
        while out and not out[-1].text:
            out.pop()
        return out

    def _wrap(self, paragraph: str, style: Style, width: float, first: float) -> list[Line]:
        family, shaped, rtl, urdu = self.analyse(paragraph)
        weight: Literal["", "B"] = "B" if style.bold and family == SANS else ""
        leading = LEADING if family == SANS else LEADING_TALL
        height = style.size / PT_PER_MM * leading
        fit = 0.98 if shaped else 1.0  # shaped widths are estimated word by word
        full = width * fit

        measure = self.widths(family, weight, style.size, shaped, urdu).__getitem__
        space = measure(" ")
        rows: list[tuple[str, float]] = []
        words: list[str] = []
        used = 0.0
        split = paragraph.split(" ")
        for word, size in zip(split, map(measure, split), strict=True):
            limit = full if rows else first * fit
            if words and used + space + size <= limit:
                words.append(word)
                used += space + size
                continue
            if words:
                rows.append((" ".join(words), used))
                limit = full
            if size <= limit:
                words, used = [word], size
                continue
            if not rows and size <= full:  # not even one word after the label
                rows.append(("", 0.0))
                words, used = [word], size
                continue
            *whole, last = self._break(word, measure, limit, full)
            rows.extend((piece, measure(piece)) for piece in whole)
            words, used = [last], measure(last)
        if words:
            rows.append((" ".join(words), used))
        fallbacks = self.registered(urdu) if shaped else ()
        return [Line(text, family, weight, style.size, style.color, shaped, rtl, used, height,
                     fallbacks=fallbacks) for text, used in rows]

    @staticmethod
    def _break(word: str, measure: Callable[[str], float], first: float,
               limit: float) -> list[str]:
        """A word wider than the line (a file id, a web address), cut between characters
        but never before a combining mark: the first piece at most `first` wide."""
        pieces: list[str] = []
        start, used = 0, 0.0
        for index, char in enumerate(word):
            size = measure(char)
            room = limit if pieces else first
            if index > start and used + size > room and not unicodedata.combining(char):
                pieces.append(word[start:index])
                start, used = index, 0.0
            used += size
        pieces.append(word[start:])
        return pieces


# ---------------------------------------------------------------------------------------
# Layout: pages of positioned lines and rectangles, known before anything is drawn


@dataclass(frozen=True, slots=True)
class Block:
    """A column of a table row: logical x (from the start side) and width, and its lines."""

    x: float
    w: float
    lines: Sequence[Line]


@dataclass(frozen=True, slots=True)
class Placed:
    """A line at its place on the page."""

    x: float
    y: float
    w: float
    align: Literal["L", "R", "C"]
    line: Line


@dataclass(frozen=True, slots=True)
class Rect:
    """A filled or stroked rectangle, or a rule (h == 0)."""

    x: float
    y: float
    w: float
    h: float
    fill: RGB | None = None
    stroke: RGB | None = None


@dataclass
class Page:
    """What one page shows."""

    rects: list[Rect] = field(default_factory=list)
    texts: list[Placed] = field(default_factory=list)


def block_height(lines: Sequence[Line]) -> float:
    """The height of a column of lines."""
    return sum(line.height for line in lines if line.advance)


class Composer:
    """Places rows on pages: rows that do not fit split between pages line by line."""

    def __init__(self, rtl: bool) -> None:
        self.rtl = rtl
        self.pages: list[Page] = []
        self.y = TOP
        self.heading: Sequence[Block] = ()
        self.body_top = TOP

    @property
    def page(self) -> Page:
        """The page being filled."""
        return self.pages[-1]

    def new_page(self) -> None:
        """Start a page (with the table heading, if one is set)."""
        self.pages.append(Page())
        self.y = TOP
        if self.heading:
            self.row(self.heading, rule=RULE)
        self.body_top = self.y

    def room(self) -> float:
        """Height left on this page."""
        return BOTTOM - self.y

    def keep(self, height: float) -> None:
        """Start a new page if something of this height fits on a fresh page but not here."""
        if height > self.room() and height <= BOTTOM - self.body_top and self.y > self.body_top:
            self.new_page()

    def gap(self, height: float) -> None:
        """Vertical space (dropped at the top of a page)."""
        self.y = min(self.y + height, BOTTOM) if self.y > self.body_top else self.y

    def x(self, x: float, w: float) -> float:
        """Logical x (from the start side) to the page's x."""
        return MARGIN + (WIDTH - x - w if self.rtl else x)

    def align(self) -> Literal["L", "R"]:
        """The start side."""
        return "R" if self.rtl else "L"

    def lines(self, lines: Sequence[Line], x: float = 0.0, w: float = WIDTH,
              align: Literal["L", "R", "C"] | None = None) -> None:
        """Paragraph lines at full width (or in a column), breaking pages between lines."""
        for line in lines:
            if line.height > self.room():
                self.new_page()
            self.page.texts.append(
                Placed(self.x(x, w), self.y, w, align or self.align(), line))
            self.y += line.height

    def row(self, blocks: Sequence[Block], pad: float = PAD_TOP_ROW, fill: RGB | None = None,
            rule: RGB | None = None) -> None:
        """A table row: columns side by side, padded above and below, with an optional
        band behind it and rule under it."""
        pending = [list(block.lines) for block in blocks]
        while True:
            room = self.room() - 2 * pad
            if max(map(block_height, pending)) <= room:
                self._place(blocks, pending, pad, fill)
                break
            counts = [self._fitting(lines, room) for lines in pending]
            if not any(counts):
                if self.y <= self.body_top:  # a line taller than a page: draw it anyway
                    counts = [min(1, len(lines)) for lines in pending]
                else:
                    self.new_page()
                    continue
            self._place(blocks, [lines[:n] for lines, n in zip(pending, counts, strict=True)],
                        pad, fill)
            pending = [lines[n:] for lines, n in zip(pending, counts, strict=True)]
            if not any(pending):
                break
            self.new_page()
        if rule:
            self.page.rects.append(Rect(MARGIN, self.y, WIDTH, 0.0, stroke=rule))

    @staticmethod
    def _fitting(lines: Sequence[Line], room: float) -> int:
        """How many lines fit (never parting an inline label from its text)."""
        used, fitting = 0.0, 0
        for index, line in enumerate(lines):
            if line.advance:
                used += line.height
                if used > room:
                    return fitting
                fitting = index + 1
        return len(lines)

    def _place(self, blocks: Sequence[Block], parts: Sequence[Sequence[Line]], pad: float,
               fill: RGB | None) -> None:
        height = max(map(block_height, parts)) + 2 * pad
        if fill:
            self.page.rects.append(Rect(MARGIN, self.y, WIDTH, height, fill=fill))
        for block, lines in zip(blocks, parts, strict=True):
            y = self.y + pad
            for line in lines:
                if line.text:
                    inner = block.w - 2 * PAD_X - line.indent
                    x = self.x(block.x + PAD_X + line.indent, inner)
                    self.page.texts.append(Placed(x, y, inner, self.align(), line))
                if line.advance:
                    y += line.height
        self.y += height


def row_height(blocks: Sequence[Block], pad: float) -> float:
    """A row's height before placing it."""
    return max(block_height(block.lines) for block in blocks) + 2 * pad


# ---------------------------------------------------------------------------------------
# Drawing


def draw_order(placed: Placed) -> tuple[bool, str, str, float, RGB]:
    """Sort key grouping lines drawn with the same font and colour."""
    line = placed.line
    return (line.shaped, line.family, line.style, line.size, line.color)


class Painter:
    """Draws composed pages on the FPDF: rectangles, then every line through ShapedWriter."""

    def __init__(self, pdf: FPDF, setter: Typesetter) -> None:
        self.pdf = pdf
        self.setter = setter
        self.writer = setter.writer

    def paint(self, pages: Sequence[Page], footer: Callable[[int, int], list[Line]]) -> None:
        """Every page, then its page number."""
        pdf = self.pdf
        for number, page in enumerate(pages, start=1):
            pdf.add_page()
            for rect in page.rects:
                self.rect(rect)
            self.writer.begin()  # the rectangles set the fill colour text is drawn in
            # Nothing overlaps, so lines are drawn grouped by font and colour: the font and
            # colour change a few times a page instead of at every label.
            for placed in sorted(page.texts, key=draw_order):
                self.text(placed)
            for line in footer(number, len(pages))[:1]:
                self.text(Placed(MARGIN, FOOTER_TOP, WIDTH, "C", line))

    def rect(self, rect: Rect) -> None:
        """A band, a box or a rule."""
        pdf = self.pdf
        if rect.stroke:
            pdf.set_draw_color(*rect.stroke)
            pdf.set_line_width(0.25 if rect.h else 0.2)
        if rect.fill:
            pdf.set_fill_color(*rect.fill)
        if rect.h == 0:
            pdf.line(rect.x, rect.y, rect.x + rect.w, rect.y)
            return
        style = ("F" if rect.fill else "") + ("D" if rect.stroke else "")
        pdf.rect(rect.x, rect.y, rect.w, rect.h, style=style or "D")

    def text(self, placed: Placed) -> None:
        """One line: unshaped lines with the font's widths, the rest shaped (bidi in the
        paragraph's direction, the fallback fonts, HarfBuzz)."""
        line = placed.line
        if line.shaped:
            written = self.writer.line(line.text, line.family + line.style, line.size,
                                       line.rtl, line.fallbacks)
        else:
            written = self.writer.plain_line(line.text, SANS + line.style, line.size)
        # The same baseline as FPDF.cell: half the line height plus 0.3 of the font size.
        baseline = placed.y + 0.5 * line.height + 0.3 * line.size / PT_PER_MM
        self.writer.draw(written, self.start(placed, written.width), baseline, line.color)

    @staticmethod
    def start(placed: Placed, width: float) -> float:
        """Where a line of this width starts, aligned in its place."""
        if placed.align == "R":
            return placed.x + placed.w - width
        if placed.align == "C":
            return placed.x + (placed.w - width) / 2
        return placed.x


# ---------------------------------------------------------------------------------------
# The diary document


def uk(moment: datetime) -> datetime:
    """A time in UK time (a time without a zone is taken as UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UK)


def chronological(entries: Iterable[Entry]) -> list[Entry]:
    """Oldest first by when it happened; entries with no time at all last, by number."""

    def key(entry: Entry) -> tuple[int, datetime, int]:
        moment = when(entry)
        if moment is None:
            return (1, datetime.min.replace(tzinfo=UTC), entry.number)
        return (0, uk(moment), entry.number)

    return sorted(entries, key=key)


@dataclass(frozen=True, slots=True)
class Item:
    """A field of an incident: its label (if any), its text and style."""

    label: Text | None
    value: str | Text
    style: Style
    new_line: bool = True  # start on a new line (else it may follow the previous field)
    whole: bool = False  # never split after its label: "Photo:" stays with its file id


class Flow:
    """Places inline-labelled fields one after another on lines `width` wide."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.out: list[Line] = []
        self.current: list[Line] = []  # on the open line
        self.x = 0.0  # where the open line ends

    def close(self) -> None:
        """End the open line: its parts share its tallest height (and so a baseline)."""
        if self.current:
            height = max(line.height for line in self.current)
            last = len(self.current) - 1
            parts = [line.placed(line.indent, height, index == last)
                     for index, line in enumerate(self.current)]
            self.out.extend(parts)
        self.current, self.x = [], 0.0

    def add(self, label: Line | None, wrap: Callable[[float], list[Line]],
            whole: bool = False) -> None:
        """A label and its text, wrapped by `wrap(width of its first line)`; a `whole`
        text that does not fit after its label starts on the next line."""
        start = self.x + ITEM_GAP if self.current else 0.0
        room = label.width + LABEL_GAP if label else 0.0
        if self.current and start + room + MIN_TEXT > self.width:
            self.close()
            start = 0.0
        lines = wrap(self.width - start - room)
        if not lines:
            return
        if self.current and (len(lines) > 1 or not lines[0].text):
            self.close()  # it does not fit after the previous field: a line of its own
            start = 0.0
            lines = wrap(self.width - room)
        if whole and len(lines) > 1 and lines[0].text:
            lines = wrap(0.0)  # an empty first line, then the text
        if label:
            self.current.append(label.placed(start, label.height, False))
        if lines[0].text:
            self.current.append(lines[0].placed(start + room, lines[0].height, False))
        if len(lines) == 1:
            self.x = start + room + lines[0].width
            return
        self.close()
        self.out.extend(lines[1:-1])
        self.current, self.x = [lines[-1]], lines[-1].width


class DiaryDocument:
    """Composes the summary page and the incidents for one language."""

    def __init__(self, tr: Translator, setter: Typesetter) -> None:
        self.tr = tr
        self.setter = setter
        self.composer = Composer(tr.rtl)
        self.labels: dict[tuple[str, str | None, int | None, Style, float], list[Line]] = {}
        self.formatted: dict[tuple[date | time, str], str] = {}

    def say(self, text: Text | Verbatim | str, style: Style, width: float = WIDTH) -> list[Line]:
        """Translate (unless plain user text) and wrap; labels are wrapped once."""
        if isinstance(text, Text) and not text.params:
            key = (text.msgid, text.plural, text.count, style, width)
            lines = self.labels.get(key)
            if lines is None:
                lines = self.labels[key] = self.setter.lines(self.tr.label(text), style, width)
            return list(lines)
        plain = text if isinstance(text, str) else self.tr.label(text)
        return self.setter.lines(plain, style, width)

    # Dates and times: Babel in the language, UK time. They are passed into sentences as
    # Verbatim, without the isolates Translator.param adds for Telegram: an isolate makes
    # a date with a month name ("20 مارس 2026") read left to right inside Arabic text.

    def date(self, day: date, style: str = "long") -> Verbatim:
        """A date in the language: "20 March 2026" (Babel's, once per day and style)."""
        key = (day, style)
        text = self.formatted.get(key)
        if text is None:
            text = self.formatted[key] = format_date(day, style, locale=self.tr.locale)
        return Verbatim(text)

    def clock(self, moment: datetime) -> Verbatim:
        """A UK time of day: "21:30" (Babel's, once per minute of the day)."""
        minute = uk(moment).time().replace(second=0, microsecond=0, tzinfo=None)
        key = (minute, "HH:mm")
        text = self.formatted.get(key)
        if text is None:
            text = self.formatted[key] = format_time(minute, "HH:mm", locale=self.tr.locale)
        return Verbatim(text)

    def moment(self, moment: datetime, style: str = "long") -> Text:
        """'20 March 2026 at 21:30', UK time."""
        return _("%(date)s at %(time)s", date=self.date(uk(moment).date(), style),
                 time=self.clock(moment))

    # Summary page -----------------------------------------------------------------------

    def summary(self, summary: Patterns, now: datetime) -> None:
        """Title, when it was made, the pattern summary and the warning box."""
        put = self.composer
        put.new_page()
        put.lines(self.say(TITLE_TEXT, TITLE))
        put.gap(1.5)
        put.lines(self.say(_("Made on %(date)s", date=self.moment(now)), BODY))
        put.gap(1.5)
        put.lines(self.say(ABOUT, NOTE))
        put.gap(5)
        put.lines(self.say(_("Incidents saved: %(count)s", count=summary.total), HEADING))
        put.gap(3)
        if summary.flagged:
            self.warning(summary)
            put.gap(5)
        peak = max((count for _monday, count in summary.per_week), default=0)
        put.lines(self.say(WEEKS_HEADING, HEADING))
        put.gap(1.5)
        for monday, count in summary.per_week:
            self.bar(_("Week of %(date)s: %(count)s", date=self.date(monday), count=count),
                     count, peak)
        if summary.by_sign:
            put.gap(5)
            put.lines(self.say(SIGNS_HEADING, HEADING))
            put.gap(1.5)
            top = summary.by_sign[0][1]
            for sign, count in summary.by_sign:
                name = SIGN_NAMES.get(sign, Verbatim(sign))
                self.bar(_("%(sign)s: %(count)s", sign=name, count=count), count, top)

    def bar(self, label: Text, count: int, peak: int) -> None:
        """A labelled bar, as long as the count is against the largest."""
        put = self.composer
        lines = self.say(label, BODY, BAR_LABEL_W)
        put.keep(block_height(lines))
        top = put.y
        put.lines(lines, 0.0, BAR_LABEL_W)
        if count and peak and lines:
            length = max(0.8, (WIDTH - BAR_LABEL_W - BAR_GAP) * count / peak)
            height = min(lines[0].height * 0.62, 3.2)
            y = top + (lines[0].height - height) / 2
            put.page.rects.append(
                Rect(put.x(BAR_LABEL_W + BAR_GAP, length), y, length, height, fill=BAR))
        put.gap(0.6)

    def warning(self, summary: Patterns) -> None:
        """The plain box: what the diary shows, and what to do."""
        put = self.composer
        inner = WIDTH - 8.0
        reasons = [text for flag, text in ((summary.more_frequent, MORE_OFTEN),
                                           (summary.threats, THREATS),
                                           (summary.breach, BREACH)) if flag]
        lines: list[Line] = [line for text in reasons for line in self.say(text, BODY, inner)]
        lines += self.say(DANGER, ALERT, inner)
        height = block_height(lines) + 6.0
        put.keep(height)
        put.page.rects.append(Rect(MARGIN, put.y, WIDTH, height, fill=ALERT_FILL,
                                   stroke=ALERT_INK))
        put.y += 3.0
        put.lines(lines, 4.0, inner)
        put.y += 3.0

    # Incidents --------------------------------------------------------------------------

    def incidents(self, entries: Sequence[Entry]) -> None:
        """The incidents table, oldest first, its column headings on every page."""
        put = self.composer
        if not entries:
            put.gap(6)
            put.lines(self.say(NO_INCIDENTS, BODY))
            return
        headings = (NUMBER_HEADING, WHEN_HEADING, WHERE_HEADING, WHO_HEADING, WITNESSES_HEADING)
        put.heading = [Block(x, w, self.say(text, LABEL, w - 2 * PAD_X))
                       for (x, w), text in zip(COLUMN_SPANS, headings, strict=True)]
        put.new_page()
        for entry in entries:
            top, details = self.top_row(entry), self.details(entry)
            rows = [(top, PAD_TOP_ROW, BAND)]
            if details:
                rows.append(([Block(DETAIL_X, DETAIL_W, details)], PAD_DETAIL, None))
            put.keep(sum(row_height(blocks, pad) for blocks, pad, _fill in rows) + ENTRY_GAP)
            for blocks, pad, fill in rows:
                put.row(blocks, pad, fill)
            put.page.rects.append(Rect(MARGIN, put.y, WIDTH, 0.0, stroke=RULE))
            put.gap(ENTRY_GAP)

    def top_row(self, entry: Entry) -> list[Block]:
        """Number, date and time, where, who, witnesses: the leaflet's columns."""
        (nx, nw), (wx, ww), (px, pw), (ox, ow), (sx, sw) = COLUMN_SPANS
        inner = ww - 2 * PAD_X
        if entry.happened_at:
            when_lines = self.say(self.moment(entry.happened_at, "medium"), BODY, inner)
        else:
            when_lines = self.say(TIME_NOT_GIVEN, BODY, inner)
        if entry.created_at:
            when_lines += self.say(
                _("Written down: %(date)s", date=self.date(uk(entry.created_at).date(), "short")),
                SMALL, inner)
        if entry.quick:
            when_lines += self.say(QUICK_NOTE, SMALL, inner)
        return [
            Block(nx, nw, self.say(Verbatim(str(entry.number)), NUMBER, nw - 2 * PAD_X)),
            Block(wx, ww, when_lines),
            Block(px, pw, self.say(entry.where, BODY, pw - 2 * PAD_X)),
            Block(ox, ow, self.say(entry.who, BODY, ow - 2 * PAD_X)),
            Block(sx, sw, self.say(entry.witnesses, BODY, sw - 2 * PAD_X)),
        ]

    def details(self, entry: Entry) -> list[Line]:
        """What happened, feelings, signs, evidence and forwarding, each after its label;
        short ones share a line."""
        signs = " · ".join(self.tr.label(SIGN_NAMES.get(s, Verbatim(s))) for s in entry.signs)
        items = [
            Item(WHAT_LABEL, entry.what, BODY),
            Item(FEEL_LABEL, entry.feel, BODY),
            Item(SIGNS_LABEL, signs, BODY, new_line=False),
        ]
        for index, evidence in enumerate(entry.evidence):
            items.append(Item(None if index else EVIDENCE_LABEL, self.evidence_text(evidence),
                              TECHNICAL, new_line=not index, whole=True))
        if entry.forwarded:
            sent = entry.forwarded
            first = _("First sent on %(when)s", when=self.moment(sent.sent_at))
            if sent.sender:
                first = _("First sent on %(when)s by %(name)s", when=self.moment(sent.sent_at),
                          name=Verbatim(sent.sender))
            items += [
                Item(FORWARDED_LABEL, first, BODY),
                Item(None, _("SHA-256 at capture: %(hash)s", hash=Verbatim(sent.sha256)),
                     TECHNICAL, new_line=False, whole=True),
            ]
        return self.flow(items, DETAIL_W - 2 * PAD_X)

    def flow(self, items: Sequence[Item], width: float) -> list[Line]:
        """Lay fields out like running text: a bold label, then its text; a field that
        does not fit on the rest of the line starts a new one."""
        flowing = Flow(width)
        for item in items:
            value = item.value if isinstance(item.value, str) else self.tr.label(item.value)
            if not value.strip():
                continue
            if item.new_line:
                flowing.close()
            label = self.say(item.label, INLINE_LABEL, width) if item.label else []
            if len(label) > 1:  # a label longer than a line: on lines of its own
                flowing.close()
                flowing.out.extend(label)
                label = []
            flowing.add(label[0] if label else None,
                        lambda first, v=value, s=item.style: self.setter.lines(v, s, width, first),
                        item.whole)
        flowing.close()
        return flowing.out

    @staticmethod
    def evidence_text(item: Evidence) -> Text:
        """'Photo: <file id>' or 'Document (name): <file id>'."""
        kind = EVIDENCE_KINDS.get(item.kind, Verbatim(item.kind))
        if item.name:
            return _("%(kind)s (%(name)s): %(file)s", kind=kind, name=Verbatim(item.name),
                     file=Verbatim(item.file_id))
        return _("%(kind)s: %(file)s", kind=kind, file=Verbatim(item.file_id))

    def footer(self, number: int, total: int) -> list[Line]:
        """'Page 3 of 12'."""
        return self.say(_("Page %(page)s of %(pages)s", page=number, pages=total), SMALL)


def export_pdf(entries: list[Entry], summary: Patterns, tr: Translator, now: datetime) -> bytes:
    """The diary as an A4 PDF in the translator's language (dates and times UK time)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.c_margin = 0
    title = tr.label(TITLE_TEXT)
    pdf.set_title(title)
    pdf.set_lang(tr.lang)
    pdf.set_creation_date(uk(now))
    setter = Typesetter(pdf, tr.lang, tr.rtl)
    document = DiaryDocument(tr, setter)
    document.summary(summary, now)
    document.incidents(chronological(entries))
    Painter(pdf, setter).paint(document.composer.pages, document.footer)
    return bytes(pdf.output())


# ---------------------------------------------------------------------------------------
# CSV

CSV_COLUMNS: tuple[str, ...] = (
    "number", "happened_at", "created_at", "where", "what", "who", "signs", "feel",
    "witnesses", "evidence", "forwarded_sent_at", "forwarded_sha256", "forwarded_sender",
    "quick",
)
FORMULA_START = tuple("=+-@\t\r'")  # a spreadsheet would run these as formulas


def _guard(value: str) -> str:
    """Keep spreadsheets from running a value as a formula: prefix "'" (read_csv removes it)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _unguard(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def _escape(value: str) -> str:
    """Make a part safe inside a list cell (parts joined by ';', fields by ':')."""
    return value.replace("%", "%25").replace(";", "%3B").replace(":", "%3A")


def _split(value: str) -> list[str]:
    return [unquote(part) for part in value.split(";")] if value else []


def _time(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _parse_time(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _evidence(item: Evidence) -> str:
    parts = [_escape(item.kind), _escape(item.file_id)]
    if item.name:
        parts.append(_escape(item.name))
    return ":".join(parts)


def _parse_evidence(value: str) -> tuple[Evidence, ...]:
    items = []
    for part in value.split(";") if value else ():
        kind, file_id, *name = (unquote(piece) for piece in part.split(":"))
        items.append(Evidence(kind, file_id, name[0] if name else ""))
    return tuple(items)


def csv_row(entry: Entry) -> list[str]:
    """One entry as CSV cells, in CSV_COLUMNS order."""
    forwarded = entry.forwarded
    cells = [
        str(entry.number), _time(entry.happened_at), _time(entry.created_at), entry.where,
        entry.what, entry.who, ";".join(_escape(sign) for sign in entry.signs), entry.feel,
        entry.witnesses, ";".join(_evidence(item) for item in entry.evidence),
        _time(forwarded.sent_at) if forwarded else "", forwarded.sha256 if forwarded else "",
        forwarded.sender if forwarded else "", "true" if entry.quick else "false",
    ]
    return [_guard(cell) for cell in cells]


def export_csv(entries: list[Entry]) -> bytes:
    """UTF-8 with a byte order mark (so spreadsheet apps read it as UTF-8), one row each.

    Columns: CSV_COLUMNS. Times are ISO 8601 with their offset; `signs` are sign ids and
    `evidence` is `kind:file_id[:name]`, both joined by ";" (with "%", ";" and ":" inside
    a part written %25, %3B and %3A); `quick` is true or false. A value a spreadsheet would
    take for a formula (starting with = + - @) is written with a leading "'".
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(entry) for entry in entries)
    return out.getvalue().encode("utf-8-sig")


def read_csv(data: bytes) -> list[Entry]:
    """The entries of an export_csv file, exactly as they were."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header = next(reader, None)
    if header is None or tuple(header) != CSV_COLUMNS:
        raise ValueError("not a diary CSV: the columns differ")
    entries = []
    for cells in reader:
        if len(cells) != len(CSV_COLUMNS):
            raise ValueError(f"line {reader.line_num}: {len(cells)} cells, not "
                             f"{len(CSV_COLUMNS)}")
        row = dict(zip(CSV_COLUMNS, (_unguard(cell) for cell in cells), strict=True))
        sent_at = _parse_time(row["forwarded_sent_at"])
        entries.append(Entry(
            number=int(row["number"]),
            happened_at=_parse_time(row["happened_at"]),
            created_at=_parse_time(row["created_at"]),
            where=row["where"], what=row["what"], who=row["who"],
            signs=tuple(_split(row["signs"])),
            feel=row["feel"], witnesses=row["witnesses"],
            evidence=_parse_evidence(row["evidence"]),
            forwarded=(Forwarded(sent_at, row["forwarded_sha256"], row["forwarded_sender"])
                       if sent_at else None),
            quick=row["quick"] == "true",
        ))
    return entries


__all__ = ["CSV_COLUMNS", "FontsMissingError", "export_csv", "export_pdf", "read_csv"]
