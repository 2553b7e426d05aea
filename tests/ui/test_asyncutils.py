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


def test_a_task_left_on_a_closed_loop_is_not_counted_as_running() -> None:
    import app.ui.asyncutils as asyncutils

    loop = asyncio.new_event_loop()
    never = loop.create_future()

    async def wait_forever() -> None:
        await never

    coro = wait_forever()
    task = loop.create_task(coro)
    loop.run_until_complete(asyncio.sleep(0))  # the task starts and waits
    asyncutils._tasks.add(task)
    loop.close()  # the task stays pending forever
    try:
        assert task not in running_tasks()
        assert task not in asyncutils._tasks
    finally:
        asyncutils._tasks.discard(task)
        coro.close()


def test_reports_from_a_worker_stop_when_their_widget_is_gone(qtbot: Any, qloop: Any) -> None:
    """A progress report still on its way when the widget is deleted never reaches it."""
    import threading

    from app.services.stream_bridge import frame_clock
    from app.ui.asyncutils import tied_to

    label = QLabel()
    shown: list[str] = []

    async def work() -> None:
        report = tied_to(label, lambda text: (shown.append(text), label.setText(text)))
        report("first")
        await asyncio.sleep(0.05)
        clock = frame_clock()
        clock._last = asyncio.get_running_loop().time() + 0.2  # the next frame is far off
        worker = threading.Thread(target=lambda: [report(f"late {n}") for n in range(5)])
        worker.start()
        worker.join()
        label.deleteLater()

    task = start_task(work())
    qtbot.waitUntil(task.done, timeout=2000)
    qtbot.wait(400)
    assert shown == ["first"]
