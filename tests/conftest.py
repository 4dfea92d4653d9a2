"""Fixtures shared by the tests: the fake Bot API on 127.0.0.1 and a real store.

The store is a SQLite file unless a module asks for both backends with
`backend = both_backends` (see tests/test_store.py); PostgreSQL is a real server, started
by tools/postgres.py unless TEST_DATABASE_URL names one, and every test gets a schema of
its own, dropped afterwards.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from bot.logs import LIBRARIES, configure_logging
from bot.storage import Store
from tests.fakeapi import FakeBotApi
from tools import postgres


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A fake Telegram Bot API server for this test."""
    with FakeBotApi() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a real PostgreSQL server for the tests."""
    return os.environ.get("TEST_DATABASE_URL") or postgres.ensure()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose tables live in a fresh schema of their own, dropped after the test."""
    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[arg-type]


@pytest.fixture
def backend() -> str:
    """SQLite, unless a module overrides this fixture with both_backends."""
    return "sqlite"


@pytest.fixture(params=["sqlite", "postgresql"])
def both_backends(request: pytest.FixtureRequest) -> str:
    """Run the test once on each backend."""
    return str(request.param)


@pytest.fixture
def database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where a store for this test lives: a SQLite file or a PostgreSQL schema's URL."""
    if backend == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return tmp_path / "bot.sqlite3"


@pytest.fixture
def store(database: Path | str) -> Iterator[Store]:
    """A real store, empty at first."""
    db = Store(database)
    yield db
    db.close()


@pytest.fixture
def operator_log() -> Iterator[Callable[[str], io.StringIO]]:
    """The bot's own log handler at a level, as an operator sets it up; what it writes."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in LIBRARIES})

    def configure(level: str) -> io.StringIO:
        stream = io.StringIO()
        configure_logging(level, stream)
        return stream

    yield configure
    root.handlers[:], level, libraries = saved
    root.setLevel(level)
    for name, library_level in libraries.items():
        logging.getLogger(name).setLevel(library_level)
