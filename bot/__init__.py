"""The edges of the bot: Telegram and the terminal."""

import os

# python-telegram-bot 22 warns that RetryAfter.retry_after will become a timedelta; opt in.
os.environ.setdefault("PTB_TIMEDELTA", "1")
