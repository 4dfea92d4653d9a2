"""The quick exit's cost: API calls and time to wipe 500 messages against a local fake
Bot API over HTTP (target: 5 calls, under 0.5 s on loopback).

    python -m benchmarks.wipe
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from telegram import Bot

from bot.storage import Store
from bot.wipe import Wiper
from tests.fakeapi import FakeBotApi

MESSAGES = 500
RUNS = 5
TOKEN = "123456:BENCHMARK-token-for-the-fake-api-0"  # noqa: S105 - the fake API's, not a secret


async def one_run(api: FakeBotApi, store: Store, bot: Bot, chat_id: int) -> tuple[int, float]:
    """Fill a chat with 500 messages, then time the wipe; returns (calls, seconds)."""
    ids = [api.user_sends(chat_id, f"m{i}")["message"]["message_id"] for i in range(MESSAGES)]
    now = datetime.now(UTC).timestamp()
    store.remember(chat_id, ids, now)
    wiper = Wiper(store, lambda: datetime.now(UTC).timestamp())
    api.clear_calls()
    start = time.perf_counter()
    await wiper.wipe(bot, chat_id, None)
    elapsed = time.perf_counter() - start
    if api.chat(chat_id):
        raise RuntimeError("the wipe left messages behind")
    return len(api.calls), elapsed


async def main() -> None:
    """Print the figures."""
    with FakeBotApi() as api, tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        async with Bot(TOKEN, base_url=api.base_url) as bot:
            results = [await one_run(api, store, bot, 9000 + run) for run in range(RUNS)]
        store.close()
    calls = {c for c, _t in results}
    times = [t for _c, t in results]
    print(f"wipe of {MESSAGES} messages: {sorted(calls)} API calls (target 5)")
    print(f"time: median {statistics.median(times) * 1000:.1f} ms, "
          f"worst {max(times) * 1000:.1f} ms over {RUNS} runs (target < 500 ms)")


if __name__ == "__main__":
    asyncio.run(main())
