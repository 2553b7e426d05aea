"""Retry policy: which failures are worth another attempt and how long to wait first.

Pure: no HTTP here. The transport hands in the exception it raised; ``sleep`` and ``random``
are injectable so tests take no time and see exact delays.
"""

from __future__ import annotations

import email.utils
import logging
import random as random_module
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from app.api.errors import AnswerCutError, ApiConnectionError, ApiStatusError, ApiTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_STATUSES = frozenset({408, 409, 429})
MAX_RETRY_AFTER = 60.0
INITIAL_DELAY = 0.5
MAX_BACKOFF = 8.0
JITTER = 0.25


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked to wait: ``retry-after-ms``, then ``Retry-After`` (seconds or date).

    ``headers`` must look keys up case-insensitively (as ``requests`` headers do) or use
    lower-case keys.
    """
    millis = _header(headers, "retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000.0
        except ValueError:
            value = None
        if value is not None and value >= 0:
            return value
    raw = _header(headers, "retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        current = time.time() if now is None else now
        value = parsed.timestamp() - current
    return max(value, 0.0)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.title())
    return value.strip() if isinstance(value, str) else None


def is_retryable(exc: BaseException) -> bool:
    """Connection failures, 408, 409, 429 and every 5xx; never a read timeout, an answer cut
    after it began, or a 4xx."""
    if isinstance(exc, ApiTimeoutError | AnswerCutError):
        return False  # the server may still be working (or has done and charged) the first one
    if isinstance(exc, ApiConnectionError):
        return True
    if isinstance(exc, ApiStatusError):
        return exc.status in RETRY_STATUSES or exc.status >= 500
    return False


@dataclass
class RetryPolicy:
    """How many times to retry, and the clock it waits on."""

    max_retries: int = 2
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = random_module.random
    retryable: Callable[[BaseException], bool] = field(default=is_retryable)

    def delay(self, retry_index: int, exc: BaseException) -> float:
        """Seconds before retry number ``retry_index`` (0 for the first retry)."""
        asked = getattr(exc, "retry_after", None)
        if isinstance(asked, (int, float)) and asked >= 0:
            return min(float(asked), MAX_RETRY_AFTER)
        backoff = min(INITIAL_DELAY * 2**retry_index, MAX_BACKOFF)
        return float(backoff * (1.0 - JITTER * self.random()))

    def call(self, attempt: Callable[[], T]) -> T:
        """Run ``attempt`` until it succeeds, fails for good, or the retries are used up."""
        retry_index = 0
        while True:
            try:
                return attempt()
            except Exception as exc:
                if retry_index >= self.max_retries or not self.retryable(exc):
                    raise
                wait = self.delay(retry_index, exc)
                log.info(
                    "retrying after %s (%.2f s, retry %d of %d)",
                    type(exc).__name__,
                    wait,
                    retry_index + 1,
                    self.max_retries,
                )
                self.sleep(wait)
                retry_index += 1
