"""The fake Bot API: raw HTTP behaviour, Telegram-like validation, and real PTB against it."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from tests.fakeapi import NOT_MODIFIED, FakeBotApi, UploadedFile, parse_html

TOKEN = "123:ABC"
CHAT = 42


@pytest.fixture
def api():
    with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def client(api):
    with httpx.Client(base_url=f"{api.base_url}{TOKEN}/") as http:
        yield http


def keyboard(*data: str) -> str:
    return json.dumps({"inline_keyboard": [[{"text": d, "callback_data": d} for d in data]]})


def send(client, text, **params):
    return client.post("sendMessage", data={"chat_id": str(CHAT), "text": text, **params})


def assert_bad_request(response, description):
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": description}


# --- raw HTTP --------------------------------------------------------------------------------


def test_get_me_answers_the_bot_identity_for_any_token(api):
    with httpx.Client() as http:
        for token in ("123:ABC", "999:other"):
            response = http.post(f"{api.base_url}{token}/getMe")
            assert response.status_code == 200
            assert response.json() == {"ok": True, "result": {
                "id": 1000, "is_bot": True, "first_name": "Support",
                "username": "test_support_bot"}}
    assert [c.method for c in api.calls] == ["getMe", "getMe"]


def test_unknown_methods_and_paths_are_404(api, client):
    response = client.post("sendTelepathy", data={"chat_id": "1"})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    with httpx.Client() as http:
        assert http.get(f"http://127.0.0.1:{api.port}/nonsense").status_code == 404


def test_form_encoded_values_are_decoded_like_telegram_does(api, client):
    response = send(client, "<b>Hello</b> &amp; welcome", parse_mode="HTML",
                    reply_markup=keyboard("yes", "no"), disable_notification="true",
                    link_preview_options=json.dumps({"is_disabled": True}))
    assert response.status_code == 200
    message = response.json()["result"]
    assert message["message_id"] == 1
    assert message["chat"] == {"id": CHAT, "type": "private", "first_name": "Alex"}
    assert message["from"]["username"] == "test_support_bot"
    assert message["text"] == "Hello & welcome"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert message["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "no"
    assert "html" not in message
    assert "sender" not in message

    params = api.calls_to("sendMessage")[0]
    assert params["chat_id"] == CHAT
    assert params["disable_notification"] is True
    assert params["link_preview_options"] == {"is_disabled": True}
    assert params["text"] == "<b>Hello</b> &amp; welcome"

    record = api.last_bot_message(CHAT)
    assert record["html"] == "<b>Hello</b> &amp; welcome"
    assert record["sender"] == "bot"
    assert record["date"] == int(api.now)


def test_numeric_looking_text_stays_a_string(api, client):
    assert send(client, "123").json()["result"]["text"] == "123"
    assert send(client, "[1, 2]").json()["result"]["text"] == "[1, 2]"


def test_json_bodies_are_accepted(api, client):
    response = client.post("sendMessage", json={
        "chat_id": str(CHAT), "text": "hi",
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}})
    assert response.status_code == 200
    assert api.calls_to("sendMessage")[0]["chat_id"] == CHAT
    assert api.last_bot_message(CHAT)["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"


def test_multipart_upload_keeps_bytes_and_filename(api, client):
    content = b"\x00\xff\r\n--not-a-boundary\r\n" * 3
    response = client.post("sendDocument", data={"chat_id": str(CHAT), "caption": "notes"},
                           files={"document": ("diary log.txt", content, "text/plain")})
    assert response.status_code == 200
    document = response.json()["result"]["document"]
    assert document["file_name"] == "diary log.txt"
    assert document["file_size"] == len(content)
    assert api.files[document["file_id"]].content == content
    upload = api.calls_to("sendDocument")[0]["document"]
    assert upload == UploadedFile("diary log.txt", content, "text/plain")
    assert api.last_bot_message(CHAT)["caption"] == "notes"


def test_ids_increase_per_chat_and_are_shared_with_user_messages(api, client):
    api.user_sends(CHAT, "/start")
    assert send(client, "welcome").json()["result"]["message_id"] == 2
    api.user_sends(CHAT, "thanks")
    assert send(client, "ok").json()["result"]["message_id"] == 4
    assert client.post("sendMessage", data={"chat_id": "7", "text": "x"}).json()[
        "result"]["message_id"] == 1
    assert [(m["message_id"], m["sender"]) for m in api.chat(CHAT)] == [
        (1, "user"), (2, "bot"), (3, "user"), (4, "bot")]


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n "])
def test_empty_text_is_refused(client, text):
    assert_bad_request(send(client, text), "Bad Request: message text is empty")


def test_length_is_counted_in_utf16_units_after_removing_tags(client):
    assert send(client, "x" * 4096).status_code == 200
    assert_bad_request(send(client, "x" * 4097), "Bad Request: message is too long")
    assert send(client, "😀" * 2048).status_code == 200
    assert_bad_request(send(client, "😀" * 2049), "Bad Request: message is too long")
    tagged = "<b>" + "x" * 4096 + "</b>"
    assert send(client, tagged, parse_mode="HTML").status_code == 200


@pytest.mark.parametrize("html", [
    "a < b", "a > b", "fish & chips", "x &nbsp; y", "<b>open", "<b><i>x</b></i>", "</b>",
    "line<br>break", "<div>x</div>", "<span>x</span>", "<a>link</a>",
])
def test_bad_html_is_refused(client, html):
    response = send(client, html, parse_mode="HTML")
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request: can't parse entities: ")


def test_the_same_characters_are_fine_without_parse_mode(client):
    assert send(client, "a < b & c > d").json()["result"]["text"] == "a < b & c > d"


def test_good_html_is_rendered_with_entities():
    text, entities = parse_html(
        '<b>Call</b> <a href="tel:999">999</a> &lt;now&gt; &#39;ok&#x27; '
        '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>')
    assert text == "Call 999 <now> 'ok' sq"
    assert [e["type"] for e in entities] == [
        "bold", "text_link", "spoiler", "expandable_blockquote"]
    assert entities[1] == {"type": "text_link", "url": "tel:999", "offset": 5, "length": 3}


def test_callback_data_is_limited_to_64_bytes(client):
    assert send(client, "x", reply_markup=keyboard("a" * 64)).status_code == 200
    assert_bad_request(send(client, "x", reply_markup=keyboard("a" * 65)),
                       "Bad Request: BUTTON_DATA_INVALID")
    assert_bad_request(send(client, "x", reply_markup=keyboard("é" * 33)),  # 66 bytes
                       "Bad Request: BUTTON_DATA_INVALID")


def test_edit_text_checks_existence_and_change(api, client):
    send(client, "<b>Hi</b>", parse_mode="HTML", reply_markup=keyboard("a"))
    edit = {"chat_id": str(CHAT), "message_id": "1"}
    assert_bad_request(client.post("editMessageText", data={**edit, "message_id": "9",
                                                            "text": "x"}),
                       "Bad Request: message to edit not found")
    assert_bad_request(client.post("editMessageText", data={**edit, "chat_id": "555",
                                                            "text": "x"}),
                       "Bad Request: message to edit not found")
    same = {**edit, "text": "<b>Hi</b>", "parse_mode": "HTML", "reply_markup": keyboard("a")}
    assert_bad_request(client.post("editMessageText", data=same), NOT_MODIFIED)
    plain = client.post("editMessageText", data={**edit, "text": "Hi",
                                                 "reply_markup": keyboard("a")})
    assert plain.status_code == 200  # losing the bold is a change
    assert plain.json()["result"]["edit_date"] == int(api.now)
    no_keyboard = client.post("editMessageText", data={**edit, "text": "Hi"})
    assert no_keyboard.status_code == 200
    assert "reply_markup" not in no_keyboard.json()["result"]
    assert api.last_bot_message(CHAT)["reply_markup"] is None


def test_edit_reply_markup_checks_change(api, client):
    send(client, "question", reply_markup=keyboard("a"))
    edit = {"chat_id": str(CHAT), "message_id": "1"}
    assert_bad_request(client.post("editMessageReplyMarkup",
                                   data={**edit, "reply_markup": keyboard("a")}), NOT_MODIFIED)
    assert client.post("editMessageReplyMarkup", data=edit).status_code == 200
    assert api.last_bot_message(CHAT)["reply_markup"] is None
    assert_bad_request(client.post("editMessageReplyMarkup", data=edit), NOT_MODIFIED)
    assert_bad_request(client.post("editMessageReplyMarkup",
                                   data={**edit, "message_id": "2"}),
                       "Bad Request: message to edit not found")


def test_delete_message_refuses_missing_and_too_old(api, client):
    send(client, "one")
    send(client, "two")
    target = {"chat_id": str(CHAT), "message_id": "1"}
    api.advance(48 * 3600)
    assert client.post("deleteMessage", data=target).json() == {"ok": True, "result": True}
    assert_bad_request(client.post("deleteMessage", data=target),
                       "Bad Request: message to delete not found")
    api.age_message(CHAT, 2, 1)
    assert_bad_request(client.post("deleteMessage", data={**target, "message_id": "2"}),
                       "Bad Request: message can't be deleted for everyone")
    assert_bad_request(client.post("deleteMessage", data={**target, "chat_id": "555"}),
                       "Bad Request: message to delete not found")
    assert [m["text"] for m in api.chat(CHAT)] == ["two"]


def test_delete_messages_skips_what_it_cannot_delete(api, client):
    for text in ("a", "b", "c", "d"):
        send(client, text)
    api.age_message(CHAT, 3, 3 * 24 * 3600)
    response = client.post("deleteMessages",
                           data={"chat_id": str(CHAT), "message_ids": "[1, 2, 3, 77]"})
    assert response.json() == {"ok": True, "result": True}
    assert [m["text"] for m in api.chat(CHAT)] == ["c", "d"]


@pytest.mark.parametrize("count", [0, 101])
def test_delete_messages_takes_one_to_a_hundred_ids(client, count):
    ids = json.dumps(list(range(1, count + 1)))
    assert_bad_request(client.post("deleteMessages", data={"chat_id": "1", "message_ids": ids}),
                       "Bad Request: too many messages to delete")


def test_a_blocked_user_gives_forbidden(api, client):
    api.user_blocks_bot(CHAT)
    response = send(client, "hello?")
    assert response.status_code == 403
    assert response.json()["description"] == "Forbidden: bot was blocked by the user"


# --- faults, updates, settings -------------------------------------------------------------


def test_injected_faults_fail_the_next_calls_then_recover(api, client):
    api.inject_fault("sendMessage", retry_after=3, times=2)
    for _ in range(2):
        response = send(client, "x")
        assert response.status_code == 429
        assert response.json() == {"ok": False, "error_code": 429,
                                   "description": "Too Many Requests: retry after 1",
                                   "parameters": {"retry_after": 3}}
    assert send(client, "x").status_code == 200
    assert len(api.calls_to("sendMessage")) == 3
    assert len(api.chat(CHAT)) == 1

    api.inject_fault("getMe", error_code=502, description="Bad Gateway")
    assert client.post("getMe").json() == {"ok": False, "error_code": 502,
                                           "description": "Bad Gateway"}
    assert client.post("getMe").status_code == 200


def test_injected_delay_slows_one_call(api, client):
    api.inject_delay("getMe", 0.3)
    start = time.monotonic()
    assert client.post("getMe").status_code == 200
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    client.post("getMe")
    assert time.monotonic() - start < 0.3


def test_get_updates_confirms_by_offset_and_long_polls(api, client):
    first = api.user_sends(CHAT, "/start now")
    assert first["update_id"] == 1
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    api.user_sends(CHAT, "hello")
    updates = client.post("getUpdates", data={"offset": "0", "timeout": "0"}).json()["result"]
    assert [u["update_id"] for u in updates] == [1, 2]
    assert client.post("getUpdates", data={"offset": "3", "timeout": "0"}).json()[
        "result"] == []
    assert api.pending_updates() == []

    threading.Timer(0.2, api.user_sends, (CHAT, "late")).start()
    start = time.monotonic()
    updates = client.post("getUpdates", data={"offset": "3", "timeout": "10"}).json()["result"]
    assert [u["message"]["text"] for u in updates] == ["late"]
    assert time.monotonic() - start < 1.5

    start = time.monotonic()
    assert client.post("getUpdates", data={"offset": "4", "timeout": "30"},
                       timeout=10).json()["result"] == []
    assert 1.5 < time.monotonic() - start < 4  # long polls are capped to keep tests fast


def test_clicks_carry_the_message_or_an_inaccessible_stub(api, client):
    send(client, "Are you safe?", reply_markup=keyboard("yes"))
    click = api.user_clicks(CHAT, 1, "yes")["callback_query"]
    assert click["data"] == "yes"
    assert click["from"]["id"] == CHAT
    assert click["message"]["text"] == "Are you safe?"
    assert click["message"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    gone = api.user_clicks(CHAT, 99, "yes")["callback_query"]["message"]
    assert gone == {"chat": {"id": CHAT, "type": "private", "first_name": "Alex"},
                    "message_id": 99, "date": 0}
    assert [u["update_id"] for u in api.pending_updates()] == [1, 2]


def test_other_user_messages_and_pushed_updates(api):
    api.user_sends_sticker(CHAT)
    photo = api.user_sends_photo(CHAT, caption="screenshot")["message"]
    assert "text" not in photo
    assert len(photo["photo"]) == 2
    pushed = api.push_update({"channel_post": {"message_id": 1, "date": 0,
                                               "chat": {"id": -100, "type": "channel"}}})
    assert pushed["update_id"] == 3
    with pytest.raises(ValueError, match="user_id"):
        api.user_sends(-5, "hi all", chat_type="group")
    group = api.user_sends(-5, "hi all", chat_type="group", user_id=7)["message"]
    assert group["chat"]["type"] == "group"
    assert group["from"]["id"] == 7


def test_commands_and_descriptions_are_kept_per_scope_and_language(api, client):
    commands = json.dumps([{"command": "start", "description": "Begin"}])
    client.post("setMyCommands", data={"commands": commands, "language_code": "cy"})
    assert client.post("getMyCommands", data={"language_code": "cy"}).json()["result"] == [
        {"command": "start", "description": "Begin"}]
    assert client.post("getMyCommands").json()["result"] == []
    scope = json.dumps({"type": "all_private_chats"})
    client.post("setMyCommands", data={"commands": commands, "scope": scope})
    assert len(api.commands) == 2
    client.post("deleteMyCommands", data={"scope": scope})
    assert len(api.commands) == 1

    client.post("setMyDescription", data={"description": "Help", "language_code": "en"})
    assert client.post("getMyDescription", data={"language_code": "en"}).json()["result"] == {
        "description": "Help"}
    assert client.post("getMyShortDescription").json()["result"] == {"short_description": ""}


def test_wait_for_reports_what_happened_on_timeout(api, client):
    send(client, "hello")
    with pytest.raises(AssertionError, match=r"(?s)never_true.*sendMessage.*'hello'"):
        api.wait_for(never_true, timeout=0.2)


def never_true(_api):
    return False


async def test_wait_for_refuses_to_block_the_event_loop(api):
    with pytest.raises(RuntimeError, match="wait_for_async"):
        api.wait_for(never_true, timeout=0.1)
    api.user_sends(CHAT, "x")
    await api.wait_for_async(lambda a: len(a.pending_updates()) == 1, timeout=1)


def test_stop_closes_the_port():
    fake = FakeBotApi().start()
    url = f"{fake.base_url}{TOKEN}/getMe"
    assert httpx.post(url).status_code == 200
    fake.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.post(url, timeout=1)


# --- through python-telegram-bot ---------------------------------------------------------------


async def test_real_bot_sends_edits_answers_deletes_and_uploads(api):
    api.user_sends(CHAT, "/start")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("I feel unsafe", callback_data="unsafe"),
                                    InlineKeyboardButton("Info", url="https://example.org")]])
    async with Bot(token=TOKEN, base_url=api.base_url) as bot:
        assert bot.username == "test_support_bot"
        sent = await bot.send_message(CHAT, "<b>Are you safe?</b> Tom &amp; Jerry",
                                      parse_mode="HTML", reply_markup=markup)
        assert sent.message_id == 2
        assert sent.text == "Are you safe? Tom & Jerry"
        assert sent.reply_markup == markup

        click = api.user_clicks(CHAT, sent.message_id, "unsafe")["callback_query"]
        assert await bot.answer_callback_query(click["id"])
        edited = await bot.edit_message_text("Thank you.", chat_id=CHAT,
                                             message_id=sent.message_id)
        assert edited.edit_date is not None
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("Thank you.", chat_id=CHAT, message_id=sent.message_id)

        document = await bot.send_document(CHAT, InputFile(b"evidence log", filename="log.txt"))
        assert document.document.file_name == "log.txt"
        assert await bot.send_chat_action(CHAT, "typing")
        assert (await bot.get_chat(CHAT)).type == "private"

        assert await bot.delete_message(CHAT, 1)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(CHAT, 1)
        assert await bot.delete_messages(CHAT, [2, 99])

    [record] = api.chat(CHAT)
    assert record["document"]["file_name"] == "log.txt"
    assert api.files[record["document"]["file_id"]].content == b"evidence log"
    assert api.calls_to("answerCallbackQuery")[0]["callback_query_id"] == click["id"]
    assert api.calls_to("deleteMessages")[0]["message_ids"] == [2, 99]


async def test_real_bot_sees_telegram_errors_as_ptb_exceptions(api, monkeypatch):
    # RetryAfter.__init__ reads its own deprecated int-valued retry_after, which warns (an error
    # under filterwarnings=error) unless PTB opts in to timedelta periods.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    async with Bot(token=TOKEN, base_url=api.base_url) as bot:
        api.inject_fault("sendMessage", retry_after=5)
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(CHAT, "x")
        assert retry.value.retry_after.total_seconds() == 5
        with pytest.raises(BadRequest, match="Button_data_invalid"):  # PTB capitalizes
            await bot.send_message(CHAT, "x", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", callback_data="x" * 65)]]))
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(CHAT, "a < b", parse_mode="HTML")
        api.user_blocks_bot(CHAT)
        with pytest.raises(Forbidden):
            await bot.send_message(CHAT, "x")


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def test_real_application_polls_and_echoes(api):
    app: Application = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        api.user_sends(CHAT, "is anyone there?")
        await api.wait_for_async(
            lambda a: (a.last_bot_message(CHAT) or {}).get("text") == "echo: is anyone there?",
            timeout=10)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    reply = api.calls_to("sendMessage")[0]
    assert reply["chat_id"] == CHAT
    assert api.pending_updates() == []  # the final getUpdates confirmed the update
