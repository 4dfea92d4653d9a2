"""One update through the engine: load the session, handle the event, show, save.

Shared by every Telegram handler. Only one keyboard is live in the chat at a time: a
screen replaces the one the person tapped, and a new message takes the keyboard away
from the screen before it, so old buttons cannot be tapped by mistake. Every message id
(never its text) goes in the ledger, so the quick exit can delete it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import JobQueue

from bot.autowipe import AutoWipe
from bot.diary_store import Diaries
from bot.i18n import Catalogs, Translator
from bot.logs import Pseudonyms
from bot.metrics import Metrics
from bot.storage import Store
from bot.typed import typed_action
from bot.wipe import Wiper
from flows.diary_model import DiaryPort, Entry
from flows.engine import Engine
from flows.screen import Event, Kind, Outcome, Reply, Screen
from flows.session import Session

log = logging.getLogger(__name__)

# Screens of an entry being written: their messages leave the chat once it is saved.
ENTRY_STEPS = frozenset({
    "diary.when", "diary.when_today", "diary.when_day", "diary.where", "diary.what",
    "diary.who", "diary.signs", "diary.feel", "diary.witnesses", "diary.evidence",
    "diary.review", "diary.change", "diary.discard",
})


def diary_files(
    newest_first: list[Entry], tr: Translator, now: datetime
) -> list[tuple[str, bytes]]:
    """The diary as a PDF and a CSV file (the export module loads fonts only when asked).

    Pure work on the entries, without the store: it runs in a worker thread.
    """
    from bot.export import export_csv, export_pdf  # noqa: PLC0415 - heavy, rarely used
    from flows.diary_patterns import patterns  # noqa: PLC0415

    entries = list(reversed(newest_first))
    return [
        ("diary.pdf", export_pdf(entries, patterns(entries, now), tr, now)),
        ("diary.csv", export_csv(entries)),
    ]


def keyboard(screen: Screen, tr: Translator) -> InlineKeyboardMarkup | None:
    """The screen's buttons as an inline keyboard."""
    if not screen.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(tr.label(b.label), callback_data=b.action) for b in row]
            for row in screen.buttons
        ]
    )


@dataclass
class Conversation:
    """Runs updates of private chats through the flow engine."""

    engine: Engine
    store: Store
    catalogs: Catalogs
    clock: Callable[[], datetime]
    wiper: Wiper
    autowipe: AutoWipe
    pseudonyms: Pseudonyms
    diaries: Diaries | None = None
    metrics: Metrics = field(default_factory=Metrics)
    exporter: Callable[[list[Entry], Translator, datetime], list[tuple[str, bytes]]] | None = None

    @classmethod
    def create(
        cls,
        engine: Engine,
        store: Store,
        catalogs: Catalogs,
        clock: Callable[[], datetime],
        *,
        pseudonyms: Pseudonyms,
        decoy: str | None = None,
        minute: float = 60.0,
        diaries: Diaries | None = None,
    ) -> Conversation:
        """Wire the conversation with its wiper, auto-clear and the diary."""
        wiper = Wiper(store, lambda: clock().timestamp(), decoy)
        autowipe = AutoWipe(store, wiper, clock, minute)
        return cls(
            engine, store, catalogs, clock, wiper, autowipe, pseudonyms, diaries,
            exporter=diary_files,
        )

    def telegram_language(self, update: Update) -> str | None:
        """The shipped language matching the person's Telegram language, if any."""
        user = update.effective_user
        return self.catalogs.match(user.language_code if user else None)

    def translator_for(self, session: Session, update: Update) -> Translator:
        """The user's saved language, else their Telegram language, else English."""
        return self.catalogs.translator(session.lang or self.telegram_language(update) or "en")

    async def handle(
        self, update: Update, bot: Bot, event: Event, jobs: JobQueue | None = None,  # type: ignore[type-arg]
        *, first: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Apply one event for the chat of this update and show the result.

        A person's updates are applied one at a time and in the order they came, even by
        several processes sharing PostgreSQL: each starts from the session the one before it
        saved. Nothing is awaited before the chat's lock is asked for, so updates handled at
        the same time queue for it in arrival order; `first` (answering a tap) runs in the
        update's turn.
        """
        chat = update.effective_chat
        if chat is None:
            return
        async with self.store.chat_lock(chat.id):
            if first is not None:
                await first()
            await self._apply(update, bot, event, jobs, chat.id)

    async def _apply(
        self, update: Update, bot: Bot, event: Event, jobs: JobQueue | None, chat_id: int  # type: ignore[type-arg]
    ) -> None:
        """Load the session, run the event through the engine, save, then reply."""
        now = self.clock()
        if update.message:
            self.store.remember(chat_id, [update.message.message_id], now.timestamp())
        session = self.store.load(chat_id) or Session()
        tr = self.translator_for(session, update)
        if session.seen(update.update_id):
            event = Event(Kind.ACTION, "resume")  # delivered again: show the screen, once
        elif event.kind is Kind.TEXT:
            current = self.engine.screen(session, self.engine.context(now))
            action = typed_action(event.value, current, tr, self.catalogs.translator("en"))
            if action:
                event = Event(Kind.ACTION, action)
        known = bool(session.lang or self.telegram_language(update))
        diary = self.diaries.for_chat(chat_id) if self.diaries else None
        before = session.state
        incoming = update.message.message_id if update.message else 0
        # The diary's writes and the new session are kept together, or not at all.
        with self.store.transaction():
            outcome = self.engine.handle(
                session, event, now, language_known=known, diary=diary, lang=tr.lang
            )
            outcome.session.applied(update.update_id)
            session = outcome.session
            if incoming and ("track" in outcome.effects or session.state in ENTRY_STEPS):
                session.tracked.append(incoming)
            wipe_at = None if outcome.wipe else self.autowipe.due(session)
            if not outcome.wipe:
                self.store.save(chat_id, session, wipe_at)  # before sending: no answer is lost
        self._count(before, outcome, tr.lang)
        log.info(
            "chat %s: %s -> %s%s", self.pseudonyms.of(chat_id), event.kind.value,
            outcome.session.state, " (wipe)" if outcome.wipe else "",
        )
        if outcome.wipe:
            self.autowipe.schedule(jobs, chat_id, None)
            await self.wiper.wipe(bot, chat_id, None if outcome.forget else outcome.session)
            return
        tr = self.translator_for(session, update)  # the language may have just changed
        if incoming and "scrub" in outcome.effects:
            await self._delete(bot, chat_id, incoming)  # a typed PIN leaves the chat at once
        query = update.callback_query
        tapped = query.message.message_id if query and query.message else 0
        try:
            for reply in outcome.replies:
                await self._show(bot, chat_id, session, reply, tr=tr, tapped=tapped)
                tapped = 0
        except Forbidden:
            # They blocked the bot: forget the conversation; their diary stays theirs.
            log.info("chat %s: blocked the bot; forgotten", self.pseudonyms.of(chat_id))
            self.autowipe.schedule(jobs, chat_id, None)
            self.store.forget_conversation(chat_id)
            return
        if "cleanup" in outcome.effects:
            await self._cleanup(bot, chat_id, session)
        if "export" in outcome.effects and diary is not None and self.exporter:
            await self._export(bot, chat_id, diary, tr, now)
        self.store.save(chat_id, session, wipe_at)
        self.autowipe.schedule(jobs, chat_id, wipe_at)

    async def _show(
        self, bot: Bot, chat_id: int, session: Session, reply: Reply, *, tr: Translator, tapped: int
    ) -> None:
        """Edit the tapped screen in place, or send a new one and retire the old keyboard.

        A screen with personal content is always sent anew with protect_content (it cannot
        be set on an edit), and the screen it replaces is deleted.
        """
        text = tr.screen(reply.screen.body)
        markup = keyboard(reply.screen, tr)
        previous = session.screen_id
        if tapped and not reply.fresh and not reply.screen.personal:
            try:
                await bot.edit_message_text(text, chat_id, tapped, reply_markup=markup)
            except BadRequest as error:
                if "not modified" not in str(error).lower():
                    tapped = 0
            if tapped:
                session.screen_id = tapped
                if previous and previous != tapped:
                    await self._retire(bot, chat_id, previous)
                return
        message = await bot.send_message(
            chat_id, text, reply_markup=markup, protect_content=reply.screen.personal,
            disable_notification=not session.sound,
        )
        self.store.remember(chat_id, [message.message_id], self.clock().timestamp())
        if session.state in ENTRY_STEPS:
            session.tracked.append(message.message_id)
        session.screen_id = message.message_id if markup else 0
        if reply.screen.personal and tapped:
            await self._delete(bot, chat_id, tapped)
        if previous and previous not in (message.message_id, tapped):
            await self._retire(bot, chat_id, previous)

    def _count(self, before: str, outcome: Outcome, lang: str) -> None:
        """Counts for the operator: no ids, no text."""
        self.metrics.count("updates")
        self.metrics.language(lang)
        after = outcome.session.state
        if after == "check.danger" and before != "check.danger":
            self.metrics.count("checks_started")
        if after == "check.summary" and before != "check.summary":
            self.metrics.count("checks_finished")
        if outcome.wipe:
            self.metrics.count("exits")

    async def _cleanup(self, bot: Bot, chat_id: int, session: Session) -> None:
        """An entry is saved: take the messages that made it out of the chat."""
        ids = sorted({i for i in session.tracked if i != session.screen_id})
        session.tracked.clear()
        for start in range(0, len(ids), 100):
            try:
                await bot.delete_messages(chat_id, ids[start : start + 100])
            except TelegramError:
                log.debug("some entry messages were already gone")

    async def _export(
        self, bot: Bot, chat_id: int, diary: DiaryPort, tr: Translator, now: datetime
    ) -> None:
        """Send the diary as files the person can save; the quick exit deletes them."""
        assert self.exporter is not None  # noqa: S101 - checked by the caller
        # About a second of work for a long diary: other people's updates go on meanwhile.
        files = await asyncio.to_thread(self.exporter, diary.entries(), tr, now)
        for filename, data in files:
            message = await bot.send_document(
                chat_id, InputFile(data, filename=filename), disable_notification=True
            )
            self.store.remember(chat_id, [message.message_id], self.clock().timestamp())

    async def _retire(self, bot: Bot, chat_id: int, message_id: int) -> None:
        """Take the keyboard off an old screen; it may already be gone."""
        try:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except TelegramError:
            log.debug("old keyboard already gone")

    async def _delete(self, bot: Bot, chat_id: int, message_id: int) -> None:
        """Delete a screen that a new one replaces."""
        try:
            await bot.delete_message(chat_id, message_id)
        except TelegramError:
            log.debug("old screen already gone")
