"""The speech-to-text queue: rows that wait, run a few at a time, and survive a restart.

Every input becomes a row of the ``transcriptions`` table. ``SttQueue`` starts queued rows
while fewer than ``Settings.stt_parallel`` run, follows each through uploading, waiting and
transcribing to done, failed or cancelled, and tells its listener which row changed. Rows a
previous run left unfinished come back as "interrupted" and can be retried.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.audio_types import Transcript
from app.api.errors import CancelledByUser
from app.errors import EXPECTED_ERRORS, UserInputError, describe
from app.services import transcript_formats
from app.services.transcription import check_url
from app.storage import transcription_store as store_module
from app.storage.transcription_store import TranscriptionRecord, TranscriptionStore

if TYPE_CHECKING:
    import asyncio

    from app.services.context import Services

log = logging.getLogger(__name__)

STAGE_STATUS = {
    "uploading": store_module.UPLOADING,
    "waiting": store_module.WAITING,
    "transcribing": store_module.TRANSCRIBING,
}
RETRYABLE = (store_module.FAILED, store_module.CANCELLED, store_module.INTERRUPTED)


@dataclass
class SttJob:
    """A row of the queue as the tab shows it: the stored record plus live progress."""

    record: TranscriptionRecord
    progress: float | None = None
    started: float | None = None
    transcript: Transcript | None = field(default=None, repr=False)

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def running(self) -> bool:
        return self.started is not None

    @property
    def elapsed(self) -> float | None:
        if self.started is not None:
            return time.monotonic() - self.started
        return self.record.elapsed

    @property
    def retryable(self) -> bool:
        return self.record.status in RETRYABLE


@dataclass(frozen=True)
class Refusal:
    """An input that was not queued, and why (a sentence)."""

    source: str
    reason: str


def _reason(exc: BaseException) -> str:
    return describe(exc)


class SttQueue:
    """Runs transcriptions from the history table.

    Args:
        services: the run's services (history, settings, transcription service).
        on_change: called with a row id whenever that row changed (also when it was removed).
    """

    def __init__(self, services: Services, on_change: Callable[[int], None] | None = None) -> None:
        self._services = services
        self.on_change = on_change
        self._jobs: dict[int, SttJob] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._closing = False

    @functools.cached_property
    def store(self) -> TranscriptionStore:
        """The stored queue (the history database opens on first use)."""
        return TranscriptionStore(self._services.history)

    # -- contents --------------------------------------------------------------------------

    def load(self) -> list[SttJob]:
        """Read every row; rows an earlier run left unfinished become "interrupted"."""
        interrupted = self.store.mark_interrupted()
        if interrupted:
            log.info("%d transcription(s) were interrupted by the last exit", interrupted)
        self._jobs = {record.id: SttJob(record) for record in self.store.all()}
        return self.jobs()

    def jobs(self) -> list[SttJob]:
        return sorted(self._jobs.values(), key=lambda job: (job.record.position, job.id))

    def job(self, job_id: int) -> SttJob | None:
        return self._jobs.get(job_id)

    @property
    def parallel(self) -> int:
        return max(int(self._services.settings.stt_parallel or 1), 1)

    def running_count(self) -> int:
        return sum(1 for task in self._tasks.values() if not task.done())

    def _changed(self, job_id: int) -> None:
        if self.on_change is not None:
            self.on_change(job_id)

    # -- adding ----------------------------------------------------------------------------

    async def add_files(
        self, paths: Iterable[str | Path], model: str, options: dict[str, Any]
    ) -> tuple[list[SttJob], list[Refusal]]:
        """Check each file (before any upload) and queue the good ones; then start work."""
        added: list[SttJob] = []
        refused: list[Refusal] = []
        for path in paths:
            try:
                info = await self._services.transcription.inspect(path)
            except EXPECTED_ERRORS as exc:
                refused.append(Refusal(str(path), _reason(exc)))
                continue
            record = self.store.add(str(info.path), "file", model, options, duration=info.duration)
            added.append(self._insert(record))
        self.pump()
        return added, refused

    def add_url(self, url: str, model: str, options: dict[str, Any]) -> SttJob:
        """Queue a public URL (sent to the server as ``url``, not downloaded).

        Raises:
            InvalidInputError: the text is not an http(s) address.
        """
        record = self.store.add(check_url(url), "url", model, options)
        job = self._insert(record)
        self.pump()
        return job

    def _insert(self, record: TranscriptionRecord) -> SttJob:
        job = SttJob(record)
        self._jobs[record.id] = job
        self._changed(record.id)
        return job

    # -- running ---------------------------------------------------------------------------

    def pump(self) -> None:
        """Start queued rows, oldest first, while fewer than ``parallel`` run."""
        import asyncio

        for job in self.jobs():
            if self.running_count() >= self.parallel:
                return
            if job.status == store_module.QUEUED and job.id not in self._tasks:
                task = asyncio.get_running_loop().create_task(
                    self._run(job), name=f"transcription {job.id}"
                )
                self._tasks[job.id] = task

    def _set_status(self, job: SttJob, status: str, error: str | None = None) -> None:
        job.record.status = status
        job.record.error = error
        self.store.set_status(job.id, status, error)
        self._changed(job.id)

    def _on_progress(self, job: SttJob, stage: str, fraction: float | None) -> None:
        if job.started is None:
            return
        status = STAGE_STATUS.get(stage, store_module.TRANSCRIBING)
        job.progress = fraction
        if status != job.status:
            self._set_status(job, status)
        else:
            self._changed(job.id)

    async def _transcribe(self, job: SttJob) -> Transcript:
        record = job.record
        is_url = record.source_kind == "url"
        return await self._services.transcription.transcribe(
            record.model,
            file=None if is_url else Path(record.source),
            url=record.source if is_url else None,
            options=record.options or None,
            on_progress=lambda stage, fraction: self._on_progress(job, stage, fraction),
        )

    async def _run(self, job: SttJob) -> None:
        import asyncio

        job.started = time.monotonic()
        job.progress = None
        self._set_status(job, store_module.UPLOADING)
        try:
            transcript = await self._transcribe(job)
        except (asyncio.CancelledError, CancelledByUser):
            self._finish(job, store_module.CANCELLED, None)
        except EXPECTED_ERRORS as exc:
            log.info("transcription %d failed: %s", job.id, exc)
            self._finish(job, store_module.FAILED, _reason(exc))
        except Exception as exc:
            log.exception("transcription %d failed unexpectedly", job.id)
            self._finish(job, store_module.FAILED, _reason(exc))
        else:
            self._complete(job, transcript)
        finally:
            self._tasks.pop(job.id, None)
            if job.id in self._jobs and not self._closing:
                asyncio.get_running_loop().call_soon(self.pump)

    def _stop_clock(self, job: SttJob) -> None:
        if job.started is not None:
            job.record.elapsed = time.monotonic() - job.started
        job.started = None
        job.progress = None

    def _finish(self, job: SttJob, status: str, error: str | None) -> None:
        self._stop_clock(job)
        if job.id in self._jobs and not self._closing:
            self._set_status(job, status, error)

    def _complete(self, job: SttJob, transcript: Transcript) -> None:
        self._stop_clock(job)
        if job.id not in self._jobs:
            return
        self._store_transcript(job, transcript, edited=False)
        job.record.status = store_module.DONE
        job.record.error = None
        self._changed(job.id)

    def _store_transcript(self, job: SttJob, transcript: Transcript, *, edited: bool) -> None:
        record = job.record
        result = transcript_formats.to_dict(transcript)
        record.result = result
        record.text = transcript.text
        record.duration = transcript.duration or record.duration
        if not edited:
            record.cost_usd = transcript.cost.usd
            record.cost_credits = transcript.cost.credits
        record.edited = edited or record.edited
        job.transcript = transcript
        self.store.save_result(
            job.id,
            result,
            text=transcript.text,
            elapsed=record.elapsed,
            cost_usd=record.cost_usd,
            cost_credits=record.cost_credits,
            edited=record.edited,
        )

    # -- per-row actions -------------------------------------------------------------------

    def cancel(self, job_id: int) -> bool:
        """Stop a running row or take a waiting one out of the queue."""
        job = self._jobs.get(job_id)
        if job is None:
            return False
        task = self._tasks.get(job_id)
        if task is not None and not task.done():
            task.cancel()
            return True
        if job.status == store_module.QUEUED:
            self._set_status(job, store_module.CANCELLED)
            return True
        return False

    def retry(self, job_id: int, *, model: str | None = None) -> bool:
        """Queue a failed, cancelled or interrupted row again."""
        job = self._jobs.get(job_id)
        if job is None or not job.retryable or job_id in self._tasks:
            return False
        if model:
            job.record.model = model
        self._set_status(job, store_module.QUEUED)
        self.pump()
        return True

    def remove(self, job_id: int) -> None:
        """Forget a row (cancelling it first when it runs)."""
        task = self._tasks.pop(job_id, None)
        if task is not None and not task.done():
            task.cancel()
        self._jobs.pop(job_id, None)
        self.store.delete(job_id)
        self._changed(job_id)

    # -- transcripts -----------------------------------------------------------------------

    def transcript(self, job_id: int) -> Transcript | None:
        """The (possibly edited) transcript of a finished row."""
        job = self._jobs.get(job_id)
        if job is None:
            return None
        if job.transcript is None and job.record.result is not None:
            try:
                job.transcript = transcript_formats.from_dict(job.record.result)
            except UserInputError:
                log.warning("row %d holds no readable transcript", job_id)
        return job.transcript

    def save_edit(self, job_id: int, transcript: Transcript) -> None:
        """Keep a person's corrections of a transcript."""
        job = self._jobs.get(job_id)
        if job is None:
            return
        self._store_transcript(job, transcript, edited=True)
        self._changed(job_id)

    def search(self, text: str) -> set[int]:
        return set(self.store.search(text))

    def shutdown(self) -> None:
        """Stop every running row; they show as "interrupted" (and can be retried) next time."""
        self._closing = True
        for job_id, task in list(self._tasks.items()):
            task.cancel()
            job = self._jobs.get(job_id)
            if job is not None:
                job.record.status = store_module.INTERRUPTED
        self.store.mark_interrupted()
