"""A lean fake Telegram Bot API for the throughput benchmark, on the driver's asyncio loop.

tests/fakeapi.py is built for checking behaviour: HTTP/1.0 (a new connection per call), a
thread per connection, a deep copy and an HTML parse per message. Under load that would
weigh on the measurement, so this fake does the least a Bot API must: HTTP/1.1 keep-alive,
form or JSON parameters, answers in valid Bot API JSON that python-telegram-bot parses, and
the chat state the driver needs (each chat's messages, its live keyboards and last screen).

It also builds the updates a person would cause (a typed message, a tap on the live screen)
and tells the driver when the calls an update should cause have all arrived: `expect`
returns a future that resolves with the arrival time of the last of them. A call that no
expectation accounts for, or an error answer, is recorded in `errors`: the benchmark then
fails instead of measuring errors. The one call the bot makes on its own, the deleteMessages
of an auto-clear 15 minutes after a chat's last update, is only counted, unless the chat is
one of the `protected` ones that must stay active.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSONDict = dict[str, Any]
Result = JSONDict | list[JSONDict] | bool  # what a Bot API method answers

BOT_USER: JSONDict = {
    "id": 1000, "is_bot": True, "first_name": "Support", "username": "bench_support_bot",
}
CHAT_METHODS = frozenset({
    "sendmessage", "editmessagetext", "editmessagereplymarkup", "deletemessage",
    "deletemessages", "answercallbackquery", "sendchataction",
})
PLAIN_TRUE = frozenset({
    "setwebhook", "deletewebhook", "setmycommands", "deletemycommands", "setmydescription",
    "setmyshortdescription", "setchatmenubutton", "close", "logout", "sendchataction",
    "answercallbackquery",
})
MAX_ERRORS = 20


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class ChatState:
    """What the fake knows of one private chat."""

    chat_id: int
    next_id: int = 1
    messages: dict[int, JSONDict] = field(default_factory=dict)  # the bot's, by message id
    live: set[int] = field(default_factory=set)  # bot messages that still have a keyboard
    last_screen: int = 0  # the latest bot message with a keyboard
    last_message: int = 0  # the latest bot message
    last_text: str = ""  # the text of the latest message sent or edited
    taps: int = 0


@dataclass
class Expectation:
    """Calls still awaited for one update of one chat."""

    remaining: Counter[str]
    future: asyncio.Future[float]
    seen: list[str] = field(default_factory=list)


class LeanBotApi:
    """The Bot API on 127.0.0.1, answering from the driver's event loop."""

    def __init__(self) -> None:
        self.chats: dict[int, ChatState] = {}
        self.errors: list[str] = []
        self.calls: Counter[str] = Counter()  # every call, by method name as sent
        self.traffic = 0  # bytes of the Bot API calls' bodies and their answers' bodies
        self.latency = 0.0  # seconds before an answer is sent, as Telegram's round trip
        self.webhook: JSONDict = {}
        self.last_call_at = 0.0
        self.auto_clears = 0  # chats the bot wiped on its own (its 15-minute auto-clear)
        self.protected: range = range(0)  # chats that must not be auto-cleared (an error then)
        self._expected: dict[int, Expectation] = {}
        self._next_update_id = 1
        self._server: asyncio.Server | None = None
        self.transports: set[asyncio.Transport] = set()

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> LeanBotApi:
        """Listen on a free port of 127.0.0.1."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Protocol(self), "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        """Stop listening and drop the connections."""
        if self._server is not None:
            self._server.close()
            for transport in list(self.transports):
                transport.close()
            self._server = None

    @property
    def base_url(self) -> str:
        """The base address to give python-telegram-bot (the token follows it)."""
        if self._server is None:
            raise RuntimeError("the fake Bot API is not started")
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot"

    def reset(self) -> None:
        """Forget every chat and count (between two bots)."""
        if self._expected:
            raise RuntimeError("reset with updates still awaited")
        self.chats.clear()
        self.calls.clear()
        self.webhook = {}

    # --- what the driver uses ------------------------------------------------------------------

    def chat(self, chat_id: int) -> ChatState:
        """The chat's state, created on first use."""
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = ChatState(chat_id)
        return chat

    def expect(self, chat_id: int, methods: list[str]) -> asyncio.Future[float]:
        """A future resolved (with perf_counter time) once these calls for the chat arrived."""
        if chat_id in self._expected:
            raise RuntimeError(f"chat {chat_id}: an update is already awaited")
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._expected[chat_id] = Expectation(Counter(m.lower() for m in methods), future)
        return future

    def abandon(self, chat_id: int) -> list[str]:
        """Stop awaiting the chat's update (after a timeout); returns the calls seen so far."""
        expectation = self._expected.pop(chat_id, None)
        return expectation.seen if expectation else []

    def user_message(self, chat_id: int, text: str) -> JSONDict:
        """The update of a person typing `text` in their private chat."""
        chat = self.chat(chat_id)
        message: JSONDict = {
            "message_id": chat.next_id, "date": int(time.time()), "from": _user(chat_id),
            "chat": _private(chat_id), "text": text,
        }
        chat.next_id += 1
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._update({"message": message})

    def user_tap(self, chat_id: int, data: str, *, on_screen: bool) -> JSONDict:
        """The update of a tap with callback `data`.

        With `on_screen`, the tap is on the live screen (the latest message with a keyboard)
        and `data` must be one of its buttons, as in Telegram; otherwise it is on the bot's
        latest message, whatever it shows (for the echo bot, whose messages have no buttons).
        """
        chat = self.chat(chat_id)
        target = chat.last_screen if on_screen else chat.last_message
        record = chat.messages.get(target)
        if record is None:
            raise RuntimeError(f"chat {chat_id}: no message to tap on")
        if on_screen:
            buttons = [b.get("callback_data") for row in
                       (record.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
            if data not in buttons:
                raise RuntimeError(
                    f"chat {chat_id}: no button {data!r} on the screen {record['text'][:60]!r}; "
                    f"its buttons: {buttons}"
                )
        chat.taps += 1
        query = {
            "id": f"{chat_id}:{chat.taps}", "from": _user(chat_id), "message": record,
            "chat_instance": str(chat_id), "data": data,
        }
        return self._update({"callback_query": query})

    def _update(self, fields: JSONDict) -> JSONDict:
        update = {"update_id": self._next_update_id, **fields}
        self._next_update_id += 1
        return update

    # --- answering calls -----------------------------------------------------------------------

    def handle(self, target: str, content_type: str, body: bytes) -> tuple[int, bytes]:
        """One HTTP request: (status, JSON body)."""
        now = time.perf_counter()
        self.last_call_at = now
        path = urlsplit(target).path
        method = path.rsplit("/", 1)[-1]
        self.calls[method] += 1
        try:
            params = _decode(content_type, body)
            result = self._answer(method.lower(), params, now)
        except ApiError as error:
            self.record_error(f"{method}: {error.description}")
            payload: JSONDict = {
                "ok": False, "error_code": error.code, "description": error.description,
            }
            return error.code, json.dumps(payload).encode()
        except (ValueError, TypeError, KeyError) as error:  # a request the fake cannot read
            self.record_error(f"{method}: malformed request ({error!r})")
            payload = {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
            return 400, json.dumps(payload).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def record_error(self, text: str) -> None:
        """Keep a problem to report (the first few)."""
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(text)

    def _answer(self, method: str, params: JSONDict, now: float) -> Result:
        if method in CHAT_METHODS:
            chat_id = self._chat_of(method, params)
            result = self._chat_call(method, self.chat(chat_id), params)
            self._arrived(chat_id, method, now)
            return result
        if method == "setwebhook":
            self.webhook = {"url": params.get("url"), "secret_token": params.get("secret_token")}
        if method in PLAIN_TRUE:
            return True
        if method == "getme":
            return BOT_USER
        if method == "getwebhookinfo":
            return {"url": self.webhook.get("url") or "", "has_custom_certificate": False,
                    "pending_update_count": 0}
        if method in ("getmycommands",):
            return []
        if method in ("getmydescription", "getmyshortdescription"):
            key = "description" if method == "getmydescription" else "short_description"
            return {key: ""}
        raise ApiError("Not Found", 404)

    @staticmethod
    def _chat_of(method: str, params: JSONDict) -> int:
        if method == "answercallbackquery":
            return int(str(params["callback_query_id"]).split(":")[0])
        return int(params["chat_id"])

    def _chat_call(self, method: str, chat: ChatState, params: JSONDict) -> Result:
        if method == "sendmessage":
            text = str(params.get("text") or "")
            if not text.strip():
                raise ApiError("Bad Request: message text is empty")
            message_id = chat.next_id
            chat.next_id += 1
            record: JSONDict = {"message_id": message_id, "from": BOT_USER,
                                "chat": _private(chat.chat_id), "date": int(time.time()),
                                "text": text}
            self._set_markup(chat, record, _markup(params.get("reply_markup")))
            chat.messages[message_id] = record
            chat.last_message, chat.last_text = message_id, text
            return record
        if method in ("editmessagetext", "editmessagereplymarkup"):
            edited = chat.messages.get(int(params["message_id"]))
            if edited is None:
                raise ApiError("Bad Request: message to edit not found")
            record = edited
            if method == "editmessagetext":
                record["text"] = chat.last_text = str(params.get("text") or "")
            self._set_markup(chat, record, _markup(params.get("reply_markup")))
            record["edit_date"] = int(time.time())
            return record
        if method == "deletemessage":
            self._delete(chat, int(params["message_id"]))
        elif method == "deletemessages":
            for message_id in _ids(params.get("message_ids")):
                self._delete(chat, int(message_id))
        return True

    @staticmethod
    def _set_markup(chat: ChatState, record: JSONDict, markup: JSONDict | None) -> None:
        message_id = record["message_id"]
        if markup and markup.get("inline_keyboard"):
            record["reply_markup"] = markup
            chat.live.add(message_id)
            chat.last_screen = max(chat.last_screen, message_id)
        else:
            record.pop("reply_markup", None)
            chat.live.discard(message_id)

    @staticmethod
    def _delete(chat: ChatState, message_id: int) -> None:
        chat.messages.pop(message_id, None)
        chat.live.discard(message_id)

    def _arrived(self, chat_id: int, method: str, now: float) -> None:
        expectation = self._expected.get(chat_id)
        if expectation is None or expectation.remaining[method] <= 0:
            if expectation is None and method in ("deletemessages", "deletemessage"):
                # An auto-clear, 15 minutes after the chat's last update: the bot's own doing.
                if chat_id in self.protected:
                    self.record_error(
                        f"chat {chat_id}: auto-cleared (its {method} came with no update "
                        "pending), 15 minutes after its last update: this phase took too "
                        "long, its sessions are not all active any more"
                    )
                self.auto_clears += 1
                return
            seen = expectation.seen if expectation else []
            self.record_error(f"chat {chat_id}: unexpected {method} (after {seen} for this update)")
            return
        expectation.seen.append(method)
        expectation.remaining[method] -= 1
        if expectation.remaining.total() == 0:
            del self._expected[chat_id]
            if not expectation.future.done():
                expectation.future.set_result(now)


def _private(chat_id: int) -> JSONDict:
    return {"id": chat_id, "type": "private", "first_name": "Alex"}


def _user(chat_id: int) -> JSONDict:
    return {"id": chat_id, "is_bot": False, "first_name": "Alex", "language_code": "en"}


def _markup(value: object) -> JSONDict | None:
    """A reply_markup parameter, sent as JSON text in a form."""
    markup = json.loads(value) if isinstance(value, str) else value
    return markup if isinstance(markup, dict) else None


def _ids(value: object) -> list[int]:
    """A message_ids parameter, sent as JSON text in a form."""
    ids = json.loads(value) if isinstance(value, str) else value
    return [int(i) for i in ids] if isinstance(ids, list) else []


def _decode(content_type: str, body: bytes) -> JSONDict:
    """Parameters as python-telegram-bot sends them: a form (or JSON); never a file here."""
    kind = content_type.partition(";")[0].strip().lower()
    if not body:
        return {}
    if kind == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise TypeError("a JSON body must be an object")
        return data
    if kind == "multipart/form-data":
        raise TypeError("file uploads are not expected in this benchmark")
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


class _Protocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, a request at a time per connection, Content-Length bodies."""

    def __init__(self, api: LeanBotApi) -> None:
        self.api = api
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport to answer on."""
        assert isinstance(transport, asyncio.Transport)  # noqa: S101 - TCP gives a Transport
        self.transport = transport
        self.api.transports.add(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the transport."""
        if self.transport is not None:
            self.api.transports.discard(self.transport)
        self.transport = None

    def data_received(self, data: bytes) -> None:
        """Answer every complete request in the buffer."""
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            request = lines[0].split(" ")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "chunked" in headers.get("transfer-encoding", ""):
                self.api.record_error("a chunked request: not supported by the fake")
                self.transport.close()
                return
            length = int(headers.get("content-length") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            status, payload = self.api.handle(
                request[1] if len(request) > 1 else "/", headers.get("content-type", ""), body
            )
            self.api.traffic += len(body) + len(payload)
            reason = "OK" if status == 200 else "Error"
            answer = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
            if self.api.latency:  # one request at a time per connection: order is kept
                asyncio.get_running_loop().call_later(self.api.latency, self._send, answer)
            else:
                self.transport.write(answer)

    def _send(self, answer: bytes) -> None:
        """Write a delayed answer, unless the connection has gone meanwhile."""
        if self.transport is not None:
            self.transport.write(answer)
