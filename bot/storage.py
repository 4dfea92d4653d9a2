"""The store: one SQLite file (WAL) or a PostgreSQL database, written through on every update.

The same calls and the same SQL on both (bot/database.py); PostgreSQL lets several bot
processes share the data. What is stored:
- sessions: where each chat is in the conversation, its settings, when it clears itself;
- ledger: the ids (never the text) of the chat's messages for up to 48 hours, so the
  quick exit can delete them;
- pending_wipes: wipes started but not finished, finished again after a crash;
- diary_entries, diary_drafts, diary_pins: the incident diary, every entry and draft
  encrypted (bot/diary_store.py), the PIN only as a slow salted hash; meta holds the
  diary key's check value. The quick exit keeps the diary; /forget (delete) erases it.
Nothing else about a person is stored.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from pathlib import Path

from bot.database import Database, connect
from flows.session import Session

DELETABLE_FOR = 48 * 3600  # Telegram lets a bot delete messages for 48 hours
GAP_LIMIT = 50  # the most lost ids the ledger fills in between two it knows

# Each entry moves the schema one version on; SQLite's PRAGMA user_version, or PostgreSQL's
# schema_version table, records where it is. Both tuples always have the same length.
SQLITE_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS sessions (
        chat_id    INTEGER PRIMARY KEY,
        data       TEXT    NOT NULL,
        updated_at INTEGER NOT NULL
    );
    """,
    """
    ALTER TABLE sessions ADD COLUMN wipe_at REAL;
    CREATE TABLE ledger (
        chat_id    INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        at         INTEGER NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX ledger_at ON ledger (at);
    CREATE TABLE pending_wipes (
        chat_id INTEGER PRIMARY KEY,
        since   INTEGER NOT NULL
    );
    """,
    """
    CREATE TABLE diary_entries (
        chat_id    INTEGER,
        number     INTEGER,
        created_at INTEGER,
        nonce      BLOB,
        blob       BLOB,
        PRIMARY KEY (chat_id, number)
    ) WITHOUT ROWID;
    CREATE TABLE diary_drafts (
        chat_id INTEGER PRIMARY KEY,
        nonce   BLOB,
        blob    BLOB
    );
    CREATE TABLE diary_pins (
        chat_id      INTEGER PRIMARY KEY,
        salt         BLOB,
        hash         BLOB,
        wrong        INTEGER NOT NULL DEFAULT 0,
        locked_until REAL
    );
    CREATE TABLE meta (
        name  TEXT PRIMARY KEY,
        value BLOB
    );
    """,
    # When an entry was written is sealed inside it: no plain timestamps beside it.
    """
    ALTER TABLE diary_entries DROP COLUMN created_at;
    """,
)

POSTGRES_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS sessions (
        chat_id    BIGINT PRIMARY KEY,
        data       TEXT   NOT NULL,
        updated_at BIGINT NOT NULL
    );
    """,
    """
    ALTER TABLE sessions ADD COLUMN wipe_at DOUBLE PRECISION;
    CREATE TABLE ledger (
        chat_id    BIGINT NOT NULL,
        message_id BIGINT NOT NULL,
        at         BIGINT NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    );
    CREATE INDEX ledger_at ON ledger (at);
    CREATE TABLE pending_wipes (
        chat_id BIGINT PRIMARY KEY,
        since   BIGINT NOT NULL
    );
    """,
    """
    CREATE TABLE diary_entries (
        chat_id    BIGINT,
        number     INTEGER,
        created_at BIGINT,
        nonce      BYTEA,
        blob       BYTEA,
        PRIMARY KEY (chat_id, number)
    );
    CREATE TABLE diary_drafts (
        chat_id BIGINT PRIMARY KEY,
        nonce   BYTEA,
        blob    BYTEA
    );
    CREATE TABLE diary_pins (
        chat_id      BIGINT PRIMARY KEY,
        salt         BYTEA,
        hash         BYTEA,
        wrong        INTEGER NOT NULL DEFAULT 0,
        locked_until DOUBLE PRECISION
    );
    CREATE TABLE meta (
        name  TEXT PRIMARY KEY,
        value BYTEA
    );
    """,
    """
    ALTER TABLE diary_entries DROP COLUMN created_at;
    """,
)
MIGRATIONS = {"sqlite": SQLITE_MIGRATIONS, "postgresql": POSTGRES_MIGRATIONS}

# Every table with a chat_id column: what /forget erases and rows_about counts.
CHAT_TABLES = (
    "sessions", "ledger", "pending_wipes", "diary_entries", "diary_drafts", "diary_pins",
)


class Store:
    """Sessions, the message ledger, pending wipes and the diary's tables."""

    def __init__(self, where: Path | str) -> None:
        """A SQLite file's path, or a postgresql:// URL; the schema is brought up to date."""
        self._db: Database = connect(where)
        self.label = self._db.label
        self._db.migrate(MIGRATIONS[self._db.dialect])

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self._db.dialect

    def chat_lock(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """Hold while applying one update of a chat: its updates go one at a time."""
        return self._db.chat_lock(chat_id)

    # --- sessions --------------------------------------------------------------------------

    def load(self, chat_id: int) -> Session | None:
        """The saved session of a chat, or None."""
        row = self._db.execute("SELECT data FROM sessions WHERE chat_id = ?", (chat_id,)).fetchone()
        return Session.from_json(row[0]) if row else None

    def save(self, chat_id: int, session: Session, wipe_at: float | None = None) -> None:
        """Write the session now (one small transaction), with when the chat clears itself."""
        self._db.execute(
            "INSERT INTO sessions (chat_id, data, updated_at, wipe_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(chat_id) DO UPDATE SET data = excluded.data, "
            "updated_at = excluded.updated_at, wipe_at = excluded.wipe_at",
            (chat_id, session.to_json(), int(time.time()), wipe_at),
        )

    def wipe_at(self, chat_id: int) -> float | None:
        """When the chat is due to clear itself, if ever."""
        row = self._db.execute(
            "SELECT wipe_at FROM sessions WHERE chat_id = ?", (chat_id,)
        ).fetchone()
        return row[0] if row else None

    def scheduled_wipes(self) -> list[tuple[int, float]]:
        """Every (chat id, time) at which a chat is due to clear itself."""
        return list(
            self._db.execute("SELECT chat_id, wipe_at FROM sessions WHERE wipe_at IS NOT NULL")
        )

    def claim_wipe(self, chat_id: int, now: float) -> bool:
        """Take a due auto-clear; False if it is not due, or another process took it first."""
        cursor = self._db.execute(
            "UPDATE sessions SET wipe_at = NULL "
            "WHERE chat_id = ? AND wipe_at IS NOT NULL AND wipe_at <= ?",
            (chat_id, now),
        )
        return cursor.rowcount == 1

    def forget_conversation(self, chat_id: int) -> None:
        """They blocked the bot: erase the conversation and its ledger; keep the diary."""
        with self._transaction():
            for table in ("sessions", "ledger", "pending_wipes"):
                self._db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))  # noqa: S608 - fixed names

    def delete(self, chat_id: int) -> None:
        """Erase everything stored about a chat."""
        with self._transaction():
            for table in CHAT_TABLES:
                self._db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))  # noqa: S608 - fixed names

    # --- the ledger ------------------------------------------------------------------------

    def remember(self, chat_id: int, message_ids: Iterable[int], at: float) -> None:
        """Note message ids of the chat (ids and times only).

        Ids in a private chat rise one by one and the bot sees every message the person
        sends, so a gap since the last noted id is a message of the bot's whose answer was
        lost (a send that timed out but arrived): it is noted too, so the quick exit
        deletes it. Gaps are filled up to GAP_LIMIT ids.
        """
        ids = sorted({i for i in message_ids if i})
        if not ids:
            return
        last = self._db.execute(
            "SELECT MAX(message_id) FROM ledger WHERE chat_id = ?", (chat_id,)
        ).fetchone()[0]
        if last is not None and 1 < ids[0] - last <= GAP_LIMIT:
            ids = [*range(last + 1, ids[0]), *ids]
        self._db.executemany(
            "INSERT INTO ledger (chat_id, message_id, at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id, message_id) DO NOTHING",
            [(chat_id, message_id, int(at)) for message_id in ids],
        )

    def deletable(self, chat_id: int, now: float) -> list[int]:
        """The chat's message ids that Telegram still lets the bot delete, oldest first."""
        rows = self._db.execute(
            "SELECT message_id FROM ledger WHERE chat_id = ? AND at > ? ORDER BY message_id",
            (chat_id, int(now) - DELETABLE_FOR),
        )
        return [row[0] for row in rows]

    def prune(self, now: float) -> int:
        """Forget message ids too old to delete; returns how many."""
        cursor = self._db.execute(
            "DELETE FROM ledger WHERE at <= ?", (int(now) - DELETABLE_FOR,)
        )
        return cursor.rowcount

    # --- wipes -----------------------------------------------------------------------------

    def begin_wipe(self, chat_id: int, keep: Session | None, now: float) -> None:
        """In one transaction: forget the conversation and note the wipe.

        With `keep` (the quick exit) the person's settings and diary stay; without it
        (/forget) every row about them goes, but for the message ids the wipe still needs.
        """
        with self._transaction():
            if keep is None:
                for table in CHAT_TABLES:
                    if table not in ("ledger", "pending_wipes"):
                        self._db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))  # noqa: S608 - fixed names
            else:
                self.save(chat_id, keep, None)
            self._db.execute(
                "INSERT INTO pending_wipes (chat_id, since) VALUES (?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET since = excluded.since",
                (chat_id, int(now)),
            )

    def end_wipe(self, chat_id: int) -> None:
        """The chat's messages are deleted: forget their ids and the pending wipe."""
        with self._transaction():
            self._db.execute("DELETE FROM ledger WHERE chat_id = ?", (chat_id,))
            self._db.execute("DELETE FROM pending_wipes WHERE chat_id = ?", (chat_id,))

    def pending_wipes(self) -> list[int]:
        """Chats whose wipe was started but not finished."""
        return [row[0] for row in self._db.execute("SELECT chat_id FROM pending_wipes")]

    def rows_about(self, chat_id: int) -> int:
        """How many rows in any table are about this chat (for /forget and its tests)."""
        return sum(
            self._db.execute(f"SELECT COUNT(*) FROM {table} WHERE chat_id = ?", (chat_id,)).fetchone()[0]  # noqa: S608, E501 - fixed names
            for table in CHAT_TABLES
        )

    def _transaction(self) -> AbstractContextManager[None]:
        return self._db.transaction()

    # --- for stores that share this database (bot/diary_store.py) --------------------------

    @property
    def db(self) -> Database:
        """The open database (autocommit; use transaction() to group writes)."""
        return self._db

    def transaction(self) -> AbstractContextManager[None]:
        """BEGIN ... COMMIT, or ROLLBACK on an error; nested, a savepoint."""
        return self._transaction()

    def close(self) -> None:
        """Close the database."""
        self._db.close()
