"""Build and start the container deployment, and talk to it: `make container-check`.

Needs a Docker engine with Compose (`docker compose`, or the older `docker-compose`). In a
scratch copy of the repository it writes a `.env` with fresh secrets and `BOT_RATE_LIMIT=15`,
and an override that points the bot at a fake Bot API on this machine (the only change to
compose.yaml), then:

1. `up -d --build --scale bot=2`: the image is built, PostgreSQL starts, then two bots;
2. checks each bot answers /healthz on 8080 and 8081, runs as uid 10001 and cannot write
   outside /data and /tmp;
3. a person goes through the check with each update sent to the other bot in turn (every
   question must come in order), writes a diary note and exports it (PDF and CSV);
4. `down -v`, and fails if a bot logged a traceback.

It prints what it checked and exits 1 on the first thing that is wrong.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfReader

from bot.webhook import SECRET_HEADER
from tests.botclient import BotClient
from tests.fakeapi import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
PORTS = (8080, 8081)  # compose.yaml publishes the scaled bots here, on loopback
PROJECT = "stalkingbotcheck"
TIMEOUT = 180.0  # seconds for the build and start


class CheckError(RuntimeError):
    """The deployment does not do what the README says."""


def compose_command() -> list[str]:
    """`docker compose` where the plugin is installed, else `docker-compose`."""
    if shutil.which("docker") and subprocess.run(
        ["docker", "compose", "version"], capture_output=True, check=False  # noqa: S607
    ).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise CheckError("no Docker Compose here: install Docker with the compose plugin")


class Deployment:
    """The compose project in a scratch copy of the repository."""

    def __init__(self, workdir: Path, compose: list[str]) -> None:
        self.workdir = workdir
        self.command = [*compose, "-p", PROJECT]

    def run(self, *args: str, check: bool = True) -> str:
        """A compose command in the scratch copy; its output."""
        done = subprocess.run(
            [*self.command, *args], cwd=self.workdir, capture_output=True, text=True,
            check=False, timeout=TIMEOUT,
        )
        if check and done.returncode:
            raise CheckError(f"compose {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout + done.stderr

    def prepare(self, api_port: int, secret: str) -> None:
        """Copy the committed files, write .env and the override for the fake Bot API."""
        files = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True  # noqa: S607
        ).stdout.decode().split("\0")
        for name in filter(None, files):
            target = self.workdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        (self.workdir / ".env").write_text(
            "TELEGRAM_BOT_TOKEN=123456:CONTAINER-check-token-for-a-fake-api\n"
            "BOT_WEBHOOK_URL=https://bot.example.org/\n"
            f"BOT_WEBHOOK_SECRET={secret}\nBOT_DIARY_KEY={key}\n"
            f"POSTGRES_PASSWORD={secrets.token_urlsafe(24)}\nBOT_RATE_LIMIT=15\n"
        )
        (self.workdir / "compose.override.yaml").write_text(
            "services:\n  bot:\n    environment:\n"
            f"      TELEGRAM_API_BASE_URL: http://host.docker.internal:{api_port}/bot\n"
            '    extra_hosts:\n      - "host.docker.internal:host-gateway"\n'
        )

    def files_args(self) -> list[str]:
        """Both files, named: docker-compose v1 does not read compose.override.yaml itself."""
        return ["-f", "compose.yaml", "-f", "compose.override.yaml"]


class WebhookPerson(BotClient):
    """A person whose updates reach the bots through their published ports, in turn."""

    def __init__(self, api: FakeBotApi, secret: str, chat_id: int) -> None:
        super().__init__(api, None, chat_id=chat_id)  # type: ignore[arg-type]
        self.secret = secret
        self.sent = 0

    async def _process(self, update: dict[str, Any]) -> None:
        port = PORTS[self.sent % len(PORTS)]
        self.sent += 1
        before = len(self.api.calls)
        async with httpx.AsyncClient() as client:
            answer = await client.post(f"http://127.0.0.1:{port}/telegram", json=update,
                                       headers={SECRET_HEADER: self.secret})
        if answer.status_code != 200:
            raise CheckError(f"the bot on port {port} answered {answer.status_code}")
        await self.api.wait_for_async(lambda a: len(a.calls) > before, timeout=30)
        seen, quiet = len(self.api.calls), time.monotonic()
        while time.monotonic() - quiet < 0.5:  # the update's replies have all arrived
            await asyncio.sleep(0.05)
            if len(self.api.calls) != seen:
                seen, quiet = len(self.api.calls), time.monotonic()


def expect(condition: bool, what: str) -> None:
    """Print a checked fact, or stop with it."""
    if not condition:
        raise CheckError(what)
    print(f"  ok: {what}")


async def wait_healthy(port: int) -> None:
    """Until the bot on this port answers /healthz."""
    deadline = time.monotonic() + TIMEOUT
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):  # not listening yet
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.5)
    raise CheckError(f"no bot answered /healthz on port {port}")


async def converse(api: FakeBotApi, secret: str) -> None:
    """The check through both bots in turn, then a diary note and its export."""
    person = WebhookPerson(api, secret, chat_id=4242)
    await person.send("/start")
    await person.click("Check what")
    await person.click("No")
    questions = []
    for answer in ("Yes", "No", "Not sure", "No", "Yes", "No"):
        questions.append(person.screen_text.split("\n")[0])
        await person.click(answer)
    expect(questions == [f"Question {n} of 13" for n in range(1, 7)],
           "questions 1 to 6 came in order, each update to the other bot")
    await person.send("/diary")
    await person.send("A car parked outside all night")
    await person.send("/diary")
    await person.click("📄")  # Export
    await person.click("📄")  # Send PDF and CSV
    await api.wait_for_async(lambda a: len(a.calls_to("sendDocument")) == 2, timeout=60)
    pdf = next(f for f in api.files.values() if f.filename == "diary.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    expect("car parked" in text, "the diary note came back in the exported PDF")


async def check(deployment: Deployment, api: FakeBotApi, secret: str) -> None:
    """Steps 1 to 3 of the module docstring."""
    files = deployment.files_args()
    started = time.monotonic()
    deployment.run(*files, "up", "-d", "--build", "--scale", "bot=2")
    print(f"  up in {time.monotonic() - started:.0f} s")
    for port in PORTS:
        await wait_healthy(port)
    expect(len(api.calls_to("setWebhook")) >= len(PORTS), "both bots set the webhook")
    ids = deployment.run(*files, "exec", "-T", "--index=1", "bot", "sh", "-c",
                         "id -u; touch /app/x /venv/x /x 2>&1; touch /data/x /tmp/x && echo w")
    expect(ids.splitlines()[0].strip() == "10001", "the bot runs as uid 10001")
    expect(ids.count("Read-only file system") == 3 and ids.strip().endswith("w"),
           "only /data and /tmp are writable")
    await converse(api, secret)


def main() -> int:
    """Run the check in a scratch directory; always take the deployment down."""
    secret = secrets.token_urlsafe(32)
    try:
        compose = compose_command()
    except CheckError as error:
        print(f"container check: {error}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="container-check-") as scratch, \
            FakeBotApi().start(host="0.0.0.0") as api:  # noqa: S104 - the containers reach it
        deployment = Deployment(Path(scratch), compose)
        try:
            deployment.prepare(api.port, secret)
            asyncio.run(check(deployment, api, secret))
            logs = deployment.run(*deployment.files_args(), "logs", "--no-color", "bot")
            expect("Traceback" not in logs, "no traceback in the bots' logs")
        except CheckError as error:
            print(f"container check failed: {error}", file=sys.stderr)
            return 1
        finally:
            deployment.run(*deployment.files_args(), "down", "-v", check=False)
    print("container check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
