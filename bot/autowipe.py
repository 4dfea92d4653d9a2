"""Auto-clear: wipe a chat after the idle time the person chose (default 15 minutes).

The due time is stored with the session, so scheduled wipes survive a restart: at start
every stored time is scheduled again with python-telegram-bot's JobQueue.

Each chat has at most one job, and it is only ever moved earlier. Every update pushes the due
time later, so the job usually runs early: it finds the later time in the store and waits
again. That costs one job run per idle period of an active chat, not a new job per update.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
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
    # When each chat's job in this process runs (a timestamp): one float per chat.
    _planned: dict[int, float] = field(default_factory=dict, init=False, repr=False)

    def due(self, session: Session) -> float | None:
        """When this chat should clear itself if nothing else happens."""
        if not session.wipe_after:
            return None
        return self.clock().timestamp() + session.wipe_after * self.minute

    def schedule(self, jobs: JobQueue | None, chat_id: int, at: float | None) -> None:
        """Make the chat's auto-clear job run no later than `at` (no job when `at` is None)."""
        if jobs is None:
            return
        name = job_name(chat_id)
        if at is None:
            if self._planned.pop(chat_id, None) is not None:
                with contextlib.suppress(JobLookupError):
                    jobs.scheduler.remove_job(name)  # by its id: no walk over every chat's job
            return
        planned = self._planned.get(chat_id)
        if planned is not None and planned <= at:
            return  # the job runs first, finds `at` in the store and waits again
        self._planned[chat_id] = at
        delay = max(0.0, at - self.clock().timestamp())
        jobs.run_once(
            self._fire, when=delay, name=name, chat_id=chat_id,
            job_kwargs={"id": name, "replace_existing": True},
        )

    def planned(self, chat_id: int) -> float | None:
        """When this process's job for the chat runs, if it has one."""
        return self._planned.get(chat_id)

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
            self._planned.pop(chat_id, None)  # this job has run: none is planned now
            # A job may run a moment early: a second of slack (of a test's short minute too).
            soon = self.clock().timestamp() + self.minute / 60
            at = self.store.wipe_at(chat_id)
            if at is None:
                return
            if at > soon:
                self.schedule(context.job_queue, chat_id, at)
                return
            if not self.store.claim_wipe(chat_id, soon):
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
