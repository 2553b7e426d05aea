"""Start the GUI: QApplication, one qasync event loop, the crash notice, a clean shutdown.

PySide6 is imported before qasync so that qasync binds to it. The window is shown before
anything touches the keyring or the network; that work starts once the loop runs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

import qasync  # isort: skip  (after PySide6, so qasync binds to it)

from app import APP_ID, APP_NAME, __version__
from app.storage.logging_setup import redact, setup_logging
from app.ui.asyncutils import cancel_all_tasks, running_tasks
from app.ui.events import expect_first_paint, first_paint_done
from app.ui.theme import ThemeManager, app_icon
from app.ui.ui_thread_gc import collect_on_the_ui_thread

if TYPE_CHECKING:
    pass


log = logging.getLogger(__name__)

SHOWN_TIMEOUT_S = 20.0
SHUTDOWN_GRACE_S = 0.5
SELF_TEST_OK = "self-test ok"


# -- crash notice -----------------------------------------------------------------------------


class CrashReporter:
    """``sys.excepthook``: logs the traceback (redacted) and shows a non-modal notice."""

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self._parent = parent
        self._notice: Any = None

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = redact("".join(traceback.format_exception(exc_type, exc, tb)))
        log.error("unexpected error\n%s", details)
        try:
            self._show(f"{APP_NAME} {__version__}\n{details}")
        except Exception:
            log.exception("the crash notice could not be shown")

    def _show(self, details: str) -> None:
        if QApplication.instance() is None:
            sys.stderr.write(details)
            return
        from app.ui.dialogs.crash_notice import CrashNotice

        notice = self._notice
        if notice is None or not _alive(notice):
            notice = CrashNotice(self._parent())
            notice.destroyed.connect(self._forget)
            self._notice = notice
        notice.add_details(details)
        notice.show()
        notice.raise_()

    def attach(self, window: QWidget) -> None:
        """Parent later notices to ``window`` while it exists."""
        self._parent = lambda: window if _alive(window) else None

    def _forget(self, *_args: object) -> None:
        self._notice = None

    @property
    def notice(self) -> Any:
        return self._notice if self._notice is not None and _alive(self._notice) else None

    def loop_exception_handler(
        self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        exc = context.get("exception")
        if isinstance(exc, asyncio.CancelledError):
            return
        if isinstance(exc, BaseException):
            self(type(exc), exc, exc.__traceback__)
        else:
            log.error("event loop: %s", redact(str(context.get("message", context))))


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:
        return False
    return True


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    details = redact(
        "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
    )
    name = args.thread.name if args.thread else "?"
    log.error("unexpected error in thread %s\n%s", name, details)


# -- start-up ---------------------------------------------------------------------------------


def paint_on_the_ui_thread_only() -> None:
    """Keep Qt's painter from handing pieces of each paint to helper threads.

    Qt's raster painter splits every fill taller than about a hundred lines (a scroll bar, a
    text view's background) across its GUI thread pool and waits for the pieces. A window's
    fills are small, so this saves nothing, and it costs each paint thousands of thread
    hand-offs a second while text streams; the UI thread then waits for those helpers to get
    a CPU, which on a busy machine is where streaming stalls came from. Set before the
    QApplication exists; a value the person set is kept.
    """
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def create_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (created once), named and iconned."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    paint_on_the_ui_thread_only()
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QCoreApplication.setApplicationName(APP_ID)
    QCoreApplication.setApplicationVersion(__version__)
    QCoreApplication.setOrganizationName(APP_ID)
    QGuiApplication.setDesktopFileName(APP_ID)
    app = QApplication([sys.argv[0] if sys.argv else APP_ID, *(argv or [])])
    app.setWindowIcon(app_icon())
    collect_on_the_ui_thread(app)
    return app


async def wait_until_shown(window: QWidget, timeout: float = SHOWN_TIMEOUT_S) -> bool:
    """Wait (on the running loop) until ``window`` is visible and exposed on screen."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        handle = window.windowHandle()
        if window.isVisible() and handle is not None and handle.isExposed():
            await asyncio.sleep(0)
            return True
        await asyncio.sleep(0.01)
    return False


def _install_signal_handlers(close: Callable[[], object]) -> QTimer:
    """Ctrl+C / SIGTERM close the window; a timer lets Python see signals during Qt's loop."""

    def on_signal(_signum: int, _frame: object) -> None:
        QTimer.singleShot(0, close)

    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(signum, on_signal)
        except (ValueError, OSError):  # not the main thread, or not supported here
            log.debug("signal %s not handled", signum)
    ticker = QTimer()
    ticker.setInterval(200)
    ticker.timeout.connect(lambda: None)
    ticker.start()
    return ticker


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(0.005)
    return True


class _FirstPaint:
    """What the self-test needs of the first paint, taken the moment it happens (before the
    work that waited for it runs): the report figures and whether the current tab was built
    and visible."""

    def __init__(self, window: Any) -> None:
        self.figures: dict[str, Any] | None = None
        self.tab_ready = False
        self._window = window
        window.first_painted.connect(self._on_painted)

    def _on_painted(self) -> None:
        from app.ui import self_test

        window = self._window
        self.figures = self_test.snapshot("painted")
        page = window.tabs.currentWidget()
        current = window.tab_pages.kind_at(window.tabs.currentIndex())
        self.tab_ready = page is window.tab_pages.built(current) and page.isVisible()


async def _self_test(window: Any, first_paint: _FirstPaint) -> int:
    """Wait for the first paint with the current tab built, check the parts off the UI
    thread, print the verdict; with a report file, open every tab once before exiting."""
    from app.ui import self_test

    painted = await _until(lambda: first_paint.figures is not None, SHOWN_TIMEOUT_S)
    if not painted or not first_paint.tab_ready or first_paint.figures is None:
        print(
            f"self-test failed: the window was not painted within {SHOWN_TIMEOUT_S:.0f} s",
            file=sys.stderr,
            flush=True,
        )
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


async def _run_window(window: Any, *, self_test: bool) -> int:
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(closed.set)
    first_paint = _FirstPaint(window)  # connected first: it sees the paint before later work
    window.first_painted.connect(_after_first_paint(window))
    window.show()
    if self_test:
        code = await _self_test(window, first_paint)
        window.close()
        return code
    await wait_until_shown(window)
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


def run_gui(
    argv: list[str] | None = None,
    *,
    self_test: bool = False,
    base_url: str | None = None,
    dialect: str | None = None,
) -> int:
    """Open the main window and run until it closes.

    Args:
        argv: extra Qt arguments (without the program name).
        self_test: open the window, wait until it is shown and the loop runs, print
            "self-test ok" and exit.
        base_url, dialect: the command line's connection overrides (as for every subcommand).

    Returns:
        The process exit code.
    """
    try:
        setup_logging()
    except OSError as exc:
        sys.stderr.write(f"Logging to a file is off: {exc}\n")
    reporter = CrashReporter()
    sys.excepthook = reporter
    threading.excepthook = _log_thread_exception

    from app.services.context import Services
    from app.ui.main_window import MainWindow

    app = create_application(argv)
    app.setQuitOnLastWindowClosed(False)
    services = Services(base_url=base_url, dialect=dialect)
    theme = ThemeManager(app, services.settings.theme)
    theme.apply()

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(reporter.loop_exception_handler)
    expect_first_paint()
    window = MainWindow(services, theme=theme, lazy_tabs=True)
    reporter.attach(window)
    ticker = _install_signal_handlers(window.close)
    try:
        with loop:
            code = loop.run_until_complete(_run_window(window, self_test=self_test))
            loop.run_until_complete(_finish(services))
    finally:
        ticker.stop()
        asyncio.set_event_loop(None)
    log.info("%s closed (exit code %d)", APP_NAME, code)
    return code
