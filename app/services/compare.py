"""Compare chat models: one prompt to 2–4 models at once, each answer measured.

``ReplyMeter`` times one reply (first token, tokens per second, total) and takes its tokens
and cost from the final usage; ``compare_prompt`` runs a one-off comparison on the chat
service (the command line's ``compare``). Each model fails alone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.api.errors import InvalidInputError, describe
from app.services.usage import StreamTally

if TYPE_CHECKING:
    from app.api.types import Cost, Usage
    from app.services.context import Services

MIN_COLUMNS, MAX_COLUMNS = 2, 4
CHARS_PER_TOKEN = 4  # a rough count for servers that report no usage


def prepare_for_columns() -> None:
    """Import what the first send of a Compare window needs: the chat session and its
    history, and what every reply needs (``chat.prepare_for_replies``). For idle time on a
    worker thread, while the person types: done by the first send, four columns' imports hold
    the interpreter lock while the window shows their first frames."""
    import app.services.conversation  # noqa: F401
    from app.services.chat import prepare_for_replies

    prepare_for_replies()


def check_models(models: Sequence[str]) -> list[str]:
    """2 to 4 non-empty model ids (the same model may be compared with other parameters)."""
    chosen = [m.strip() for m in models if m and m.strip()]
    if not MIN_COLUMNS <= len(chosen) <= MAX_COLUMNS:
        raise InvalidInputError(
            f"Compare {MIN_COLUMNS} to {MAX_COLUMNS} models ({len(chosen)} given); "
            "separate them with commas."
        )
    return chosen


class ReplyMeter:
    """Timing, tokens and cost of one reply; ``clock`` is injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.started = clock()
        self.first_token: float | None = None
        self.ended: float | None = None
        self.chars = 0
        self.completion_tokens: int | None = None
        self.total_tokens: int | None = None
        self.cost_usd: float | None = None

    def add(self, text: str) -> None:
        if text and self.first_token is None:
            self.first_token = self._clock()
        self.chars += len(text)

    def finish(self, usage: Usage | None = None, cost: Cost | None = None) -> None:
        self.ended = self._clock()
        if usage is not None:
            self.completion_tokens = usage.completion_tokens
            self.total_tokens = usage.total_tokens
        if cost is not None:
            if cost.usd is not None:
                self.cost_usd = cost.usd
            elif cost.credits is not None:
                self.cost_usd = cost.credits / 2_000_000

    @property
    def time_to_first_token(self) -> float | None:
        return None if self.first_token is None else self.first_token - self.started

    @property
    def total_time(self) -> float:
        return (self.ended if self.ended is not None else self._clock()) - self.started

    @property
    def tokens(self) -> int:
        """Reply tokens as the server counted them, else estimated from the text."""
        if self.completion_tokens is not None:
            return self.completion_tokens
        return round(self.chars / CHARS_PER_TOKEN)

    @property
    def tokens_per_second(self) -> float | None:
        if self.first_token is None:
            return None
        end = self.ended if self.ended is not None else self._clock()
        span = end - self.first_token
        return self.tokens / span if span > 0 else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "time_to_first_token": _rounded(self.time_to_first_token),
            "tokens_per_second": _rounded(self.tokens_per_second, 1),
            "total_time": _rounded(self.total_time),
            "tokens": self.tokens,
            "cost_usd": self.cost_usd,
        }

    def summary(self) -> str:
        """ "first token 0.21 s · 85 tokens/s · 1.40 s · 120 tokens · $0.000123"."""
        parts = []
        if self.time_to_first_token is not None:
            parts.append(f"first token {self.time_to_first_token:.2f} s")
        if self.tokens_per_second is not None:
            parts.append(f"{self.tokens_per_second:.0f} tokens/s")
        parts.append(f"{self.total_time:.2f} s")
        parts.append(f"{self.tokens} tokens")
        parts.append("cost not reported" if self.cost_usd is None else f"${self.cost_usd:.6f}")
        return " · ".join(parts)


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


@dataclass
class ColumnResult:
    """One model's answer to the prompt."""

    model: str
    params: dict[str, Any] = field(default_factory=dict)
    content: str = ""
    meter: ReplyMeter = field(default_factory=ReplyMeter)
    error: str | None = None
    status: str = "streaming"  # then "complete", "stopped" or "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "params": self.params,
            "status": self.status,
            "content": self.content,
            "error": self.error,
            **self.meter.as_dict(),
        }


async def _run_column(
    services: Services,
    column: ColumnResult,
    messages: list[dict[str, Any]],
    on_delta: Callable[[ColumnResult, str], None] | None,
) -> None:
    tally = StreamTally(column.model)
    try:
        async for batch in services.chat.stream_batches(column.model, messages, **column.params):
            tally.add_all(batch)
            text = "".join(chunk.content for chunk in batch)
            if text:
                column.meter.add(text)
                column.content += text
                if on_delta is not None:
                    on_delta(column, text)
        column.status = "complete"
    except asyncio.CancelledError:
        column.status = "stopped"
        raise
    except Exception as exc:  # one model's failure stays in its column
        column.status, column.error = "error", describe(exc)
    finally:
        column.meter.finish(tally.usage, tally.cost)


async def compare_prompt(
    services: Services,
    prompt: str,
    models: Sequence[str],
    *,
    system: str | None = None,
    params: dict[str, Any] | None = None,
    on_delta: Callable[[ColumnResult, str], None] | None = None,
) -> list[ColumnResult]:
    """Stream ``prompt`` to every model at once; returns each column as it ended."""
    chosen = check_models(models)
    if not prompt.strip():
        raise InvalidInputError("The prompt is empty. Type something to send.")
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": prompt})
    columns = [ColumnResult(model, dict(params or {})) for model in chosen]
    await asyncio.gather(*(_run_column(services, c, messages, on_delta) for c in columns))
    return columns
