"""Webhook mode: the secret token is checked on every request, /healthz and /metrics answer,
and updates posted to it are handled like polled ones."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.conversation import Conversation
from bot.logs import Pseudonyms
from bot.telegram_app import build_application
from bot.webhook import SECRET_HEADER, serve
from tests.fakeapi import FakeBotApi
from tests.flowdriver import catalogs, engine
from tests.test_deployment import health_check_command

TOKEN = "123456:WEBHOOK-token-for-the-fake-api-0000"
SECRET = "s3cret-token_for-the-webhook-tests"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
CHAT = 8800


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def webhook(api: FakeBotApi, store) -> AsyncIterator[tuple[str, Conversation]]:
    conversation = Conversation.create(
        engine(), store, catalogs(), lambda: NOW, pseudonyms=Pseudonyms(b"k")
    )
    application = build_application(TOKEN, api.base_url, conversation, backoff=0.01)
    port, stop = free_port(), asyncio.Event()
    task = asyncio.create_task(serve(
        application, url="https://bot.example.org/", secret=SECRET, listen="127.0.0.1",
        port=port, metrics=conversation.metrics, stop=stop,
    ))
    await api.wait_for_async(lambda a: bool(a.calls_to("setWebhook")), timeout=10)
    yield f"http://127.0.0.1:{port}", conversation
    stop.set()
    await asyncio.wait_for(task, timeout=10)


async def post(base: str, update: dict, secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{base}/telegram", json=update, headers=headers)
    return response.status_code


async def test_the_webhook_is_set_with_the_secret(api, webhook):
    assert api.webhook == {"url": "https://bot.example.org/telegram", "secret_token": SECRET}


async def test_an_update_with_the_secret_is_handled(api, webhook):
    base, _conversation = webhook
    assert await post(base, api.user_sends(CHAT, "/start")) == 200
    await api.wait_for_async(lambda a: a.last_bot_message(CHAT) is not None, timeout=10)
    assert api.last_bot_message(CHAT)["text"].startswith("Hello. This chat is private.")


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-of-enough-length"])
async def test_a_request_without_the_right_secret_is_refused(api, webhook, secret):
    base, _conversation = webhook
    assert await post(base, api.user_sends(CHAT, "/start"), secret=secret) == 403
    await asyncio.sleep(0.3)
    assert api.last_bot_message(CHAT) is None


async def test_the_access_log_keeps_refusals_not_every_update(api, webhook, operator_log):
    base, _conversation = webhook
    log = operator_log("INFO")
    assert await post(base, api.user_sends(CHAT, "/start")) == 200
    await api.wait_for_async(lambda a: a.last_bot_message(CHAT) is not None, timeout=10)
    assert await post(base, api.user_sends(CHAT, "/menu"), secret=SECRET[::-1]) == 403
    lines = log.getvalue().splitlines()
    access = [line for line in lines if " tornado.access: " in line]
    assert len(access) == 1 and " WARNING " in access[0] and "403 POST /telegram" in access[0]
    assert any(" INFO bot.conversation: " in line for line in lines)  # INFO is on


async def test_a_malformed_body_is_refused(webhook):
    base, _conversation = webhook
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base}/telegram", content=b"{not json", headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 400


async def test_the_images_health_check_passes_only_while_the_bot_serves(webhook):
    base, _conversation = webhook
    argv = [sys.executable, *health_check_command()[1:]]

    async def health(port: str) -> int:
        env = {**os.environ, "BOT_WEBHOOK_PORT": port}
        process = await asyncio.create_subprocess_exec(
            *argv, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        return await process.wait()

    assert await health(base.rsplit(":", 1)[1]) == 0
    assert await health(str(free_port())) != 0  # nothing listens there


async def test_healthz_answers(webhook):
    base, _conversation = webhook
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base}/healthz")
    assert response.status_code == 200 and response.text == "ok\n"


async def test_metrics_count_without_personal_data(api, webhook):
    base, conversation = webhook
    await post(base, api.user_sends(CHAT, "/start", language_code="pl"))
    await api.wait_for_async(lambda a: a.last_bot_message(CHAT) is not None, timeout=10)
    message = api.last_bot_message(CHAT)
    data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                for b in row if b["callback_data"] == "open:check")
    await post(base, api.user_clicks(CHAT, message["message_id"], data, language_code="pl"))
    await api.wait_for_async(  # the tap is handled (its edit reaches the fake API)
        lambda a: conversation.metrics.counts["checks_started"] == 1
        and bool(a.calls_to("editMessageText")), timeout=10,
    )
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{base}/metrics")).text
    assert "stalking_bot_checks_started_total 1" in text
    assert 'stalking_bot_updates_by_language_total{lang="pl"} 2' in text
    assert str(CHAT) not in text and "Alex" not in text
