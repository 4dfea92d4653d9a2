"""The Telegram edge: the composition root and small handlers that turn updates into events.

Every handler only translates an update into a flow event; the conversation itself lives
in flows/. Messages are sent silently, without link previews, in HTML.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import partial

from telegram import BotCommand, CallbackQuery, LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.autowipe import prune_ledger
from bot.config import TELEGRAM_RATE
from bot.conversation import Conversation
from bot.requests import RetryingRequest
from flows.screen import Event, Kind
from flows.text import Text, _

log = logging.getLogger(__name__)

COMMANDS: tuple[tuple[str, Text], ...] = (
    ("start", _("Start again")),
    ("menu", _("Main menu")),
    ("exit", _("Leave now and delete this chat")),
    ("help", _("How this works")),
    ("settings", _("Clear the chat automatically, sounds")),
    ("privacy", _("What is kept, and how to delete it")),
    ("forget", _("Delete everything kept about you")),
    ("language", _("Choose your language")),
    ("diary", _("Write down what happens")),
)
# Shown on the bot's profile: neutral, since someone else may see it.
DESCRIPTION = _(
    "A private chat that helps you understand unwanted behaviour from someone, stay safe "
    "and find help in England and Wales. Leave any time with /exit: the chat is deleted."
)
SHORT_DESCRIPTION = _("Private help to stay safe. Leave any time with /exit.")
PRUNE_EVERY = 3600.0
# Updates handled at once: while one waits for Telegram, others go on. A person's own
# updates still go one at a time, in order (Conversation.handle takes the chat's lock first).
# 8 keep a process at Telegram's cap with 100 ms round trips; 32 cost a third more CPU.
CONCURRENT_UPDATES = 8
PRIVATE = filters.ChatType.PRIVATE
NEW_MESSAGE = filters.UpdateType.MESSAGE
ONLY_PRIVATE = _(
    "I only work in a private chat. Please message me directly. I am leaving this group."
)


def conversation_of(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    """The shared conversation runner, kept in bot_data by the composition root."""
    conversation = context.bot_data["conversation"]
    assert isinstance(conversation, Conversation)  # noqa: S101 - set once in build_application
    return conversation


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command in a private chat."""
    text = update.effective_message.text if update.effective_message else ""
    name = (text or "/").split()[0][1:].split("@")[0].lower()
    await conversation_of(context).handle(
        update, context.bot, Event(Kind.COMMAND, name), context.job_queue
    )


async def answer(query: CallbackQuery) -> None:
    """Stop the button's spinner; a query too old to answer is no matter."""
    try:
        await query.answer()
    except TelegramError:
        log.debug("callback query too old to answer")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tapped button: answered first in its chat's turn, then its action handled."""
    query = update.callback_query
    if query is None:
        return
    chat = update.effective_chat
    if chat is None or chat.type != chat.PRIVATE:
        await answer(query)
        return
    action = query.data if isinstance(query.data, str) else ""
    await conversation_of(context).handle(
        update, context.bot, Event(Kind.ACTION, action[:64]), context.job_queue,
        first=partial(answer, query),
    )


def file_of(message: Message) -> str:
    """A file the person sent, as "kind:file_id:name" (never downloaded), or ""."""
    if message.photo:
        return f"photo:{message.photo[-1].file_id}:"
    for kind in ("document", "voice", "video", "audio", "video_note"):
        item = getattr(message, kind)
        if item is not None:
            name = (getattr(item, "file_name", None) or "").replace(":", " ")[:60]
            return f"{kind}:{item.file_id}:{name}"
    return ""


def forwarded(message: Message) -> str:
    """A forwarded message: when it was first sent, and a SHA-256 of its content now."""
    origin = message.forward_origin
    assert origin is not None  # noqa: S101 - only called for forwarded messages
    text = message.text or message.caption or ""
    unique = ""
    if message.photo:
        unique = message.photo[-1].file_unique_id
    else:
        for kind in ("document", "voice", "video", "audio", "video_note"):
            item = getattr(message, kind)
            if item is not None:
                unique = item.file_unique_id
    digest = hashlib.sha256(f"{text}\n{unique}".encode()).hexdigest()
    kind_and_id = ":".join(file_of(message).split(":")[:2]) if unique else ""
    return json.dumps(
        {"sent_at": origin.date.isoformat(), "sha256": digest, "text": text, "file": kind_and_id}
    )


def input_event(message: Message | None) -> Event:
    """What the person sent: forwarded, a file, text, or something else."""
    if message is None:
        return Event(Kind.OTHER)
    if message.forward_origin is not None:
        return Event(Kind.FORWARD, forwarded(message))
    file = file_of(message)
    if file:
        return Event(Kind.FILE, file)
    if message.text:
        return Event(Kind.TEXT, message.text)
    return Event(Kind.OTHER)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed text, a file, a forwarded message, a sticker: anything but a command."""
    await conversation_of(context).handle(
        update, context.bot, input_event(update.effective_message), context.job_queue
    )


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group or channel: say once that the bot works only in private, then leave."""
    chat = update.effective_chat
    if chat is None:
        return
    conversation = conversation_of(context)
    tr = conversation.catalogs.translator(
        conversation.catalogs.negotiate(
            update.effective_user.language_code if update.effective_user else None
        )
    )
    try:
        await context.bot.send_message(chat.id, tr.text(ONLY_PRIVATE))
        await context.bot.leave_chat(chat.id)
    except TelegramError:
        log.warning("could not leave a group or channel")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error's type and keep running; never log the update (it holds user text)."""
    error = context.error
    if update is None and isinstance(error, NetworkError):
        # A poll for updates failed (Telegram or the network is down): the poll is retried.
        log.warning("could not reach Telegram (%s); trying again", type(error).__name__)
        return
    what = "update" if isinstance(update, Update) else "background task"
    log.error("%s failed: %s", what, type(error).__name__, exc_info=error)
    conversation = context.bot_data.get("conversation")
    if isinstance(conversation, Conversation):
        conversation.metrics.count("errors")


async def on_start(application: Application) -> None:
    """At start: the command menu, wipes a crash interrupted, auto-clears to schedule."""
    conversation = conversation_of_app(application)
    await set_commands(application)
    finished = await conversation.wiper.finish_pending(application.bot)
    jobs = application.job_queue
    restored = conversation.autowipe.restore(jobs) if jobs else 0
    if jobs:
        jobs.run_repeating(prune_ledger, interval=PRUNE_EVERY, first=1.0, name="prune")
    log.info("started: %d interrupted wipes finished, %d auto-clears scheduled", finished, restored)


def conversation_of_app(application: Application) -> Conversation:
    """The conversation runner of an application."""
    conversation = application.bot_data["conversation"]
    assert isinstance(conversation, Conversation)  # noqa: S101 - set once in build_application
    return conversation


async def set_commands(application: Application) -> None:
    """The command menu and the bot's descriptions in every language (English by default).

    A failure is logged and does not stop the bot: these only decorate its profile.
    """
    catalogs = conversation_of_app(application).catalogs
    bot = application.bot
    for lang in (None, *catalogs.languages):
        tr = catalogs.translator(lang or "en")
        commands = [BotCommand(name, tr.label(text)) for name, text in COMMANDS]
        try:
            await bot.set_my_commands(commands, language_code=lang)
            await bot.set_my_description(tr.label(DESCRIPTION), language_code=lang)
            await bot.set_my_short_description(tr.label(SHORT_DESCRIPTION), language_code=lang)
        except TelegramError as error:
            log.warning("could not set the %s menu: %s", lang or "default", type(error).__name__)


def build_application(
    token: str,
    base_url: str,
    conversation: Conversation,
    *,
    backoff: float = 0.5,
    request: BaseRequest | None = None,
    rate_limited: bool = True,
    rate_limit: int = TELEGRAM_RATE,
) -> Application:
    """The python-telegram-bot Application with every handler registered."""
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        disable_notification=True,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .defaults(defaults)
        .request(
            # httpcore looks at every pooled connection on each call: a pool bigger than the
            # calls in flight under Telegram's limit costs CPU (measured: 40 cost 40%).
            request or RetryingRequest(connection_pool_size=16, read_timeout=10.0, backoff=backoff)
        )
        .post_init(on_start)
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if rate_limited:  # Telegram's flood limits; a local fake in a test has none
        builder = builder.rate_limiter(
            AIORateLimiter(overall_max_rate=rate_limit, overall_time_period=1, max_retries=3)
        )
    application = builder.build()
    application.bot_data["conversation"] = conversation
    groups = (filters.ChatType.GROUPS | filters.ChatType.CHANNEL) & (
        NEW_MESSAGE | filters.UpdateType.CHANNEL_POST
    )
    application.add_handlers(
        [
            MessageHandler(groups, on_group),
            CallbackQueryHandler(on_button),
            MessageHandler(PRIVATE & NEW_MESSAGE & filters.COMMAND, on_command),
            MessageHandler(PRIVATE & NEW_MESSAGE, on_message),
        ]
    )
    application.add_error_handler(on_error)
    return application
