"""Rendering flow text: escaping, locale formats, right-to-left isolation, fail-fast loading."""

from __future__ import annotations

import shutil
from datetime import date, time

import pytest
from babel.support import NullTranslations

from bot.i18n import LOCALES_DIR, LRI, PDI, CatalogError, Catalogs, Translator
from flows.text import P_, CalendarDate, Clock, Day, Lines, Link, Percent, Phone, Verbatim, _


def test_parameters_are_escaped_but_the_message_markup_is_kept():
    tr = Translator("en", NullTranslations())
    html = tr.text(_("<b>%(name)s</b>", name=Verbatim("A & B <x>")))
    assert html == "<b>A &amp; B &lt;x&gt;</b>"
    assert tr.text(_("<b>%(name)s</b>", name=Verbatim("A & B")), markup=False) == "A & B"


def test_english_dates_and_times_are_british():
    tr = Translator("en", NullTranslations())
    assert tr.text(_("%(t)s", t=Clock(time(9, 30)))) == "09:30"
    assert tr.text(_("%(d)s", d=Day(2))) == "Wednesday"
    assert tr.text(_("%(d)s", d=CalendarDate(date(2026, 12, 29)))) == "29 December 2026"
    assert tr.text(_("%(p)s", p=Percent(0.45))) == "45%"


def test_right_to_left_text_isolates_numbers_and_addresses():
    tr = Translator("ar", NullTranslations())
    assert tr.rtl
    out = tr.text(_("%(phone)s %(site)s", phone=Phone("0808 802 0300"), site=Link("a.org")))
    assert out == f"{LRI}0808 802 0300{PDI} {LRI}a.org{PDI}"
    assert Translator("pl", NullTranslations()).text(_("%(p)s", p=Phone("999"))) == "999"


def test_plurals_choose_by_count():
    tr = Translator("en", NullTranslations())
    assert tr.text(P_("%(count)s sign", "%(count)s signs", 1, count=1)) == "1 sign"
    assert tr.text(P_("%(count)s sign", "%(count)s signs", 3, count=3)) == "3 signs"


def test_a_broken_translation_falls_back_to_english_instead_of_failing():
    class Broken(NullTranslations):
        def gettext(self, message: str) -> str:
            return "%(wrong)s zepsute"

    tr = Translator("pl", Broken())
    assert tr.text(_("Call %(n)s", n=Phone("999"))) == "Call 999"


def test_lines_are_bulleted():
    tr = Translator("en", NullTranslations())
    assert tr.block(Lines((_("a"), _("b")))) == "• a\n• b"


def test_english_catalog_is_loaded_and_negotiated():
    catalogs = Catalogs()
    assert catalogs.languages[0] == "en"
    for code in ("en-GB", "en", "EN_us", None, "", "zz-ZZ", "not a code", "pt-BR"):
        assert catalogs.negotiate(code) in catalogs.languages


def test_a_missing_compiled_catalog_fails_loudly(tmp_path):
    shutil.copytree(LOCALES_DIR, tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    with pytest.raises(CatalogError, match="compiled catalog missing"):
        Catalogs(tmp_path / "locales")


def test_a_bare_ampersand_is_escaped_for_telegram_but_entities_are_kept():
    tr = Translator("en", NullTranslations())
    assert tr.text(_("Safety & emergency")) == "Safety &amp; emergency"
    assert tr.text(_("A &amp; B &lt;3")) == "A &amp; B &lt;3"
    assert tr.text(_("Safety & emergency"), markup=False) == "Safety & emergency"


def test_dates_are_not_forced_left_to_right_in_arabic():
    tr = Translator("ar", NullTranslations())
    text = tr.text(_("%(d)s", d=CalendarDate(date(2026, 12, 29))))
    assert LRI not in text and "ديسمبر" in text
    assert tr.text(_("%(p)s", p=Phone("0808 802 0300"))).startswith(LRI)
