"""Garbage cycles are collected on the UI thread, never on a worker thread."""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QObject

from app.ui import ui_thread_gc
from app.ui.events import expect_first_paint, first_paint_done
from app.ui.ui_thread_gc import collect_on_the_ui_thread


class _Cycle:
    def __init__(self, threads: list[str]) -> None:
        self.me = self
        self.threads = threads

    def __del__(self) -> None:
        self.threads.append(threading.current_thread().name)


def test_a_cycle_dropped_on_a_worker_is_collected_on_the_ui_thread(qtbot: Any, qapp: Any) -> None:
    collect_on_the_ui_thread(qapp)
    assert not gc.isenabled()
    threads: list[str] = []
    kept: list[list[Any]] = []

    def work() -> None:
        _Cycle(threads)
        for _ in range(5_000):  # enough live objects to cross the automatic threshold
            kept.append([QObject])

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
    assert threads == []  # nothing collected on the worker
    qtbot.waitUntil(lambda: threads == ["MainThread"], timeout=3000)
    assert len(kept) == 5_000


def test_the_collector_is_started_once(qapp: Any) -> None:
    assert collect_on_the_ui_thread(qapp) is collect_on_the_ui_thread(qapp)


def test_a_window_never_painted_still_gets_its_garbage_collected(
    qtbot: Any, qapp: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(ui_thread_gc, "LATEST_START_MS", 300)
    expect_first_paint()
    try:
        collector = ui_thread_gc.UiThreadCollector()  # as the app's, made while it starts
        assert not collector._timer.isActive()
        qtbot.waitUntil(collector._timer.isActive, timeout=3000)  # no paint came
    finally:
        first_paint_done()
    assert collector._timer.isActive()
    collector.deleteLater()
