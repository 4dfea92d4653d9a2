"""Writing the diary PDF's lines: what FPDF.cell does with text shaping, done once.

`FPDF.cell()` with text shaping runs, for every line and all in Python, fpdf2's bidi
algorithm, a split of the text by font and script, HarfBuzz on each piece and a walk over
the glyphs it returns: 1-2 ms a line, and a diary in Arabic has some 6,000 lines.

`ShapedWriter` takes the same steps the same way - fpdf2's bidi rules (Unicode's UAX #9;
here with regular expressions), its choice of fallback font and its splits by script,
HarfBuzz with fpdf2's buffer settings, fpdf2's glyph subsets and ToUnicode data - but
takes each once: a line written before is written again from its cached content stream
(only its position changes: glyphs are placed with `Td` moves from the line's start), a
word is shaped once, a glyph is looked up in its font's subset once.

Where it differs from `FPDF.cell`:
- Runs are put in visual order by rule L2 of UAX #9. (fpdf2 reverses whole runs only,
  which misplaces a right-to-left phrase with numbers in a left-to-right line.)
- A left-to-right run of characters that need no shaping (`plain`: Latin without
  combining marks, say) in a `plain_fonts` font (Noto Sans) is written from the font's
  character widths, as FPDF.text writes text: no kerning, like the all-Latin lines.
- In other fonts a run is shaped word by word: a space ends an Arabic, Bengali or
  Gurmukhi shaping context (and a word is shaped once however often it is used).
- No markdown, links, underline, character spacing or stretching, and no `{nb}` page
  count alias (drawn as typed, which suits what people typed).
- Colour and font are set when they change, not saved and restored around every line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple, TypeAlias, TypeVar

import uharfbuzz as hb
from fpdf import FPDF
from fpdf.bidi import BIDI_BRACKETS, BidiParagraph
from fpdf.drawing_primitives import (
    DeviceCMYK,
    DeviceGray,
    DeviceRGB,
    convert_to_device_color,
)
from fpdf.enums import PDFResourceType, TextDirection, TextEmphasis
from fpdf.fonts import TTFFont
from fpdf.unicode_script import UnicodeScript, get_unicode_script

RGB: TypeAlias = tuple[int, int, int]
V = TypeVar("V")
DeviceColor: TypeAlias = DeviceCMYK | DeviceGray | DeviceRGB
LineKey: TypeAlias = tuple[str, str, float, bool, tuple[str, ...] | None]

NO_SCRIPT = (UnicodeScript.COMMON, UnicodeScript.UNKNOWN)


class Memo(dict[str, V]):
    """A value per string (a character, a word), worked out on first use: `memo[char]`,
    and `map(memo.__getitem__, text)` runs at C speed once the characters are known."""

    def __init__(self, compute: Callable[[str], V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, char: str) -> V:
        value = self[char] = self.compute(char)
        return value


class Template(NamedTuple):
    """A shaped word (or run) as content-stream operations from where it starts: shown
    glyphs ("(...) Tj") and moves of the text position, (dx, dy) points from its start."""

    ops: tuple[str | tuple[float, float], ...]
    advance: float  # points
    shown: str | None  # the one op, when it shows glyphs without moves


class ShapedLine(NamedTuple):
    """A line ready to write: its width (document units), font size (points), the fonts it
    uses (the first sets out), and its content stream from the start of its baseline."""

    width: float
    size: float
    fonts: tuple[TTFFont, ...]
    last: TTFFont | None  # the font set when the line ends
    body: str


# ---------------------------------------------------------------------------------------
# Bidi: fpdf2's rules (fpdf/bidi.py, Unicode's UAX #9) for a paragraph without explicit
# embeddings, overrides or isolates, on a string of one-letter bidi types with regular
# expressions: some ten times faster in Python than fpdf2's passes over lists of objects.
# (A paragraph with those goes through fpdf2's own BidiParagraph.)

CODES = {"L": "L", "R": "R", "AL": "A", "EN": "E", "AN": "N", "ES": "s", "ET": "t",
         "CS": "c", "NSM": "m", "BN": "b", "B": "B", "S": "S", "WS": "w", "ON": "o"}
UNKNOWN = "?"  # explicit embeddings, overrides and isolates; unassigned characters
BRACKETS = frozenset(BIDI_BRACKETS)
_W1 = re.compile(r"(?<=(.))m+")
_W1_START = re.compile(r"^m+")
_W2 = re.compile(r"A[^RLE]*E[^RL]*")  # from an AL to the next R or L, with an EN
_W4_ES = re.compile(r"(?<=E)s(?=E)")
_W4_CS_EN = re.compile(r"(?<=E)c(?=E)")
_W4_CS_AN = re.compile(r"(?<=N)c(?=N)")
_W5 = re.compile(r"(?<=E)t+|t+(?=E)")
_W6 = str.maketrans("stc", "ooo")
_W7 = re.compile(r"L[^RE]*E[^R]*")  # from an L to the next R (no AL left), with an EN
_W7_START = re.compile(r"^[^RL]*")
_N1 = re.compile(r"[BSwo]+")
_OTHER_WAY = {True: re.compile(r"[LEN]"), False: re.compile(r"[RAN]")}
_LEVELS = {True: str.maketrans("LENRBSwob", "222111111"),
           False: str.maketrans("LENRBSwob", "022100000")}
_RUNS = re.compile(r"(.)\1*")


def bidi_code(char: str) -> str:
    """A character's bidi type as a CODES letter."""
    return CODES.get(unicodedata.bidirectional(char), UNKNOWN)


def _numbers_after(pattern: re.Pattern[str], code: str, number: str) -> str:
    return pattern.sub(lambda match: match.group().replace("E", number), code)


def _strong(code: Sequence[str], indexes: range, sos: str) -> str:
    """The first strong direction at these indexes, for the neutral rules (L; R for R, AN
    and EN), else the paragraph's."""
    for index in indexes:
        kind = code[index]
        if kind == "L":
            return "L"
        if kind in "REN":
            return "R"
    return sos


def _pair_brackets(chars: str, code: Sequence[str]) -> list[tuple[int, int]]:
    """Bracket pairs (BD16), as fpdf2 finds them."""
    opened: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for index, char in enumerate(chars):
        bracket = BIDI_BRACKETS.get(char)
        if bracket is None or code[index] != "o":
            continue
        if bracket["type"] == "o":
            if len(opened) >= 63:
                return []
            opened.append((char, index))
            continue
        for position in range(len(opened), 0, -1):
            open_char, open_index = opened[position - 1]
            pair = BIDI_BRACKETS[open_char]["pair"]
            if pair == char or (pair in ("〉", "〉") and char in ("〉", "〉")):
                pairs.append((open_index, index))
                del opened[position - 1:]
                break
    return sorted(pairs, key=itemgetter(0))


def _brackets(chars: str, code: str, original: str, sos: str) -> str:
    """Rule N0: paired brackets take the direction of what they enclose (pair after pair,
    as fpdf2 resolves them)."""
    classes = list(code)
    for opening, closing in _pair_brackets(chars, classes):
        same = opposite = False
        for kind in classes[opening:closing]:
            if kind in "LREN":
                if (kind == "L") == (sos == "L"):
                    same = True
                    break
                opposite = True
        resolved = None
        if same:
            resolved = sos
        elif opposite:
            other = "R" if sos == "L" else "L"
            before = _strong(classes, range(opening - 1, -1, -1), sos)
            resolved = other if before == other else sos
        if resolved:
            classes[opening] = classes[closing] = resolved
            if (closing + 1 < len(classes) and original[closing + 1] == "m"
                    and classes[closing + 1] == "o"):
                classes[closing + 1] = resolved
    return "".join(classes)


def resolve_levels(chars: str, code: str, rtl: bool) -> str | None:
    """The embedding levels of a paragraph, as a string of digits: rules W1-W7, N0-N2 and
    I1-I2 as fpdf2 applies them (BN characters kept in place, as FPDF.cell keeps them).
    `code` holds the paragraph's bidi types as CODES letters; None when one is UNKNOWN."""
    if UNKNOWN in code:
        return None
    if not _OTHER_WAY[rtl].search(code):  # all one way: the paragraph's level
        return ("1" if rtl else "0") * len(code)
    sos = "R" if rtl else "L"
    original = code
    if "m" in code:  # W1
        code = _W1_START.sub(lambda match: sos * len(match.group()), code)
        code = _W1.sub(lambda match: match.group(1) * len(match.group()), code)
    if "A" in code:  # W2, W3
        code = _numbers_after(_W2, code, "N").replace("A", "R")
    if "s" in code or "c" in code:  # W4
        code = _W4_CS_AN.sub("N", _W4_CS_EN.sub("E", _W4_ES.sub("E", code)))
    if "t" in code:  # W5
        code = _W5.sub(lambda match: "E" * len(match.group()), code)
    code = code.translate(_W6)
    if "E" in code:  # W7
        code = _numbers_after(_W7, code, "L")
        if not rtl:
            code = _numbers_after(_W7_START, code, "L")
    if not BRACKETS.isdisjoint(chars):  # N0
        code = _brackets(chars, code, original, sos)
    weak = code

    def neutral(match: re.Match[str]) -> str:  # N1, N2
        start, stop = match.span()
        before = _strong(weak, range(start - 1, -1, -1), sos)
        after = _strong(weak, range(stop, len(weak)), sos)
        return (before if before == after else sos) * (stop - start)

    return _N1.sub(neutral, code).translate(_LEVELS[rtl])


def level_runs(text: str, levels: str) -> list[tuple[str, int]]:
    """The text cut into runs of one level (levels as digits), in visual order."""
    if levels.count(levels[0]) == len(levels):
        return [(text, int(levels[0]))]
    runs = [(text[match.start():match.end()], int(match.group(1)))
            for match in _RUNS.finditer(levels)]
    return _reorder(runs)


def visual_runs(text: str, levels: Sequence[int]) -> list[tuple[str, int]]:
    """The text cut into runs of one level, in visual order (rule L2)."""
    if not text:
        return []
    if levels[0] == levels[-1] and len(set(levels)) == 1:
        return [(text, levels[0])]
    runs: list[tuple[str, int]] = []
    start = 0
    for level, group in groupby(levels):
        end = start + len(list(group))
        runs.append((text[start:end], level))
        start = end
    return _reorder(runs)


def _reorder(runs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Rule L2: from the highest level down to the lowest odd one, reverse every sequence
    of runs at that level or higher."""
    top = max(level for _text, level in runs)
    lowest_odd = min((level for _text, level in runs if level % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        index = 0
        while index < len(runs):
            if runs[index][1] >= level:
                end = index
                while end < len(runs) and runs[end][1] >= level:
                    end += 1
                runs[index:end] = runs[index:end][::-1]
                index = end
            else:
                index += 1
    return runs


# ---------------------------------------------------------------------------------------
# Writing


class ShapedWriter:
    """Writes lines on an FPDF's pages, caching every step (see the module doc).

    `plain(char)` says a character needs no shaping in the `plain_fonts` (font keys, as
    in FPDF.fonts). One writer serves one document: its caches hold the document's glyph
    codes."""

    def __init__(self, pdf: FPDF, plain: Callable[[str], bool],
                 plain_fonts: frozenset[str]) -> None:
        self.pdf = pdf
        self.plain = plain if isinstance(plain, Memo) else Memo(plain)
        self.plain_fonts = plain_fonts
        self._lines: dict[LineKey, ShapedLine] = {}
        self._templates: dict[tuple[str, str, float, bool], Template] = {}
        self._pieces_shaped: dict[tuple[str, str, float, bool], tuple[Template, ...]] = {}
        self._plain_codes: dict[str, Memo[str]] = {}
        self._glyphs: dict[tuple[str, int, tuple[int, ...]], tuple[str, int] | None] = {}
        self._metrics: dict[str, tuple[dict[str, tuple[int, int]], list[str]]] = {}
        self._codes_of = Memo(bidi_code)
        self._scripts = Memo(get_unicode_script)
        self._fallback_ids: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._fallback: dict[tuple[str, str, tuple[str, ...]], str | None] = {}
        self._fallbacks: dict[tuple[str, str, tuple[str, ...]], Memo[str]] = {}
        self._pieces: dict[tuple[str, str, str, tuple[str, ...]], tuple[tuple[str, str], ...]] = {}
        self._fonts: dict[str, TTFFont] = {}
        self._colors: dict[RGB, tuple[DeviceColor, str]] = {}
        self._page = -1
        self._on_page: set[int] = set()
        self._color_now: RGB | None = None
        self._font_now: tuple[TTFFont | None, float] | None = None

    # Drawing ----------------------------------------------------------------------------

    def line(self, text: str, font_key: str, size: float, rtl: bool,
             fallbacks: tuple[str, ...]) -> ShapedLine:
        """A shaped line (cached): `font_key` as in FPDF.fonts ("sans", "sansB"), `size`
        in points, `fallbacks` as family names, as for FPDF.set_fallback_fonts."""
        key: LineKey = (text, font_key, size, rtl, fallbacks)
        shaped = self._lines.get(key)
        if shaped is None:
            shaped = self._lines[key] = self._compose(text, font_key, size, rtl, fallbacks)
        return shaped

    def plain_line(self, text: str, font_key: str, size: float) -> ShapedLine:
        """A line that needs no shaping, as FPDF.text writes it (cached)."""
        key: LineKey = (text, font_key, size, False, None)
        line = self._lines.get(key)
        if line is None:
            template = self._plain(font_key, text, size)
            font = self._font(font_key)
            line = self._lines[key] = ShapedLine(
                template.advance / self.pdf.k, size, (font,), font, template.shown or "")
        return line

    def advance(self, font_key: str, text: str, size: float) -> float:
        """How far (points) a run of one font goes, shaped as it will be drawn (in its
        own direction: right to left when it has a right-to-left letter)."""
        code = "".join(map(self._codes_of.__getitem__, text))
        rtl = "R" in code or "A" in code
        return sum(template.advance for template in self._templates_of(font_key, text, size, rtl))

    def begin(self) -> None:
        """Forget the colour and font set in the page's content stream: call it on a new
        page, and after anything but this writer has drawn."""
        self._color_now = None
        self._font_now = None

    def draw(self, line: ShapedLine, x: float, baseline: float, color: RGB) -> None:
        """Write a line with the start of its baseline at (x, baseline), in document units
        from the top left (as FPDF.text places text), in the colour. Colour and font are
        set only when they change (see `begin`); FPDF is told, so that what it draws
        next sets its own."""
        if not line.fonts:
            return
        pdf = self.pdf
        if pdf.page != self._page:
            self._page, self._on_page = pdf.page, set()
            self.begin()
        for font in line.fonts:
            if font.i not in self._on_page:
                # The page's resources list the font, as FPDF._set_font_for_page does.
                pdf._resource_catalog.add(PDFResourceType.FONT, font.i, pdf.page)
                self._on_page.add(font.i)
        paint = ""
        if color != self._color_now:
            device, serialized = self._color(color)
            paint = serialized + " "
            pdf.fill_color = device  # text is painted with the fill colour
            self._color_now = color
        first = (line.fonts[0], line.size)
        font = "" if first == self._font_now else f"/F{first[0].i} {line.size:.2f} Tf "
        if font or line.last is not first[0]:
            pdf.current_font_is_set_on_page = False
        self._font_now = (line.last, line.size)
        k = pdf.k
        pdf._out(f"{paint}BT {font}{x * k:.2f} {(pdf.h - baseline) * k:.2f} Td {line.body} ET")

    def _color(self, color: RGB) -> tuple[DeviceColor, str]:
        found = self._colors.get(color)
        if found is None:
            device = convert_to_device_color(*color)
            found = self._colors[color] = (device, device.serialize().lower())
        return found

    # Composing --------------------------------------------------------------------------

    def _compose(self, text: str, font_key: str, size: float, rtl: bool,
                 fallbacks: tuple[str, ...]) -> ShapedLine:
        """Bidi runs in visual order, each cut by font and script as FPDF cuts it, each
        piece shaped (or not), written one after the other as fpdf2 writes fragments."""
        ids = self._fallback_ids.get(fallbacks)
        if ids is None:
            ids = self._fallback_ids[fallbacks] = self._font_ids(fallbacks)
        style = "B" if font_key.endswith("B") else ""
        k = self.pdf.k
        body: list[str] = []
        fonts: list[TTFFont] = []
        current = ""
        pen = 0.0  # points from the line's start
        set_x = set_y = 0.0  # where the last Td put the text position, as written
        for run, level in self._runs(text, rtl):
            run_rtl = level % 2 == 1
            pieces = self._split(run, font_key, style, ids)
            for key, piece in reversed(pieces) if run_rtl else pieces:
                if key != current:
                    font = self._font(key)
                    if current:
                        body.append(f"/F{font.i} {size:.2f} Tf")
                    current = key
                    if font not in fonts:
                        fonts.append(font)
                for template in self._templates_of(key, piece, size, run_rtl):
                    if template.shown is not None:
                        body.append(template.shown)
                        pen += template.advance
                        continue
                    for op in template.ops:
                        if isinstance(op, str):
                            body.append(op)
                            continue
                        dx = round(pen + op[0] - set_x, 3)
                        dy = round(op[1] - set_y, 3)
                        body.append(f"{dx:.3f} {dy:.3f} Td")
                        set_x += dx
                        set_y += dy
                    pen += template.advance
        return ShapedLine(pen / k, size, tuple(fonts), self._font(current) if current else None,
                          " ".join(body))

    def _runs(self, text: str, rtl: bool) -> list[tuple[str, int]]:
        """The text's bidi runs, in visual order."""
        if not text:
            return []
        levels = resolve_levels(text, "".join(map(self._codes_of.__getitem__, text)), rtl)
        if levels is not None:
            return level_runs(text, levels)
        paragraph = BidiParagraph(text, TextDirection.RTL if rtl else TextDirection.LTR,
                                  preserve_bn_chars=True)
        return visual_runs(text, [char.embedding_level for char in paragraph.characters])

    def _font(self, key: str) -> TTFFont:
        font = self._fonts.get(key)
        if font is None:
            found = self.pdf.fonts[key]
            if not isinstance(found, TTFFont):  # pragma: no cover - only TTF fonts are added
                raise TypeError(f"{key} is not a TrueType font")
            font = self._fonts[key] = found
        return font

    def _font_ids(self, families: tuple[str, ...]) -> tuple[str, ...]:
        """Font keys of the fallback families, as FPDF.set_fallback_fonts lists them."""
        ids: list[str] = []
        for family in families:
            for key in self.pdf.fonts:
                if key.replace("B", "").replace("I", "") == family.lower() and key not in ids:
                    ids.append(key)
        return tuple(ids)

    def _fallback_for(self, char: str, style: str, ids: tuple[str, ...]) -> str | None:
        """FPDF.get_fallback_font, without an exact match of bold."""
        key = (char, style, ids)
        if key in self._fallback:
            return self._fallback[key]
        having = [font_id for font_id in ids if ord(char) in self._font(font_id).cmap]
        emphasis = TextEmphasis.coerce(style)
        chosen = next((font_id for font_id in having
                       if self._font(font_id).emphasis == emphasis),
                      having[0] if having else None)
        self._fallback[key] = chosen
        return chosen

    def _split(self, text: str, font_key: str, style: str,
               fallback_ids: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """Text cut by font and script, as FPDF._parse_chars cuts it (without markdown):
        (font key, text) pieces (cached: labels come back on every incident)."""
        key = (text, font_key, style, fallback_ids)
        pieces = self._pieces.get(key)
        if pieces is None:
            pieces = self._pieces[key] = tuple(self._cut(text, font_key, style, fallback_ids))
        return pieces

    def _cut(self, text: str, font_key: str, style: str,
             fallback_ids: tuple[str, ...]) -> list[tuple[str, str]]:
        cmap = self._font(font_key).cmap
        chars = set(text)
        scripts = self._scripts
        if cmap.keys() >= set(map(ord, chars)) and len(
                set(map(scripts.__getitem__, chars)).difference(NO_SCRIPT)) <= 1:
            return [(font_key, text)]
        fallbacks = self._fallbacks.get((font_key, style, fallback_ids))
        if fallbacks is None:  # per character: "" for the line's font, else a fallback's
            fallbacks = self._fallbacks[(font_key, style, fallback_ids)] = Memo(
                lambda char: "" if char == "\n" or ord(char) in cmap
                else self._fallback_for(char, style, fallback_ids) or "")
        out: list[tuple[str, str]] = []
        start = 0
        fallback: str | None = None
        script: UnicodeScript | None = None
        for index, char in enumerate(text):
            char_script = scripts[char]
            if char_script not in NO_SCRIPT and char_script != script:
                if index > start and script:
                    out.append((fallback or font_key, text[start:index]))
                    start = index
                    fallback = None
                script = char_script
            chosen = fallbacks[char] or None
            if chosen == fallback or (chosen is None and index == start):
                fallback = chosen
                continue
            # A fallback font starts or ends here (FPDF._parse_chars: a new fragment; the
            # script is forgotten when a fallback fragment ends).
            if index > start:
                out.append((fallback or font_key, text[start:index]))
                start = index
                if fallback:
                    script = None
            fallback = chosen
        if len(text) > start:
            out.append((fallback or font_key, text[start:]))
        return out

    # Shaping ----------------------------------------------------------------------------

    def _templates_of(self, key: str, text: str, size: float,
                      rtl: bool) -> tuple[Template, ...]:
        """A piece of one font and direction as templates, in visual order (cached)."""
        cache_key = (key, text, size, rtl)
        templates = self._pieces_shaped.get(cache_key)
        if templates is not None:
            return templates
        if key in self.plain_fonts:
            if not rtl and all(map(self.plain.__getitem__, text)):
                templates = (self._plain(key, text, size),)
            else:
                templates = (self._template(key, text, size, rtl),)
        else:
            shaped = self._templates.get
            out: list[Template] = []
            space = self._template(key, " ", size, rtl)
            for index, word in enumerate(text.split(" ")):
                if index:
                    out.append(space)
                if word:
                    out.append(shaped((key, word, size, rtl))
                               or self._template(key, word, size, rtl))
            if rtl:
                out.reverse()
            templates = tuple(out)
        if len(text) < 40:  # labels and names come back; long runs seldom do
            self._pieces_shaped[cache_key] = templates
        return templates

    def _plain(self, key: str, text: str, size: float) -> Template:
        """Text written as FPDF.text writes it: the font's codes and widths, no shaping."""
        font = self._font(key)
        codes = self._plain_codes.get(key)
        if codes is None:
            codes = self._plain_codes[key] = Memo(
                lambda char: self._code(font, char))
        width = sum(map(font.cw.__getitem__, map(ord, text)))
        shown = f"({''.join(map(codes.__getitem__, text))}) Tj"
        return Template((shown,), width * size * 0.001, shown)

    @staticmethod
    def _code(font: TTFFont, char: str) -> str:
        """A character's escaped code in the font's subset, as TTFFont.encode_text has it."""
        code = font.subset.pick(ord(char))
        return "" if code is None else font.escape_text(chr(code))

    def _template(self, key: str, text: str, size: float, rtl: bool) -> Template:
        """A run shaped by HarfBuzz as TTFFont.shape_text shapes it, written as
        Fragment.render_with_text_shaping writes it (with moves relative to its start)."""
        cache_key = (key, text, size, rtl)
        template = self._templates.get(cache_key)
        if template is not None:
            return template
        font = self._font(key)
        hbfont = font.hbfont
        hbfont.ptem = size
        buffer = hb.Buffer()
        buffer.cluster_level = 1
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if rtl else "ltr"
        hb.shape(hbfont, buffer, {})
        infos, positions = buffer.glyph_infos, buffer.glyph_positions
        # Each glyph gets the characters of its cluster (the first glyph of a cluster gets
        # them all, the others none), as fpdf2 does for the font's ToUnicode map.
        clusters = sorted({info.cluster for info in infos})
        owners: dict[int, list[int]] = {}
        position = 0
        for index in range(len(text)):
            while position + 1 < len(clusters) and clusters[position + 1] <= index:
                position += 1
            owner = clusters[position] if clusters else 0
            owners.setdefault(owner, []).append(ord(text[index]))
        unit = font.scale * size / 1000  # points per font unit
        ops: list[str | tuple[float, float]] = []
        pending: list[str] = []  # glyph codes not yet shown
        pen_x = pen_y = 0.0
        widths = 0

        def move(x: float, y: float) -> None:
            if pending:
                ops.append(f"({''.join(pending)}) Tj")
                pending.clear()
            ops.append((x, y))

        for info, pos in zip(infos, positions, strict=True):
            mapped = self._glyph(font, key, info.codepoint,
                                 tuple(owners.pop(info.cluster, ())))
            if mapped is None:
                continue
            code, width = mapped
            if pos.x_offset or pos.y_offset:
                move(pen_x + pos.x_offset * unit, pen_y + pos.y_offset * unit)
            pending.append(code)
            pen_x += pos.x_advance * unit
            pen_y -= pos.y_advance * unit
            widths += round(font.scale * pos.x_advance + 0.001)
            if (width != pos.x_advance or pos.x_offset or pos.y_offset
                    or pos.y_advance):
                move(pen_x, pen_y)
        if pending:
            ops.append(f"({''.join(pending)}) Tj")
        shown = ops[0] if len(ops) == 1 and isinstance(ops[0], str) else None
        template = self._templates[cache_key] = Template(tuple(ops), widths * size * 0.001,
                                                         shown)
        return template

    def _glyph(self, font: TTFFont, key: str, glyph_id: int,
               chars: tuple[int, ...]) -> tuple[str, int] | None:
        """A glyph's escaped code in the font's subset and its width (1/1000 em)."""
        cache_key = (key, glyph_id, chars)
        if cache_key in self._glyphs:
            return self._glyphs[cache_key]
        metrics = self._metrics.get(key)
        if metrics is None:
            metrics = self._metrics[key] = (font.ttfont["hmtx"].metrics,
                                            font.ttfont.getGlyphOrder())
        name = metrics[1][glyph_id]
        width = round(font.scale * metrics[0][name][0])
        glyph = font.subset.get_glyph(glyph=glyph_id, unicode=chars, glyph_name=name,
                                      glyph_width=width)
        code = font.subset.pick_glyph(glyph) if glyph is not None else None
        mapped = None if code is None else (font.escape_text(chr(code)), width)
        self._glyphs[cache_key] = mapped
        return mapped


__all__ = ["Memo", "ShapedLine", "ShapedWriter", "bidi_code", "level_runs", "resolve_levels",
           "visual_runs"]
