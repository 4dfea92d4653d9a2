"""Settings from the environment and an optional .env file, validated once at start.

Every problem is one line that names the setting, so an operator can fix it at a glance.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from flows.services import DEFAULT_SERVICES_FILE

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TELEGRAM_RATE = 30  # messages a second Telegram allows a bot in all (its bot FAQ)


class ConfigError(Exception):
    """A setting is missing or malformed."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None
    api_base_url: str
    data_dir: Path
    services_file: Path
    log_level: str
    decoy: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    database_url: str | None = None
    rate_limit: int = TELEGRAM_RATE  # this process's share of Telegram's limit, calls a second

    @property
    def database(self) -> Path | str:
        """The PostgreSQL URL if one is set, else the SQLite file in the data directory."""
        return self.database_url or self.data_dir / "bot.sqlite3"


def _read_env_file(path: Path) -> dict[str, str]:
    """The .env file's values, if there is one."""
    if not path.is_file():
        return {}
    try:
        values = dotenv_values(path)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), f"cannot be read ({error})") from error
    return {key: value for key, value in values.items() if value is not None}


def _token(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    token = raw.strip()
    if not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN", "is not a bot token (expected digits, a colon, then letters)"
        )
    return token


def _base_url(raw: str | None) -> str:
    url = (raw or DEFAULT_API_BASE_URL).strip()
    if not re.match(r"^https?://[^\s/]+(/\S*)?$", url):
        raise ConfigError("TELEGRAM_API_BASE_URL", f"is not an http(s) address: {url!r}")
    return url


def _data_dir(raw: str | None) -> Path:
    path = Path(raw or "data").expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigError("BOT_DATA_DIR", f"{path} exists and is not a directory")
    return path


def _services_file(raw: str | None) -> Path:
    if not raw:
        return DEFAULT_SERVICES_FILE
    path = Path(raw).expanduser()
    if not path.is_file():
        raise ConfigError("BOT_SERVICES_FILE", f"no such file: {path}")
    return path


def _log_level(raw: str | None) -> str:
    level = (raw or "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError("BOT_LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}")
    return level


def _decoy(raw: str | None) -> str | None:
    text = (raw or "").strip()
    if len(text) > 200:
        raise ConfigError("BOT_DECOY_MESSAGE", "is longer than 200 characters")
    return text or None


def _webhook_url(raw: str | None) -> str | None:
    url = (raw or "").strip()
    if url and not re.match(r"^https://[^\s/]+(/\S*)?$", url):
        raise ConfigError("BOT_WEBHOOK_URL", "must be the public https:// address of this server")
    return url or None


def _webhook_secret(raw: str | None) -> str | None:
    secret = (raw or "").strip()
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
        raise ConfigError(
            "BOT_WEBHOOK_SECRET", "must be 16 to 256 letters, digits, _ or - (Telegram's rule)"
        )
    return secret or None


def _port(raw: str | None) -> int:
    text = (raw or "8080").strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError("BOT_WEBHOOK_PORT", f"is not a port number: {text!r}")
    return int(text)


def _database_url(raw: str | None) -> str | None:
    url = (raw or "").strip()
    if url and not re.match(r"^postgres(ql)?://\S+$", url):
        raise ConfigError(
            "DATABASE_URL", "must be a postgresql:// address (leave it unset for SQLite)"
        )
    return url or None


def _rate_limit(raw: str | None) -> int:
    text = (raw or str(TELEGRAM_RATE)).strip()
    if not text.isdigit() or not 1 <= int(text) <= TELEGRAM_RATE:
        raise ConfigError(
            "BOT_RATE_LIMIT", f"must be a whole number from 1 to {TELEGRAM_RATE}: {text!r}"
        )
    return int(text)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read and check every setting; the environment wins over the .env file."""
    values = _read_env_file(env_file) if env_file else {}
    values.update(os.environ if environ is None else environ)
    return Settings(
        token=_token(values.get("TELEGRAM_BOT_TOKEN")),
        api_base_url=_base_url(values.get("TELEGRAM_API_BASE_URL")),
        data_dir=_data_dir(values.get("BOT_DATA_DIR")),
        services_file=_services_file(values.get("BOT_SERVICES_FILE")),
        log_level=_log_level(values.get("BOT_LOG_LEVEL")),
        decoy=_decoy(values.get("BOT_DECOY_MESSAGE")),
        webhook_url=_webhook_url(values.get("BOT_WEBHOOK_URL")),
        webhook_secret=_webhook_secret(values.get("BOT_WEBHOOK_SECRET")),
        webhook_listen=(values.get("BOT_WEBHOOK_LISTEN") or "127.0.0.1").strip(),
        webhook_port=_port(values.get("BOT_WEBHOOK_PORT")),
        database_url=_database_url(values.get("DATABASE_URL")),
        rate_limit=_rate_limit(values.get("BOT_RATE_LIMIT")),
    )
