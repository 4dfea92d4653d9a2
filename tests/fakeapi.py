"""A fake Telegram Bot API server for tests: python-telegram-bot talks to it over real HTTP.

Give ``api.base_url`` to PTB as ``base_url``; tests play the human with ``user_sends`` and
``user_clicks`` and read the chat back with ``chat``. Validation follows Telegram closely enough
that real mistakes (bad HTML, long callback data, editing a message into itself) fail here too.

PTB 22 sends every request as a POST: ``application/x-www-form-urlencoded`` where strings are
sent raw and everything else (numbers, booleans, dicts, lists) as JSON text, or
``multipart/form-data`` with the same fields when a file is uploaded. Requests without
parameters (getMe) have an empty body and no content type. JSON bodies are accepted too.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSONDict = dict[str, Any]

BOT_USER: JSONDict = {
    "id": 1000, "is_bot": True, "first_name": "Support", "username": "test_support_bot",
}
DELETE_WINDOW = 48 * 3600
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_BYTES = 64
LONG_POLL_CAP = 2.0
NOT_FOUND: JSONDict = {"ok": False, "error_code": 404, "description": "Not Found"}
# The calls a conversation makes: chaos() fails a share of these, never the set-up calls.
CHAOS_METHODS = frozenset({
    "sendmessage", "editmessagetext", "editmessagereplymarkup", "deletemessage",
    "deletemessages", "answercallbackquery", "senddocument",
})
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)

# Form fields that PTB sends as raw strings; every other field is JSON text.
_STRING_FIELDS = frozenset({
    "text", "caption", "parse_mode", "description", "short_description", "language_code",
    "callback_query_id", "url", "action", "file_id", "inline_message_id", "emoji", "name",
    "title", "business_connection_id", "secret_token", "ip_address", "message_effect_id",
})
_INT_FIELDS = ("chat_id", "message_id", "from_chat_id", "user_id", "offset", "limit")
_JSON_FIELDS = ("reply_markup", "link_preview_options", "reply_parameters", "scope",
                "commands", "message_ids", "entities", "caption_entities", "menu_button")

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "a": "text_link", "code": "code", "pre": "pre",
    "tg-spoiler": "spoiler", "span": "spoiler", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_RE = re.compile(r"<(/?)([^\s<>/]*)((?:\s[^<>]*)?)>")
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]+);")
_ATTR_RE = re.compile(r"([\w-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_METHOD_PATH = re.compile(r"/bot(?P<token>[^/]*)/(?P<method>\w+)")


class ApiError(Exception):
    """An error answer of the Bot API, raised by a method handler."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class Call:
    """One request the fake received, with its parameters decoded."""

    method: str
    params: JSONDict


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class _Scheduled:
    """A fault or delay waiting for its next ``remaining`` calls of one method."""

    remaining: int
    delay: float = 0.0
    error: ApiError | None = None


@dataclass
class _Chaos:
    """The random failures of FakeBotApi.chaos()."""

    rng: random.Random
    rate: float
    kinds: list[str]
    late: float
    flood_limit: int
    retry_after: int
    floods: int = 0


@dataclass
class _Chat:
    info: JSONDict
    messages: dict[int, JSONDict]
    next_id: int = 1
    blocked: bool = False


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# --- request decoding -------------------------------------------------------------------------


def decode_params(content_type: str, body: bytes, query: str = "") -> JSONDict:
    """Decode a request as PTB (or a test using httpx) sends it."""
    params: JSONDict = {k: _form_value(k, v) for k, v in parse_qsl(query)}
    kind = content_type.partition(";")[0].strip().lower()
    if kind == "application/json" and body.strip():
        params.update(json.loads(body))
    elif kind == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    elif body:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True)
        params.update({k: _form_value(k, v) for k, v in pairs})
    return _coerce(params)


def _form_value(key: str, raw: str) -> Any:
    if key in _STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _coerce(params: JSONDict) -> JSONDict:
    for key in _JSON_FIELDS:
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    for key in _INT_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            params[key] = int(value)
    if isinstance(params.get("message_ids"), list):
        params["message_ids"] = [int(i) for i in params["message_ids"]]
    return params


def _parse_multipart(content_type: str, body: bytes) -> JSONDict:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise ValueError("multipart body without boundary")
    fields: JSONDict = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(b"--" + match.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = head.decode()
        name = _disposition_param(headers, "name")
        filename = _disposition_param(headers, "filename")
        if filename is None:
            fields[name] = _form_value(name, content.decode())
            continue
        ctype = re.search(r"(?im)^content-type:\s*(\S+)", headers)
        mime = ctype.group(1) if ctype else "application/octet-stream"
        files[name] = UploadedFile(filename, content, mime)
    for key, value in list(fields.items()):  # the attach://<name> form of file references
        if isinstance(value, str) and value.startswith("attach://"):
            fields[key] = files.pop(value.removeprefix("attach://"))
    return fields | files


def _disposition_param(headers: str, param: str) -> str | None:
    match = re.search(rf'[;\s]{param}="([^"]*)"', headers)
    if not match:
        return None
    value = re.sub(r"%(22|[01][0-9A-F])", lambda m: chr(int(m.group(1), 16)), match.group(1))
    return value.replace("\\\\", "\\")


# --- HTML parse mode ----------------------------------------------------------------------------


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Return (plain text, entities) for Telegram's HTML parse mode, or raise ApiError."""
    plain: list[str] = []
    offset = 0  # in UTF-16 code units
    stack: list[_Open] = []
    done: list[_Open] = []
    pos = 0
    for special in re.finditer(r"[<>&]", source):
        if special.start() < pos:
            continue
        text = source[pos:special.start()]
        plain.append(text)
        offset += utf16_len(text)
        here = len(source[:special.start()].encode())
        if special.group() == ">":
            raise _entity_error(f"Character '>' must be escaped at byte offset {here}")
        if special.group() == "&":
            char, pos = _html_entity(source, special.start(), here)
            plain.append(char)
            offset += utf16_len(char)
            continue
        tag = _TAG_RE.match(source, special.start())
        if not tag:
            raise _entity_error(f"Unclosed start tag at byte offset {here}")
        pos = tag.end()
        closing, name, attrs = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
        if closing:
            _close_tag(stack, name, here, offset, done)
        else:
            entity = _open_tag(name, attrs, here, stack)
            stack.append(_Open(name, entity, offset, seq=len(done) + len(stack)))
    plain.append(source[pos:])
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return "".join(plain), [o.entity for o in sorted(done, key=lambda o: o.seq)]


def _entity_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def _html_entity(source: str, start: int, here: int) -> tuple[str, int]:
    match = _ENTITY_RE.match(source, start)
    if not match:
        raise _entity_error(f"Character '&' must be escaped as &amp; at byte offset {here}")
    ref = match.group(1)
    if ref.startswith(("#x", "#X")):
        return chr(int(ref[2:], 16)), match.end()
    if ref.startswith("#"):
        return chr(int(ref[1:])), match.end()
    if ref not in _HTML_NAMED:
        raise _entity_error(f'Unsupported HTML entity "&{ref};" at byte offset {here}')
    return _HTML_NAMED[ref], match.end()


@dataclass
class _Open:
    """An HTML tag opened at ``start`` (UTF-16 offset); ``seq`` orders entities as Telegram."""

    tag: str
    entity: JSONDict
    start: int
    seq: int


def _open_tag(name: str, raw_attrs: str, here: int, stack: list[_Open]) -> JSONDict:
    if name not in _HTML_TAGS:
        raise _entity_error(f'Unsupported start tag "{name}" at byte offset {here}')
    attrs = {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
             for m in _ATTR_RE.finditer(raw_attrs)}
    entity: JSONDict = {"type": _HTML_TAGS[name]}
    if name == "a":
        if not attrs.get("href"):
            raise _entity_error(f'Tag "a" must have attribute "href" at byte offset {here}')
        entity["url"] = attrs["href"]
    elif name == "span" and attrs.get("class") != "tg-spoiler":
        raise _entity_error(f'Tag "span" must have class "tg-spoiler" at byte offset {here}')
    elif name == "tg-emoji":
        if not attrs.get("emoji-id"):
            raise _entity_error(f'Tag "tg-emoji" must have "emoji-id" at byte offset {here}')
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "code" and stack and stack[-1].tag == "pre":
        language = attrs.get("class", "").removeprefix("language-")
        if language:
            stack[-1].entity["language"] = language
        entity["inside_pre"] = True
    return entity


def _close_tag(stack: list[_Open], name: str, here: int, offset: int, done: list[_Open]) -> None:
    if not stack:
        raise _entity_error(f'Unexpected end tag "{name}" at byte offset {here}')
    top = stack.pop()
    if top.tag != name:
        raise _entity_error(
            f'Unmatched end tag at byte offset {here}, expected "</{top.tag}>", found "</{name}>"')
    if not top.entity.pop("inside_pre", False) and offset > top.start:
        top.entity.update(offset=top.start, length=offset - top.start)
        done.append(top)


# --- the fake itself --------------------------------------------------------------------------


def _in_event_loop() -> bool:
    """True when called from a running asyncio loop (where blocking would freeze it)."""
    with contextlib.suppress(RuntimeError):
        return asyncio.get_running_loop() is not None
    return False


class FakeBotApi:
    """An in-process HTTP server speaking the Bot API, with a scriptable human on the other side."""

    def __init__(self) -> None:
        self.now: float = time.time()
        self.calls: list[Call] = []
        self.errors: list[BaseException] = []
        self.files: dict[str, UploadedFile] = {}
        self.left_chats: list[int] = []
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self._chats: dict[int, _Chat] = {}
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._next_serial = 1
        self._scheduled: dict[str, list[_Scheduled]] = {}
        self._cond = threading.Condition(threading.RLock())
        self._closing = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.webhook: JSONDict = {}
        self._chaos: _Chaos | None = None
        self.chaos_seen: dict[str, int] = {}  # what chaos() did, by kind
        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            name.lower(): handler for name, handler in {
                "getMe": lambda _: dict(BOT_USER),
                "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook,
                "setWebhook": self._set_webhook,
                "getWebhookInfo": lambda _: {"url": self.webhook.get("url", ""),
                                             "has_custom_certificate": False,
                                             "pending_update_count": len(self._updates)},
                "setMyCommands": self._set_my_commands,
                "getMyCommands": lambda p: copy.deepcopy(self.commands.get(_commands_key(p), [])),
                "deleteMyCommands": self._delete_my_commands,
                "setMyDescription": lambda p: self._set_description("description", p),
                "getMyDescription": lambda p: self._get_description("description", p),
                "setMyShortDescription": lambda p: self._set_description("short_description", p),
                "getMyShortDescription": lambda p: self._get_description("short_description", p),
                "setChatMenuButton": self._set_menu_button,
                "close": lambda _: True,
                "logOut": lambda _: True,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_reply_markup,
                "deleteMessage": self._delete_message,
                "deleteMessages": self._delete_messages,
                "answerCallbackQuery": lambda _: True,
                "leaveChat": self._leave_chat,
                "sendDocument": self._send_document,
                "sendChatAction": self._send_chat_action,
                "getChat": self._get_chat,
            }.items()
        }

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1") -> FakeBotApi:
        """Listen on a free port (`host` 0.0.0.0 lets containers on this machine reach it)."""
        if self._server is None:
            self._closing = False
            self._server = _Server((host, 0), _Handler)
            self._server.api = self
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name="FakeBotApi", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        with self._cond:
            self._closing = True  # wakes long polls so their threads finish
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- clock, faults, recording ----------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        with self._cond:
            self.now += seconds
            self._cond.notify_all()

    def age_message(self, chat_id: int, message_id: int, seconds: float) -> None:
        with self._cond:
            self._chats[chat_id].messages[message_id]["date"] -= int(seconds)

    def inject_fault(self, method: str, *, error_code: int = 429,
                     description: str = "Too Many Requests: retry after 1",
                     retry_after: int | None = None, times: int = 1) -> None:
        error = ApiError(error_code, description, retry_after)
        self._schedule(method, _Scheduled(remaining=times, error=error))

    def inject_delay(self, method: str, seconds: float, times: int = 1) -> None:
        self._schedule(method, _Scheduled(remaining=times, delay=seconds))

    def chaos(self, rate: float, *, seed: int, late: float = 0.0, flood_limit: int = 3,
              retry_after: int = 1) -> None:
        """From now on fail a share `rate` of a conversation's calls, at random (seeded).

        Each failure is one of: 502 Bad Gateway; 429 with retry_after (at most
        `flood_limit` of them, each costs a real wait); and, when `late` is set, a call that
        takes effect at once but whose answer comes `late` seconds later, as when
        Telegram's answer is lost on the way. Counts go to `chaos_seen`.
        """
        kinds = ["502", "429"] + (["late"] if late else [])
        rng = random.Random(seed)  # noqa: S311 - repeatable test faults, not secrets
        self._chaos = _Chaos(rng, rate, kinds, late, flood_limit, retry_after)

    def _chaos_for(self, method: str) -> tuple[float, ApiError | None]:
        chaos = self._chaos
        if chaos is None or method.lower() not in CHAOS_METHODS:
            return 0.0, None
        if chaos.rng.random() >= chaos.rate:
            return 0.0, None
        kinds = [k for k in chaos.kinds if k != "429" or chaos.floods < chaos.flood_limit]
        kind = chaos.rng.choice(kinds)
        self.chaos_seen[kind] = self.chaos_seen.get(kind, 0) + 1
        if kind == "429":
            chaos.floods += 1
            return 0.0, ApiError(
                429, f"Too Many Requests: retry after {chaos.retry_after}", chaos.retry_after
            )
        if kind == "late":
            return chaos.late, None
        return 0.0, ApiError(502, "Bad Gateway")

    def _schedule(self, method: str, item: _Scheduled) -> None:
        with self._cond:
            self._scheduled.setdefault(method.lower(), []).append(item)

    def _take_scheduled(self, method: str) -> tuple[float, ApiError | None]:
        delay, error = 0.0, None
        for item in list(self._scheduled.get(method.lower(), [])):
            if (item.error and error) or (item.delay and delay):
                continue
            delay, error = delay or item.delay, error or item.error
            item.remaining -= 1
            if item.remaining <= 0:
                self._scheduled[method.lower()].remove(item)
        return delay, error

    def calls_to(self, method: str) -> list[JSONDict]:
        with self._cond:
            return [c.params for c in self.calls if c.method.lower() == method.lower()]

    def clear_calls(self) -> None:
        with self._cond:
            self.calls.clear()

    # --- request handling ------------------------------------------------------------------------

    def handle(self, method: str, params: JSONDict) -> tuple[int, JSONDict]:
        """Answer one Bot API call: (HTTP status, JSON body)."""
        with self._cond:
            self.calls.append(Call(method, params))
            delay, error = self._take_scheduled(method)
            lost_answer = 0.0
            if not delay and error is None:
                lost_answer, error = self._chaos_for(method)
            self._cond.notify_all()
        if delay:
            time.sleep(delay)
        if lost_answer:
            return self._answer_late(method, params, lost_answer)
        handler = self._handlers.get(method.lower())
        try:
            if error is not None:
                raise error
            if handler is None:
                return 404, dict(NOT_FOUND)
            with self._cond:
                result = handler(params)
            return 200, {"ok": True, "result": result}
        except ApiError as exc:
            return exc.code, exc.payload()
        except Exception as exc:  # a bug in the fake or a malformed request: make it visible
            self.errors.append(exc)
            return 500, {"ok": False, "error_code": 500, "description": f"Fake error: {exc!r}"}
        finally:
            with self._cond:
                self._cond.notify_all()

    def _answer_late(self, method: str, params: JSONDict, seconds: float) -> tuple[int, JSONDict]:
        """The call takes effect at once; its answer is held back, as when it is lost."""
        handler = self._handlers[method.lower()]
        try:
            with self._cond:
                result = handler(params)
        except ApiError as exc:
            time.sleep(seconds)
            return exc.code, exc.payload()
        time.sleep(seconds)
        return 200, {"ok": True, "result": result}

    def _get_updates(self, p: JSONDict) -> list[JSONDict]:
        offset = int(p.get("offset") or 0)
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = min(float(p.get("timeout") or 0), LONG_POLL_CAP)
        self._cond.wait_for(lambda: self._updates or self._closing, timeout=timeout)
        return copy.deepcopy(self._updates[:limit])

    def _set_webhook(self, p: JSONDict) -> bool:
        """Record where updates would be posted, and the secret token."""
        self.webhook = {"url": str(p.get("url", "")), "secret_token": p.get("secret_token")}
        return True

    def _delete_webhook(self, p: JSONDict) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_my_commands(self, p: JSONDict) -> bool:
        self.commands[_commands_key(p)] = list(p.get("commands") or [])
        return True

    def _delete_my_commands(self, p: JSONDict) -> bool:
        self.commands.pop(_commands_key(p), None)
        return True

    def _set_description(self, kind: str, p: JSONDict) -> bool:
        self.descriptions[kind, p.get("language_code") or ""] = p.get(kind) or ""
        return True

    def _get_description(self, kind: str, p: JSONDict) -> JSONDict:
        return {kind: self.descriptions.get((kind, p.get("language_code") or ""), "")}

    def _set_menu_button(self, p: JSONDict) -> bool:
        self.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    def _leave_chat(self, p: JSONDict) -> bool:
        self.left_chats.append(self._known_chat(p).info["id"])
        return True

    def _send_chat_action(self, p: JSONDict) -> bool:
        self._writable_chat(p)
        return True

    def _get_chat(self, p: JSONDict) -> JSONDict:
        return {**self._known_chat(p).info, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": True, "limited_gifts": True,
                                        "unique_gifts": True, "premium_subscription": True,
                                        "gifts_from_channels": True}}

    def _known_chat(self, p: JSONDict) -> _Chat:
        chat = self._chats.get(p.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, p: JSONDict) -> _Chat:
        chat_id = p.get("chat_id")
        if not isinstance(chat_id, int):
            raise bad_request("chat not found")
        chat = self._chat(chat_id)
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _send_message(self, p: JSONDict) -> JSONDict:
        chat = self._writable_chat(p)
        text, entities = _render(p.get("text"), p.get("parse_mode"), p.get("entities"))
        _check_text(text, MAX_TEXT, "message is too long", "message text is empty")
        fields = {"text": text, "entities": entities or None, "html": p.get("text")}
        return self._send(chat, p, fields)

    def _send_document(self, p: JSONDict) -> JSONDict:
        chat = self._writable_chat(p)
        document = p.get("document")
        if isinstance(document, UploadedFile):
            file_id = f"DOC{self._serial()}"
            self.files[file_id] = document
        elif isinstance(document, str) and document in self.files:
            file_id = document
        else:
            raise bad_request("wrong remote file identifier specified")
        upload = self.files[file_id]
        caption, entities = _render(p.get("caption"), p.get("parse_mode"),
                                    p.get("caption_entities"))
        _check_text(caption, MAX_CAPTION, "message caption is too long", None)
        fields = {"document": {"file_id": file_id, "file_unique_id": f"U{file_id}",
                               "file_name": upload.filename, "mime_type": upload.content_type,
                               "file_size": len(upload.content)},
                  "caption": caption or None, "caption_entities": entities or None,
                  "html": p.get("caption")}
        return self._send(chat, p, fields)

    def _send(self, chat: _Chat, p: JSONDict, fields: JSONDict) -> JSONDict:
        markup = _check_markup(p.get("reply_markup"))
        reply = p.get("reply_parameters") or {}
        if "message_id" in reply:
            target = chat.messages.get(reply["message_id"])
            if target is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            fields["reply_to_message"] = target and _api_form(target)
        record = self._store(chat, "bot", BOT_USER, {**fields, "reply_markup": markup})
        return _api_form(record)

    def _edited_message(self, p: JSONDict) -> JSONDict:
        chat = self._chats.get(p.get("chat_id"))  # type: ignore[arg-type]
        record = chat.messages.get(p.get("message_id")) if chat else None  # type: ignore[arg-type]
        if record is None:
            raise bad_request("message to edit not found")
        if chat and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return record

    def _edit_message_text(self, p: JSONDict) -> JSONDict:
        record = self._edited_message(p)
        if record.get("text") is None:
            raise bad_request("there is no text in the message to edit")
        text, entities = _render(p.get("text"), p.get("parse_mode"), p.get("entities"))
        _check_text(text, MAX_TEXT, "message is too long", "message text is empty")
        markup = _check_markup(p.get("reply_markup"))
        return self._apply_edit(record, {"text": text, "entities": entities or None,
                                         "reply_markup": markup}, html_source=p.get("text"))

    def _edit_reply_markup(self, p: JSONDict) -> JSONDict:
        record = self._edited_message(p)
        markup = _check_markup(p.get("reply_markup"))
        return self._apply_edit(record, {"reply_markup": markup}, html_source=record["html"])

    def _apply_edit(self, record: JSONDict, changes: JSONDict, html_source: str | None) -> JSONDict:
        if all(record.get(k) == v for k, v in changes.items()):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        record.update(changes, html=html_source, edit_date=int(self.now))
        return _api_form(record)

    def _delete_message(self, p: JSONDict) -> bool:
        chat = self._chats.get(p.get("chat_id"))  # type: ignore[arg-type]
        record = chat.messages.get(p.get("message_id")) if chat else None  # type: ignore[arg-type]
        if chat is None or record is None:
            raise bad_request("message to delete not found")
        if int(self.now) - record["date"] > DELETE_WINDOW:
            raise bad_request("message can't be deleted for everyone")
        del chat.messages[record["message_id"]]
        return True

    def _delete_messages(self, p: JSONDict) -> bool:
        ids = p.get("message_ids") or []
        if not 1 <= len(ids) <= 100:
            raise bad_request("too many messages to delete")
        for message_id in ids:
            try:
                self._delete_message({"chat_id": p.get("chat_id"), "message_id": message_id})
            except ApiError:
                continue
        return True

    # --- state helpers -----------------------------------------------------------------------

    def _chat(self, chat_id: int, info: JSONDict | None = None) -> _Chat:
        if chat_id not in self._chats:
            default = ({"type": "private", "first_name": "Alex"} if chat_id > 0
                       else {"type": "supergroup", "title": "Group"})
            self._chats[chat_id] = _Chat(info={"id": chat_id, **(info or default)}, messages={})
        return self._chats[chat_id]

    def _serial(self) -> int:
        self._next_serial += 1
        return self._next_serial - 1

    def _store(self, chat: _Chat, sender: str, user: JSONDict | None, fields: JSONDict) -> JSONDict:
        record = {"message_id": chat.next_id, "date": int(self.now), "chat": dict(chat.info),
                  "from": dict(user) if user else None, "text": None, "html": None,
                  "reply_markup": None, "sender": sender, **fields}
        chat.messages[chat.next_id] = record
        chat.next_id += 1
        return record

    def _queue(self, update: JSONDict) -> JSONDict:
        with self._cond:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
            self._updates.append(update)
            self._cond.notify_all()
            return copy.deepcopy(update)

    # --- the human -------------------------------------------------------------------------------

    def user_blocks_bot(self, chat_id: int, blocked: bool = True) -> None:
        with self._cond:
            self._chat(chat_id).blocked = blocked

    def _user_message(self, chat_id: int, fields: JSONDict, *, user_id: int | None,
                      first_name: str, language_code: str, chat_type: str) -> JSONDict:
        if user_id is None and chat_type != "private":
            raise ValueError("user_id is needed outside private chats")
        user = {"id": user_id or chat_id, "is_bot": False, "first_name": first_name,
                "language_code": language_code}
        info = ({"type": "private", "first_name": first_name} if chat_type == "private"
                else {"type": chat_type, "title": "Group"})
        with self._cond:
            chat = self._chat(chat_id, info)
            chat.info.update(info)  # the human's name wins over a default
            record = self._store(chat, "user", user, fields)
            return self._queue({"message": _api_form(record)})

    def user_sends(self, chat_id: int, text: str, *, user_id: int | None = None,
                   first_name: str = "Alex", language_code: str = "en",
                   chat_type: str = "private", entities: list[JSONDict] | None = None) -> JSONDict:
        if entities is None and text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0,
                         "length": utf16_len(text.split(maxsplit=1)[0])}]
        return self._user_message(chat_id, {"text": text, "html": text, "entities": entities},
                                  user_id=user_id, first_name=first_name,
                                  language_code=language_code, chat_type=chat_type)

    def user_sends_sticker(self, chat_id: int, *, emoji: str = "🙂", user_id: int | None = None,
                           first_name: str = "Alex", language_code: str = "en",
                           chat_type: str = "private") -> JSONDict:
        file_id = f"STK{self._serial()}"
        sticker = {"file_id": file_id, "file_unique_id": f"U{file_id}", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False,
                   "emoji": emoji}
        return self._user_message(chat_id, {"sticker": sticker}, user_id=user_id,
                                  first_name=first_name, language_code=language_code,
                                  chat_type=chat_type)

    def user_sends_photo(self, chat_id: int, *, caption: str | None = None,
                         user_id: int | None = None, first_name: str = "Alex",
                         language_code: str = "en", chat_type: str = "private") -> JSONDict:
        file_id = f"PHO{self._serial()}"
        photo = [{"file_id": f"{file_id}_{w}", "file_unique_id": f"U{file_id}_{w}", "width": w,
                  "height": w * 3 // 4, "file_size": w * 100} for w in (90, 1280)]
        return self._user_message(chat_id, {"photo": photo, "caption": caption, "html": caption},
                                  user_id=user_id, first_name=first_name,
                                  language_code=language_code, chat_type=chat_type)

    def user_clicks(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None,
                    first_name: str = "Alex", language_code: str = "en") -> JSONDict:
        with self._cond:
            chat = self._chat(chat_id)
            record = chat.messages.get(message_id)
            message = (_api_form(record) if record else
                       {"chat": dict(chat.info), "message_id": message_id, "date": 0})
            user = {"id": user_id or chat_id, "is_bot": False, "first_name": first_name,
                    "language_code": language_code}
            query = {"id": str(self._serial()), "from": user, "message": message,
                     "chat_instance": str(chat_id), "data": data}
            return self._queue({"callback_query": query})

    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue any update; an ``update_id`` is assigned unless given."""
        return self._queue(copy.deepcopy(update))

    # --- inspection ------------------------------------------------------------------------------

    def chat(self, chat_id: int) -> list[JSONDict]:
        """The chat's current messages, oldest first, with the ``html`` and ``sender`` keys."""
        with self._cond:
            chat = self._chats.get(chat_id)
            return copy.deepcopy(sorted(chat.messages.values(), key=lambda m: m["message_id"])
                                 if chat else [])

    def bot_messages(self, chat_id: int) -> list[JSONDict]:
        return [m for m in self.chat(chat_id) if m["sender"] == "bot"]

    def last_bot_message(self, chat_id: int) -> JSONDict | None:
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def pending_updates(self) -> list[JSONDict]:
        with self._cond:
            return copy.deepcopy(self._updates)

    def wait_for(self, predicate: Callable[[FakeBotApi], bool], timeout: float = 10.0) -> None:
        """Block until ``predicate(api)`` holds; re-checked after every request.

        This blocks the calling thread: from async tests use ``await api.wait_for_async(...)``.
        """
        if _in_event_loop():
            raise RuntimeError("wait_for would block the event loop; use wait_for_async")
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_report(predicate, timeout))
                self._cond.wait(min(remaining, 0.1))

    async def wait_for_async(self, predicate: Callable[[FakeBotApi], bool],
                             timeout: float = 10.0) -> None:
        await asyncio.to_thread(self.wait_for, predicate, timeout)

    def _timeout_report(self, predicate: Callable[..., bool], timeout: float) -> str:
        name = getattr(predicate, "__qualname__", repr(predicate))
        calls = "\n".join(f"  {c.method} {_short(c.params)}" for c in self.calls[-10:])
        chats = "\n".join(
            f"  chat {cid}: " + " | ".join(f"{m['sender']}:{_short(m.get('text'))}"
                                          for m in list(c.messages.values())[-4:])
            for cid, c in self._chats.items())
        return (f"condition {name} not met within {timeout}s\nlast calls:\n{calls or '  none'}\n"
                f"chats:\n{chats or '  none'}\npending updates: {len(self._updates)}"
                + (f"\nerrors in the fake: {self.errors!r}" if self.errors else ""))


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _commands_key(p: JSONDict) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get("language_code") or ""


def _render(source: str | None, parse_mode: str | None,
            entities: list[JSONDict] | None) -> tuple[str, list[JSONDict]]:
    if source is None:
        return "", []
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(source)
    if mode not in ("", "markdown", "markdownv2"):
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    return source, list(entities or [])


def _check_text(text: str, limit: int, too_long: str, empty: str | None) -> None:
    if empty and not text.strip():
        raise bad_request(empty)
    if utf16_len(text) > limit:
        raise bad_request(too_long)


def _check_markup(markup: JSONDict | None) -> JSONDict | None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
            if len(button) < 2:
                raise bad_request("can't parse inline keyboard button: "
                                  "Text buttons are unallowed in the inline keyboard")
    return copy.deepcopy(markup) if markup else None


def _api_form(record: JSONDict) -> JSONDict:
    """A stored message as the Bot API returns it: no helper keys, no empty fields."""
    return copy.deepcopy({k: v for k, v in record.items()
                          if k not in ("html", "sender") and v is not None})


# --- HTTP plumbing -------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: FakeBotApi

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-answer (a cancelled long poll) are normal here."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        match = _METHOD_PATH.fullmatch(url.path)
        if match is None:
            self._send_json(404, NOT_FOUND)
            return
        try:
            params = decode_params(self.headers.get("Content-Type", ""), body, url.query)
        except (ValueError, TypeError) as exc:
            self._send_json(400, bad_request(f"can't parse request: {exc}").payload())
            return
        self._send_json(*self.server.api.handle(match.group("method"), params))

    do_GET = do_POST

    def _send_json(self, status: int, payload: JSONDict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: test output is for test failures."""
