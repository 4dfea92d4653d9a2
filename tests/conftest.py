"""Fixtures shared by the tests: the fake Bot API on 127.0.0.1 and a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Store
from tests.fakeapi import FakeBotApi


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A fake Telegram Bot API server for this test."""
    with FakeBotApi() as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real SQLite store in a fresh file."""
    db = Store(tmp_path / "bot.sqlite3")
    yield db
    db.close()
