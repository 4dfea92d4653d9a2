"""The two databases the store runs on: a SQLite file (the default) or PostgreSQL.

Both take the same SQL with `?` placeholders, written in the dialect they share (UPSERT
with ON CONFLICT, no INSERT OR REPLACE). What differs lives here: connecting, the schema
version, transactions, and the lock that lets several bot processes share one PostgreSQL
server while each person's updates are applied one at a time.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import psycopg

LOCK_POLL = 0.005  # seconds between tries for a chat another process is working on
LOCK_POLL_MAX = 0.05


class Rows(Protocol):
    """What a query returns (a DB-API cursor)."""

    rowcount: int

    def fetchone(self) -> Any: ...  # noqa: ANN401 - a row of any shape
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """A connection the store runs its SQL on."""

    dialect: str
    label: str  # where the data is, for messages (never a password)

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def version(self) -> int: ...
    def migrate(self, scripts: Sequence[str]) -> None: ...
    def chat_lock(self, chat_id: int) -> AbstractAsyncContextManager[None]: ...
    def close(self) -> None: ...


class _ChatLocks:
    """One asyncio lock per chat, so a process runs one update of a person at a time."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users == 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)


class SqliteDatabase:
    """One SQLite file in WAL mode, for one bot process."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.label = str(path)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute("PRAGMA secure_delete=ON")  # deleted entries do not linger on disk
        self._locks = _ChatLocks()
        self._depth = 0

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        """Run one statement (autocommit unless inside transaction())."""
        return self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement for many rows."""
        self._db.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an error; inside one, a savepoint."""
        if self._db.in_transaction:
            name = f"nested_{self._depth}"
            self._depth += 1
            self._db.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            self._db.execute(f"RELEASE {name}")
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def version(self) -> int:
        """The schema version (PRAGMA user_version)."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, scripts: Sequence[str]) -> None:
        """Bring the schema up to date, one numbered step per transaction."""
        version = self.version()
        for number, script in enumerate(scripts[version:], start=version + 1):
            self._db.executescript(f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;")

    def chat_lock(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """One update of a person at a time (SQLite serves one process)."""
        return self._locks.hold(chat_id)

    def close(self) -> None:
        """Close the file."""
        self._db.close()


class PostgresDatabase:
    """A PostgreSQL database that several bot processes may share."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.label = f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"
        self._url = url
        self._db = self._connect()
        self._locks = _ChatLocks()

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self._url, autocommit=True, connect_timeout=10)
        except psycopg.Error as error:
            reason = " ".join(str(error).split())  # one line for the operator
            message = f"cannot connect to PostgreSQL at {self.label}: {reason}"
            raise DatabaseError(message) from error

    def _live(self) -> psycopg.Connection[Any]:
        """The connection, opened again if the server dropped it (a restart, a failover)."""
        if self._db.closed or self._db.broken:
            self._db = self._connect()
        return self._db

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        """Run one statement (autocommit unless inside transaction())."""
        return self._live().execute(_placeholders(sql), params)  # type: ignore[arg-type]

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement for many rows."""
        with self._live().cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)  # type: ignore[arg-type]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN ... COMMIT, or ROLLBACK on an error; inside one, a savepoint."""
        with self._live().transaction():
            yield

    def version(self) -> int:
        """The schema version, from the schema_version table."""
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def migrate(self, scripts: Sequence[str]) -> None:
        """Bring the schema up to date; processes starting together take turns."""
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            version = self.version()
            for number, script in enumerate(scripts[version:], start=version + 1):
                self._db.execute(script)  # type: ignore[arg-type]
                self._db.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))

    @asynccontextmanager
    async def _hold(self, chat_id: int) -> AsyncIterator[None]:
        async with self._locks.hold(chat_id):
            pause = LOCK_POLL
            while not self._try_lock(chat_id):
                await asyncio.sleep(pause)  # another process has this person's update
                pause = min(pause * 2, LOCK_POLL_MAX)
            try:
                yield
            finally:
                self._live().execute("SELECT pg_advisory_unlock(%s)", (chat_id,))

    def _try_lock(self, chat_id: int) -> bool:
        row = self._live().execute("SELECT pg_try_advisory_lock(%s)", (chat_id,)).fetchone()
        return bool(row and row[0])

    def chat_lock(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """One update of a person at a time, across every process on this database."""
        return self._hold(chat_id)

    def close(self) -> None:
        """Close the connection (which releases its locks)."""
        self._db.close()


MIGRATION_LOCK = 0x5354414C4B  # an advisory lock key of our own while migrating


class DatabaseError(Exception):
    """The database cannot be reached or used."""


def _placeholders(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (no statement of ours has a literal ? or %)."""
    return sql.replace("%", "%%").replace("?", "%s")


def is_url(where: Path | str) -> bool:
    """Whether `where` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))


def connect(where: Path | str) -> SqliteDatabase | PostgresDatabase:
    """A PostgreSQL URL opens PostgreSQL; anything else is a SQLite file's path."""
    if is_url(where):
        return PostgresDatabase(str(where))
    return SqliteDatabase(Path(where))

