"""Two real bot processes behind one webhook, sharing one PostgreSQL database.

Updates of the same people go to the two processes in turn, as a load balancer would send
them. Each person waits for the bot's answer before the next step, as a person does, and
several people talk at once. Every answer must come in order, from the state the other
process left; and notes sent to both processes at the same moment are both kept, once.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.diary_store import Diaries
from bot.storage import Store
from bot.webhook import SECRET_HEADER
from tests.fakeapi import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "765432:TWO-processes-token-0000000000000"
SECRET = "two-processes-webhook-secret-0001"
KEY = bytes(range(7, 39))
PEOPLE = range(9100, 9106)
ANSWERS = ("Yes", "No", "Not sure")
ROUNDS = 6  # notes sent to both processes at the same moment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_bot(api: FakeBotApi, data_dir: Path, database_url: str, port: int, log: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, BOT_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url, BOT_DIARY_KEY=base64.urlsafe_b64encode(KEY).decode(),
        BOT_WEBHOOK_URL="https://bot.example.org/", BOT_WEBHOOK_SECRET=SECRET,
        BOT_WEBHOOK_LISTEN="127.0.0.1", BOT_WEBHOOK_PORT=str(port),
    )
    with log.open("ab") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "webhook"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=stderr,
        )


def wait_healthy(base: str, bot: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert bot.poll() is None, log.read_text()
        with contextlib.suppress(httpx.HTTPError):  # not listening yet
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"{base} never became healthy:\n{log.read_text()}")


@pytest.fixture
def two_bots(api: FakeBotApi, postgres_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two webhook processes on one database; yields their addresses."""
    ports = [free_port(), free_port()]
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    bots = [
        start_bot(api, tmp_path, postgres_url, port, log)
        for port, log in zip(ports, logs, strict=True)
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, bot, log in zip(bases, bots, logs, strict=True):
            wait_healthy(base, bot, log)
        yield bases
    finally:
        for bot in bots:
            bot.terminate()
        for bot in bots:
            bot.wait(20)
    for log in logs:
        text = log.read_text()
        assert "Traceback" not in text and "ERROR" not in text, text


class Person:
    """One person whose updates a load balancer hands to the two processes in turn."""

    def __init__(self, api: FakeBotApi, client: httpx.AsyncClient, bases: list[str], chat: int):
        self.api, self.client, self.chat = api, client, chat
        self.processes = itertools.cycle(bases)
        self.seen: list[str] = []  # every screen text, in the order it appeared

    async def post(self, update: dict, base: str | None = None) -> None:
        response = await self.client.post(
            f"{base or next(self.processes)}/telegram", json=update,
            headers={SECRET_HEADER: SECRET},
        )
        assert response.status_code == 200

    def text(self) -> str:
        return (self.api.last_bot_message(self.chat) or {}).get("text") or ""

    async def expect(self, wanted: str) -> None:
        await self.api.wait_for_async(lambda a: wanted in self.text(), timeout=20)
        self.seen.append(self.text())

    async def send(self, text: str, expect: str) -> None:
        await self.post(self.api.user_sends(self.chat, text))
        await self.expect(expect)

    async def tap(self, label: str, expect: str) -> None:
        screen = [m for m in self.api.bot_messages(self.chat) if m.get("reply_markup")][-1]
        data = next(
            b["callback_data"] for row in screen["reply_markup"]["inline_keyboard"] for b in row
            if label in b["text"]
        )
        await self.post(self.api.user_clicks(self.chat, screen["message_id"], data))
        await self.expect(expect)


async def a_whole_check_then_notes(person: Person) -> None:
    """Thirteen signs answered across the two processes, then three quick notes."""
    await person.post(person.api.user_sends(person.chat, "/start"))
    await person.api.wait_for_async(
        lambda a: any(m.get("reply_markup") for m in a.bot_messages(person.chat)), timeout=20
    )
    await person.tap("Check what", "Are you in danger")
    await person.tap("No", "Question 1 of 13")
    for number in range(1, 13):
        await person.tap(ANSWERS[number % 3], f"Question {number + 1} of 13")
    await person.tap(ANSWERS[13 % 3], "Nearly done: 1 of 5")
    for label, expect in (("A stranger", "2 of 5"), ("No", "3 of 5"), ("No", "4 of 5"),
                          ("No", "5 of 5"), ("No", "Your answers")):
        await person.tap(label, expect)
    await person.send("/diary", "Your diary")
    for number in (1, 2, 3):
        await person.send(f"note {number} from {person.chat}", f"Saved: incident {number}")


async def test_one_persons_updates_alternate_between_processes_and_stay_in_order(
    api, two_bots, postgres_url
):
    async with httpx.AsyncClient(timeout=20) as client:
        people = [Person(api, client, two_bots, chat) for chat in PEOPLE]
        await asyncio.gather(*(a_whole_check_then_notes(person) for person in people))

        # The same moment, both processes: each gets one note of the same person.
        for round_ in range(ROUNDS):
            for person in people:
                notes = [f"together A{round_} {person.chat}", f"together B{round_} {person.chat}"]
                await asyncio.gather(*(
                    person.post(api.user_sends(person.chat, note), base)
                    for note, base in zip(notes, two_bots, strict=True)
                ))
            last = f"Saved: incident {3 + 2 * (round_ + 1)}"
            for person in people:
                await api.wait_for_async(
                    lambda a, p=person, last=last: any(
                        last in (m.get("text") or "") for m in a.bot_messages(p.chat)
                    ),
                    timeout=20,
                )

    for person in people:
        questions = [t for t in person.seen if "of 13" in t]
        numbers = [int(t.split("Question ")[1].split(" of")[0]) for t in questions]
        assert numbers == list(range(1, 14)), (person.chat, numbers)
        summary = next(t for t in person.seen if "Your answers" in t)
        assert "You said yes to 4 of the 13 signs" in summary, summary  # 3, 6, 9, 12
        assert "You were not sure about 4 signs." in summary, summary  # 2, 5, 8, 11

    store = Store(postgres_url)
    try:
        diaries = Diaries(store, KEY)
        for person in people:
            entries = diaries.for_chat(person.chat).entries()
            assert sorted(e.number for e in entries) == list(range(1, 4 + 2 * ROUNDS)), person.chat
            whats = sorted(e.what for e in entries)
            assert whats == sorted([
                *(f"note {n} from {person.chat}" for n in (1, 2, 3)),
                *(f"together {side}{r} {person.chat}" for side in "AB" for r in range(ROUNDS)),
            ])
    finally:
        store.close()
