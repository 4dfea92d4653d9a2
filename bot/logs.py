"""Logging that never carries message text, bot tokens or user ids.

python-telegram-bot logs every request's parameters and every received update at DEBUG,
and httpx logs each request's address (which holds the token) at INFO. Those loggers are
held at WARNING whatever level the operator chooses; BOT_LOG_LEVEL applies to the bot's
own modules, which log only event kinds and state names. Tornado (the webhook server) logs
every request it serves at INFO; at WARNING it still logs refused requests and errors.
fontTools and fpdf2 (the diary PDF) list the glyphs they keep: a trace of what was written.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from pathlib import Path
from typing import TextIO

TOKEN_IN_TEXT = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{20,}")
LIBRARIES = (
    "telegram", "httpx", "httpcore", "apscheduler", "transitions", "asyncio", "tornado",
    "fontTools", "fpdf",
)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes bot tokens from the line and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, with tokens replaced by <token>."""
        return TOKEN_IN_TEXT.sub("<token>", super().format(record))


def configure_logging(level: str, stream: TextIO | None = None) -> logging.Handler:
    """One handler with redaction; libraries that log content are held at WARNING."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for library in LIBRARIES:
        logging.getLogger(library).setLevel(logging.WARNING)
    return handler


class Pseudonyms:
    """Chat ids in logs as a keyed hash: lines of one chat can be followed, not traced back."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def of(self, chat_id: int) -> str:
        """A short stable pseudonym for a chat id."""
        return hmac.new(self._key, str(chat_id).encode(), hashlib.sha256).hexdigest()[:12]

    @classmethod
    def from_file(cls, path: Path) -> Pseudonyms:
        """The key kept in the data directory, created on first run, readable only by us."""
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
        return cls(path.read_bytes())
