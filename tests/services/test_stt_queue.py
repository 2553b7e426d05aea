"""The transcription queue: parallel rows, cancel, retry, restart, edits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api.audio_types import Segment
from app.services.context import Services
from app.services.stt_queue import SttQueue
from tests.fake_api import FakeApi, Fault

DEEPGRAM = "#g1_nova-2-general"


@pytest.fixture
def fast(services: Services) -> Services:
    services.transcription.poll_interval = 0.02
    return services


async def _until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.01)


def test_rows_run_a_few_at_a_time_and_finish(
    fast: Services, fake_api: FakeApi, speech_wav: Path, speech_mp3: Path, speech_ogg: Path
) -> None:
    fake_api.options.stt_statuses = ["queued"] * 10
    fast.settings.stt_parallel = 2
    queue = SttQueue(fast)
    queue.load()
    most_running = 0

    def watch(_job_id: int) -> None:
        nonlocal most_running
        most_running = max(most_running, queue.running_count())

    queue.on_change = watch

    async def go() -> None:
        added, refused = await queue.add_files([speech_wav, speech_mp3, speech_ogg], DEEPGRAM, {})
        assert len(added) == 3 and refused == []
        await _until(lambda: all(job.status == "done" for job in queue.jobs()))

    asyncio.run(go())
    assert most_running == 2
    for job in queue.jobs():
        assert job.record.duration and job.record.duration > 1
        assert job.elapsed and job.elapsed > 0
        assert queue.transcript(job.id).text.startswith("The quick brown fox")


def test_refused_files_never_reach_the_server(
    fast: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    queue = SttQueue(fast)
    queue.load()
    added, refused = asyncio.run(queue.add_files([empty], DEEPGRAM, {}))
    assert added == [] and "empty" in refused[0].reason
    assert fake_api.requests == []


def test_cancel_during_upload(fast: Services, fake_api: FakeApi, speech_wav: Path) -> None:
    fake_api.script("/v1/stt/create", Fault.delay(5))
    queue = SttQueue(fast)
    queue.load()

    async def go() -> None:
        added, _ = await queue.add_files([speech_wav], DEEPGRAM, {})
        job = added[0]
        await _until(lambda: job.status == "uploading")
        await asyncio.sleep(0.2)
        queue.cancel(job.id)
        await _until(lambda: job.status == "cancelled", timeout=2)

    started = time.monotonic()
    asyncio.run(go())
    assert time.monotonic() - started < 4
    assert not [r for r in fake_api.requests if r.method == "GET"]


def test_cancel_while_polling_stops_polling(
    fast: Services, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.options.stt_statuses = ["generating"] * 500
    queue = SttQueue(fast)
    queue.load()

    async def go() -> int:
        added, _ = await queue.add_files([speech_wav], DEEPGRAM, {})
        job = added[0]
        await _until(lambda: job.status == "transcribing")
        queue.cancel(job.id)
        await _until(lambda: job.status == "cancelled")
        polls = len(fake_api.requests)
        await asyncio.sleep(0.3)
        return polls

    polls_at_cancel = asyncio.run(go())
    assert len(fake_api.requests) <= polls_at_cancel + 1
    assert queue.jobs()[0].retryable


def test_retry_after_a_server_error(fast: Services, fake_api: FakeApi, speech_wav: Path) -> None:
    fake_api.script("/v1/stt/create", Fault.error(500))
    queue = SttQueue(fast)
    queue.load()

    async def go() -> None:
        added, _ = await queue.add_files([speech_wav], DEEPGRAM, {})
        job = added[0]
        await _until(lambda: job.status == "failed")
        assert job.record.error and "server" in job.record.error.lower()
        assert queue.retry(job.id)
        await _until(lambda: job.status == "done")

    asyncio.run(go())


def test_unfinished_rows_come_back_interrupted_and_can_be_retried(
    fast: Services, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.options.stt_statuses = ["generating"] * 500
    queue = SttQueue(fast)
    queue.load()

    async def first_run() -> None:
        added, _ = await queue.add_files([speech_wav], DEEPGRAM, {"punctuate": True})
        await _until(lambda: added[0].status == "transcribing")
        queue.add_url("https://example.org/a.mp3", DEEPGRAM, {})
        queue.shutdown()

    asyncio.run(first_run())
    fake_api.options.stt_statuses = []
    reopened = SttQueue(fast)
    jobs = reopened.load()
    assert [job.status for job in jobs] == ["interrupted", "interrupted"]
    assert jobs[0].record.options == {"punctuate": True}

    async def second_run() -> None:
        for job in jobs:
            assert reopened.retry(job.id)
        await _until(lambda: all(job.status == "done" for job in jobs))

    asyncio.run(second_run())


def test_edits_are_kept_in_the_history(fast: Services, fake_api: FakeApi, speech_wav: Path) -> None:
    queue = SttQueue(fast)
    queue.load()

    async def go() -> int:
        added, _ = await queue.add_files([speech_wav], DEEPGRAM, {})
        await _until(lambda: added[0].status == "done")
        return added[0].id

    job_id = asyncio.run(go())
    original = queue.transcript(job_id)
    fixed = Segment(text="The quick red fox.", start=0.1, end=0.9)
    edited = original.__class__(
        text="The quick red fox.", segments=(fixed,), duration=original.duration
    )
    queue.save_edit(job_id, edited)
    again = SttQueue(fast)
    again.load()
    assert again.transcript(job_id).segments == (fixed,)
    assert again.job(job_id).record.edited
    assert again.search("red fox") == {job_id}
