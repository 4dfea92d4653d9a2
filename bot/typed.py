"""Typed text to a button's action: a label, its number, or a word such as "yes"."""

from __future__ import annotations

import unicodedata

from bot.i18n import Translator
from flows.screen import Screen
from flows.words import ANSWER_WORDS, GLOBAL_WORDS


def normalise(text: str) -> str:
    """Letters, digits and single spaces, case-folded: "◀ Back!" -> "back"."""
    kept = (
        ch if unicodedata.category(ch)[0] in "LNM" or ch == "'" else " "
        for ch in unicodedata.normalize("NFKC", text).replace("’", "'")
    )
    return " ".join("".join(kept).casefold().split())


def _words(translator: Translator, english: Translator, text: object) -> set[str]:
    """A comma-separated word list in the user's language and in English."""
    words: set[str] = set()
    for tr in {translator.lang: translator, english.lang: english}.values():
        words.update(normalise(w) for w in tr.label(text).split(","))  # type: ignore[arg-type]
    words.discard("")
    return words


def typed_action(text: str, screen: Screen, tr: Translator, english: Translator) -> str | None:
    """The action a typed message stands for on this screen, or None."""
    said = normalise(text)
    if not said or len(said) > 200:
        return None
    buttons = [button for row in screen.buttons for button in row]
    if said.isdigit() and 1 <= int(said) <= len(buttons):
        return buttons[int(said) - 1].action
    for button in buttons:
        if normalise(tr.label(button.label)) == said:
            return button.action
    for code, words in ANSWER_WORDS.items():
        if said in _words(tr, english, words):
            for button in buttons:
                if button.action.endswith(f":{code}"):
                    return button.action
    for action, words in GLOBAL_WORDS.items():
        if said in _words(tr, english, words):
            return action
    return None
