"""Where the money went: every paid request leaves a cost record, and the records are summed.

The four tab services call ``UsageService.record`` after each request that reached the
gateway, from the window and the command line alike (``Services.origin`` tells them apart).
A record that cannot be written is logged and never fails the request it describes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import Future, wait
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from app.api.types import Balance, Cost, Usage
from app.services.usage_report import UsageReport, build_report, day_bounds, usage_csv
from app.storage.usage_store import BalanceSample, UsageRecord, UsageStore

if TYPE_CHECKING:
    from app.api.audio_types import SpeechAudio, Transcript
    from app.api.billing_types import Transaction
    from app.api.chat_types import ChatChunk, ChatCompletion
    from app.api.embeddings import Embeddings  # its transport loads requests: not at start
    from app.api.image_types import ImageResult
    from app.services.service_context import ServiceContext

log = logging.getLogger(__name__)

MAX_TRANSACTION_PAGES = 20


@dataclass(frozen=True, slots=True)
class UsageFilter:
    """Which records to sum: local days ``since``..``until`` (inclusive), tabs and models."""

    since: date | None = None
    until: date | None = None
    tabs: tuple[str, ...] | None = None
    models: tuple[str, ...] | None = None


def chat_record(
    model: str, usage: Usage | None, cost: Cost | None, *, status: str = "complete"
) -> UsageRecord:
    usage = usage or Usage()
    cost = cost or Cost()
    return UsageRecord(
        tab="chat",
        model=model,
        cost_usd=cost.usd,
        cost_credits=cost.credits,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        total_tokens=usage.total_tokens,
        status=status,
    )


def embedding_record(model: str, result: Embeddings) -> UsageRecord:
    """The cost record of a ``/v1/embeddings`` request (knowledge bases serve the Chat tab)."""
    return chat_record(model, result.usage, result.cost)


def completion_record(requested_model: str, completion: ChatCompletion) -> UsageRecord:
    record = chat_record(completion.model or requested_model, completion.usage, completion.cost)
    return replace(record, request_id=completion.id)


def image_record(body: dict[str, Any], result: ImageResult) -> UsageRecord:
    return UsageRecord(
        tab="images",
        model=str(body.get("model", "")),
        cost_usd=result.cost.usd,
        cost_credits=result.cost.credits,
        images=len(result.images),
    )


def speech_record(
    body: dict[str, Any], audio: SpeechAudio, estimate: float | None = None
) -> UsageRecord:
    """A TTS request; without the gateway's figure ``estimate`` is kept, flagged estimated."""
    text = body.get("text", body.get("script"))
    characters = len(text) if isinstance(text, str) else None
    cost = audio.cost
    estimated = not cost.known and estimate is not None
    return UsageRecord(
        tab="tts",
        model=str(body.get("model", "")),
        cost_usd=estimate if estimated else cost.usd,
        cost_credits=cost.credits,
        estimated=estimated,
        characters=characters,
    )


def transcription_record(
    model: str, transcript: Transcript, seconds: float | None = None
) -> UsageRecord:
    return UsageRecord(
        tab="stt",
        model=model,
        cost_usd=transcript.cost.usd,
        cost_credits=transcript.cost.credits,
        seconds=transcript.duration if transcript.duration is not None else seconds,
    )


class StreamTally:
    """Follows a chat stream for its cost record: the model, the last usage and cost seen."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.usage: Usage | None = None
        self.cost: Cost | None = None
        self.request_id: str | None = None

    def add(self, chunk: ChatChunk) -> None:
        if chunk.model:
            self.model = chunk.model
        if chunk.id:
            self.request_id = chunk.id
        if chunk.usage is not None:
            self.usage = chunk.usage
        if chunk.cost is not None and chunk.cost.known:
            self.cost = chunk.cost

    def add_all(self, chunks: Iterable[ChatChunk]) -> None:
        for chunk in chunks:
            self.add(chunk)

    def record(self, status: str) -> UsageRecord:
        record = chat_record(self.model, self.usage, self.cost, status=status)
        return replace(record, request_id=self.request_id)


class UsageService:
    def __init__(self, services: ServiceContext) -> None:
        self._services = services
        self._pending: set[Future[Any]] = set()
        self._pending_lock = threading.Lock()

    @cached_property
    def store(self) -> UsageStore:
        return UsageStore(self._services.history)

    def record(self, record: UsageRecord) -> UsageRecord | None:
        """Add ``record`` (blocking; worker thread). Never raises: a failure is logged."""
        record = replace(record, origin=self._services.origin)
        try:
            return self.store.add(record)
        except Exception:
            log.exception("the cost record of a %s request could not be written", record.tab)
            return None

    def record_soon(self, record: UsageRecord) -> None:
        """``record`` on the worker pool without waiting; ``flush`` waits for what is pending."""
        try:
            future = self._services.runner.executor.submit(self.record, record)
        except RuntimeError:  # the pool is shut down: write it here
            self.record(record)
            return
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[Any]) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    def flush(self, timeout: float = 2.0) -> None:
        """Wait (up to ``timeout`` seconds) for records handed to the pool; before shutting
        it down, so that a command's last request still leaves its record."""
        with self._pending_lock:
            pending = list(self._pending)
        if pending:
            wait(pending, timeout=timeout)

    def records(self, query: UsageFilter | None = None) -> list[UsageRecord]:
        """Matching records, oldest first (blocking)."""
        query = query or UsageFilter()
        since, until = day_bounds(query.since, query.until)
        return self.store.records(since=since, until=until, tabs=query.tabs, models=query.models)

    def report(self, query: UsageFilter | None = None) -> UsageReport:
        return build_report(self.records(query))

    def csv(self, query: UsageFilter | None = None) -> str:
        return usage_csv(self.records(query))

    def keep_balance(self, balance: Balance) -> None:
        """Remember a balance reading for the balance-over-time line (blocking)."""
        sample = BalanceSample(datetime.now().timestamp(), balance.amount, balance.currency)
        try:
            self.store.add_balance(sample)
        except Exception:
            log.exception("the balance reading could not be kept")

    def balances(self, since: date | None = None) -> list[BalanceSample]:
        return self.store.balances(since=day_bounds(since, None)[0])

    async def transactions(self, since: date | None = None) -> list[Transaction]:
        """The gateway's transactions since ``since`` (all pages, newest first).

        Raises what the server says: ``PermissionDeniedError`` for a key that may not read
        them, ``NotFoundError`` where the server has no such route.
        """
        start = day_bounds(since, None)[0]
        start_iso = (
            datetime.fromtimestamp(start, UTC).isoformat().replace("+00:00", "Z") if start else None
        )

        def fetch(client: Any) -> list[Transaction]:
            found: list[Transaction] = []
            cursor: str | None = None
            for _ in range(MAX_TRANSACTION_PAGES):
                page = client.billing.transactions(start=start_iso, cursor=cursor)
                found.extend(page.transactions)
                if not page.has_more:
                    break
                cursor = page.next_cursor
            return found

        return await self._services.call(fetch)
