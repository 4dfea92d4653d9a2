"""The store's suite, run on SQLite and on a real PostgreSQL server alike."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.storage import CHAT_TABLES, MIGRATIONS, Store
from flows.session import Session

NOW = 1_800_000_000.0
BIG_CHAT = -1_002_345_678_901  # supergroup-style ids do not fit in 32 bits
DAY = 24 * 3600


@pytest.fixture
def backend(both_backends: str) -> str:
    """Every test here runs on both backends."""
    return both_backends


def test_sessions_round_trip_through_a_new_connection(store, database):
    session = Session(state="check.sign", step=4, answers={"contact": "y"}, lang="pl")
    store.save(42, session, wipe_at=NOW + 900.5)
    store.save(BIG_CHAT, Session(state="menu"))
    other = Store(database)  # another process, or the same one after a restart
    try:
        assert other.load(42) == session
        assert other.load(BIG_CHAT) == Session(state="menu")
        assert other.load(7) is None
        assert other.wipe_at(42) == NOW + 900.5  # to the fraction: not a 4-byte float
        assert other.scheduled_wipes() == [(42, NOW + 900.5)]
    finally:
        other.close()


def test_a_second_save_replaces_the_first(store):
    store.save(1, Session(state="menu"), wipe_at=NOW)
    store.save(1, Session(state="advice"), wipe_at=None)
    assert store.load(1) == Session(state="advice")
    assert store.wipe_at(1) is None and store.scheduled_wipes() == []


def test_the_ledger_fills_gaps_left_by_lost_answers_but_not_huge_ones(store):
    store.remember(1, [10], NOW)
    store.remember(1, [14], NOW)  # 11-13: messages whose answers were lost
    assert store.deletable(1, NOW) == [10, 11, 12, 13, 14]
    store.remember(1, [14, 15, 0], NOW)  # known ids and the "no message" 0 are ignored
    store.remember(1, [500], NOW)  # a gap this large is not ours to guess
    assert store.deletable(1, NOW) == [10, 11, 12, 13, 14, 15, 500]
    store.remember(2, [10], NOW)
    store.forget_conversation(1)
    assert store.deletable(1, NOW) == [] and store.deletable(2, NOW) == [10]


def test_ids_too_old_to_delete_are_pruned(store):
    store.remember(1, [1, 2], NOW - 3 * DAY)
    store.remember(1, [3], NOW)
    assert store.deletable(1, NOW) == [3]  # Telegram allows 48 hours
    assert store.prune(NOW) == 2
    assert store.rows_about(1) == 1


def test_a_quick_exit_keeps_settings_and_the_wipe_is_noted_until_finished(store):
    store.save(5, Session(state="check.sign", step=3, lang="cy"), wipe_at=NOW)
    store.remember(5, [1, 2, 3], NOW)
    store.begin_wipe(5, Session(lang="cy"), NOW)
    assert store.load(5) == Session(lang="cy") and store.wipe_at(5) is None
    assert store.pending_wipes() == [5]
    assert store.deletable(5, NOW) == [1, 2, 3]  # still needed to finish the wipe
    store.begin_wipe(5, Session(lang="cy"), NOW + 1)  # a second exit before the end
    assert store.pending_wipes() == [5]
    store.end_wipe(5)
    assert store.pending_wipes() == [] and store.deletable(5, NOW) == []


def test_forget_leaves_no_row_about_the_person(store):
    store.save(9, Session(state="menu"), wipe_at=NOW)
    store.remember(9, [1, 2], NOW)
    store.save(10, Session(state="menu"))
    store.begin_wipe(9, None, NOW)
    store.end_wipe(9)
    assert store.rows_about(9) == 0
    assert store.load(10) == Session(state="menu")
    store.delete(10)
    assert store.rows_about(10) == 0


def test_a_due_auto_clear_is_claimed_once_across_processes(store, database):
    store.save(3, Session(state="menu"), wipe_at=NOW)
    other = Store(database)
    try:
        assert not store.claim_wipe(3, NOW - 10)  # not due yet
        claims = [store.claim_wipe(3, NOW + 1), other.claim_wipe(3, NOW + 1)]
        assert claims == [True, False]
        assert store.wipe_at(3) is None
        assert not other.claim_wipe(404, NOW)  # no such chat
    finally:
        other.close()


def test_a_failed_transaction_leaves_nothing_behind(store):
    store.save(1, Session(state="menu"))

    def delete_then_fail() -> None:
        with store.transaction():
            store.db.execute("DELETE FROM sessions WHERE chat_id = ?", (1,))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        delete_then_fail()
    assert store.load(1) == Session(state="menu")


def test_a_transaction_inside_another_rolls_back_alone(store):
    def inner_fails() -> None:
        with store.transaction():
            store.save(2, Session(state="advice"))
            raise RuntimeError

    with store.transaction():
        store.save(1, Session(state="menu"))
        with pytest.raises(RuntimeError):
            inner_fails()
        store.save(3, Session(state="helplines"))
    assert store.load(1) == Session(state="menu") and store.load(3) == Session(state="helplines")
    assert store.load(2) is None


def test_the_schema_is_at_the_latest_version_and_reopening_changes_nothing(store, database):
    assert len(MIGRATIONS["sqlite"]) == len(MIGRATIONS["postgresql"])
    assert store.db.version() == len(MIGRATIONS[store.dialect])
    store.save(1, Session(state="menu"))
    Store(database).close()
    assert store.db.version() == len(MIGRATIONS[store.dialect])
    assert store.load(1) == Session(state="menu")
    for table in CHAT_TABLES:
        assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] >= 0  # noqa: S608 - fixed names


def test_diary_rows_hold_no_plain_timestamp(store):
    columns = store.db.execute("SELECT * FROM diary_entries").description
    assert [c[0] for c in columns] == ["chat_id", "number", "nonce", "blob"]


def test_processes_starting_together_on_postgresql_migrate_once(postgres_url):
    stores: list[Store] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            stores.append(Store(postgres_url))
        except BaseException as error:  # reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        versions = stores[0].db.execute("SELECT version FROM schema_version").fetchall()
        assert sorted(v[0] for v in versions) == list(range(1, len(MIGRATIONS["postgresql"]) + 1))
    finally:
        for store in stores:
            store.close()


async def test_one_chat_at_a_time_across_stores_but_other_chats_go_on(store, database):
    other = Store(database)  # a second process, if the backend is shared
    order: list[str] = []

    async def update(who: Store, chat: int, name: str, hold: float) -> None:
        async with who.chat_lock(chat):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    try:
        first = asyncio.create_task(update(store, 1, "a", 0.2))
        await asyncio.sleep(0.05)
        second = other if store.dialect == "postgresql" else store
        await asyncio.gather(first, update(second, 1, "b", 0), update(second, 2, "c", 0))
    finally:
        other.close()
    assert order.index("a out") < order.index("b in")  # the same chat waited
    assert order.index("c out") < order.index("a out")  # another chat did not
