"""Operator metrics without personal data: counts only, no user ids, no text.

Exposed in Prometheus' text format on the webhook server's /metrics.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

COUNTERS: dict[str, str] = {
    "checks_started": "Checks started (the first question was shown).",
    "checks_finished": "Checks finished (the summary was shown).",
    "exits": "Quick exits and auto-clears (chats wiped).",
    "updates": "Updates handled.",
    "errors": "Updates that failed with an error.",
}


@dataclass
class Metrics:
    """Counters, and updates per language."""

    counts: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)

    def count(self, name: str, by: int = 1) -> None:
        """Add to a counter."""
        if name not in COUNTERS:
            raise KeyError(name)
        self.counts[name] += by

    def language(self, lang: str) -> None:
        """One update read in this language."""
        self.languages[lang] += 1

    def exposition(self) -> str:
        """Prometheus text format."""
        lines: list[str] = []
        for name, help_text in COUNTERS.items():
            metric = f"stalking_bot_{name}_total"
            lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} counter",
                      f"{metric} {self.counts[name]}"]
        metric = "stalking_bot_updates_by_language_total"
        lines += [f"# HELP {metric} Updates handled, by the language they were shown in.",
                  f"# TYPE {metric} counter"]
        lines += [f'{metric}{{lang="{lang}"}} {n}' for lang, n in sorted(self.languages.items())]
        return "\n".join(lines) + "\n"
