"""`python -m bot [telegram|chat]`: Telegram when a token is set, else a chat in the terminal."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.database import DatabaseError
from bot.diary_store import DiaryKeyError
from bot.i18n import CatalogError, Catalogs
from bot.logs import configure_logging
from flows.engine import Engine
from flows.services import ServicesFileError, load_services

TERMINAL_NOTE = (
    "No TELEGRAM_BOT_TOKEN set: chatting here in the terminal. "
    "Set it in the environment or .env to connect to Telegram."
)


def now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("mode", nargs="?", choices=("telegram", "webhook", "chat"))
    parser.add_argument("--lang", default="en", help="language of the terminal chat")
    return parser.parse_args(argv)


def run_telegram(
    settings: Settings, engine: Engine, catalogs: Catalogs, *, webhook: bool = False
) -> int:
    """Long polling (or the webhook server) until stopped."""
    from bot.conversation import Conversation  # noqa: PLC0415 - telegram only when needed
    from bot.diary_store import Diaries, load_key  # noqa: PLC0415
    from bot.logs import Pseudonyms  # noqa: PLC0415
    from bot.storage import Store  # noqa: PLC0415
    from bot.telegram_app import build_application  # noqa: PLC0415

    if settings.token is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN", "is not set (needed for `python -m bot telegram`)")
    if webhook and not settings.webhook_url:
        raise ConfigError("BOT_WEBHOOK_URL", "is not set (needed for `python -m bot webhook`)")
    if webhook and not settings.webhook_secret:
        raise ConfigError("BOT_WEBHOOK_SECRET", "is not set (needed for `python -m bot webhook`)")
    store = Store(settings.database)
    pseudonyms = Pseudonyms.from_file(settings.data_dir / "log.key")
    diaries = Diaries(store, load_key(settings.data_dir, os.environ))
    conversation = Conversation.create(
        engine, store, catalogs, now, pseudonyms=pseudonyms, decoy=settings.decoy,
        diaries=diaries,
    )
    application = build_application(
        settings.token, settings.api_base_url, conversation, rate_limit=settings.rate_limit
    )
    try:
        if webhook:
            from bot.webhook import serve  # noqa: PLC0415 - tornado only for the webhook

            asyncio.run(serve(
                application, url=settings.webhook_url or "", secret=settings.webhook_secret or "",
                listen=settings.webhook_listen, port=settings.webhook_port,
                metrics=conversation.metrics,
            ))
        else:
            application.run_polling(allowed_updates=["message", "callback_query", "channel_post"])
    finally:
        store.close()
    return 0


def run_chat(engine: Engine, catalogs: Catalogs, lang: str) -> int:
    """The terminal chat."""
    from bot.console import run_console  # noqa: PLC0415 - only the chat needs it

    if lang not in catalogs.languages:
        raise ConfigError("--lang", f"{lang!r} is not one of {', '.join(catalogs.languages)}")
    return run_console(engine, catalogs, lang, stdin=sys.stdin, stdout=sys.stdout, clock=now)


def main(argv: list[str] | None = None) -> int:
    """Load and check everything, then run; configuration problems exit with status 2."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings(env_file=Path(".env"))
        mode = args.mode or ("telegram" if settings.token else "chat")
        configure_logging(settings.log_level if mode in ("telegram", "webhook") else "WARNING")
        catalogs = Catalogs()
        engine = Engine(load_services(settings.services_file), catalogs.languages)
        if mode in ("telegram", "webhook"):
            return run_telegram(settings, engine, catalogs, webhook=mode == "webhook")
        if args.mode is None:
            print(TERMINAL_NOTE, file=sys.stderr)
        return run_chat(engine, catalogs, args.lang)
    except (ConfigError, ServicesFileError, CatalogError, DiaryKeyError, DatabaseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:
        # The terminal chat's output was closed (piped into `head`, say): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
