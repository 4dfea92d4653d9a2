"""The Telegram layer end to end: real python-telegram-bot over HTTP to a fake Bot API."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.conversation import Conversation
from bot.logs import Pseudonyms
from bot.storage import Store
from bot.telegram_app import build_application, set_commands
from tests.botclient import BotClient
from tests.fakeapi import FakeBotApi
from tests.flowdriver import catalogs, engine

TOKEN = "123456:TEST-token_for-the-fake-api-000000"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
async def application(api: FakeBotApi, store: Store) -> AsyncIterator[object]:
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"test key")
    )
    app = build_application(TOKEN, api.base_url, conversation)
    async with app:
        yield app


@pytest.fixture
def client(api, application) -> BotClient:
    return BotClient(api, application)


async def test_start_sends_a_quiet_welcome_with_the_menu(client, api):
    await client.send("/start")
    assert client.screen_text.startswith("Hello. This chat is private.")
    sent = api.calls_to("sendMessage")[-1]
    assert sent["disable_notification"] is True
    assert sent["parse_mode"] == "HTML"
    assert sent["link_preview_options"] == {"is_disabled": True}
    assert client.labels()[-2:] == ["🆘 In danger?", "✖ Exit"]


async def test_the_whole_check_edits_one_message_and_ends_in_the_summary(client, api):
    await client.send("/start")
    await client.click("Check what")
    await client.click("No")
    for index in range(13):
        assert client.screen_text.startswith(f"Question {index + 1} of 13")
        await client.click("Yes" if index in (0, 5) else "No")
    for label in ("An ex-partner", "Yes", "No", "No", "Yes"):
        await client.click(label)
    assert client.screen_text.startswith("Your answers")
    assert "highest risk" in client.screen_text
    assert "020 3866 4107" in client.screen_text
    assert len(api.bot_messages(client.chat_id)) == 1  # one message, edited in place
    assert len(api.calls_to("editMessageText")) == 19  # every question edits the screen
    summary = api.calls_to("sendMessage")[-1]
    assert summary["protect_content"] is True  # personal: sent anew, cannot be forwarded
    assert len(api.calls_to("deleteMessage")) == 1  # ... and the question screen is gone
    await client.click("Helplines")
    await client.click("National Stalking Helpline")
    assert "Open now, until 16:00." in client.screen_text


async def test_buttons_answer_their_callback_queries(client, api):
    await client.send("/start")
    await client.click("Safety advice")
    assert len(api.calls_to("answerCallbackQuery")) == 1


async def test_forged_callback_data_changes_nothing(client, api, store):
    await client.send("/start")
    await client.click("Check what")
    await client.click("No")
    await client.click("Yes")
    before = replace(store.load(client.chat_id), updates=[])
    message, _data = client.find_button("Yes")
    for forged in ("answer:9:y", "restart", "service:paladin", "open:nowhere", "💥" * 16):
        await client.click_data(message["message_id"], forged)
        assert replace(store.load(client.chat_id), updates=[]) == before
        assert client.screen_text.startswith("Question 2 of 13")


async def test_a_tap_on_an_old_screen_cannot_answer_the_wrong_question(client, api, store):
    await client.send("/start")
    old, _data = client.find_button("Check what")
    await client.click("Check what")
    await client.send("/menu")  # a new screen: the old one loses its keyboard
    assert not api.chat(client.chat_id)[old["message_id"] - 1].get("reply_markup")
    assert len(client.keyboards()) == 1


async def test_typed_answers_and_a_reminder_for_anything_else(client):
    await client.send("/start")
    await client.click("Check what")
    await client.send("no")
    assert client.screen_text.startswith("Question 1 of 13")
    await client.send("Not sure")
    assert client.screen_text.startswith("Question 2 of 13")
    await client.send("what does this mean?")
    assert client.screen_text.startswith("Please tap one of the buttons")
    assert "Question 2 of 13" in client.screen_text
    assert len(client.keyboards()) == 1


async def test_a_huge_message_gets_the_reminder(client):
    await client.send("/start")
    await client.send("x" * 4096)
    assert client.screen_text.startswith("Please tap one of the buttons")


async def test_a_sticker_gets_a_gentle_reply(client):
    await client.send("/start")
    await client.send_sticker()
    assert "I can only read text and button taps" in client.screen_text


async def test_unknown_command_gets_the_help(client):
    await client.send("/whatever")
    assert "/exit – leave and delete this chat" in client.screen_text


async def test_exit_forgets_the_conversation(client, store):
    await client.send("/start")
    await client.click("Check what")
    assert store.load(client.chat_id) is not None
    await client.click("Exit")
    assert store.load(client.chat_id).state == "menu"
    assert store.load(client.chat_id).answers == {}


async def test_in_a_group_the_bot_says_so_once_leaves_and_stores_nothing(api, application, store):
    group = -100123
    update = api.user_sends(group, "/start", user_id=77, chat_type="supergroup")
    from telegram import Update  # noqa: PLC0415

    await application.process_update(Update.de_json(update, application.bot))
    said = [m["text"] for m in api.bot_messages(group)]
    assert len(said) == 1 and "only work in a private chat" in said[0]
    assert len(api.calls_to("leaveChat")) == 1
    assert store.load(group) is None
    assert store._db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0


async def test_a_bot_api_error_is_logged_and_the_bot_carries_on(client, api, caplog):
    await client.send("/start")
    api.inject_fault("sendMessage", error_code=400, description="Bad Request: chat not found")
    with caplog.at_level(logging.ERROR):
        await client.send("/menu")
    assert any("update failed" in r.getMessage() for r in caplog.records)
    await client.send("/menu")
    assert client.screen_text == "What would you like to do?"


@pytest.fixture
async def running(application) -> AsyncIterator[object]:
    """The application taking updates from its queue, as polling and the webhook feed it."""
    await application.start()
    yield application
    await application.stop()


async def test_a_slow_reply_to_one_person_does_not_hold_up_another(running, api):
    from telegram import Update  # noqa: PLC0415

    slow, quick = 9201, 9202
    api.inject_delay("sendMessage", 1.5)  # the first reply, to `slow`, takes 1.5 s to land
    for chat in (slow, quick):
        await running.update_queue.put(Update.de_json(api.user_sends(chat, "/start"), running.bot))
    await api.wait_for_async(lambda a: a.last_bot_message(quick) is not None, timeout=10)
    assert api.last_bot_message(slow) is None  # still on its way: `quick` did not wait for it
    await api.wait_for_async(lambda a: a.last_bot_message(slow) is not None, timeout=10)


async def test_one_persons_updates_keep_their_order_when_handled_at_once(running, api, store):
    from telegram import Update  # noqa: PLC0415

    client = BotClient(api, running, chat_id=9203)
    await client.send("/start")
    message, data = client.find_button("Check what")
    api.inject_delay("answerCallbackQuery", 0.5)  # the tap's first call is slow
    api.clear_calls()
    tap = api.user_clicks(client.chat_id, message["message_id"], data)
    typed = api.user_sends(client.chat_id, "/menu")  # sent right after the tap
    for update in (tap, typed):
        await running.update_queue.put(Update.de_json(update, running.bot))
    await api.wait_for_async(lambda a: len(a.calls_to("sendMessage")) == 1, timeout=10)
    await asyncio.sleep(0.3)
    methods = [c.method for c in api.calls]
    assert methods[:3] == ["answerCallbackQuery", "editMessageText", "sendMessage"], methods
    assert "Are you in danger" in api.calls_to("editMessageText")[0]["text"]
    assert store.load(client.chat_id).state == "menu"  # the /menu came last


async def test_the_rate_limit_holds_a_process_to_its_share(api, store):
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"test key")
    )
    app = build_application(TOKEN, api.base_url, conversation, rate_limit=2)
    async with app:
        sends = [asyncio.create_task(app.bot.send_message(9100 + n, "hi")) for n in range(6)]
        await asyncio.sleep(0.4)
        assert len(api.calls_to("sendMessage")) <= 3  # 2 at once, then 2 a second
        await asyncio.wait_for(asyncio.gather(*sends), timeout=10)
    assert len(api.calls_to("sendMessage")) == 6  # held back, not dropped


async def test_a_failed_poll_is_a_calm_warning_not_an_update_error(application, caplog):
    from telegram.error import NetworkError, TimedOut  # noqa: PLC0415

    with caplog.at_level(logging.WARNING):
        for error in (NetworkError("Bad Gateway"), TimedOut()):
            await application.process_error(None, error)  # as the poller reports it
    records = [r for r in caplog.records if r.name == "bot.telegram_app"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]
    assert all("could not reach Telegram" in r.getMessage() for r in records)
    assert application.bot_data["conversation"].metrics.counts["errors"] == 0
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        await application.process_error(None, ValueError("a job broke"))
    assert any("background task failed: ValueError" in r.getMessage() for r in caplog.records)
    assert application.bot_data["conversation"].metrics.counts["errors"] == 1


@pytest.fixture
def bot_log(operator_log) -> io.StringIO:
    """What the bot's own log handler writes, at DEBUG, as an operator would configure it."""
    return operator_log("DEBUG")


async def test_logs_never_hold_what_the_person_typed_or_the_token(client, api, bot_log):
    secret = "Jordan Smith keeps waiting outside 14 Acacia Road, call me on 07700 900123"
    await client.send("/start")
    await client.send(secret)
    await client.click("Check what")
    api.inject_fault("sendMessage", error_code=400, description="Bad Request: chat not found")
    await client.send("/menu")
    logged = bot_log.getvalue()
    assert ": text -> " in logged and "update failed" in logged  # the log is not empty
    assert Pseudonyms(b"test key").of(client.chat_id) in logged  # a pseudonym, not the id
    for fragment in ("Jordan", "Acacia", "07700", str(client.chat_id), TOKEN, "Alex"):
        assert fragment not in logged


async def test_the_command_menu_and_descriptions_are_set_in_every_language(api, application):
    await set_commands(application)
    calls = api.calls_to("setMyCommands")
    languages = catalogs().languages
    assert [c.get("language_code") for c in calls] == [None, *languages]
    assert [c["command"] for c in calls[0]["commands"]] == [
        "start", "menu", "exit", "help", "settings", "privacy", "forget", "language", "diary"
    ]
    described = {c.get("language_code") for c in api.calls_to("setMyDescription")}
    assert described == {None, *languages}
    short = {c.get("language_code") for c in api.calls_to("setMyShortDescription")}
    assert short == {None, *languages}


async def test_a_failing_command_menu_does_not_stop_the_bot(api, application, caplog):
    api.inject_fault("setMyCommands", error_code=400, description="Bad Request: nope", times=99)
    with caplog.at_level(logging.WARNING):
        await set_commands(application)
    assert any("could not set" in r.getMessage() for r in caplog.records)


async def test_transient_failures_are_retried_and_every_reply_arrives_once(api, store, tmp_path):
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"k")
    )
    app = build_application(TOKEN, api.base_url, conversation, backoff=0.01)
    async with app:
        client = BotClient(api, app, chat_id=5100)
        api.inject_fault("sendMessage", error_code=502, description="Bad Gateway", times=2)
        await client.send("/start")
        api.inject_fault("editMessageText", error_code=503, description="Unavailable")
        await client.click("Check what")
        api.inject_fault(
            "sendMessage", error_code=429, description="Too Many Requests: retry after 1",
            retry_after=1,
        )
        await client.send("/menu")
    texts = [m["text"] for m in api.bot_messages(client.chat_id)]
    # The welcome (edited into the first question) and the menu: each arrived once.
    assert texts == ["Are you in danger right now?", "What would you like to do?"]
    assert len(api.calls_to("sendMessage")) == 2 + 1 + 1 + 1  # 2 failures, 429, then each once


async def test_a_lost_answer_still_reaches_the_ledger_so_the_exit_deletes_it(api, store):
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"k")
    )
    app = build_application(TOKEN, api.base_url, conversation, backoff=0.01)
    async with app:
        client = BotClient(api, app, chat_id=5200)
        await client.send("/start")
        # Telegram delivers the message but its answer never comes back: the bot retries.
        api.inject_delay("sendMessage", 11.0)
        await client.send("/menu")
        await client.send("/exit")
    assert api.chat(client.chat_id) == []


async def test_someone_who_blocked_the_bot_is_forgotten_but_keeps_their_diary(api, store):
    from bot.diary_store import Diaries  # noqa: PLC0415
    from flows.diary_model import Entry  # noqa: PLC0415

    diaries = Diaries(store, bytes(32))
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"k"), diaries=diaries
    )
    app = build_application(TOKEN, api.base_url, conversation, backoff=0.01)
    async with app:
        client = BotClient(api, app, chat_id=5300)
        await client.send("/start")
        diaries.for_chat(5300).add(Entry(what="kept"), NOW)
        api.user_blocks_bot(5300)
        await client.send("/menu")
    assert store.load(5300) is None
    assert store.deletable(5300, NOW.timestamp()) == []
    assert diaries.for_chat(5300).get(1).what == "kept"
