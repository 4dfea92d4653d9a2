"""Webhook mode: Telegram posts updates to us; a host checks /healthz; an operator reads
/metrics. Every update must carry the secret token set with setWebhook, or it is refused.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal

from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApp
from tornado.web import RequestHandler

from bot.metrics import Metrics

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name, not a secret
MAX_BODY = 1_000_000


class UpdateHandler(RequestHandler):
    """POST /telegram: one update from Telegram, checked against the secret token."""

    def initialize(self, bot_app: Application, secret: str) -> None:
        """Tornado passes the route's arguments here."""
        self.bot_application = bot_app
        self.secret = secret

    async def post(self) -> None:
        """Refuse without the secret; otherwise queue the update for the application."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.bot_application.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        await self.bot_application.update_queue.put(update)
        self.set_status(200)


class HealthHandler(RequestHandler):
    """GET /healthz: the process is up and its application running."""

    def initialize(self, bot_app: Application) -> None:
        """Tornado passes the route's arguments here."""
        self.bot_application = bot_app

    def get(self) -> None:
        """200 while the application runs, 503 otherwise."""
        running = self.bot_application.running
        self.set_status(200 if running else 503)
        self.write("ok\n" if running else "stopping\n")


class MetricsHandler(RequestHandler):
    """GET /metrics: counts in Prometheus format (no user ids, no text)."""

    def initialize(self, metrics: Metrics) -> None:
        """Tornado passes the route's arguments here."""
        self.metrics = metrics

    def get(self) -> None:
        """The counters."""
        self.set_header("Content-Type", "text/plain; version=0.0.4")
        self.write(self.metrics.exposition())


def web_app(application: Application, secret: str, metrics: Metrics, path: str) -> WebApp:
    """The routes of the webhook server."""
    return WebApp([
        (path, UpdateHandler, {"bot_app": application, "secret": secret}),
        (r"/healthz", HealthHandler, {"bot_app": application}),
        (r"/metrics", MetricsHandler, {"metrics": metrics}),
    ])


async def serve(
    application: Application, *, url: str, secret: str, listen: str, port: int,
    metrics: Metrics, path: str = "/telegram", stop: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set (by SIGINT or SIGTERM when none is given), then stop cleanly."""
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    server = HTTPServer(web_app(application, secret, metrics, path), max_body_size=MAX_BODY)
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        server.listen(port, address=listen)
        await application.bot.set_webhook(
            url=url.rstrip("/") + path, secret_token=secret,
            allowed_updates=["message", "callback_query", "channel_post"],
        )
        log.info("webhook server listening on %s:%d", listen, port)
        await stop.wait()
        server.stop()
        await application.stop()
