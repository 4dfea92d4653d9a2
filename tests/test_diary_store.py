"""The encrypted diary store: behaviour identical to MemoryDiary, nothing readable at rest."""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.diary_store import ChatDiary, Diaries, DiaryKeyError, load_key
from bot.storage import SQLITE_MIGRATIONS, Store
from flows.diary_model import (
    PIN_LOCKOUT_MINUTES,
    PIN_TRIES,
    DiaryPort,
    Entry,
    Evidence,
    Forwarded,
    MemoryDiary,
    PinResult,
)
from flows.session import Session

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
PIN = "730519"
WHERE = "outside 12 Acacia Road"
POLISH = "Stał pod moim oknem przez godzinę"
URDU = "وہ میرے گھر کے باہر کھڑا تھا"
FULL = Entry(
    happened_at=datetime(2025, 2, 28, 22, 15, tzinfo=ZoneInfo("Europe/London")),
    where=WHERE,
    what=POLISH,
    who="my ex-partner",
    signs=("fixated", "obsessive", "unwanted"),
    feel=URDU,
    witnesses="the neighbour at no. 14",
    evidence=(
        Evidence("photo", "AgACAgQAAxkBAAIBZ2"),
        Evidence("document", "BQACAgQAAxkBAAIBa2", "letter.pdf"),
    ),
    forwarded=Forwarded(datetime(2025, 2, 27, 8, 5, 3, 120000, tzinfo=UTC), "ab" * 32, "J. Doe"),
)


@pytest.fixture
def backend(both_backends: str) -> str:
    """The encrypted diary runs on SQLite and on PostgreSQL alike."""
    return both_backends


@pytest.fixture
def diaries(store: Store) -> Diaries:
    return Diaries(store, KEY)


@pytest.fixture(params=["memory", "stored"])
def diary(request: pytest.FixtureRequest, diaries: Diaries) -> DiaryPort:
    return MemoryDiary() if request.param == "memory" else diaries.for_chat(1)


def note(text: str) -> Entry:
    return Entry(what=text, quick=True)


# --- shared behaviour: MemoryDiary and ChatDiary ---------------------------------------------


def test_an_entry_with_every_field_round_trips(diary):
    number = diary.add(FULL, NOW)
    saved = diary.get(number)
    assert saved == FULL.with_(number=1, created_at=NOW)
    assert saved.evidence == FULL.evidence and isinstance(saved.signs, tuple)
    assert saved.happened_at.utcoffset() is not None
    assert saved.forwarded.sent_at == FULL.forwarded.sent_at


def test_entries_are_numbered_per_chat_and_listed_newest_first(diary):
    assert [diary.add(note(t), NOW) for t in "abc"] == [1, 2, 3]
    assert [(e.number, e.what) for e in diary.entries()] == [(3, "c"), (2, "b"), (1, "a")]


def test_add_keeps_a_given_creation_time(diary):
    earlier = NOW - timedelta(days=2)
    number = diary.add(note("x").with_(created_at=earlier), NOW)
    assert diary.get(number).created_at == earlier


def test_numbers_continue_after_the_highest_not_into_gaps(diary):
    for text in "abc":
        diary.add(note(text), NOW)
    diary.delete(2)
    assert diary.add(note("d"), NOW) == 4
    diary.delete(4)
    assert diary.add(note("e"), NOW) == 4  # max + 1, as MemoryDiary does
    assert [e.number for e in diary.entries()] == [4, 3, 1]


def test_replace_delete_and_get(diary):
    number = diary.add(note("first words"), NOW)
    changed = diary.get(number).with_(what="completed later", where=WHERE, quick=False)
    diary.replace(changed)
    assert diary.get(number) == changed
    diary.delete(number)
    diary.delete(number)  # deleting twice is harmless
    assert diary.get(number) is None
    assert diary.entries() == []


def test_the_draft_is_kept_then_discarded(diary):
    assert diary.draft() is None
    diary.save_draft(note("step one"))
    diary.save_draft(FULL)
    assert diary.draft() == FULL
    diary.discard_draft()
    assert diary.draft() is None
    diary.discard_draft()


def test_a_right_pin_opens_and_resets_the_count(diary):
    assert not diary.has_pin()
    diary.set_pin(PIN)
    assert diary.has_pin()
    assert diary.try_pin("0000", NOW) == PinResult(False, PIN_TRIES - 1)
    assert diary.try_pin(PIN, NOW) == PinResult(True)
    assert diary.try_pin("0000", NOW) == PinResult(False, PIN_TRIES - 1)


def test_wrong_pins_count_down_then_lock_out_for_15_minutes(diary):
    diary.set_pin(PIN)
    assert [diary.try_pin("1111", NOW).tries_left for _ in range(4)] == [4, 3, 2, 1]
    until = NOW + timedelta(minutes=PIN_LOCKOUT_MINUTES)
    assert diary.try_pin("1111", NOW) == PinResult(False, 0, until)
    later = NOW + timedelta(minutes=14, seconds=59)
    assert diary.try_pin(PIN, later) == PinResult(False, 0, until), "locked even with the PIN"
    assert diary.locked_until(later) == until
    assert diary.locked_until(until) is None
    assert diary.try_pin(PIN, until) == PinResult(True)
    assert diary.try_pin("1111", until).tries_left == 4


def test_after_a_lockout_ends_there_are_five_tries_again(diary):
    diary.set_pin(PIN)
    for _ in range(PIN_TRIES):
        diary.try_pin("1111", NOW)
    after = NOW + timedelta(minutes=PIN_LOCKOUT_MINUTES, seconds=1)
    assert [diary.try_pin("1111", after).tries_left for _ in range(5)] == [4, 3, 2, 1, 0]
    assert diary.locked_until(after) == after + timedelta(minutes=PIN_LOCKOUT_MINUTES)


def test_a_new_pin_replaces_the_old_and_clears_a_lockout(diary):
    diary.set_pin(PIN)
    for _ in range(PIN_TRIES):
        diary.try_pin("1111", NOW)
    diary.set_pin("4242")
    assert diary.locked_until(NOW) is None
    assert diary.try_pin(PIN, NOW) == PinResult(False, 4)
    assert diary.try_pin("4242", NOW) == PinResult(True)


def test_erase_deletes_entries_draft_and_pin(diary):
    diary.add(FULL, NOW)
    diary.save_draft(note("half"))
    diary.set_pin(PIN)
    diary.try_pin("1111", NOW)
    diary.erase()
    assert (diary.entries(), diary.draft(), diary.has_pin()) == ([], None, False)
    assert diary.locked_until(NOW) is None
    assert diary.add(note("again"), NOW) == 1


def script(diary: DiaryPort) -> list[object]:
    """The same calls on any DiaryPort; every answer is recorded."""
    soon = NOW + timedelta(minutes=PIN_LOCKOUT_MINUTES)
    return [
        diary.has_pin(), diary.try_pin("1", NOW), diary.locked_until(NOW), diary.draft(),
        diary.add(FULL, NOW), diary.add(note("b").with_(created_at=soon), NOW),
        diary.save_draft(note("d")), diary.draft(), diary.entries(), diary.get(9),
        diary.replace(note("r").with_(number=7)), diary.entries(), diary.add(note("c"), NOW),
        diary.delete(7), diary.delete(8), diary.get(1), diary.entries(),
        diary.set_pin(PIN), diary.has_pin(),
        *[diary.try_pin("9", NOW) for _ in range(PIN_TRIES + 1)],
        diary.locked_until(NOW), diary.locked_until(soon), diary.try_pin(PIN, soon),
        diary.discard_draft(), diary.draft(), diary.erase(), diary.entries(), diary.has_pin(),
    ]


def test_memory_and_sqlite_diaries_answer_a_script_identically(diaries):
    assert script(diaries.for_chat(5)) == script(MemoryDiary())


# --- the store: encryption, key checks, moved rows --------------------------------------------


def forms(text: str) -> list[bytes]:
    """How a text could appear on disk: UTF-8, UTF-16 and as escaped JSON."""
    return [text.encode(), text.encode("utf-16-le"), json.dumps(text).encode()[1:-1]]


def on_disk(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_nothing_readable_reaches_the_sqlite_file_or_its_wal(tmp_path):
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    diary = Diaries(store, KEY).for_chat(1)
    diary.add(FULL, NOW)
    diary.save_draft(FULL.with_(who="draft about Acacia Road"))
    diary.set_pin(PIN)
    diary.try_pin("1111", NOW)
    while_open = on_disk(path)
    assert path.with_name("bot.sqlite3-wal").stat().st_size > 0, "the writes are in the WAL"
    store.close()
    after_close = on_disk(path)
    secrets_ = [WHERE, "Acacia Road", POLISH, URDU, "Stał pod", "ex-partner", "letter.pdf",
                "AgACAgQAAxkBAAIBZ2", PIN]
    for raw in (while_open, after_close):
        for text in secrets_:
            for form in forms(text):
                assert form not in raw, f"{text!r} is readable on disk"
    reopened = Store(path)
    assert Diaries(reopened, KEY).for_chat(1).get(1).where == WHERE
    reopened.close()


def test_each_write_uses_a_fresh_nonce(diaries, store):
    diary = diaries.for_chat(1)
    diary.add(note("same"), NOW)
    diary.add(note("same"), NOW)
    rows = store.db.execute("SELECT nonce, blob FROM diary_entries").fetchall()
    assert len({row[0] for row in rows}) == 2 and all(len(row[0]) == 12 for row in rows)


def test_a_different_key_is_refused_when_the_diaries_open(store, diaries):
    diaries.for_chat(1).add(FULL, NOW)
    with pytest.raises(DiaryKeyError) as caught:
        Diaries(store, OTHER_KEY)
    message = str(caught.value)
    assert message == (
        f"the diary key does not match the diary in {store.label}: "
        "restore BOT_DIARY_KEY or diary.key"
    )
    assert Diaries(store, KEY).for_chat(1).get(1) == FULL.with_(number=1, created_at=NOW)


def test_a_key_of_the_wrong_length_is_refused(store):
    with pytest.raises(DiaryKeyError, match="32 bytes"):
        Diaries(store, b"short")


def test_an_entry_copied_to_another_chat_or_number_fails_loudly(diaries, store):
    diaries.for_chat(1).add(FULL, NOW)
    db = store.db
    db.execute("INSERT INTO diary_entries SELECT 2, number, nonce, blob "
               "FROM diary_entries WHERE chat_id = 1")
    db.execute("INSERT INTO diary_entries SELECT 1, 5, nonce, blob "
               "FROM diary_entries WHERE chat_id = 1 AND number = 1")
    with pytest.raises(DiaryKeyError, match="does not decrypt"):
        diaries.for_chat(2).get(1)
    with pytest.raises(DiaryKeyError):
        diaries.for_chat(2).entries()
    with pytest.raises(DiaryKeyError):
        diaries.for_chat(1).get(5)
    assert diaries.for_chat(1).get(1).where == WHERE


def test_a_draft_copied_to_another_chat_fails_loudly(diaries, store):
    diaries.for_chat(1).save_draft(FULL)
    store.db.execute(
        "INSERT INTO diary_drafts SELECT 2, nonce, blob FROM diary_drafts WHERE chat_id = 1"
    )
    with pytest.raises(DiaryKeyError):
        diaries.for_chat(2).draft()


def test_a_damaged_entry_fails_loudly_and_names_no_chat(diaries, store):
    diaries.for_chat(4242).add(FULL, NOW)
    blob = store.db.execute("SELECT blob FROM diary_entries").fetchone()[0]
    damaged = bytes([blob[0] ^ 1]) + blob[1:]
    store.db.execute("UPDATE diary_entries SET blob = ?", (damaged,))
    with pytest.raises(DiaryKeyError) as caught:
        diaries.for_chat(4242).get(1)
    assert "4242" not in str(caught.value) and "\n" not in str(caught.value)


def test_the_pin_is_kept_only_as_a_salted_hash(diaries, store):
    diaries.for_chat(1).set_pin(PIN)
    diaries.for_chat(2).set_pin(PIN)
    rows = store.db.execute("SELECT salt, hash FROM diary_pins ORDER BY chat_id").fetchall()
    (salt1, hash1), (salt2, hash2) = rows
    assert len(salt1) == 16 and len(hash1) == 32
    assert salt1 != salt2 and hash1 != hash2
    assert PIN.encode() not in hash1 + salt1


def test_lockout_times_are_utc_and_survive_a_restart(tmp_path):
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    diary = Diaries(store, KEY).for_chat(1)
    diary.set_pin(PIN)
    london = NOW.astimezone(ZoneInfo("Europe/London"))
    for _ in range(PIN_TRIES):
        result = diary.try_pin("1111", london)
    assert result.locked_until.tzinfo is UTC
    store.close()
    store = Store(path)
    until = Diaries(store, KEY).for_chat(1).locked_until(NOW)
    assert until == NOW + timedelta(minutes=PIN_LOCKOUT_MINUTES) and until.tzinfo is UTC
    store.close()


def test_naive_times_are_refused(diaries):
    with pytest.raises(ValueError, match="timezone-aware"):
        diaries.for_chat(1).add(note("x"), datetime(2025, 3, 1, 9, 30))


def test_chats_do_not_see_each_others_diaries(diaries):
    diaries.for_chat(1).add(FULL, NOW)
    diaries.for_chat(1).set_pin(PIN)
    other: ChatDiary = diaries.for_chat(2)
    assert (other.entries(), other.draft(), other.has_pin()) == ([], None, False)
    assert other.add(note("x"), NOW) == 1


# --- the store's /forget and quick exit --------------------------------------------------------


def fill(store: Store, diaries: Diaries, chat_id: int) -> ChatDiary:
    diary = diaries.for_chat(chat_id)
    store.save(chat_id, Session(state="diary.what"))
    store.remember(chat_id, [10, 11], NOW.timestamp())
    diary.add(FULL, NOW)
    diary.save_draft(note("half"))
    diary.set_pin(PIN)
    return diary


def test_forget_leaves_no_row_about_the_chat_including_the_diary(store, diaries):
    fill(store, diaries, 1)
    other = fill(store, diaries, 2)
    assert store.rows_about(1) == 2 + 1 + 1 + 1 + 1  # ledger, session, entry, draft, PIN
    store.delete(1)
    assert store.rows_about(1) == 0
    assert diaries.for_chat(1).entries() == [] and not diaries.for_chat(1).has_pin()
    assert len(other.entries()) == 1 and other.has_pin() and other.draft() is not None


def test_a_quick_exit_wipe_keeps_the_diary(store, diaries):
    diary = fill(store, diaries, 1)
    store.begin_wipe(1, Session().cleared(), NOW.timestamp())  # the quick exit keeps settings
    store.end_wipe(1)
    assert store.load(1) == Session() and store.deletable(1, NOW.timestamp()) == []
    assert diary.entries() == [FULL.with_(number=1, created_at=NOW)]
    assert diary.draft() == note("half") and diary.try_pin(PIN, NOW).ok
    assert store.rows_about(1) == 4  # settings, and the diary's entry, draft and PIN


def test_a_forget_wipe_erases_the_diary_too(store, diaries):
    diary = fill(store, diaries, 1)
    store.begin_wipe(1, None, NOW.timestamp())  # /forget
    store.end_wipe(1)
    assert store.rows_about(1) == 0
    assert diary.entries() == [] and diary.draft() is None and not diary.has_pin()


def test_a_version_2_database_is_upgraded_keeping_its_sessions(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(f"{SQLITE_MIGRATIONS[0]} {SQLITE_MIGRATIONS[1]} PRAGMA user_version = 2;")
    db.execute("INSERT INTO sessions (chat_id, data, updated_at) VALUES (7, ?, 0)",
               (Session(state="menu").to_json(),))
    db.commit()
    db.close()
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(SQLITE_MIGRATIONS) == 4
    assert store.load(7) == Session(state="menu")
    assert Diaries(store, KEY).for_chat(7).add(note("x"), NOW) == 1
    store.close()


# --- the key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda key: base64.urlsafe_b64encode(key).decode(),
        lambda key: base64.urlsafe_b64encode(key).decode().rstrip("="),
        lambda key: f"  {base64.urlsafe_b64encode(key).decode()}\n",
    ],
    ids=["padded", "unpadded", "spaces"],
)
def test_the_key_from_the_environment_wins(tmp_path, encode):
    key = secrets.token_bytes(32)
    assert load_key(tmp_path, {"BOT_DIARY_KEY": encode(key)}) == key
    assert not (tmp_path / "diary.key").exists()


def test_a_key_made_as_the_error_suggests_is_accepted(tmp_path):
    raw = secrets.token_urlsafe(32)
    assert len(load_key(tmp_path, {"BOT_DIARY_KEY": raw})) == 32


@pytest.mark.parametrize(
    "value",
    ["not base64 at all!", base64.urlsafe_b64encode(bytes(16)).decode(),
     base64.urlsafe_b64encode(bytes(33)).decode(), "AAAAA", "a" * 43 + "!"],
)
def test_a_malformed_key_in_the_environment_names_the_setting(tmp_path, value):
    with pytest.raises(DiaryKeyError) as caught:
        load_key(tmp_path, {"BOT_DIARY_KEY": value})
    assert str(caught.value).startswith("BOT_DIARY_KEY: ")
    assert "\n" not in str(caught.value)
    assert value not in str(caught.value)


def test_the_key_file_is_created_once_readable_only_by_us(tmp_path):
    data_dir = tmp_path / "data"
    key = load_key(data_dir, {})
    path = data_dir / "diary.key"
    assert len(key) == 32 and path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(data_dir, {"BOT_DIARY_KEY": ""}) == key
    assert load_key(data_dir, {}) == key


def test_a_damaged_key_file_is_refused(tmp_path):
    (tmp_path / "diary.key").write_bytes(b"too short")
    with pytest.raises(DiaryKeyError, match=r"diary\.key: is not a diary key of 32 bytes"):
        load_key(tmp_path, {})


def test_the_file_key_opens_the_same_diary_after_a_restart(tmp_path):
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    Diaries(store, load_key(tmp_path, {})).for_chat(1).add(FULL, NOW)
    store.close()
    store = Store(path)
    assert Diaries(store, load_key(tmp_path, {})).for_chat(1).get(1).what == POLISH
    with pytest.raises(DiaryKeyError):
        Diaries(store, load_key(tmp_path, {"BOT_DIARY_KEY": secrets.token_urlsafe(32)}))
    store.close()
