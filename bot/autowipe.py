"""Auto-clear: wipe a chat after the idle time the person chose (default 15 minutes).

The due time is stored with the session, so scheduled wipes survive a restart: at start
every stored time is scheduled again with python-telegram-bot's JobQueue.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.jobstores.base import JobLookupError
from telegram.ext import CallbackContext, ContextTypes, JobQueue

from bot.storage import Store
from bot.wipe import Wiper
from flows.session import Session

log = logging.getLogger(__name__)

MINUTE = 60.0


def job_name(chat_id: int) -> str:
    """The one auto-clear job a chat can have."""
    return f"autowipe:{chat_id}"


@dataclass
class AutoWipe:
    """Schedules and runs the idle wipes."""

    store: Store
    wiper: Wiper
    clock: Callable[[], datetime]
    minute: float = MINUTE  # seconds in a minute; tests make minutes short

    def due(self, session: Session) -> float | None:
        """When this chat should clear itself if nothing else happens."""
        if not session.wipe_after:
            return None
        return self.clock().timestamp() + session.wipe_after * self.minute

    def schedule(self, jobs: JobQueue | None, chat_id: int, at: float | None) -> None:
        """Replace the chat's auto-clear job (none when `at` is None)."""
        if jobs is None:
            return
        name = job_name(chat_id)
        if at is None:
            # By its id, not get_jobs_by_name, which walks every chat's job on every update.
            with contextlib.suppress(JobLookupError):
                jobs.scheduler.remove_job(name)
            return
        delay = max(0.0, at - self.clock().timestamp())
        jobs.run_once(
            self._fire, when=delay, name=name, chat_id=chat_id,
            job_kwargs={"id": name, "replace_existing": True},
        )

    def restore(self, jobs: JobQueue) -> int:
        """Schedule again every stored auto-clear (after a restart); returns how many."""
        wipes = self.store.scheduled_wipes()
        for chat_id, at in wipes:
            self.schedule(jobs, chat_id, at)
        return len(wipes)

    async def _fire(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The idle time is up: wipe, unless the person came back meanwhile.

        Every process sharing the database may hold a job for the chat; the one that claims
        the due time in the store wipes, the others find nothing to do. A job that finds a
        later time (the person came back through another process) waits for that instead.
        """
        job = context.job
        if job is None or job.chat_id is None:
            return
        chat_id = job.chat_id
        async with self.store.chat_lock(chat_id):
            now = self.clock().timestamp()
            at = self.store.wipe_at(chat_id)
            if at is None:
                return
            if at > now + 1:
                self.schedule(context.job_queue, chat_id, at)
                return
            if not self.store.claim_wipe(chat_id, now + 1):
                return
            session = self.store.load(chat_id)
            log.info("auto-clear after the idle time")
            conversation = context.bot_data.get("conversation")
            if conversation is not None:
                conversation.metrics.count("exits")
            await self.wiper.wipe(context.bot, chat_id, session.cleared() if session else None)


async def prune_ledger(context: CallbackContext) -> None:  # type: ignore[type-arg]
    """Hourly: forget message ids too old for Telegram to delete."""
    conversation = context.bot_data["conversation"]
    removed = conversation.store.prune(conversation.clock().timestamp())
    log.debug("ledger pruned: %d ids", removed)
