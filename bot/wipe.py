"""The quick exit: delete every message of the chat that Telegram still allows.

A wipe is noted in the store before any message is deleted, in the same transaction that
forgets the conversation, so a wipe cut short by a crash is finished at the next start.
Message ids come from the ledger: n messages take ceil(n / 100) deleteMessages calls, and
single deletes only for a batch that failed as a whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.storage import Store
from flows.session import Session

log = logging.getLogger(__name__)

BATCH = 100  # deleteMessages takes 1 to 100 ids


@dataclass
class Wiper:
    """Deletes chats' messages and what is stored about their conversation."""

    store: Store
    clock: Callable[[], float]
    decoy: str | None = None

    async def wipe(self, bot: Bot, chat_id: int, keep: Session | None) -> None:
        """Forget the conversation (keeping `keep`, or nothing), then delete the messages."""
        self.store.begin_wipe(chat_id, keep, self.clock())
        await self.finish(bot, chat_id)

    async def finish(self, bot: Bot, chat_id: int) -> None:
        """Delete the chat's messages and close the wipe; safe to run twice."""
        ids = self.store.deletable(chat_id, self.clock())
        try:
            for start in range(0, len(ids), BATCH):
                await self._delete_batch(bot, chat_id, ids[start : start + BATCH])
        except Forbidden:
            log.info("wipe: the person has blocked the bot; nothing left to delete")
        self.store.end_wipe(chat_id)
        if self.decoy:
            try:
                await bot.send_message(chat_id, self.decoy, parse_mode=None)
            except TelegramError as error:
                log.warning("decoy not sent: %s", type(error).__name__)

    async def _delete_batch(self, bot: Bot, chat_id: int, ids: list[int]) -> None:
        """One deleteMessages call; one by one only if the whole batch was refused."""
        try:
            await bot.delete_messages(chat_id, ids)
        except BadRequest:
            for message_id in ids:
                try:
                    await bot.delete_message(chat_id, message_id)
                except BadRequest:
                    log.debug("wipe: a message could not be deleted")

    async def finish_pending(self, bot: Bot) -> int:
        """Finish every wipe that a crash interrupted; returns how many."""
        pending = self.store.pending_wipes()
        for chat_id in pending:
            await self.finish(bot, chat_id)
        return len(pending)
