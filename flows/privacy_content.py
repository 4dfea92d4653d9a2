"""What /privacy and /forget say: plain and honest about what is kept and the limits."""

from __future__ import annotations

from flows.screen import Block
from flows.text import Lines, _

PRIVACY_BODY: tuple[Block, ...] = (
    _("<b>Your privacy</b>"),
    _("What this bot keeps, only while it needs it:"),
    Lines(
        (
            _("where you are in this chat and your answers, until you leave"),
            _("the numbers of the messages in this chat, never their words, for up to 48 hours, so they can be deleted"),
            _("your settings: language, sounds and when the chat clears itself"),
            _("your diary, if you keep one: encrypted, until you delete it. The quick exit keeps it; /forget deletes it"),
        )
    ),
    _("Outside your diary, it never keeps what you type, your name or your phone number. Only the team that runs this service can see what is kept."),
    _("✖ Exit or /exit deletes the messages in this chat and your answers. /forget deletes everything, settings too."),
)

PRIVACY_LIMITS: tuple[Block, ...] = (
    _("<b>What the bot cannot do</b>"),
    Lines(
        (
            _("The chat stays in your Telegram chat list. To remove it, press and hold the chat (on a computer, right-click it), then choose Delete."),
            _("Telegram lets the bot delete messages for 48 hours only. Older messages stay until you delete the chat."),
            _("Chats with bots are not end-to-end encrypted. Telegram can see them."),
            _("Screenshots, forwarded messages and notifications already shown are not deleted."),
        )
    ),
)


FORGET_BODY: tuple[Block, ...] = (
    _("<b>Delete everything?</b>"),
    _("This deletes this chat's messages, your answers and your settings. It cannot be undone."),
)
