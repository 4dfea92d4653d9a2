"""The terminal chat, driven through a pipe like a person typing."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from bot.console import CLEAR, run_console
from tests.flowdriver import catalogs, engine
from tests.test_config_storage import run_bot

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def chat(*lines: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_console(
        engine(), catalogs(), "en", stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        stdout=out, clock=lambda: NOW,
    )
    return code, out.getvalue()


def test_numbered_choices_labels_and_typed_answers_all_work():
    code, out = chat("1", "no", "Yes", "n", "not sure", "3")
    assert code == 0
    assert "  1. 🔎 Check what's happening" in out
    assert "Question 1 of 13" in out
    assert "Question 5 of 13" in out


def test_a_whole_check_to_the_summary_by_typing():
    answers = ["1", "2"] + ["1"] * 13 + ["An ex-partner", "yes", "no", "no", "yes"]
    _code, out = chat(*answers)
    assert "You said yes to 13 of the 13 signs" in out
    assert "An ex-partner who makes threats is the highest risk" in out


def test_exit_clears_the_screen_and_scrollback_and_says_nothing_more():
    _code, out = chat("1", "/exit")
    assert out.endswith(CLEAR)


def test_typed_exit_word_leaves_too():
    _code, out = chat("1", "2", "exit")
    assert out.endswith(CLEAR)


def test_unmatched_text_gets_the_reminder():
    _code, out = chat("hello there")
    assert "Please tap one of the buttons, or type your answer." in out


def test_end_of_input_ends_quietly():
    code, out = chat()
    assert code == 0
    assert "What would you like to do?" in out


def test_the_real_command_through_a_pipe():
    result = run_bot("chat", env={}, stdin="3\n2\n/exit\n")
    assert result.returncode == 0, result.stderr
    assert "National Stalking Helpline" in result.stdout
    assert "0808 802 0300" in result.stdout
    assert result.stdout.endswith(CLEAR)


def test_without_a_token_the_bot_chats_here_and_says_how_to_connect():
    result = run_bot(env={}, stdin="/exit\n")
    assert result.returncode == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Hello. This chat is private." in result.stdout
