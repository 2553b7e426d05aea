"""Start the GUI: QApplication, the window painted first, the crash notice.

The window is built, shown and painted by Qt's own event loop; only then does
``app.ui.app_loop`` load asyncio and qasync and run the window under one qasync event loop
until it closes. Nothing touches the keyring or the network before that loop runs.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from app import APP_ID, APP_NAME, __version__
from app.storage.logging_setup import redact, setup_logging, start_rotating
from app.ui.events import expect_first_paint
from app.ui.first_paint import FirstPaint, show_and_paint
from app.ui.qt_plugin_folders import leave_out_media_backend
from app.ui.theme import ThemeManager, app_icon
from app.ui.ui_thread_gc import collect_on_the_ui_thread

log = logging.getLogger(__name__)


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
    leave_out_media_backend()
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
        self_test: open the window, wait until it is painted with its current tab built
            and the loop runs, check the parts it relies on, print "self-test ok" and exit.
        base_url, dialect: the command line's connection overrides (as for every subcommand).

    Returns:
        The process exit code.
    """
    try:
        setup_logging(rotate=False)  # rotating once the window is painted
    except OSError as exc:
        sys.stderr.write(f"Logging to a file is off: {exc}\n")
    reporter = CrashReporter()
    sys.excepthook = reporter
    threading.excepthook = _log_thread_exception

    from app.services.context import Services
    from app.ui.main_window import MainWindow

    expect_first_paint()
    app = create_application(argv)
    app.setQuitOnLastWindowClosed(False)
    services = Services(base_url=base_url, dialect=dialect)
    theme = ThemeManager(app, services.settings.theme)
    theme.apply()

    with theme.style_sheet_after_building():
        window = MainWindow(services, theme=theme, lazy_tabs=True)
    reporter.attach(window)
    first_paint = FirstPaint(window)  # connected first: it sees the paint before later work
    ticker = _install_signal_handlers(window.close)
    show_and_paint(window)
    try:
        start_rotating()
    except OSError as exc:  # the file is still appended to
        log.warning("The log file will not be rotated: %s", exc)
    from app.ui.app_loop import run_window_loop  # asyncio and qasync: after the paint

    try:
        code = run_window_loop(app, window, first_paint, reporter, self_test=self_test)
    finally:
        ticker.stop()
    log.info("%s closed (exit code %d)", APP_NAME, code)
    return code
