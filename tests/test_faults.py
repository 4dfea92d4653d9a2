"""Whole conversations while the Bot API fails a share of calls at random.

502s, 429s with retry_after and answers that come too late (the call took effect, the
answer was lost) hit a seeded share of every call that several people's conversations
make at once. Every screen must still arrive, and every diary note be kept exactly once.
People who block the bot half-way are cleaned up, and keep their diary.
"""

from __future__ import annotations

import asyncio
import os
import random
from datetime import UTC, datetime

from bot.conversation import Conversation
from bot.diary_store import Diaries
from bot.logs import Pseudonyms
from bot.requests import RetryingRequest
from bot.telegram_app import build_application
from tests.botclient import BotClient
from tests.flowdriver import catalogs, engine

TOKEN = "123456:FAULTS-token-for-the-fake-api-00000"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
KEY = bytes(range(32))
SEED = int(os.environ.get("FAULTS_SEED", "0")) or random.SystemRandom().randrange(1, 10**6)
ANSWERS = ("Yes", "No", "Not sure")


async def whole_conversation(client: BotClient, blocks_half_way: bool) -> None:
    """The check from start to summary, then quick notes in the diary."""
    await client.send("/start")
    await client.click("Check what")
    assert "Are you in danger" in client.screen_text
    await client.click("No")
    for number in range(1, 14):
        assert f"Question {number} of 13" in client.screen_text, (client.chat_id, number)
        await client.click(ANSWERS[number % 3])
    for label, next_text in (("A stranger", "2 of 5"), ("No", "3 of 5"), ("No", "4 of 5"),
                             ("No", "5 of 5"), ("No", "Your answers")):
        await client.click(label)
        assert next_text in client.screen_text, (client.chat_id, next_text)
    assert "You said yes to 4 of the 13 signs" in client.screen_text
    await client.send("/diary")
    assert "Your diary" in client.screen_text
    for number in (1, 2, 3):
        if blocks_half_way and number == 3:
            client.api.user_blocks_bot(client.chat_id)
        await client.send(f"note {number} of {client.chat_id}")
        if blocks_half_way and number == 3:
            return
        assert client.screen_text == f"Saved: incident {number}", (client.chat_id, number)
    await client.click("My incidents")
    assert "Incidents saved: 3" in client.screen_text


async def test_every_reply_arrives_and_no_note_is_doubled_while_calls_fail(api, store):
    api.chaos(0.1, seed=SEED, late=0.6)
    diaries = Diaries(store, KEY)
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"k"), diaries=diaries
    )
    request = RetryingRequest(connection_pool_size=64, read_timeout=0.4, backoff=0.01)
    app = build_application(TOKEN, api.base_url, conversation, request=request)
    people = [BotClient(api, app, chat_id=6100 + i) for i in range(8)]
    blocking = {6106, 6107}
    async with app:
        await asyncio.gather(*(
            whole_conversation(person, person.chat_id in blocking) for person in people
        ))
    seen = api.chaos_seen
    assert seen.get("502", 0) >= 5 and seen.get("late", 0) >= 5 and seen.get("429", 0) >= 1, (
        f"seed {SEED}: too few faults to mean anything: {seen}"
    )
    for person in people:
        entries = diaries.for_chat(person.chat_id).entries()
        # Those who blocked the bot sent their third note before the bot's answer failed:
        # it is kept too. Nobody's notes are lost or doubled.
        assert sorted(e.what for e in entries) == [
            f"note {n} of {person.chat_id}" for n in (1, 2, 3)
        ], f"seed {SEED}"
        if person.chat_id in blocking:
            assert store.load(person.chat_id) is None, f"seed {SEED}"
            assert store.deletable(person.chat_id, NOW.timestamp()) == [], f"seed {SEED}"
        else:
            assert store.load(person.chat_id).state == "diary.list", f"seed {SEED}"
    assert api.errors == []
