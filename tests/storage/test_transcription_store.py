"""Rows of the transcriptions table: queue order, results, search, interrupted runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.storage.history import HistoryDatabase
from app.storage.transcription_store import TranscriptionStore


@pytest.fixture
def store(tmp_path: Path) -> TranscriptionStore:
    return TranscriptionStore(HistoryDatabase(tmp_path / "history.db"))


def test_rows_keep_queue_order_and_their_options(store: TranscriptionStore) -> None:
    first = store.add("/music/a.mp3", "file", "nova-3", {"diarize": True}, duration=12.5)
    second = store.add("https://example.org/b.ogg", "url", "aai/universal")
    assert [r.id for r in store.all()] == [first.id, second.id]
    assert first.position < second.position
    assert first.name == "a.mp3" and second.name == "https://example.org/b.ogg"
    assert store.get(first.id).options == {"diarize": True}
    assert store.get(first.id).duration == 12.5
    with pytest.raises(ValueError):
        store.add("x", "folder", "nova-3")


def test_a_result_is_stored_searchable_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    store = TranscriptionStore(HistoryDatabase(path))
    row = store.add("/talks/keynote.wav", "file", "nova-3")
    result = {"text": "Zebras graze quietly", "duration": 3.0, "segments": [], "words": []}
    store.save_result(row.id, result, text=result["text"], elapsed=4.2, cost_usd=0.01)
    reopened = TranscriptionStore(HistoryDatabase(path))
    saved = reopened.get(row.id)
    assert saved.status == "done" and saved.result == result
    assert (saved.elapsed, saved.cost_usd, saved.duration) == (4.2, 0.01, 3.0)
    assert reopened.search("zebra") == [row.id]
    assert reopened.search("keynote") == [row.id]
    assert reopened.search("giraffe") == []


def test_unfinished_rows_become_interrupted(store: TranscriptionStore) -> None:
    running = store.add("/a.wav", "file", "nova-3")
    store.set_status(running.id, "transcribing")
    waiting = store.add("/b.wav", "file", "nova-3")
    failed = store.add("/c.wav", "file", "nova-3")
    store.set_status(failed.id, "failed", "HTTP 500")
    assert store.mark_interrupted() == 2
    statuses = {r.id: r.status for r in store.all()}
    assert statuses == {running.id: "interrupted", waiting.id: "interrupted", failed.id: "failed"}
    store.delete(failed.id)
    assert store.get(failed.id) is None
