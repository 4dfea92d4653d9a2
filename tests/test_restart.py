"""The real bot process, polling the fake Bot API: SIGKILL in mid-check, restart, resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.fakeapi import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "654321:RESTART-test-token-000000000000000"
CHAT = 7007


def start_bot(api: FakeBotApi, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, BOT_DATA_DIR=str(data_dir)
    )
    with log.open("ab") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "telegram"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=stderr,
        )


def live_screen(api: FakeBotApi) -> dict:
    with_keyboard = [m for m in api.bot_messages(CHAT) if m.get("reply_markup")]
    assert with_keyboard, "no screen yet"
    return with_keyboard[-1]


def last_text(api: FakeBotApi) -> str:
    """The text of the bot's latest message in the test chat."""
    return (api.last_bot_message(CHAT) or {}).get("text") or ""


def tap(api: FakeBotApi, label: str, expect: str) -> None:
    """Tap a button on the live screen and wait until the screen shows `expect`."""
    screen = live_screen(api)
    data = next(
        b["callback_data"] for row in screen["reply_markup"]["inline_keyboard"] for b in row
        if label in b["text"]
    )
    api.user_clicks(CHAT, screen["message_id"], data)
    api.wait_for(lambda a: expect in ((a.last_bot_message(CHAT) or {}).get("text") or ""), 20)


def test_killed_in_mid_check_the_bot_resumes_at_the_same_question(api, tmp_path):
    bot = start_bot(api, tmp_path, tmp_path / "bot.log")
    try:
        api.user_sends(CHAT, "/start")
        api.wait_for(lambda a: a.last_bot_message(CHAT) is not None, 30)
        tap(api, "Check what", "Are you in danger")
        tap(api, "No", "Question 1 of 13")
        tap(api, "Yes", "Question 2 of 13")
        tap(api, "Not sure", "Question 3 of 13")
        tap(api, "Yes", "Question 4 of 13")
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait(10)
    assert bot.returncode == -signal.SIGKILL

    bot = start_bot(api, tmp_path, tmp_path / "bot.log")
    try:
        tap(api, "No", "Question 5 of 13")  # the same screen, answered after the restart
        for number in range(6, 14):
            tap(api, "No", f"Question {number} of 13")
        tap(api, "No", "Nearly done: 1 of 5")
        for label, expect in (("A stranger", "2 of 5"), ("No", "3 of 5"), ("No", "4 of 5"),
                              ("No", "5 of 5"), ("Yes", "Your answers")):
            tap(api, label, expect)
        summary = api.last_bot_message(CHAT)["text"]
        assert "You said yes to 2 of the 13 signs" in summary  # answers from before the kill
        assert "Unwanted contact" in summary and "Gifts that feel threatening" in summary
        assert "You were not sure about 1 sign." in summary
    finally:
        bot.terminate()
        bot.wait(15)
    stderr = (tmp_path / "bot.log").read_text()
    assert "Traceback" not in stderr, stderr
    assert TOKEN not in stderr


def test_killed_in_the_middle_of_a_wipe_the_chat_is_wiped_after_restart(api, tmp_path):
    log = tmp_path / "bot.log"
    bot = start_bot(api, tmp_path, log)
    try:
        api.user_sends(CHAT, "/start")
        api.wait_for(lambda a: a.last_bot_message(CHAT) is not None, 30)
        tap(api, "Check what", "Are you in danger")
        tap(api, "No", "Question 1 of 13")
        api.user_sends(CHAT, "yes")
        api.wait_for(lambda a: "Question 2" in (a.last_bot_message(CHAT) or {}).get("text", ""), 20)
        assert len(api.chat(CHAT)) >= 3
        # The wipe's deleteMessages call hangs, then fails: the process dies meanwhile.
        api.inject_delay("deleteMessages", 5.0)
        api.inject_fault("deleteMessages", error_code=502, description="Bad Gateway")
        api.user_sends(CHAT, "/exit")
        api.wait_for(lambda a: bool(a.calls_to("deleteMessages")), 20)
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait(10)
    assert api.chat(CHAT), "nothing was deleted before the kill"

    polls = len(api.calls_to("getUpdates"))
    bot = start_bot(api, tmp_path, log)
    try:
        api.wait_for(lambda a: a.chat(CHAT) == [], 30)
        # Stop it only once it polls: a stop during start-up is another matter.
        api.wait_for(lambda a: len(a.calls_to("getUpdates")) > polls, 30)
        assert "1 interrupted wipes finished" in log.read_text()
    finally:
        bot.terminate()
        bot.wait(15)
    assert "Traceback" not in log.read_text()


def test_a_saved_entry_survives_sigkill_right_after_saved(api, tmp_path):
    log = tmp_path / "bot.log"
    bot = start_bot(api, tmp_path, log)
    try:
        api.user_sends(CHAT, "/diary")
        api.wait_for(lambda a: "Your diary" in last_text(a), 30)
        api.user_sends(CHAT, "Parked outside my flat again, 22:40")
        api.wait_for(lambda a: last_text(a) == "Saved: incident 1", 20)
    finally:
        bot.send_signal(signal.SIGKILL)  # straight after "Saved"
        bot.wait(10)
    bot = start_bot(api, tmp_path, log)
    try:
        tap(api, "My incidents", "Incidents saved: 1")
        tap(api, "#1", "Parked outside my flat again, 22:40")
    finally:
        bot.terminate()
        bot.wait(15)
    assert (tmp_path / "diary.key").stat().st_mode & 0o777 == 0o600
