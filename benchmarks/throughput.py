"""Throughput, latency and memory of the whole bot, against a minimal python-telegram-bot echo
bot measured in the same run, the same way.

    python -m benchmarks.throughput [--conversations N] [--concurrency C] [--rounds R]
                                    [--sessions S] [--phase all|throughput|memory]
                                    [--api-latency MS] [--database-url URL]

Updates go IN over HTTP to the bot's webhook server (POST /telegram with the secret token),
replies go OUT over HTTP to a local fake Bot API (benchmarks/throughput_fakeapi.py, on the
driver's event loop, HTTP/1.1 keep-alive). Each bot runs in its own process, started fresh:

- echo: benchmarks/echo_bot.py, PTB's own `run_webhook` with a secret token and the library's
  defaults (no rate limiter). It replies to a message with sendMessage, and to a tap with
  answerCallbackQuery then editMessageText, as the bot does.
- bot: `python -m bot webhook`, exactly as shipped, SQLite in a fresh temporary data dir, or the
  database given by --database-url (passed to the bot, and only the bot, as DATABASE_URL).
  Give an empty database: every bot of the run shares it (with one BOT_DIARY_KEY made for the
  run, so a database left by another run is refused), and the memory phase's bot starts with
  the ~230 sessions the throughput phase left there (about 0.3 MB of its RSS at rest).
- echo, bot's rate limiter: the same echo bot with the AIORateLimiter the bot has. Telegram
  allows a bot about 30 messages a second; the limiter keeps the bot under that whatever its
  code costs, so the shipped bot can only be compared fairly with a bot under the same cap.
- bot, cap lifted: the same bot through benchmarks/throughput_unthrottled.py, which only lifts
  the overall 30 requests/s cap of its AIORateLimiter, to show what the bot's own code costs.

Every bot gets the same scripted conversation per chat: /start, "Check what is happening",
"No" to "Are you in danger", five answers, the typed answer "no", then /menu (10 updates: 7 taps
on the live screen with callback data from its buttons, 3 typed). C chats talk at once; within
a chat every update waits for the previous one's replies, as a person does. The three bots run
side by side and take turns, R rounds of N/R conversations each, so that other work on the
machine weighs on each alike (its load average is printed).

With --api-latency the fake API answers each call after that many milliseconds, as Telegram
does from a server some way off (a round trip of 20 to 100 ms): a bot that handles one update
at a time (the echo bot, with python-telegram-bot's defaults) then waits for each answer, while
the bot handles up to 8 updates at once.

Figures:
- updates/s: updates handled in the loaded rounds / their wall time (first POST to last reply);
  "best round" is the fastest of a bot's rounds, the one the machine's other work hurt least.
- latency of an update: from just before its POST to the webhook is written until the LAST Bot
  API call it causes reaches the fake API (both clocks in the driver). The calls an update
  causes are known from the chat's state: a tap, answerCallbackQuery and editMessageText; a
  typed message, sendMessage, plus editMessageReplyMarkup taking the keyboard off the previous
  screen when one is live (the bot's one-live-keyboard rule; the echo bot retires nothing).
  p50 and p99 are given for the loaded rounds, where they mostly measure the queue (latency is
  about C / throughput for a saturated bot), and p50 for 10 conversations one chat at a time.
- KB/update: bytes of the update posted to the webhook, of the Bot API calls it causes and
  of their answers (10^3 bytes). The bot's screens carry text and keyboards; the echo bot's
  replies are a few words, and Telegram (like the fake API) sends a message back whole.
- CPU ms/update and CPU %: the bot process's user+system CPU time in the loaded rounds, per
  update and per second of wall time. PTB handles one update at a time, so a bot below 100%
  spends the rest waiting (for the fake API's answers, the rate limiter, or a busy machine).
- memory: VmRSS of a fresh bot process (cap lifted, so that filling takes minutes, not an
  hour; the limiter keeps nothing per private chat) at rest after start (set up, 2 s in, no
  call for 0.5 s), after 100 sessions, and with S = 10,000 sessions: S chats that have each
  sent /start and tapped "Check what is happening" (mid-way: asked whether they are in
  danger). MB here are 10^6 bytes.

Targets: bot/echo updates/s >= 0.9; RSS with 10,000 sessions <= 20 MB above the bot at rest.
Ratios printed: the shipped bot against the echo bot (the target), against the echo bot with
the same rate limiter (both held by Telegram's cap), and the bot with the cap lifted against
the echo bot (both uncapped: the cost of the bot's code and of its heavier, more numerous calls).

Time: the throughput phase takes about two and a half minutes on 2 cores. The memory phase sends
2 x S updates through a single bot process, so it takes as long as the bot needs for them:
about three and a half minutes for 10,000 sessions (the slices it prints show whether the
cost of an update grows with the chats the bot knows; it did, when every update moved its
chat's auto-clear job); `--phase throughput` or `--sessions 0` skips it.
It must end within 15 minutes, the bot's default auto-clear: a session of the phase wiped by
the bot before the end fails the run (the figure would no longer be of S active sessions).

A benchmark must not fail on timing: the figures are printed with "met" or "NOT met". It does
fail (exit 1) on a missing or wrong reply, an error answer of the fake API, a call nobody
expected, a traceback in a bot's log, or a bot process that dies.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.throughput_fakeapi import ChatState, LeanBotApi
from bot.webhook import SECRET_HEADER

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:THROUGHPUT-benchmark-token-for-a-fake-api"  # noqa: S105 - the fake API's token
SECRET = "throughput-benchmark-webhook-secret"  # noqa: S105 - a local fake webhook's secret
STEP_TIMEOUT = 60.0  # seconds an update may wait for its replies before the run fails
START_TIMEOUT = 60.0
RATIO_TARGET = 0.9
MEMORY_TARGET_MB = 20.0
WARM_CONVERSATIONS = 5
IDLE_CONVERSATIONS = 10
WARM_SESSIONS = 100
MB = 1_000_000


class BenchmarkError(Exception):
    """A missing or wrong reply, a dead process: the figures would mean nothing."""


@dataclass(frozen=True)
class Step:
    """One update a person sends: typed text or a tap with callback data."""

    kind: str  # "text" or "tap"
    value: str
    screen: str  # what the bot's screen shows afterwards (checked for the real bot)


CONVERSATION = (
    Step("text", "/start", "Hello. This chat is private."),
    Step("tap", "open:check", "Are you in danger"),
    Step("tap", "danger:n", "Question 1 of 13"),
    Step("tap", "answer:0:y", "Question 2 of 13"),
    Step("tap", "answer:1:n", "Question 3 of 13"),
    Step("tap", "answer:2:u", "Question 4 of 13"),
    Step("tap", "answer:3:n", "Question 5 of 13"),
    Step("tap", "answer:4:y", "Question 6 of 13"),
    Step("text", "no", "Question 7 of 13"),
    Step("text", "/menu", "What would you like to do?"),
)
SESSION = CONVERSATION[:2]  # /start and one tap: a session mid-way, for the memory phase


@dataclass(frozen=True)
class Target:
    """A bot under test: how to start it, and whether it is the real bot."""

    name: str
    module: str
    real: bool
    env: tuple[tuple[str, str], ...] = ()  # set in its process's environment

    def expected(self, step: Step, chat: ChatState) -> list[str]:
        """The Bot API calls this update should cause (see the module docstring)."""
        if step.kind == "tap":
            return ["answerCallbackQuery", "editMessageText"]
        if self.real and chat.live:
            return ["sendMessage", "editMessageReplyMarkup"]
        return ["sendMessage"]

    def check(self, step: Step, chat: ChatState) -> None:
        """Fail unless the chat shows what this step should lead to."""
        want = step.screen if self.real else step.value
        ok = want in chat.last_text if self.real else chat.last_text == want
        if not ok:
            raise BenchmarkError(
                f"{self.name}: chat {chat.chat_id} after {step.kind} {step.value!r}: expected "
                f"{want!r} on screen, got {chat.last_text[:120]!r}"
            )


ECHO = Target("echo bot (PTB run_webhook)", "benchmarks.echo_bot", real=False)
ECHO_CAPPED = Target("echo bot, bot's rate limiter", "benchmarks.echo_bot", real=False,
                     env=(("ECHO_RATE_LIMITER", "1"),))
BOT = Target("bot (python -m bot webhook)", "bot", real=True)
BOT_UNCAPPED = Target("bot, 30/s cap lifted", "benchmarks.throughput_unthrottled", real=True)
TARGETS = (ECHO, ECHO_CAPPED, BOT, BOT_UNCAPPED)


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcess:
    """A bot in its own process (and session, so Ctrl-C reaches only the driver)."""

    def __init__(self, target: Target, workdir: Path, env: dict[str, str]) -> None:
        self.target = target
        self.log_path = workdir / "bot.log"
        self.port = int(env["BOT_WEBHOOK_PORT"])
        self.stopping = False
        argv = [sys.executable, "-m", target.module]
        if target.real:
            argv.append("webhook")
        with self.log_path.open("wb") as log:
            self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
                argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )

    @property
    def pid(self) -> int:
        """The process id."""
        return self.popen.pid

    def check_alive(self) -> None:
        """Fail loudly if the process has ended."""
        code = self.popen.poll()
        if code is not None:
            raise BenchmarkError(
                f"{self.target.name}: the process died (exit {code})\n{self.log_tail()}"
            )

    def check_log(self) -> None:
        """Fail loudly on a traceback or an error line in the bot's log."""
        text = self.log_path.read_text(errors="replace")
        if "Traceback" in text or re.search(r" (ERROR|CRITICAL) ", text):
            raise BenchmarkError(f"{self.target.name}: errors in its log\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        """The end of the process's log, for a failure message."""
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(f"  | {line}" for line in text) or "  | (empty log)"

    def rss_bytes(self) -> int:
        """Resident memory now: VmRSS from /proc/<pid>/status."""
        self.check_alive()
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
        if match is None:
            raise BenchmarkError(f"no VmRSS for pid {self.pid}")
        return int(match.group(1)) * 1024

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """SIGTERM (the bots stop cleanly on it), then SIGKILL after 10 s."""
        self.stopping = True
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def bot_env(
    api: LeanBotApi, port: int, data_dir: Path, database_url: str | None, diary_key: str
) -> dict[str, str]:
    """The environment of a bot process: nothing of ours leaks in but what we set.

    With a database URL every bot of the run shares one database, so they share one diary
    key too (each would otherwise make its own in its data dir, and all but the first would
    refuse the database).
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "BOT_")) and k != "DATABASE_URL"}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, BOT_DATA_DIR=str(data_dir),
        BOT_WEBHOOK_URL="https://bot.example.org/", BOT_WEBHOOK_SECRET=SECRET,
        BOT_WEBHOOK_LISTEN="127.0.0.1", BOT_WEBHOOK_PORT=str(port),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
    )
    if database_url:
        env.update(DATABASE_URL=database_url, BOT_DIARY_KEY=diary_key)
    return env


# --- HTTP to the webhook ----------------------------------------------------------------------


class WebhookConnection:
    """One keep-alive HTTP/1.1 connection to a bot's webhook server (a chat worker's own)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """Send one request and read its answer: (status, body)."""
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self._reader is not None  # noqa: S101 - opened together with the writer
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"{SECRET_HEADER}: {SECRET}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self._writer.write(head.encode() + body)
        answer = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status = int(answer.split(" ", 2)[1])
        length = re.search(r"(?im)^content-length:\s*(\d+)", answer)
        if re.search(r"(?im)^transfer-encoding:\s*chunked", answer):
            raise BenchmarkError("the webhook answered chunked: not expected")
        payload = await self._reader.readexactly(int(length.group(1))) if length else b""
        if re.search(r"(?im)^connection:\s*close", answer):
            await self.close()
        return status, payload

    async def close(self) -> None:
        """Close the connection."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader, self._writer = None, None


# --- driving ----------------------------------------------------------------------------------


@dataclass
class Run:
    """What one run of conversations measured."""

    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    bot_cpu: float = 0.0
    driver_cpu: float = 0.0
    calls: int = 0
    traffic: int = 0  # bytes: update bodies in, Bot API call and answer bodies

    @property
    def rate(self) -> float:
        """Updates per second."""
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Latency percentile in milliseconds (nearest rank)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] * 1000


class Driver:
    """Plays the people: many chats at once, each chat's updates one after another."""

    def __init__(self, api: LeanBotApi) -> None:
        self.api = api
        self._next_chat = 100_000
        self._diary_key = secrets.token_urlsafe(32)  # one per run
        self.webhook_bytes = 0  # bytes of the updates posted to the webhooks

    def chats(self, count: int) -> range:
        """Chat ids never used before in this run."""
        first = self._next_chat
        self._next_chat += count
        return range(first, first + count)

    async def one_update(
        self, bot: BotProcess, conn: WebhookConnection, chat_id: int, step: Step
    ) -> float:
        """Send one update and wait for its replies; returns its latency in seconds."""
        target, chat = bot.target, self.api.chat(chat_id)
        methods = target.expected(step, chat)
        try:
            update = (self.api.user_message(chat_id, step.value) if step.kind == "text"
                      else self.api.user_tap(chat_id, step.value, on_screen=target.real))
        except RuntimeError as error:
            raise BenchmarkError(f"{target.name}: {error}") from error
        body = json.dumps(update).encode()
        self.webhook_bytes += len(body)
        future = self.api.expect(chat_id, methods)
        start = time.perf_counter()
        try:
            status, _answer = await conn.request("POST", "/telegram", body)
        except (OSError, asyncio.IncompleteReadError) as error:
            self.api.abandon(chat_id)
            bot.check_alive()
            raise BenchmarkError(f"{target.name}: webhook connection failed: {error!r}") from error
        if status != 200:
            self.api.abandon(chat_id)
            raise BenchmarkError(f"{target.name}: the webhook answered {status}")
        try:
            end = await asyncio.wait_for(future, STEP_TIMEOUT)
        except TimeoutError:
            seen = self.api.abandon(chat_id)
            bot.check_alive()
            raise BenchmarkError(
                f"{target.name}: chat {chat_id}, {step.kind} {step.value!r}: replies missing "
                f"after {STEP_TIMEOUT:.0f} s (expected {methods}, got {seen})\n{bot.log_tail()}"
            ) from None
        target.check(step, chat)
        return end - start

    async def run(
        self, bot: BotProcess, chat_ids: Sequence[int], script: Sequence[Step], concurrency: int
    ) -> Run:
        """Each chat plays the script; `concurrency` chats at a time."""
        pending: Iterator[int] = iter(chat_ids)
        run = Run()
        calls_before = self.api.calls.total()
        traffic_before = self.api.traffic + self.webhook_bytes

        async def worker() -> None:
            conn = WebhookConnection(bot.port)
            try:
                for chat_id in pending:
                    for step in script:
                        run.latencies.append(await self.one_update(bot, conn, chat_id, step))
            finally:
                await conn.close()

        cpu, driver_cpu, start = bot.cpu_seconds(), time.process_time(), time.perf_counter()
        workers = [worker() for _ in range(max(1, min(concurrency, len(chat_ids))))]
        await self._supervised(bot, workers)
        run.seconds = time.perf_counter() - start
        run.bot_cpu = bot.cpu_seconds() - cpu
        run.driver_cpu = time.process_time() - driver_cpu
        run.updates = len(run.latencies)
        run.calls = self.api.calls.total() - calls_before
        run.traffic = self.api.traffic + self.webhook_bytes - traffic_before
        return run

    async def _supervised(self, bot: BotProcess, coroutines: Sequence[Awaitable[None]]) -> None:
        """Run the workers; stop at the first failure, a dead bot or an error of the fake."""

        async def watchdog() -> None:
            while True:
                await asyncio.sleep(0.2)
                for started in _PROCESSES:  # the bots waiting for their turn too
                    if not started.stopping:
                        started.check_alive()
                self.check_fake(bot.target)

        tasks = [asyncio.ensure_future(c) for c in coroutines]
        watch = asyncio.ensure_future(watchdog())
        try:
            waiting = {*tasks, watch}
            while not all(task.done() for task in tasks):
                done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
        finally:
            for task in (*tasks, watch):
                task.cancel()
            await asyncio.gather(*tasks, watch, return_exceptions=True)
        self.check_fake(bot.target)

    def check_fake(self, target: Target) -> None:
        """Fail loudly on anything the fake API found wrong."""
        if self.api.errors:
            raise BenchmarkError(
                f"{target.name}: the fake Bot API saw problems:\n  "
                + "\n  ".join(self.api.errors)
            )

    async def start(self, target: Target, workdir: Path, database_url: str | None) -> BotProcess:
        """Start a bot and wait until it is at rest: webhook set, 2 s in, 0.5 s without calls."""
        self.api.webhook = {}
        data_dir = workdir / "data"
        port = free_port()
        env = bot_env(self.api, port, data_dir, database_url if target.real else None,
                      self._diary_key)
        env.update(target.env)
        bot = BotProcess(target, workdir, env)
        _PROCESSES.append(bot)
        deadline = time.monotonic() + START_TIMEOUT
        while self.api.webhook.get("secret_token") != SECRET:
            await self._tick(bot, deadline, "to set its webhook")
        started = time.perf_counter()
        if target.real:
            conn = WebhookConnection(port)
            try:
                while (await conn.request("GET", "/healthz"))[0] != 200:
                    await self._tick(bot, deadline, "to be healthy")
            finally:
                await conn.close()
        while (time.perf_counter() - started < 2.0
               or time.perf_counter() - self.api.last_call_at < 0.5):
            await self._tick(bot, deadline, "to settle")
        self.check_fake(target)
        return bot

    @staticmethod
    async def _tick(bot: BotProcess, deadline: float, what: str) -> None:
        bot.check_alive()
        if time.monotonic() > deadline:
            raise BenchmarkError(f"{bot.target.name}: took over {START_TIMEOUT:.0f} s {what}\n"
                                 f"{bot.log_tail()}")
        await asyncio.sleep(0.05)

    async def stop(self, bot: BotProcess) -> None:
        """Let late calls arrive (none should), stop the bot, check its log."""
        await asyncio.sleep(0.3)
        self.check_fake(bot.target)
        bot.check_alive()
        await asyncio.to_thread(bot.stop)
        bot.check_log()


_PROCESSES: list[BotProcess] = []  # every bot started, stopped on the way out whatever happens


async def stop_bots(bots: Sequence[BotProcess]) -> None:
    """Stop bots while the fake API goes on answering (they finish their last updates)."""
    await asyncio.gather(*(asyncio.to_thread(bot.stop) for bot in bots))


# --- phases -----------------------------------------------------------------------------------


@dataclass
class Throughput:
    """The figures of one bot's throughput phase."""

    target: Target
    loaded: Run
    idle: Run
    rss_rest: int
    best: float  # updates/s of its fastest round: the one the machine's other work hurt least


def merged(runs: Sequence[Run]) -> Run:
    """Several runs of one bot as one: updates, times and latencies added up."""
    total = Run()
    for run in runs:
        total.updates += run.updates
        total.seconds += run.seconds
        total.latencies += run.latencies
        total.bot_cpu += run.bot_cpu
        total.driver_cpu += run.driver_cpu
        total.traffic += run.traffic
        total.calls += run.calls
    return total


async def throughput_phase(
    driver: Driver, targets: Sequence[Target], scratch: Path, args: argparse.Namespace
) -> list[Throughput]:
    """Start every bot; warm each up, one chat at a time; then the loaded runs in rounds.

    The bots take turns (in a rotated order each round), so that a change in the load of the
    machine during the benchmark weighs on each of them alike.
    """
    bots: list[BotProcess] = []
    rest: list[int] = []
    idle: list[Run] = []
    try:
        for number, target in enumerate(targets):
            print(f"- starting {target.name}", flush=True)
            workdir = scratch / f"bot{number}"
            workdir.mkdir()
            bot = await driver.start(target, workdir, args.database_url)
            bots.append(bot)
            rest.append(bot.rss_bytes())
            await driver.run(bot, driver.chats(WARM_CONVERSATIONS), CONVERSATION, 1)
            idle.append(await driver.run(bot, driver.chats(IDLE_CONVERSATIONS), CONVERSATION, 1))
        loaded: list[list[Run]] = [[] for _ in bots]
        for round_number in range(args.rounds):
            count = args.conversations // args.rounds
            count += round_number < args.conversations % args.rounds
            shift = round_number % len(bots)
            for index in [*range(shift, len(bots)), *range(shift)]:
                run = await driver.run(bots[index], driver.chats(count), CONVERSATION,
                                       args.concurrency)
                loaded[index].append(run)
                print(f"  round {round_number + 1}/{args.rounds}, {bots[index].target.name}: "
                      f"{run.updates} updates in {run.seconds:.1f} s", flush=True)
        for bot in bots:
            await driver.stop(bot)
    finally:
        await stop_bots(bots)
    return [Throughput(t, merged(runs), i, r, max(run.rate for run in runs))
            for t, runs, i, r in zip(targets, loaded, idle, rest, strict=True)]


@dataclass
class Slice:
    """Part of the memory phase's filling: sessions so far, and the bot's speed meanwhile."""

    sessions: int
    rate: float
    cpu_ms: float


@dataclass
class Memory:
    """The figures of the memory phase."""

    rest: int
    warm: int
    full: int
    sessions: int
    seconds: float
    slices: list[Slice]


async def memory_phase(driver: Driver, scratch: Path, args: argparse.Namespace) -> Memory:
    """A fresh bot (cap lifted): RSS at rest, after 100 sessions, after `--sessions`."""
    target = BOT_UNCAPPED
    print(f"- memory: {target.name}, filling {args.sessions:,} sessions", flush=True)
    driver.api.reset()
    workdir = scratch / "memory"
    workdir.mkdir()
    began = time.perf_counter()
    bot = await driver.start(target, workdir, args.database_url)
    chats = driver.chats(args.sessions)
    driver.api.protected = chats  # an auto-clear of one of them fails the run
    clears_before = driver.api.auto_clears
    try:
        rest = bot.rss_bytes()
        done = min(WARM_SESSIONS, args.sessions)
        await driver.run(bot, chats[:done], SESSION, args.concurrency)
        await asyncio.sleep(0.5)
        warm = bot.rss_bytes()
        slices: list[Slice] = []
        slice_size = max(1, args.sessions // 10)
        while done < args.sessions:
            part = chats[done : done + slice_size]
            run = await driver.run(bot, part, SESSION, args.concurrency)
            done += len(part)
            slices.append(Slice(done, run.rate, run.bot_cpu / run.updates * 1000))
            print(f"  {done:,} sessions: {run.rate:.0f} updates/s, "
                  f"{slices[-1].cpu_ms:.1f} CPU ms/update in this slice, "
                  f"RSS {bot.rss_bytes() / MB:.1f} MB", flush=True)
        await asyncio.sleep(1.0)
        full = bot.rss_bytes()
        await driver.stop(bot)
    finally:
        await stop_bots([bot])
    if driver.api.auto_clears > clears_before:
        print(f"  (meanwhile the bot auto-cleared {driver.api.auto_clears - clears_before} chats "
              "of the throughput phase, 15 minutes after their last update)")
    return Memory(rest, warm, full, args.sessions, time.perf_counter() - began, slices)


# --- report -----------------------------------------------------------------------------------


def verdict(met: bool) -> str:
    """How a target reads in the report."""
    return "met" if met else "NOT met"


def table(rows: list[list[str]]) -> str:
    """Plain-text columns: the first left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report_throughput(results: list[Throughput], args: argparse.Namespace, load: str) -> None:
    """The throughput table, the ratios and their targets."""
    rows = [["", "updates/s", "best round", "p50 ms", "p99 ms", "p50 ms 1 chat",
             "calls/update", "KB/update", "CPU ms/update", "CPU % of 1 core", "RSS at rest MB"]]
    for r in results:
        run = r.loaded
        rows.append([
            r.target.name, f"{run.rate:.1f}", f"{r.best:.1f}", f"{run.percentile(50):.1f}",
            f"{run.percentile(99):.1f}", f"{r.idle.percentile(50):.1f}",
            f"{run.calls / run.updates:.2f}", f"{run.traffic / run.updates / 1000:.1f}",
            f"{run.bot_cpu / run.updates * 1000:.2f}",
            f"{run.bot_cpu / run.seconds:.0%}", f"{r.rss_rest / MB:.1f}",
        ])
    print()
    print(f"Throughput: {args.conversations} conversations of {len(CONVERSATION)} updates "
          f"(7 taps, 3 typed) per bot, {args.concurrency} chats at a time, in {args.rounds} "
          f"rounds taken in turn; before them {WARM_CONVERSATIONS} warm-up conversations and "
          f"{IDLE_CONVERSATIONS} more (the '1 chat' column), one chat at a time")
    print(table(rows))
    print("latency: from writing an update's POST to the webhook until the last Bot API call "
          "it causes reaches the fake API")
    by_target = {r.target: r for r in results}

    def ratio(of: Target, to: Target, what: str) -> None:
        mine, theirs = by_target[of], by_target[to]
        rate = mine.loaded.rate / theirs.loaded.rate
        cpu = (theirs.loaded.bot_cpu / theirs.loaded.updates) / (
            mine.loaded.bot_cpu / mine.loaded.updates)
        print(f"ratio {of.name} / {to.name}: {rate:.2f} updates/s{what}")
        print(f"  also {mine.best / theirs.best:.2f} by best rounds, {cpu:.2f} by CPU time "
              "per update (both less sensitive to other work on the machine)")

    if BOT in by_target:
        if ECHO in by_target:
            met = by_target[BOT].loaded.rate / by_target[ECHO].loaded.rate >= RATIO_TARGET
            ratio(BOT, ECHO, f" (target >= {RATIO_TARGET}: {verdict(met)})")
        if ECHO_CAPPED in by_target:
            ratio(BOT, ECHO_CAPPED, " (both under Telegram's flood cap, as deployed)")
    if BOT_UNCAPPED in by_target and ECHO in by_target:
        ratio(BOT_UNCAPPED, ECHO, " (neither capped: what the bot's own code and calls cost)")
    driver_load = max(r.loaded.driver_cpu / r.loaded.seconds for r in results)
    print(f"driver (fake API + webhook client) at most {driver_load:.0%} of one core; "
          f"load average {load} before, {loadavg()} after ({os.cpu_count()} cores)")


def report_memory(memory: Memory) -> None:
    """The memory table and its target."""
    growth = (memory.full - memory.rest) / MB
    warm_count = min(WARM_SESSIONS, memory.sessions)
    rows = [["bot process (cap lifted)", "VmRSS MB"],
            ["at rest, after start", f"{memory.rest / MB:.1f}"],
            [f"after {warm_count} sessions", f"{memory.warm / MB:.1f}"],
            [f"with {memory.sessions:,} sessions", f"{memory.full / MB:.1f}"],
            [f"difference ({memory.sessions:,} - at rest)", f"{growth:.1f}"]]
    print()
    print(f"Memory: {memory.sessions:,} private chats, each /start then 'Check what is "
          f"happening' (left at 'Are you in danger?'); filled in {memory.seconds:.0f} s")
    print(table(rows))
    extra = memory.sessions - warm_count
    if extra:
        print(f"per session after the first {warm_count}: "
              f"{(memory.full - memory.warm) / extra:,.0f} bytes")
    if memory.slices:
        print("while filling (sessions so far: updates/s, CPU ms/update): " + ", ".join(
            f"{s.sessions:,}: {s.rate:.0f}, {s.cpu_ms:.1f}" for s in memory.slices))
    print(f"target: <= {MEMORY_TARGET_MB:.0f} MB above the bot at rest: "
          f"{verdict(growth <= MEMORY_TARGET_MB)}")


def loadavg() -> str:
    """The 1-minute load average of the machine (other work competes for its cores)."""
    return Path("/proc/loadavg").read_text().split()[0]


def masked(url: str) -> str:
    """A database URL without its password."""
    return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", url)


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.throughput", description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--conversations", type=int, default=100,
                        help="conversations of 10 updates per bot, loaded (default 100)")
    parser.add_argument("--concurrency", type=int, default=50,
                        help="chats talking at once (default 50)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="the loaded runs in this many turns per bot (default 2)")
    parser.add_argument("--sessions", type=int, default=10_000,
                        help="sessions for the memory phase, 0 to skip it (default 10000)")
    parser.add_argument("--phase", choices=("all", "throughput", "memory"), default="all",
                        help="which phases to run (default all)")
    parser.add_argument("--api-latency", type=float, default=0.0, metavar="MS",
                        help="milliseconds the fake Bot API takes to answer each call, as "
                             "Telegram's round trip does (default 0: answer at once)")
    parser.add_argument("--database-url", default=None,
                        help="given to the bot (only) as DATABASE_URL, default SQLite; an EMPTY "
                             "database: all bots of a run share it, and it keeps their sessions")
    args = parser.parse_args(argv)
    if min(args.conversations, args.concurrency, args.rounds) < 1 or args.sessions < 0:
        parser.error("--conversations, --concurrency, --rounds must be >= 1, --sessions >= 0")
    args.rounds = min(args.rounds, args.conversations)
    return args


async def run_all(args: argparse.Namespace, scratch: Path) -> None:
    """Every phase, then the report."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    load = loadavg()
    api = await LeanBotApi().start()
    api.latency = args.api_latency / 1000
    try:
        driver = Driver(api)
        storage = (f"DATABASE_URL={masked(args.database_url)}" if args.database_url
                   else "SQLite in a fresh temporary data dir")
        print(f"throughput benchmark: {os.cpu_count()} cores, load average {load}, "
              f"bot storage: {storage}, Bot API answers after {args.api_latency:g} ms",
              flush=True)
        if args.phase in ("all", "throughput"):
            results = await throughput_phase(driver, TARGETS, scratch, args)
            report_throughput(results, args, load)
        if args.phase in ("all", "memory") and args.sessions:
            print(flush=True)
            report_memory(await memory_phase(driver, scratch, args))
    finally:
        await api.stop()


def stop_everything(scratch: Path) -> None:
    """Stop every bot process still running and remove the scratch directory."""
    for bot in _PROCESSES:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            bot.stop()
    shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 if a reply is missing or a bot dies, 130 on Ctrl-C."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    scratch = Path(tempfile.mkdtemp(prefix="throughput-"))
    try:
        asyncio.run(run_all(args, scratch))
    except BenchmarkError as error:
        print(f"\nbenchmark failed: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        stop_everything(scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
