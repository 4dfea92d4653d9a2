"""The incident diary at rest: `DiaryPort` over the bot's SQLite store, encrypted.

Every entry and draft is AES-GCM of its JSON under one 256-bit diary key, with a fresh
nonce per write and associated data that binds the ciphertext to its row (chat and number),
so a row copied to another chat or number does not decrypt. A PIN is kept only as a salted
scrypt hash. No entry text, PIN or chat id reaches the database in clear or the logs.

The key comes from BOT_DIARY_KEY or, failing that, from `diary.key` in the data directory
(created on first run, readable only by us). A check value in `meta` makes a wrong key fail
at start, loudly, rather than later on the first entry read.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.database import Database
from bot.storage import Store
from flows.diary_model import PIN_LOCKOUT_MINUTES, PIN_TRIES, Entry, PinResult

KEY_ENV = "BOT_DIARY_KEY"
KEY_FILE = "diary.key"
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
KEY_CHECK_NAME = "diary_key_check"
KEY_CHECK_PLAIN = b"stalking-support-bot diary key check v1"
KEY_CHECK_AAD = b"meta:" + KEY_CHECK_NAME.encode()


class DiaryKeyError(RuntimeError):
    """The diary key is malformed, unreadable, or does not match the stored diary."""


# --- the key ----------------------------------------------------------------------------------


def load_key(data_dir: Path, environ: Mapping[str, str]) -> bytes:
    """The diary key: BOT_DIARY_KEY (urlsafe base64 of 32 bytes) wins, else data_dir/diary.key."""
    raw = environ.get(KEY_ENV, "").strip()
    if raw:
        return _key_from_env(raw)
    return _key_from_file(data_dir / KEY_FILE)


def _key_from_env(raw: str) -> bytes:
    padded = raw + "=" * (-len(raw) % 4)
    try:
        key = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise DiaryKeyError(
            f"{KEY_ENV}: is not urlsafe base64 of {KEY_BYTES} bytes "
            '(make one with: python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    return key


def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        _create_key_file(path)
    try:
        key = path.read_bytes()
    except OSError as error:
        raise DiaryKeyError(f"{path}: cannot be read ({error.strerror})") from error
    if len(key) != KEY_BYTES:
        raise DiaryKeyError(f"{path}: is not a diary key of {KEY_BYTES} bytes")
    return key


def _create_key_file(path: Path) -> None:
    """A new random key, readable only by us, that appears whole or not at all.

    It is written to a private temporary file first and then linked into place, so a
    process starting at the same moment never reads half a key (and one of them wins).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(KEY_BYTES))
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs wins
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# --- encryption and times ---------------------------------------------------------------------


class _Cipher:
    """AES-GCM with a fresh nonce per message; a failed tag is a DiaryKeyError."""

    def __init__(self, key: bytes, where: str) -> None:
        if len(key) != KEY_BYTES:
            raise DiaryKeyError(f"the diary key must be {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)
        self._where = where

    def seal(self, plain: bytes, aad: bytes) -> tuple[bytes, bytes]:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce, self._aead.encrypt(nonce, plain, aad)

    def open(self, nonce: bytes, blob: bytes, aad: bytes) -> bytes:
        try:
            return self._aead.decrypt(nonce, blob, aad)
        except InvalidTag as error:
            raise DiaryKeyError(
                f"a diary row in {self._where} does not decrypt: "
                "it was damaged, moved to another chat or number, or written with another key"
            ) from error

    def seal_entry(self, entry: Entry, aad: bytes) -> tuple[bytes, bytes]:
        return self.seal(json.dumps(entry.to_dict()).encode(), aad)

    def open_entry(self, nonce: bytes, blob: bytes, aad: bytes) -> Entry:
        return Entry.from_dict(json.loads(self.open(nonce, blob, aad)))


def _entry_aad(chat_id: int, number: int) -> bytes:
    return b"entry:%d:%d" % (chat_id, number)


def _draft_aad(chat_id: int) -> bytes:
    return b"draft:%d" % chat_id


def _posix(when: datetime) -> float:
    if when.tzinfo is None:
        raise ValueError("diary times must be timezone-aware")
    return when.timestamp()


def _utc(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _pin_hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


# --- the diaries ------------------------------------------------------------------------------


class Diaries:
    """Every person's diary in the store, under one key checked when opened."""

    def __init__(self, store: Store, key: bytes) -> None:
        self._store = store
        self._cipher = _Cipher(key, store.label)
        self._check_key()

    def _check_key(self) -> None:
        """Create the key-check value on first use; otherwise it must decrypt."""
        nonce, blob = self._cipher.seal(KEY_CHECK_PLAIN, KEY_CHECK_AAD)
        db = self._store.db
        db.execute(
            "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (KEY_CHECK_NAME, nonce + blob),
        )
        value = db.execute("SELECT value FROM meta WHERE name = ?", (KEY_CHECK_NAME,)).fetchone()[0]
        try:
            plain = self._cipher.open(value[:NONCE_BYTES], value[NONCE_BYTES:], KEY_CHECK_AAD)
        except DiaryKeyError:
            plain = b""
        if plain != KEY_CHECK_PLAIN:
            raise DiaryKeyError(
                f"the diary key does not match the diary in {self._store.label}: "
                f"restore {KEY_ENV} or {KEY_FILE}"
            )

    def for_chat(self, chat_id: int) -> ChatDiary:
        """One person's diary."""
        return ChatDiary(self._store, self._cipher, chat_id)


class ChatDiary:
    """One chat's diary: a `DiaryPort` that behaves exactly like `MemoryDiary`."""

    def __init__(self, store: Store, cipher: _Cipher, chat_id: int) -> None:
        self._store = store
        self._db: Database = store.db
        self._cipher = cipher
        self._chat = chat_id

    # --- the PIN ---------------------------------------------------------------------------

    def has_pin(self) -> bool:
        row = self._pin_row()
        return row is not None and row[1] is not None

    def set_pin(self, pin: str) -> None:
        salt = secrets.token_bytes(SALT_BYTES)
        self._db.execute(
            "INSERT INTO diary_pins (chat_id, salt, hash, wrong, locked_until) "
            "VALUES (?, ?, ?, 0, NULL) ON CONFLICT (chat_id) DO UPDATE SET salt = excluded.salt, "
            "hash = excluded.hash, wrong = 0, locked_until = NULL",
            (self._chat, salt, _pin_hash(pin, salt)),
        )

    def try_pin(self, pin: str, now: datetime) -> PinResult:
        if (until := self.locked_until(now)) is not None:
            return PinResult(False, 0, until)
        right = self._pin_matches(pin)  # slow: outside the write lock
        with self._store.transaction():
            _salt, _digest, wrong, until_seconds = self._pin_row() or (None, None, 0, None)
            if until_seconds is not None and _posix(now) < until_seconds:
                return PinResult(False, 0, _utc(until_seconds))  # locked meanwhile
            if right:
                self._write_tries(0, None)
                return PinResult(True)
            return self._wrong_pin(wrong + 1, until_seconds, now)

    def _pin_matches(self, pin: str) -> bool:
        row = self._pin_row()
        if row is None or row[0] is None or row[1] is None:
            return False
        return hmac.compare_digest(_pin_hash(pin, row[0]), row[1])

    def _wrong_pin(self, wrong: int, until: float | None, now: datetime) -> PinResult:
        if wrong >= PIN_TRIES:
            locked = now + timedelta(minutes=PIN_LOCKOUT_MINUTES)
            self._write_tries(0, _posix(locked))
            return PinResult(False, 0, _utc(_posix(locked)))
        self._write_tries(wrong, until)
        return PinResult(False, PIN_TRIES - wrong)

    def _write_tries(self, wrong: int, until: float | None) -> None:
        """Record the count of wrong tries (a row without a hash if no PIN is set)."""
        self._db.execute(
            "INSERT INTO diary_pins (chat_id, wrong, locked_until) VALUES (?, ?, ?) "
            "ON CONFLICT(chat_id) DO UPDATE SET wrong = excluded.wrong, "
            "locked_until = excluded.locked_until",
            (self._chat, wrong, until),
        )

    def locked_until(self, now: datetime) -> datetime | None:
        row = self._pin_row()
        until = row[3] if row else None
        return _utc(until) if until is not None and _posix(now) < until else None

    def _pin_row(self) -> tuple[bytes | None, bytes | None, int, float | None] | None:
        return self._db.execute(
            "SELECT salt, hash, wrong, locked_until FROM diary_pins WHERE chat_id = ?",
            (self._chat,),
        ).fetchone()

    # --- the draft -------------------------------------------------------------------------

    def draft(self) -> Entry | None:
        row = self._db.execute(
            "SELECT nonce, blob FROM diary_drafts WHERE chat_id = ?", (self._chat,)
        ).fetchone()
        return self._cipher.open_entry(row[0], row[1], _draft_aad(self._chat)) if row else None

    def save_draft(self, entry: Entry) -> None:
        nonce, blob = self._cipher.seal_entry(entry, _draft_aad(self._chat))
        self._db.execute(
            "INSERT INTO diary_drafts (chat_id, nonce, blob) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET nonce = excluded.nonce, blob = excluded.blob",
            (self._chat, nonce, blob),
        )

    def discard_draft(self) -> None:
        self._db.execute("DELETE FROM diary_drafts WHERE chat_id = ?", (self._chat,))

    # --- entries ---------------------------------------------------------------------------

    def add(self, entry: Entry, now: datetime) -> int:
        with self._store.transaction():
            number = self._db.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM diary_entries WHERE chat_id = ?",
                (self._chat,),
            ).fetchone()[0]
            self._write(entry.with_(number=number, created_at=entry.created_at or now))
        return int(number)

    def replace(self, entry: Entry) -> None:
        self._write(entry)

    def _write(self, entry: Entry) -> None:
        if entry.created_at is not None:
            _posix(entry.created_at)  # refuses a naive time, as every stored time
        nonce, blob = self._cipher.seal_entry(entry, _entry_aad(self._chat, entry.number))
        self._db.execute(
            "INSERT INTO diary_entries (chat_id, number, nonce, blob) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (chat_id, number) DO UPDATE SET nonce = excluded.nonce, "
            "blob = excluded.blob",
            (self._chat, entry.number, nonce, blob),
        )

    def delete(self, number: int) -> None:
        self._db.execute(
            "DELETE FROM diary_entries WHERE chat_id = ? AND number = ?", (self._chat, number)
        )

    def get(self, number: int) -> Entry | None:
        row = self._db.execute(
            "SELECT nonce, blob FROM diary_entries WHERE chat_id = ? AND number = ?",
            (self._chat, number),
        ).fetchone()
        return self._open(number, row[0], row[1]) if row else None

    def entries(self) -> list[Entry]:
        rows = self._db.execute(
            "SELECT number, nonce, blob FROM diary_entries WHERE chat_id = ? "
            "ORDER BY number DESC",
            (self._chat,),
        ).fetchall()
        return [self._open(number, nonce, blob) for number, nonce, blob in rows]

    def _open(self, number: int, nonce: bytes, blob: bytes) -> Entry:
        return self._cipher.open_entry(nonce, blob, _entry_aad(self._chat, number))

    def erase(self) -> None:
        with self._store.transaction():
            for table in ("diary_entries", "diary_drafts", "diary_pins"):
                self._db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (self._chat,))  # noqa: S608 - fixed names
