"""Languages: the compiled catalogs, choosing a language, and rendering flow text.

Catalogs are loaded once at start and a missing one fails loudly (Babel's
`Translations.load` would quietly fall back to English otherwise).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from flows.screen import Block
from flows.text import (
    CalendarDate,
    Clock,
    Day,
    Lines,
    Link,
    Param,
    Percent,
    Phone,
    Text,
    Verbatim,
)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
# Babel formats English the British way: 09:30, 29 December 2026.
FORMAT_LOCALES = {"en": "en_GB"}
LRI, PDI = "\u2066", "\u2069"  # left-to-right isolate: keeps 0808 802 0300 in order in RTL text
RLM = "\u200f"  # right-to-left mark: a line starting with a number still reads from the right
MIRRORED = str.maketrans({"◀": "▶", "▶": "◀"})
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# "Safety & emergency": Telegram refuses a bare & in HTML, so translated text escapes it.
BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")


class CatalogError(RuntimeError):
    """A catalog is missing or cannot be read."""


@dataclass
class Translator:
    """Renders flow text in one language."""

    lang: str
    translations: NullTranslations
    locale: Locale = field(init=False)
    rtl: bool = field(init=False)

    def __post_init__(self) -> None:
        self.locale = Locale.parse(FORMAT_LOCALES.get(self.lang, self.lang))
        self.rtl = self.locale.character_order == "right-to-left"

    def block(self, block: Block, *, markup: bool = True) -> str:
        """A paragraph, a list or a verbatim value, as HTML (markup) or plain text."""
        if isinstance(block, Lines):
            return "\n".join(block.bullet + self.block(item, markup=markup) for item in block.items)
        if isinstance(block, Verbatim):
            return html.escape(block.value, quote=False) if markup else block.value
        return self.text(block, markup=markup)

    def text(self, text: Text, *, markup: bool = True) -> str:
        """Translate, then format the parameters for the locale."""
        if text.plural is not None and text.count is not None:
            message = self.translations.ngettext(text.msgid, text.plural, text.count)
        else:
            message = self.translations.gettext(text.msgid)
        message = BARE_AMPERSAND.sub("&amp;", message) if markup else TAG.sub("", message)
        if not text.params:
            return message
        values = {name: self.param(value, markup=markup) for name, value in text.params.items()}
        try:
            return message % values
        except (KeyError, ValueError, TypeError):
            # A broken translation must never break the screen: fall back to English.
            source = text.msgid if text.count in (None, 1) else (text.plural or text.msgid)
            source = BARE_AMPERSAND.sub("&amp;", source) if markup else TAG.sub("", source)
            return source % values

    def label(self, text: Text | Verbatim) -> str:
        """A button label: plain text; in right-to-left text the arrows point the other way."""
        label = self.block(text, markup=False)
        return label.translate(MIRRORED) if self.rtl else label

    def screen(self, blocks: tuple[Block, ...], *, markup: bool = True) -> str:
        """A whole message: paragraphs separated by blank lines.

        In right-to-left languages every line starts with a right-to-left mark, so a line
        that begins with a number or an emoji still reads from the right.
        """
        text = "\n\n".join(self.block(b, markup=markup) for b in blocks)
        if self.rtl:
            text = "\n".join(RLM + line if line else line for line in text.split("\n"))
        return text

    def param(self, value: Param, *, markup: bool) -> str:
        """One parameter, formatted for the locale."""
        if isinstance(value, Text | Lines | Verbatim):
            return self.block(value, markup=markup)
        if isinstance(value, Phone | Link):
            raw = value.number if isinstance(value, Phone) else value.address
            shown = html.escape(raw, quote=False) if markup else raw
            return f"{LRI}{shown}{PDI}" if self.rtl else shown
        if isinstance(value, Day):
            return str(self.locale.days["format"]["wide"][value.weekday])
        if isinstance(value, Clock):
            return self._isolate(format_time(value.value, "HH:mm", locale=self.locale))
        if isinstance(value, CalendarDate):
            # Not isolated: "29 ديسمبر 2026" must read right to left with its month name;
            # the digits of "29/12/2026" keep their order without help.
            return format_date(value.value, value.style, locale=self.locale)
        if isinstance(value, Percent):
            return self._isolate(format_percent(value.fraction, locale=self.locale))
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return format_decimal(value, locale=self.locale)
        return html.escape(value, quote=False) if markup else value

    def _isolate(self, value: str) -> str:
        """Keep numbers and times in left-to-right order inside right-to-left text."""
        return f"{LRI}{value}{PDI}" if self.rtl else value


class Catalogs:
    """Every compiled catalog under locales/, loaded once."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self._translators: dict[str, Translator] = {}
        for po in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            lang = po.parent.parent.name
            mo = po.with_suffix(".mo")
            if not mo.is_file():
                raise CatalogError(f"{mo}: compiled catalog missing; run `make catalogs`")
            try:
                with mo.open("rb") as fp:
                    translations = Translations(fp=fp, domain=DOMAIN)
                self._translators[lang] = Translator(lang, translations)
            except (OSError, UnknownLocaleError, ValueError) as error:
                raise CatalogError(f"{mo}: cannot be read ({error})") from error
        if DEFAULT_LANGUAGE not in self._translators:
            raise CatalogError(f"{directory}: no English catalog; run `make catalogs`")

    @property
    def languages(self) -> tuple[str, ...]:
        """The language codes shipped, English first."""
        rest = sorted(code for code in self._translators if code != DEFAULT_LANGUAGE)
        return (DEFAULT_LANGUAGE, *rest)

    def match(self, code: str | None) -> str | None:
        """Telegram's language_code ("en-GB", "pt-br") to a shipped language, or None."""
        if not code:
            return None
        try:
            locale = Locale.parse(code.replace("_", "-"), sep="-")
        except (ValueError, TypeError, UnknownLocaleError):
            return None
        wanted = [str(locale), locale.language]
        return negotiate_locale(wanted, list(self._translators))

    def negotiate(self, code: str | None) -> str:
        """The shipped language for a language_code, English when there is none."""
        return self.match(code) or DEFAULT_LANGUAGE

    def translator(self, lang: str) -> Translator:
        """The translator for a language; English when the language is not shipped."""
        return self._translators.get(lang) or self._translators[DEFAULT_LANGUAGE]
