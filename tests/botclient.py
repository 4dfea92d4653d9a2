"""A person using the real bot: python-telegram-bot over HTTP against the fake Bot API.

    client = BotClient(api, application)
    await client.send("/start")
    await client.click("Check what's happening")
    assert "Are you in danger" in client.screen_text

Updates are built by the fake API (as Telegram would send them) and handed to
`Application.process_update`, so every reply really goes over HTTP to 127.0.0.1.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

from tests.fakeapi import FakeBotApi


class BotClient:
    """One user in a private chat with the bot."""

    def __init__(
        self, api: FakeBotApi, application: Application, chat_id: int = 5001, language: str = "en"
    ) -> None:
        self.api = api
        self.application = application
        self.chat_id = chat_id
        self.language = language

    async def _process(self, update: dict[str, Any]) -> None:
        await self.application.process_update(Update.de_json(update, self.application.bot))

    async def send(self, text: str) -> None:
        """Type and send a message (commands included)."""
        await self._process(
            self.api.user_sends(self.chat_id, text, language_code=self.language)
        )

    async def send_sticker(self) -> None:
        """Send a sticker."""
        await self._process(self.api.user_sends_sticker(self.chat_id))

    async def click(self, label: str) -> None:
        """Tap the button whose label contains `label` on the live keyboard."""
        message, data = self.find_button(label)
        await self.click_data(message["message_id"], data)

    async def click_data(self, message_id: int, data: str) -> None:
        """Send raw callback data from a message, as a forged or stale button would."""
        await self._process(
            self.api.user_clicks(self.chat_id, message_id, data, language_code=self.language)
        )

    def keyboards(self) -> list[dict[str, Any]]:
        """The bot's messages that still have a keyboard."""
        return [m for m in self.api.bot_messages(self.chat_id) if m.get("reply_markup")]

    def find_button(self, label: str) -> tuple[dict[str, Any], str]:
        """The (message, callback data) of a button on the live keyboard."""
        live = self.keyboards()
        assert live, "no keyboard in the chat"
        message = live[-1]
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                if label.casefold() in button["text"].casefold():
                    return message, button["callback_data"]
        raise AssertionError(f"no button {label!r}; buttons: {self.labels()}")

    def labels(self) -> list[str]:
        """The labels on the live keyboard."""
        live = self.keyboards()
        if not live:
            return []
        rows = live[-1]["reply_markup"]["inline_keyboard"]
        return [button["text"] for row in rows for button in row]

    @property
    def screen(self) -> dict[str, Any]:
        """The bot's latest message."""
        message = self.api.last_bot_message(self.chat_id)
        assert message is not None, "the bot has said nothing"
        return message

    @property
    def screen_text(self) -> str:
        """The text of the bot's latest message."""
        return str(self.screen["text"])

    def chat_texts(self) -> list[str]:
        """Every message still in the chat, oldest first."""
        return [m.get("text") or "" for m in self.api.chat(self.chat_id)]
