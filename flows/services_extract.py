"""Babel extractor for services files: each service's `about` is a gettext msgid.

pyproject.toml maps `flows/services.toml` to this method, so `pybabel extract` puts the
descriptions in the catalog with a comment naming the service for translators.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

_SERVICE_HEADER = re.compile(r"\s*\[\[\s*service\s*\]\]\s*(#.*)?")
_ABOUT_KEY = re.compile(r"""\s*(about|"about"|'about')\s*=""")

Extracted = tuple[int, None, str, list[str]]


# Babel calls every extractor with these four arguments; this one needs only the file.
def extract_services(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield (line, None, about, [translator comment]) for every service in the file."""
    text = fileobj.read().decode("utf-8")
    entries = tomllib.loads(text).get("service", [])
    header_lines, about_lines = _key_lines(text)
    for index, entry in enumerate(entries):
        about = entry.get("about") if isinstance(entry, dict) else None
        if not isinstance(about, str):
            continue
        lineno = about_lines.get(index) or header_lines.get(index, 1)
        name = entry.get("name") or entry.get("id") or f"service {index + 1}"
        yield lineno, None, about, [f"Description of the service: {name}"]


def _key_lines(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """Line numbers (1-based) of each [[service]] header and of its `about` key, by index."""
    headers: dict[int, int] = {}
    abouts: dict[int, int] = {}
    index = -1
    in_subtable = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if _SERVICE_HEADER.fullmatch(line):
            index += 1
            headers[index] = lineno
            in_subtable = False
        elif line.lstrip().startswith("["):
            in_subtable = True  # [[service.hours]] or another table: its keys are not the about
        elif index >= 0 and not in_subtable and index not in abouts and _ABOUT_KEY.match(line):
            abouts[index] = lineno
    return headers, abouts
