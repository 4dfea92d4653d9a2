"""Fonts for the diary PDF, read once per process.

`FPDF.add_font` reads a TrueType file and works out its character map and widths in
Python: some 40 ms for Noto Sans, 20 ms for Noto Sans Arabic, on every export. What it
works out depends only on the file, so `add_font` here reads each file once, keeps that
font as a template, and gives each document a copy of it: the character map and widths
are shared (read only), what a document changes is made fresh - its number in the
document, the glyph subset it uses, its list of missing glyphs, and its own fontTools
font (FPDF.output subsets that one in place, then closes it; see `_open`).
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

LAYOUT_TABLES = ("GDEF", "GPOS", "GSUB")
_TEMPLATES: dict[tuple[str, str, float], TTFFont] = {}
_LOCK = threading.Lock()


def _open(path: Path) -> ttLib.TTFont:
    """The font file for fontTools, read lazily, without its OpenType layout tables:
    FPDF.output drops them from the embedded subset anyway, but fontTools reads through
    GPOS before it drops it (a good part of subsetting Noto Sans). (HarfBuzz shapes from
    the font file.) Bounding boxes are not recalculated when the subset is saved: the
    font's own are kept, as valid for the subset as for the whole font."""
    font = ttLib.TTFont(str(path), recalcTimestamp=False, recalcBBoxes=False, fontNumber=0,
                        lazy=True)
    for tag in LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    return font


def add_font(pdf: FPDF, family: str, style: str, path: Path) -> TTFFont:
    """Add a font to the document, as `pdf.add_font(family, style, path)` does."""
    fontkey = f"{family.lower()}{style}"
    stat = path.stat()
    key = (str(path), fontkey, stat.st_mtime)
    with _LOCK:
        template = _TEMPLATES.get(key)
        if template is None:
            loader = FPDF()
            loader.add_font(family, style, str(path))
            loaded = loader.fonts[fontkey]
            if not isinstance(loaded, TTFFont):  # pragma: no cover - add_font makes TTFFont
                raise TypeError(f"{path} did not load as a TrueType font")
            # What add_font read of the font's tables (its glyphs: some 11,000 objects for
            # the garbage collector to walk through) is not kept: each document opens
            # the file for itself.
            loaded.ttfont.close()
            loaded.ttfont = ttLib.TTFont()
            template = _TEMPLATES[key] = loaded
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.ttfont = _open(path)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # made from the file on first use, per document
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font
    return font


__all__ = ["add_font"]
