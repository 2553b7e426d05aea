"""The running window: one qasync event loop, the self-test's checks, a clean shutdown.

Loaded once the window has been painted (``app.ui.app.run_gui``): asyncio, qasync and ``ssl``
with them take tens of milliseconds and about ten megabytes, which the first paint does not
wait for. PySide6 is imported before qasync, so that qasync binds to it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

import qasync  # isort: skip  (after PySide6, so qasync binds to it)

from app.ui.asyncutils import cancel_all_tasks, running_tasks
from app.ui.events import first_paint_done
from app.ui.first_paint import SHOWN_TIMEOUT_S

if TYPE_CHECKING:
    from types import TracebackType

    from app.ui.first_paint import FirstPaint

    ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 0.5
SELF_TEST_OK = "self-test ok"


def _exposed(window: QWidget) -> bool:
    handle = window.windowHandle()
    return window.isVisible() and handle is not None and handle.isExposed()


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def _self_test(window: Any, first_paint: FirstPaint) -> int:
    """Check the first paint (with the current tab built), check the parts off the UI
    thread, print the verdict; with a report file, open every tab once before exiting."""
    from app.ui import self_test

    if first_paint.figures is None or not first_paint.tab_ready:
        closed = not window.isVisible()
        reason = (
            "the window was closed before it was painted"
            if closed
            else f"the window was not painted within {SHOWN_TIMEOUT_S:.0f} s"
        )
        print(f"self-test failed: {reason}", file=sys.stderr, flush=True)
        return 1
    self_test.report(first_paint.figures)
    notes = await window.services.runner.run(lambda: self_test.check_parts(window.services))
    for note in notes:
        print(f"self-test note: {note}", flush=True)
    print(SELF_TEST_OK, flush=True)
    if self_test.report_wanted():
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            await asyncio.sleep(0)
        await asyncio.sleep(0.05)
        self_test.report("all tabs")
    return 0


async def _run_window(window: Any, first_paint: FirstPaint, *, self_test: bool) -> int:
    """Run ``window`` from its first paint until it closes (already closed: at once)."""
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(closed.set)
    if not window.isVisible():  # closed before the loop ran (Ctrl+C or SIGTERM, say)
        return await _self_test(window, first_paint) if self_test else 0
    if first_paint.figures is None:  # not painted yet (a slow display): when it is
        window.first_painted.connect(_after_first_paint(window))
    else:
        _after_first_paint(window)()
    if self_test:
        code = await _self_test(window, first_paint)
        window.close()
        return code
    await _until(lambda: closed.is_set() or _exposed(window), SHOWN_TIMEOUT_S)
    if closed.is_set():
        return 0
    await asyncio.sleep(0)
    window.start()
    await closed.wait()
    return 0


def _after_first_paint(window: Any) -> Callable[[], None]:
    def painted() -> None:
        first_paint_done()
        QTimer.singleShot(0, window, window.build_remaining_tabs)

    return painted


async def _finish(services: Any) -> None:
    cancel_all_tasks()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SHUTDOWN_GRACE_S
    while running_tasks() and loop.time() < deadline:
        await asyncio.sleep(0.01)
    services.close()


def loop_exception_handler(
    reporter: ExceptHook,
) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    """The event loop's handler of errors no task caught: a crash notice, or a log line."""

    def handle(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, asyncio.CancelledError):
            return
        if isinstance(exc, BaseException):
            reporter(type(exc), exc, exc.__traceback__)
        else:
            from app.storage.logging_setup import redact

            log.error("event loop: %s", redact(str(context.get("message", context))))

    return handle


def run_window_loop(
    app: QApplication,
    window: Any,
    first_paint: FirstPaint,
    reporter: ExceptHook,
    *,
    self_test: bool,
) -> int:
    """Run the event loop until ``window`` closes (after the self-test, with ``self_test``);
    then cancel what still runs and close the services. Returns the exit code."""
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(loop_exception_handler(reporter))
    try:
        with loop:
            code = loop.run_until_complete(_run_window(window, first_paint, self_test=self_test))
            loop.run_until_complete(_finish(window.services))
    finally:
        asyncio.set_event_loop(None)
    return code
