"""The store: one SQLite file (WAL), written through on every update.

Small on purpose: load, save and delete a session by chat id. A PostgreSQL backend can
implement the same three calls for several bot processes.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from flows.session import Session

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    chat_id    INTEGER PRIMARY KEY,
    data       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
"""


class Store:
    """Sessions by chat id in a SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)

    def load(self, chat_id: int) -> Session | None:
        """The saved session of a chat, or None."""
        row = self._db.execute("SELECT data FROM sessions WHERE chat_id = ?", (chat_id,)).fetchone()
        return Session.from_json(row[0]) if row else None

    def save(self, chat_id: int, session: Session) -> None:
        """Write the session now (one small transaction)."""
        self._db.execute(
            "INSERT INTO sessions (chat_id, data, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(chat_id) DO UPDATE SET data = excluded.data, "
            "updated_at = excluded.updated_at",
            (chat_id, session.to_json(), int(time.time())),
        )

    def delete(self, chat_id: int) -> None:
        """Erase everything stored about a chat."""
        self._db.execute("DELETE FROM sessions WHERE chat_id = ?", (chat_id,))

    def close(self) -> None:
        """Close the database file."""
        self._db.close()
