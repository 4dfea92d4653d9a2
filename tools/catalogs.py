"""The catalog workflow, around pybabel: extract, update, check, compile, add a language.

    python -m tools.catalogs extract    # code -> locales/messages.pot
    python -m tools.catalogs update     # messages.pot -> every locales/<lang>/.../messages.po
    python -m tools.catalogs check      # fails if the code and the catalogs have drifted apart
    python -m tools.catalogs lint [pl]  # empty, fuzzy, placeholders, tags, line breaks
    python -m tools.catalogs status     # the README's translation status table
    python -m tools.catalogs compile    # .po -> .mo (not committed; make run/test do this)
    python -m tools.catalogs init pl    # start a new language

English is the source language: its catalog is filled from the msgids, so it is complete
by construction. Every other language is translated by people.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
SOURCES = ("bot", "flows")
KEYWORDS = ("-k", "P_:1,2")
WIDTH = "100"


def pybabel(*args: str) -> None:
    """Run one pybabel command in this process; exit with its message on failure."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = POT) -> None:
    """Collect every msgid of the code (and the services file) into a template."""
    pybabel(
        "extract", "-F", str(ROOT / "pyproject.toml"), *KEYWORDS,
        "--no-location", "--omit-header", "--sort-output", "-w", WIDTH,
        "--add-comments", "Translators:", "-o", str(output), *(str(ROOT / s) for s in SOURCES),
    )


def fill_english(po: Path) -> None:
    """English msgstrs are the msgids: the source text is the English text."""
    with po.open("rb") as fp:
        catalog = read_po(fp, locale="en")
    for message in catalog:
        if not message.id:
            continue
        message.string = message.id
        message.flags.discard("fuzzy")
    with po.open("wb") as fp:
        write_po(fp, catalog, width=int(WIDTH), no_location=True, sort_output=True)


def update(template: Path = POT) -> None:
    """Merge the template into every catalog, then refill English."""
    pybabel(
        "update", "-i", str(template), "-d", str(LOCALES), "--no-fuzzy-matching",
        "--ignore-obsolete", "-w", WIDTH, "--ignore-pot-creation-date",
    )
    fill_english(LOCALES / "en" / "LC_MESSAGES" / "messages.po")


def init(lang: str) -> None:
    """Start a new language's catalog from the template."""
    pybabel("init", "-i", str(POT), "-d", str(LOCALES), "-l", lang, "--no-wrap")


def compile_all() -> None:
    """Compile every catalog to .mo; refuses catalogs with errors."""
    pybabel("compile", "-d", str(LOCALES), "--statistics")


def _messages(po: Path) -> dict[object, object]:
    """msgid -> msgstr of a catalog or template, ignoring the header."""
    with po.open("rb") as fp:
        catalog: Catalog = read_po(fp)
    return {m.id: m.string for m in catalog if m.id}


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
TAG = re.compile(r"</?[a-z]+[^>]*>")
BUTTON_LIMIT = 45


def problems(po: Path) -> list[str]:
    """Everything wrong with one catalog: empty, fuzzy, placeholders, tags, line breaks."""
    with po.open("rb") as fp:
        catalog = read_po(fp)
    found: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        name = ids[0][:60]
        if message.fuzzy:
            found.append(f"{name!r}: fuzzy")
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            found.append(f"{name!r}: {len(strings)} plural forms, expected {catalog.num_plurals}")
        for string in strings:
            if not string or not string.strip():
                found.append(f"{name!r}: not translated")
                continue
            expected = set(PLACEHOLDER.findall(ids[-1]))
            used = set(PLACEHOLDER.findall(string))
            # A plural form may leave out the count ("one sign"), never add a name.
            if used != expected and not (len(ids) > 1 and used <= expected):
                found.append(f"{name!r}: placeholders {sorted(used)}, expected {sorted(expected)}")
            if sorted(TAG.findall(string)) != sorted(TAG.findall(ids[0])):
                found.append(f"{name!r}: HTML tags {TAG.findall(string)}")
            if string.count("\n") != ids[0].count("\n"):
                found.append(f"{name!r}: line breaks differ from the English")
    for message, errors in catalog.check():
        found.extend(f"{str(message.id)[:60]!r}: {error}" for error in errors)
    return found


def lint(langs: list[str]) -> int:
    """Report the problems of the given catalogs (all when none are given)."""
    pos = sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))
    status = 0
    for po in pos:
        lang = po.parent.parent.name
        if langs and lang not in langs:
            continue
        found = problems(po)
        print(f"{lang}: {'ok' if not found else f'{len(found)} problems'}")
        for problem in found:
            print(f"  {problem}")
        status |= bool(found)
    return status


# Reviewed by a native speaker: set to "yes" (with who and when in the README) only once a
# native speaker has read every screen. Until then the README says plainly that they have not.
REVIEWED: dict[str, str] = {}


def status_table() -> str:
    """The README's translation status table: language, complete, reviewed."""
    from babel import Locale  # noqa: PLC0415 - only this command needs display names

    rows = [
        "| Language | Code | Complete | Reviewed by a native speaker |",
        "| --- | --- | --- | --- |",
    ]
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")):
        lang = po.parent.parent.name
        with po.open("rb") as fp:
            catalog = read_po(fp)
        messages = [m for m in catalog if m.id]
        done = sum(
            all(s.strip() for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
            and not m.fuzzy
            for m in messages
        )
        name = Locale.parse(lang).get_display_name("en")
        percent = 100 * done // max(len(messages), 1)
        reviewed = "source" if lang == "en" else REVIEWED.get(lang, "no")
        rows.append(f"| {name} | `{lang}` | {percent}% | {reviewed} |")
    return "\n".join(rows)


def check() -> int:
    """The code, the template and the catalogs agree: nothing to extract or update."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        if not POT.is_file() or set(_messages(fresh)) != set(_messages(POT)):
            print("locales/messages.pot is out of date: run `make extract update-catalogs`")
            return 1
        copy = Path(tmp) / "locales"
        shutil.copytree(LOCALES, copy, ignore=shutil.ignore_patterns("*.mo"))
        try:
            pybabel(
                "update", "--check", "-i", str(fresh), "-d", str(copy), "--no-fuzzy-matching",
                "--ignore-obsolete", "-w", WIDTH, "--ignore-pot-creation-date",
            )
        except SystemExit as stop:
            if stop.code:
                print("a catalog is out of date: run `make update-catalogs`")
                return 1
    return 0


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    command, *rest = argv or ["help"]
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        return check()
    elif command == "lint":
        return lint(rest)
    elif command == "status":
        print(status_table())
    elif command == "init" and len(rest) == 1:
        init(rest[0])
        update()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
