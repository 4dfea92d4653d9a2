"""The diary through the real bot: python-telegram-bot over HTTP to the fake Bot API, an
encrypted SQLite diary, attachments, forwarded messages, cleanup, PIN, export, forget."""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from telegram import Update
from telegram.ext import Application

from bot.conversation import Conversation
from bot.diary_store import Diaries
from bot.logs import Pseudonyms
from bot.storage import Store
from bot.telegram_app import build_application
from tests.botclient import BotClient
from tests.flowdriver import catalogs, engine

TOKEN = "123456:DIARY-token-for-the-fake-api-000000"
KEY = bytes(range(32))
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
async def application(api, store) -> AsyncIterator[Application]:
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"k"),
        diaries=Diaries(store, KEY),
    )
    app = build_application(TOKEN, api.base_url, conversation)
    async with app:
        yield app


@pytest.fixture
def client(api, application) -> BotClient:
    return BotClient(api, application, chat_id=7300)


def diary_of(application: Application, chat_id: int):
    return application.bot_data["conversation"].diaries.for_chat(chat_id)


async def send_photo(client: BotClient) -> str:
    update = client.api.user_sends_photo(client.chat_id)
    await client.application.process_update(Update.de_json(update, client.application.bot))
    return update["message"]["photo"][-1]["file_id"]


async def guided_entry(client: BotClient) -> str:
    await client.send("/diary")
    await client.click("Add an incident")
    await client.click("Just now")
    await client.send("Acacia Road bus stop")
    await client.send("Stood across the road and took photos of me")
    await client.send("My ex-partner")
    await client.click("8")  # hanging around
    await client.click("Done")
    await client.send("Frightened")
    await client.click("Skip")
    file_id = await send_photo(client)
    await client.click("Done")
    return file_id


async def test_a_guided_entry_is_saved_and_its_messages_leave_the_chat(client, api, application):
    await client.send("/start")
    before = {m["message_id"] for m in api.chat(client.chat_id)}
    file_id = await guided_entry(client)
    assert "Acacia Road bus stop" in client.screen_text
    await client.click("Save")
    left = [m for m in api.chat(client.chat_id) if m["message_id"] not in before]
    texts = [m.get("text") for m in left]
    assert texts[-1] == "Saved: incident 1"
    for typed in ("Acacia Road bus stop", "Frightened", "My ex-partner"):
        assert typed not in texts  # the person's entry messages were deleted
    assert not [m for m in left if m.get("photo")]
    entry = diary_of(application, client.chat_id).get(1)
    assert entry.where == "Acacia Road bus stop"
    assert entry.evidence[0].file_id == file_id  # kept as Telegram's file id, not a copy


async def test_the_database_never_holds_the_entry_in_plain_text(client, store, database):
    await guided_entry(client)
    await client.click("Save")
    store.close()
    raw = b"".join(p.read_bytes() for p in database.parent.glob("bot.sqlite3*"))
    for text in ("Acacia Road", "took photos of me", "Frightened"):
        assert text.encode() not in raw


async def test_an_update_delivered_twice_is_applied_once(client, api, application):
    await client.send("/diary")
    note = api.user_sends(client.chat_id, "He followed me to the station")
    for _ in range(2):  # Telegram sends it again: the bot died before confirming it
        await application.process_update(Update.de_json(note, application.bot))
    assert [e.what for e in diary_of(application, client.chat_id).entries()] == [
        "He followed me to the station"
    ]
    assert client.screen_text == "Saved: incident 1"
    await client.click("Diary")
    await client.click("Add an incident")
    await client.click("Now")
    where = api.user_sends(client.chat_id, "Outside the library")
    for _ in range(2):
        await application.process_update(Update.de_json(where, application.bot))
    assert "What happened" in client.screen_text  # not also taken as what happened
    assert diary_of(application, client.chat_id).draft().what == ""


async def test_a_forwarded_message_keeps_its_origin_time_and_a_hash(client, api, application):
    await client.send("/diary")
    sent = datetime(2026, 11, 29, 23, 12, tzinfo=UTC)
    update = {
        "message": {
            "message_id": 900, "date": int(NOW.timestamp()),
            "chat": {"id": client.chat_id, "type": "private", "first_name": "Alex"},
            "from": {"id": client.chat_id, "is_bot": False, "first_name": "Alex"},
            "text": "I know where you are tonight",
            "forward_origin": {
                "type": "hidden_user", "sender_user_name": "Someone",
                "date": int(sent.timestamp()),
            },
        }
    }
    await application.process_update(Update.de_json(api.push_update(update), application.bot))
    entry = diary_of(application, client.chat_id).get(1)
    assert entry.forwarded.sent_at == sent
    expected = hashlib.sha256(b"I know where you are tonight\n").hexdigest()
    assert entry.forwarded.sha256 == expected
    assert entry.what == "I know where you are tonight"


async def test_a_saved_entry_survives_a_new_process(api, store, database, client):
    await client.send("/diary")
    await client.send("Waiting at the gate")
    store.close()  # the process is gone; a new one opens the same file with the same key
    reopened = Store(database)
    assert Diaries(reopened, KEY).for_chat(client.chat_id).get(1).what == "Waiting at the gate"
    reopened.close()


async def test_a_typed_pin_is_deleted_and_five_wrong_ones_lock_the_diary(client, api, application):
    await client.send("/diary")
    await client.click("Set a PIN")
    await client.send("4821")
    assert "4821" not in [m.get("text") for m in api.chat(client.chat_id)]
    await client.click("Lock")
    for _ in range(5):
        await client.send("1111")
    assert "Too many wrong tries" in client.screen_text
    await client.send("4821")
    assert "Your diary is locked" in client.screen_text
    assert not [m for m in api.chat(client.chat_id) if m.get("text") in ("1111", "4821")]


async def test_quick_exit_keeps_the_diary_and_forget_erases_it(client, api, store, application):
    await client.send("/diary")
    await client.send("He rang eleven times tonight")  # a quick note
    await client.send("/exit")
    assert api.chat(client.chat_id) == []
    assert diary_of(application, client.chat_id).get(1).what == "He rang eleven times tonight"
    await client.send("/forget")
    await client.click("Yes, delete everything")
    assert store.rows_about(client.chat_id) == 0
    assert diary_of(application, client.chat_id).entries() == []


async def note_then_export_screen(client: BotClient, note: str) -> None:
    """Write a quick note, then open the diary's export screen."""
    await client.send("/start")
    await client.send("/diary")
    await client.send(note)  # a quick note
    await client.send("/diary")
    await client.click("📄")  # Export


async def test_an_export_logs_nothing_of_the_diary(api, application, operator_log):
    log = operator_log("DEBUG")  # the most an operator can turn on
    client = BotClient(api, application, chat_id=7390, language="ur")
    await note_then_export_screen(client, "Zebra-striped van outside again")
    await client.click("📄")  # Send PDF and CSV
    assert len(api.calls_to("sendDocument")) == 2
    logged = log.getvalue()
    assert " bot.conversation: " in logged  # the log is not empty
    # fontTools lists the glyphs it keeps for the PDF: a trace of what the person wrote.
    for fragment in ("fontTools", "glyph", "fpdf", "Zebra"):
        assert fragment not in logged


async def test_a_long_diary_export_does_not_hold_up_other_people(application, api):
    conversation = application.bot_data["conversation"]
    real_exporter = conversation.exporter
    started, finished = threading.Event(), threading.Event()

    def slow_exporter(*args: object) -> list[tuple[str, bytes]]:
        started.set()
        time.sleep(1.5)  # as a PDF of hundreds of entries: CPU work, no await in it
        finished.set()
        return real_exporter(*args)

    conversation.exporter = slow_exporter
    writer = BotClient(api, application, chat_id=9204)
    await note_then_export_screen(writer, "A note")
    message, data = writer.find_button("📄")  # Send PDF and CSV
    await application.start()  # from here, updates come through its queue, several at once
    try:
        tap = api.user_clicks(writer.chat_id, message["message_id"], data)
        await application.update_queue.put(Update.de_json(tap, application.bot))
        while not started.is_set():
            await asyncio.sleep(0.01)
        assert not finished.is_set()  # this test runs on while the export is being made
        other = api.user_sends(9205, "/start")
        await application.update_queue.put(Update.de_json(other, application.bot))
        await api.wait_for_async(lambda a: a.last_bot_message(9205) is not None, timeout=10)
        assert api.calls_to("sendDocument") == []  # answered before the export is done
        await api.wait_for_async(lambda a: len(a.calls_to("sendDocument")) == 2, timeout=10)
    finally:
        await application.stop()


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_export_sends_a_pdf_and_a_csv_that_the_quick_exit_removes(api, application, lang):
    client = BotClient(api, application, chat_id=7400 + len(lang), language=lang)
    await note_then_export_screen(client, "Left a note on my car: 'I'm watching'")
    await client.click("📄")  # Send PDF and CSV
    documents = [c for c in api.calls if c.method == "sendDocument"]
    names = sorted(f.filename for f in api.files.values())
    assert len(documents) == 2 and names == ["diary.csv", "diary.pdf"]
    pdf = next(f for f in api.files.values() if f.filename == "diary.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "car" in text
    await client.send("/exit")
    assert api.chat(client.chat_id) == []
