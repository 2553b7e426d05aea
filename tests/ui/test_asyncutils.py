"""Tasks started for a widget end with it, and never resume on a deleted widget."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtWidgets import QLabel

from app.ui.asyncutils import running_tasks, start_task


def test_a_task_is_cancelled_when_its_owner_is_destroyed(qtbot: Any, qloop: Any) -> None:
    label = QLabel()
    resumed: list[str] = []
    release = asyncio.Event()

    async def work() -> None:
        await release.wait()
        resumed.append("resumed")
        label.setText("done")  # would raise on a deleted widget

    task = start_task(work(), owner=label)
    qtbot.wait(20)
    assert task in running_tasks()
    label.deleteLater()
    qtbot.waitUntil(task.done, timeout=2000)
    release.set()
    qtbot.wait(20)
    assert task.cancelled() or task.result() is None
    assert resumed == []


def test_a_task_whose_owner_lives_runs_to_the_end(qtbot: Any, qloop: Any) -> None:
    label = QLabel()
    qtbot.addWidget(label)

    async def work() -> str:
        await asyncio.sleep(0.01)
        label.setText("done")
        return "ok"

    task = start_task(work(), owner=label)
    qtbot.waitUntil(task.done, timeout=2000)
    assert label.text() == "done"
