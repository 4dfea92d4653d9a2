"""`python -m benchmarks.throughput_unthrottled webhook`: the bot exactly as `python -m bot`,
except that its AIORateLimiter has no overall cap of 30 requests a second.

The cap is Telegram's flood limit, kept by python-telegram-bot on the client side; on its own
it holds the bot to about 30 Bot API calls with a chat_id a second, whatever the bot's code
costs. With it lifted (the limiter itself, its retries and its group limits stay), the
throughput benchmark can show what the bot's own code costs per update, and fill 10,000
sessions in minutes rather than a quarter of an hour. The limiter keeps no state per private
chat, so lifting its cap does not change the memory a session takes.
"""

from __future__ import annotations

import sys

from telegram.ext import AIORateLimiter

from bot import telegram_app
from bot.__main__ import main


def uncapped_limiter(
    *, overall_max_rate: float, overall_time_period: float, max_retries: int
) -> AIORateLimiter:
    """An AIORateLimiter as the bot builds it, without the overall rate."""
    del overall_max_rate, overall_time_period  # the cap this launcher lifts
    return AIORateLimiter(overall_max_rate=0, overall_time_period=0, max_retries=max_retries)


if __name__ == "__main__":
    if getattr(telegram_app, "AIORateLimiter", None) is not AIORateLimiter:
        sys.exit("bot.telegram_app no longer builds an AIORateLimiter: update this launcher")
    telegram_app.AIORateLimiter = uncapped_limiter  # type: ignore[misc,assignment]
    sys.exit(main())
