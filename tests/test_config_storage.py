"""Settings, the SQLite store, and the command line's one-line errors."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_API_BASE_URL, ConfigError, load_settings
from bot.storage import Store
from flows.services import DEFAULT_SERVICES_FILE
from flows.session import Session

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_any_setting(tmp_path):
    settings = load_settings({}, env_file=tmp_path / "missing.env")
    assert settings.token is None
    assert settings.api_base_url == DEFAULT_API_BASE_URL
    assert settings.data_dir == Path("data")
    assert settings.services_file == DEFAULT_SERVICES_FILE


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    env = tmp_path / ".env"
    env.write_text("TELEGRAM_BOT_TOKEN=123:abcDEF_-x\nBOT_DATA_DIR=/tmp/from-file\n")
    settings = load_settings({"BOT_DATA_DIR": str(tmp_path)}, env_file=env)
    assert settings.token == "123:abcDEF_-x"
    assert settings.data_dir == tmp_path


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not a token"),
        ("TELEGRAM_API_BASE_URL", "ftp://example"),
        ("BOT_SERVICES_FILE", "/no/such/services.toml"),
        ("BOT_LOG_LEVEL", "LOUD"),
        ("BOT_WEBHOOK_URL", "http://not-https.example"),
        ("BOT_WEBHOOK_SECRET", "short"),
        ("BOT_WEBHOOK_SECRET", "has spaces in it, which Telegram refuses"),
        ("BOT_WEBHOOK_PORT", "99999"),
        ("BOT_DECOY_MESSAGE", "x" * 201),
        ("BOT_RATE_LIMIT", "0"),
        ("BOT_RATE_LIMIT", "31"),
        ("BOT_RATE_LIMIT", "fast"),
    ],
)
def test_a_malformed_setting_names_itself(name, value, tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value}, env_file=None)
    assert str(caught.value).startswith(f"{name}: ")
    assert "\n" not in str(caught.value)


def test_the_rate_limit_is_telegrams_unless_shared_between_processes():
    assert load_settings({}, env_file=None).rate_limit == 30
    assert load_settings({"BOT_RATE_LIMIT": " 15 "}, env_file=None).rate_limit == 15


def test_data_dir_that_is_a_file_is_refused(tmp_path):
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(ConfigError, match=r"^BOT_DATA_DIR: "):
        load_settings({"BOT_DATA_DIR": str(file)}, env_file=None)


def run_bot(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BOT_")) and k != "DATABASE_URL"
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        env={**clean, **env}, cwd=ROOT, timeout=60, check=False,
    )


def test_a_database_url_must_be_postgresql():
    assert load_settings({}, env_file=None).database_url is None
    url = "postgresql://bot@db.internal:5432/bot"
    settings = load_settings({"DATABASE_URL": url}, env_file=None)
    assert settings.database == url
    with pytest.raises(ConfigError, match=r"^DATABASE_URL: must be a postgresql:// address"):
        load_settings({"DATABASE_URL": "mysql://bot@db/bot"}, env_file=None)


def test_an_unreachable_database_stops_the_bot_in_one_line_without_its_password(tmp_path):
    result = run_bot("telegram", env={
        "TELEGRAM_BOT_TOKEN": "123:abc", "BOT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://bot:hunter2secret@127.0.0.1:1/botdb?connect_timeout=3",
    })
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot connect to PostgreSQL at 127.0.0.1:1/botdb: ")
    assert "hunter2secret" not in result.stderr


def test_command_line_reports_a_bad_setting_in_one_line_with_status_2():
    result = run_bot("telegram", env={"TELEGRAM_BOT_TOKEN": "oops"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: TELEGRAM_BOT_TOKEN: is not a bot token (expected digits, a colon, then letters)"
    ]


def test_telegram_mode_without_a_token_says_so(tmp_path):
    result = run_bot("telegram", env={"BOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_a_broken_services_file_is_refused_at_start_naming_the_entry(tmp_path):
    broken = tmp_path / "services.toml"
    broken.write_text(
        DEFAULT_SERVICES_FILE.read_text().replace('phone = "020 3866 4107"', 'phone = "call us"')
    )
    result = run_bot("chat", env={"BOT_SERVICES_FILE": str(broken)})
    assert result.returncode == 2
    line = result.stderr.strip()
    assert line.startswith("error: ") and "\n" not in line
    assert 'service "paladin"' in line and "phone" in line


def test_a_services_file_with_bad_toml_is_refused(tmp_path):
    broken = tmp_path / "services.toml"
    broken.write_text("[[service]\nid = ")
    result = run_bot("chat", env={"BOT_SERVICES_FILE": str(broken)})
    assert result.returncode == 2
    assert str(broken) in result.stderr


# --- the store -------------------------------------------------------------------------------


def test_store_uses_write_ahead_logging(tmp_path):
    store = Store(tmp_path / "bot.sqlite3")
    store.save(1, Session())
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_a_damaged_stored_session_starts_fresh(tmp_path):
    path = tmp_path / "bot.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO sessions (chat_id, data, updated_at) VALUES (5, '{not json', 0)")
    db.close()
    store = Store(path)
    assert store.load(5) == Session()
    store.close()


def test_a_session_stays_small():
    full = Session(
        state="check.summary", step=4, lang="pl", screen_id=123456,
        answers={f"sign_{i}": "y" for i in range(18)},
    )
    assert len(full.to_json().encode()) < 1024


@pytest.mark.parametrize("raw", ["[]", "null", '{"s": 5, "a": "x", "i": "2"}', '{"a": {"x": 1}}'])
def test_sessions_from_odd_json_fall_back_to_safe_values(raw):
    session = Session.from_json(raw)
    assert isinstance(session.state, str) and isinstance(session.step, int)
    assert all(isinstance(v, str) for v in session.answers.values())


def test_webhook_mode_needs_its_address_and_secret():
    result = run_bot("webhook", env={"TELEGRAM_BOT_TOKEN": "123:abc"})
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: BOT_WEBHOOK_URL: ")
