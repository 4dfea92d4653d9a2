"""Words a person may type instead of tapping a button, in every language.

Each msgid is a comma-separated list, so translators can add the words people really use.
"""

from __future__ import annotations

from flows.text import Text, _

# Typed answers: the code at the end of an answer button's action ("answer:3:y").
ANSWER_WORDS: dict[str, Text] = {
    # Translators: words that mean "yes", separated by commas.
    "y": _("yes, y, yeah, yep"),
    # Translators: words that mean "no", separated by commas.
    "n": _("no, n, nope"),
    # Translators: words that mean "not sure", separated by commas.
    "u": _("not sure, unsure, don't know, maybe"),
}

# Typed words that work on every screen.
GLOBAL_WORDS: dict[str, Text] = {
    # Translators: words that mean "leave this chat now", separated by commas.
    "exit": _("exit, quit, leave, close"),
    # Translators: words that mean "show the main menu", separated by commas.
    "menu": _("menu, main menu, home"),
}
