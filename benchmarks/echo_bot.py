"""The baseline of the throughput benchmark: the smallest python-telegram-bot webhook bot.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=... BOT_WEBHOOK_SECRET=... \\
    BOT_WEBHOOK_PORT=... python -m benchmarks.echo_bot

python-telegram-bot 22's own `Application.run_webhook` (tornado, the secret token checked on
every request, POST /telegram), with the library's defaults: updates handled one at a time,
the default HTTPX request, no rate limiter, no persistence. It replies to every message with
the same text (sendMessage) and answers every tap (answerCallbackQuery), then edits the tapped
message to show the button's data (editMessageText): the same calls per update as the bot
makes for a typed message and for a tap.

With ECHO_RATE_LIMITER=1 it has python-telegram-bot's AIORateLimiter as the bot builds it: the
same flood cap of 30 calls with a chat_id a second, the same 3 retries after a 429.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
)
from telegram.ext import filters as ptb_filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the message's text back to its chat."""
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


async def tapped(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the tap, then show its data in the tapped message."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await query.edit_message_text(f"{query.data}")


def main() -> None:
    """Serve until SIGINT or SIGTERM."""
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
    )
    if os.environ.get("ECHO_RATE_LIMITER") == "1":
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application = builder.build()
    application.add_handler(CallbackQueryHandler(tapped))
    application.add_handler(MessageHandler(ptb_filters.TEXT, echo))
    application.run_webhook(
        listen=os.environ.get("BOT_WEBHOOK_LISTEN", "127.0.0.1"),
        port=int(os.environ["BOT_WEBHOOK_PORT"]),
        url_path="telegram",
        webhook_url=os.environ.get("BOT_WEBHOOK_URL", "https://bot.example.org/telegram"),
        secret_token=os.environ["BOT_WEBHOOK_SECRET"],
        allowed_updates=["message", "callback_query"],
    )


if __name__ == "__main__":
    main()
