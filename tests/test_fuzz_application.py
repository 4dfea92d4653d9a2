"""10,000 generated updates through the real python-telegram-bot Application.

Texts of any length and script, commands, forged callback data, stickers, files, edited
messages, group and channel posts and updates without a user go through the real
handlers, conversation, store and engine. Requests are answered by the fake Bot API's own
logic without HTTP (LocalRequest), so the run takes seconds. Nothing may fail, and every
private text or command gets a reply.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.conversation import Conversation
from bot.diary_store import Diaries
from bot.logs import Pseudonyms
from bot.storage import Store
from bot.telegram_app import build_application
from tests.fakeapi import FakeBotApi
from tests.flowdriver import catalogs, engine

TOKEN = "123456:FUZZ-token-for-the-local-fake-api-00"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
BATCH = 50
EXAMPLES = 200  # 200 x 50 = 10,000 updates


class LocalRequest(BaseRequest):
    """A BaseRequest answered in process by the fake Bot API's handlers."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(  # noqa: PLR0917 - the signature of BaseRequest.do_request
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: object = None, write_timeout: object = None,
        connect_timeout: object = None, pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        raw = request_data.parameters if request_data else {}
        params = json.loads(json.dumps(raw, default=str))
        code, body = self.api.handle(name, params)
        return code, json.dumps(body).encode()


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Any:
    api = FakeBotApi()  # never started: no socket, only its logic
    store = Store(tmp_path_factory.mktemp("fuzz") / "bot.sqlite3")
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"k"),
        diaries=Diaries(store, bytes(32)),
    )
    application = build_application(
        TOKEN, "http://unused/bot", conversation, request=LocalRequest(api), rate_limited=False
    )
    yield api, application, store, conversation
    store.close()


CHATS = st.sampled_from([101, 102, 103])
TEXTS = st.text(min_size=1, max_size=200) | st.text(min_size=4000, max_size=4096) | st.sampled_from(
    ["yes", "nie wiem", "exit", "/start", "/diary", "/forget", "1", "٣", "25/11/2026 14:30"]
)
UPDATE = st.one_of(
    st.tuples(st.just("text"), CHATS, TEXTS),
    st.tuples(st.just("command"), CHATS, st.sampled_from(
        ["/start", "/menu", "/help", "/exit", "/settings", "/privacy", "/forget", "/language",
         "/diary", "/nonsense", "/start@test_support_bot extra"])),
    st.tuples(st.just("click"), CHATS, st.text(max_size=64)),
    st.tuples(st.just("tap"), CHATS, st.integers(0, 30)),
    st.tuples(st.just("sticker"), CHATS, st.none()),
    st.tuples(st.just("photo"), CHATS, st.none()),
    st.tuples(st.just("group"), st.just(-100777), st.text(max_size=50)),
    st.tuples(st.just("channel"), st.just(-100888), st.text(max_size=50)),
    st.tuples(st.just("edited"), CHATS, st.text(max_size=50)),
    st.tuples(st.just("no_user"), CHATS, st.none()),
)


def build(api: FakeBotApi, kind: str, chat: int, value: Any) -> dict[str, Any]:
    """One update as Telegram would send it."""
    if kind in ("text", "command"):
        return api.user_sends(chat, value)
    if kind == "sticker":
        return api.user_sends_sticker(chat)
    if kind == "photo":
        return api.user_sends_photo(chat)
    if kind == "group":
        return api.user_sends(chat, value or "hi", user_id=5, chat_type="supergroup")
    if kind == "channel":
        return api.push_update({"channel_post": {
            "message_id": 1, "date": 0, "chat": {"id": chat, "type": "channel", "title": "C"},
            "text": value or "post"}})
    if kind == "edited":
        return api.push_update({"edited_message": {
            "message_id": 1, "date": 0, "edit_date": 1,
            "chat": {"id": chat, "type": "private", "first_name": "A"},
            "from": {"id": chat, "is_bot": False, "first_name": "A"}, "text": value or "x"}})
    if kind == "no_user":  # a message with no sender at all
        return api.push_update({"message": {
            "message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}, "text": "?"}})
    screens = [m for m in api.bot_messages(chat) if m.get("reply_markup")]
    if kind == "tap" and screens:
        buttons = [b["callback_data"] for row in screens[-1]["reply_markup"]["inline_keyboard"]
                   for b in row]
        return api.user_clicks(chat, screens[-1]["message_id"], buttons[value % len(buttons)])
    message_id = screens[-1]["message_id"] if screens else 1
    return api.user_clicks(chat, message_id, value if kind == "click" else "menu")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure shows its batch
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(UPDATE, min_size=BATCH, max_size=BATCH))
async def test_ten_thousand_updates_never_fail_and_every_private_text_is_answered(world, batch):
    api, application, _store, conversation = world
    async with application:
        for kind, chat, value in batch:
            before = len([c for c in api.calls if c.method in ("sendMessage", "editMessageText",
                                                              "deleteMessages")])
            update = Update.de_json(build(api, kind, chat, value), application.bot)
            await application.process_update(update)
            after = len([c for c in api.calls if c.method in ("sendMessage", "editMessageText",
                                                             "deleteMessages")])
            if kind in ("text", "command") and value.strip():
                assert after > before, (kind, value)  # a reply, or the wipe of an exit
    assert conversation.metrics.counts["errors"] == 0
    assert not api.errors
