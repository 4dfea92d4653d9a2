"""Quick exit, auto-clear, /forget and discreet sending, over HTTP against the fake Bot API."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from telegram.ext import Application

from bot.conversation import Conversation
from bot.logs import Pseudonyms
from bot.storage import Store
from bot.telegram_app import build_application, on_start
from tests.botclient import BotClient
from tests.fakeapi import FakeBotApi
from tests.flowdriver import catalogs, engine

TOKEN = "123456:QUICK-exit-token-for-the-fake-api-00"
MINUTE = 0.05  # seconds: the 5-minute choice clears after 0.25 s


def wall_clock() -> datetime:
    return datetime.now(UTC)


def make_app(api: FakeBotApi, store: Store, decoy: str | None = None) -> Application:
    conversation = Conversation.create(
        engine(), store, catalogs(), wall_clock, pseudonyms=Pseudonyms(b"k"), decoy=decoy,
        minute=MINUTE,
    )
    return build_application(TOKEN, api.base_url, conversation, backoff=0.01)


@pytest.fixture
async def application(api, store) -> AsyncIterator[Application]:
    app = make_app(api, store)
    async with app:
        await app.start()
        yield app
        await app.stop()


@pytest.fixture
def client(api, application) -> BotClient:
    return BotClient(api, application)


async def talk_until(client: BotClient, step: str) -> None:
    """Walk the check up to a step: welcome, danger, sign, context or summary."""
    await client.send("/start")
    if step == "welcome":
        return
    await client.click("Check what")
    if step == "danger":
        return
    await client.click("No")
    await client.send("yes")  # a typed answer: one more user message in the chat
    await client.click("Not sure")
    if step == "sign":
        return
    for _ in range(11):
        await client.click("No")
    await client.click("An ex-partner")
    if step == "context":
        return
    for label in ("Yes", "No", "No", "Yes"):
        await client.click(label)


@pytest.mark.parametrize("step", ["welcome", "danger", "sign", "context", "summary"])
@pytest.mark.parametrize("how", ["button", "command", "typed"])
async def test_exit_at_any_step_leaves_the_chat_empty(client, api, store, step, how):
    await talk_until(client, step)
    assert api.chat(client.chat_id), "the conversation is in the chat"
    api.clear_calls()
    if how == "button":
        await client.click("Exit")
    else:
        await client.send("/exit" if how == "command" else "exit")
    assert api.chat(client.chat_id) == []
    assert store.deletable(client.chat_id, wall_clock().timestamp()) == []
    assert store.load(client.chat_id).answers == {}
    assert len(api.calls_to("deleteMessages")) == 1  # one batch did it all
    assert not api.calls_to("deleteMessage")
    assert not api.calls_to("sendMessage")  # nothing is said about the conversation


async def test_exit_with_a_decoy_leaves_only_the_decoy(api, store):
    app = make_app(api, store, decoy="Your parcel is on its way.")
    async with app:
        client = BotClient(api, app)
        await talk_until(client, "sign")
        await client.send("/exit")
    assert [m["text"] for m in api.chat(client.chat_id)] == ["Your parcel is on its way."]


@pytest.mark.parametrize("n", [1, 100, 101, 250])
async def test_n_messages_take_ceil_n_over_100_calls(api, application, store, n):
    chat = 6100 + n
    ids = [api.user_sends(chat, f"message {i}")["message"]["message_id"] for i in range(n)]
    store.remember(chat, ids, wall_clock().timestamp())
    api.clear_calls()
    await application.bot_data["conversation"].wiper.wipe(application.bot, chat, None)
    calls = api.calls_to("deleteMessages")
    assert len(calls) == math.ceil(n / 100)
    assert sorted(i for call in calls for i in call["message_ids"]) == ids
    assert all(len(call["message_ids"]) <= 100 for call in calls)
    assert api.chat(chat) == []
    assert not api.calls_to("deleteMessage")


async def test_messages_older_than_48_hours_are_skipped_without_error(api, application, store):
    chat = 6200
    now = wall_clock().timestamp()
    old = [api.user_sends(chat, f"old {i}")["message"]["message_id"] for i in range(3)]
    new = [api.user_sends(chat, f"new {i}")["message"]["message_id"] for i in range(3)]
    for message_id in old:
        api.age_message(chat, message_id, 49 * 3600)
    store.remember(chat, old, now - 49 * 3600)
    store.remember(chat, new[:2], now)
    store.remember(chat, new[2:], now - 47 * 3600)  # Telegram may still refuse: skipped too
    api.age_message(chat, new[2], 49 * 3600)
    await application.bot_data["conversation"].wiper.wipe(application.bot, chat, None)
    sent = [i for call in api.calls_to("deleteMessages") for i in call["message_ids"]]
    assert sorted(sent) == sorted(new)
    assert [m["message_id"] for m in api.chat(chat)] == [*old, new[2]]
    assert store.rows_about(chat) == 0


async def test_a_wipe_that_fails_is_finished_at_the_next_start(api, store):
    app = make_app(api, store)
    async with app:
        client = BotClient(api, app)
        await talk_until(client, "sign")
        # Every try fails (the request retries 502s four times).
        api.inject_fault("deleteMessages", error_code=502, description="Bad Gateway", times=4)
        await client.send("/exit")
        assert api.chat(client.chat_id), "the failed wipe left the messages"
        assert store.pending_wipes() == [client.chat_id]
    restarted = make_app(api, store)
    async with restarted:
        await on_start(restarted)
    assert api.chat(client.chat_id) == []
    assert store.pending_wipes() == []


async def test_forget_asks_once_then_leaves_no_row_and_an_empty_chat(client, api, store):
    await talk_until(client, "sign")
    await client.send("/forget")
    assert "Delete everything?" in client.screen_text
    assert store.rows_about(client.chat_id) > 0
    await client.click("Yes, delete everything")
    assert store.rows_about(client.chat_id) == 0
    assert api.chat(client.chat_id) == []


async def test_forget_can_be_cancelled(client, store):
    await client.send("/forget")
    await client.click("Back")
    assert "Your privacy" in client.screen_text
    assert store.load(client.chat_id) is not None


async def test_forged_forget_from_another_screen_or_chat_changes_nothing(client, api, store):
    await talk_until(client, "sign")
    before = (store.load(client.chat_id), api.chat(client.chat_id))
    message, _data = client.find_button("Yes")
    await client.click_data(message["message_id"], "forget_now")
    other = BotClient(api, client.application, chat_id=client.chat_id + 1)
    await other.send("/start")
    await other.click_data(message["message_id"], "forget_now")
    after = store.load(client.chat_id)
    assert replace(after, updates=before[0].updates) == before[0]  # only the update ids moved on
    assert api.chat(client.chat_id)[:-1] == before[1][:-1]  # only the re-shown screen changed
    assert store.rows_about(other.chat_id) > 0


async def test_auto_clear_fires_after_the_idle_time(client, api, store):
    await client.send("/settings")
    await client.click("5 minutes")
    assert "clears itself after 5 minutes" in client.screen_text
    await client.click("Menu")
    await client.click("Check what")
    await api.wait_for_async(lambda a: a.chat(client.chat_id) == [], timeout=10)
    assert store.load(client.chat_id).state == "menu"
    assert store.load(client.chat_id).wipe_after == 5  # the setting stays
    assert store.wipe_at(client.chat_id) is None


async def test_activity_postpones_the_auto_clear(client, api, store):
    await client.send("/settings")
    await client.click("5 minutes")  # due in 0.25 s
    conversation = client.application.bot_data["conversation"]
    first_job = conversation.autowipe.planned(client.chat_id)
    for _ in range(5):  # 0.5 s of activity: the first job runs early and must not wipe
        await asyncio.sleep(0.1)
        await client.click("15 minutes")
        await client.click("5 minutes")
        assert api.chat(client.chat_id), "cleared while the person was still active"
    assert store.wipe_at(client.chat_id) > first_job  # the stored time moved on ...
    await api.wait_for_async(lambda a: a.chat(client.chat_id) == [], timeout=10)
    assert store.wipe_at(client.chat_id) is None  # ... and once idle, the chat is cleared


async def test_updates_do_not_move_the_job_later(client):
    await client.send("/settings")
    await client.click("5 minutes")
    autowipe = client.application.bot_data["conversation"].autowipe
    planned = autowipe.planned(client.chat_id)
    await client.click("15 minutes")
    assert autowipe.planned(client.chat_id) == planned  # it runs early and waits again
    await client.click("Never")
    assert autowipe.planned(client.chat_id) is None
    await client.click("5 minutes")
    assert autowipe.planned(client.chat_id) is not None


async def test_auto_clear_off_keeps_the_chat(client, api, store):
    await client.send("/settings")
    await client.click("Never")
    assert "does not clear itself" in client.screen_text
    assert store.wipe_at(client.chat_id) is None


async def test_auto_clear_survives_a_restart(api, store):
    app = make_app(api, store)
    async with app:
        client = BotClient(api, app)
        await client.send("/settings")
        await client.click("5 minutes")
        await client.click("Menu")
    assert api.chat(client.chat_id), "the first process stopped before the wipe was due"
    assert store.wipe_at(client.chat_id) is not None
    restarted = make_app(api, store)
    async with restarted:
        await restarted.start()
        await on_start(restarted)
        await api.wait_for_async(lambda a: a.chat(client.chat_id) == [], timeout=10)
        await restarted.stop()


async def test_messages_are_silent_unless_sounds_are_turned_on(client, api):
    await client.send("/start")
    assert api.calls_to("sendMessage")[-1]["disable_notification"] is True
    await client.send("/settings")
    await client.click("Sounds are off")
    assert "Sounds are on" in " ".join(client.labels())
    await client.send("/menu")
    assert api.calls_to("sendMessage")[-1]["disable_notification"] is False


async def test_privacy_says_what_is_kept_the_default_and_the_limits(client):
    await client.send("/privacy")
    text = client.screen_text
    for fragment in ("never their words", "48 hours", "after 15 minutes", "/forget", "diary"):
        assert fragment in text
    await client.click("What the bot cannot do")
    for fragment in ("chat list", "48 hours", "not end-to-end encrypted", "Screenshots"):
        assert fragment in client.screen_text


async def test_two_processes_on_postgresql_clear_a_chat_once(api, postgres_url):
    stores = [Store(postgres_url), Store(postgres_url)]
    first, second = make_app(api, stores[0]), make_app(api, stores[1])
    try:
        async with first, second:
            await first.start()
            await second.start()
            client_a, client_b = BotClient(api, first), BotClient(api, second)
            await client_a.send("/settings")
            await client_a.click("5 minutes")  # process A holds a job for 0.25 s from now
            await asyncio.sleep(0.15)
            await client_b.click("Menu")  # the person goes on through process B
            assert stores[0].wipe_at(client_a.chat_id) > wall_clock().timestamp() + 0.1
            await api.wait_for_async(lambda a: a.chat(client_a.chat_id) == [], timeout=10)
            await asyncio.sleep(0.5)  # both jobs have fired by now
            await first.stop()
            await second.stop()
    finally:
        for store in stores:
            store.close()
    wipes = [c for c in api.calls_to("deleteMessages") if c["chat_id"] == client_a.chat_id]
    assert len(wipes) == 1 and wipes[0]["message_ids"]
    exits = [app.bot_data["conversation"].metrics.counts["exits"] for app in (first, second)]
    assert sorted(exits) == [0, 1]  # both held a job; one process cleared the chat
