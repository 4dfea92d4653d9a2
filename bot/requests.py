"""Talking to the Bot API through its bad moments: retries with backoff.

A 502, 503 or 504 from Telegram, a timeout or a dropped connection is tried again a few
times, waiting longer each time. 429 (flood control) is left to python-telegram-bot's
AIORateLimiter, which waits the retry_after Telegram asks for. Every retry is bounded.
"""

from __future__ import annotations

import asyncio
import logging

from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._baserequest import BaseRequest

log = logging.getLogger(__name__)

TRANSIENT = frozenset({500, 502, 503, 504})


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries transient failures: 5xx, timeouts, dropped connections."""

    def __init__(self, *, tries: int = 4, backoff: float = 0.5, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._tries = tries
        self._backoff = backoff

    async def do_request(  # noqa: PLR0917 - the signature of BaseRequest.do_request
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send the request; on a transient failure wait and send it again."""
        for attempt in range(1, self._tries + 1):
            try:
                code, payload = await super().do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout,
                    pool_timeout,
                )
            except (TimedOut, NetworkError) as error:
                if attempt == self._tries:
                    raise
                log.warning("Bot API %s, try %d of %d", type(error).__name__, attempt, self._tries)
            else:
                if code not in TRANSIENT or attempt == self._tries:
                    return code, payload
                log.warning("Bot API answered %d, try %d of %d", code, attempt, self._tries)
            await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

