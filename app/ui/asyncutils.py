"""Coroutines as Qt slots, and dialogs awaited without a nested event loop.

``@async_slot`` turns a coroutine method into a plain callable that Qt signals can call. The
task it starts is kept alive, marks its tab busy while it runs, sends the person-facing
sentence of an expected error to the window's message bar, and ignores cancellation. Anything
unexpected goes to ``sys.excepthook`` (logged, then shown as a crash notice).

``await_dialog`` opens a dialog with ``open()`` and waits for ``finished`` on a future, so no
``exec()`` ever runs inside a coroutine.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from app.errors import is_expected, retry_makes_sense
from app.services.stream_bridge import LoopCallback

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

T = TypeVar("T")
_tasks: set[asyncio.Task[Any]] = set()


# -- tasks -----------------------------------------------------------------------------------


def _loop() -> asyncio.AbstractEventLoop:
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.get_event_loop_policy().get_event_loop()


def running_tasks() -> set[asyncio.Task[Any]]:
    """Tasks started through ``start_task``/``async_slot`` that have not finished yet.

    A task whose event loop is closed can never run again; it is forgotten, not counted.
    """
    stale = {task for task in _tasks if not task.done() and task.get_loop().is_closed()}
    _tasks.difference_update(stale)
    return {task for task in _tasks if not task.done()}


def cancel_all_tasks() -> int:
    """Cancel every running task; returns how many were cancelled."""
    pending = running_tasks()
    for task in pending:
        task.cancel()
    return len(pending)


def start_task(
    coro: Coroutine[Any, Any, T], *, owner: QObject | None = None, name: str | None = None
) -> asyncio.Task[T | None]:
    """Run ``coro`` on the Qt event loop, keeping a strong reference until it ends.

    With an ``owner`` the task marks the owner's tab busy and reports errors to its window,
    and is cancelled when the owner is destroyed (so it never resumes on a deleted widget).
    """
    task = _loop().create_task(_guarded(coro, owner), name=name)
    if owner is not None:
        owner.destroyed.connect(lambda *_args: task.cancel())
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    task.add_done_callback(lambda _task: coro.close())  # a task cancelled before it began
    return task


async def _guarded(coro: Coroutine[Any, Any, T], owner: QObject | None) -> T | None:
    import asyncio

    busy_target = _find_upwards(owner, "set_busy")
    _change_busy(busy_target, +1)
    try:
        return await coro
    except asyncio.CancelledError:
        log.debug("task cancelled: %s", getattr(coro, "__qualname__", coro))
        return None
    except Exception as exc:
        _report(exc, owner)
        return None
    finally:
        _change_busy(busy_target, -1)


def tied_to(owner: QObject, callback: Callable[..., object]) -> LoopCallback:
    """``callback`` as a ``LoopCallback`` for worker threads that stops for good when
    ``owner`` is destroyed, so no report ever reaches a deleted widget."""
    bridge = LoopCallback(callback)
    owner.destroyed.connect(lambda *_args: bridge.close())
    return bridge


# -- busy state and errors --------------------------------------------------------------------


def _find_upwards(owner: QObject | None, attribute: str) -> Any:
    node = owner
    while node is not None:
        if hasattr(node, attribute):
            return node
        node = node.parent()
    if isinstance(owner, QWidget):
        window = owner.window()
        if hasattr(window, attribute):
            return window
    return None


def _change_busy(target: Any, step: int) -> None:
    if target is None:
        return
    count = getattr(target, "_async_busy_count", 0) + step
    target._async_busy_count = max(count, 0)
    try:
        if step > 0 and count == 1:
            target.set_busy(True)
        elif step < 0 and count <= 0:
            target.set_busy(False)
    except RuntimeError:  # the widget was deleted while the task ran
        log.debug("busy target gone")


def _report(
    exc: Exception, owner: QObject | None, retry: Callable[[], object] | None = None
) -> None:
    bar_owner = _find_upwards(owner, "message_bar")
    if is_expected(exc) and bar_owner is not None:
        log.info("%s: %s", type(exc).__name__, exc)
        offer_retry = retry if retry_makes_sense(exc) else None
        try:
            bar_owner.message_bar.show_error(exc, retry=offer_retry)
        except RuntimeError:
            log.debug("message bar gone")
        return
    sys.excepthook(type(exc), exc, exc.__traceback__)


# -- the decorator ----------------------------------------------------------------------------


def _positional_limit(fn: Callable[..., Any]) -> int | None:
    params = inspect.signature(fn).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in params if p.kind in kinds)


def async_slot(fn: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., asyncio.Task[Any]]:
    """Make a coroutine method callable from a Qt signal.

    Extra positional arguments a signal sends (``clicked`` sends ``checked``) are dropped when
    the method does not take them. Calling the wrapped method returns its task, which the
    caller may cancel (a Stop button). A retryable error (connection, 429, 5xx) offers
    "Retry" in the message bar, which calls the method again with the same arguments.
    """
    limit = _positional_limit(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> asyncio.Task[Any]:
        if limit is not None:
            args = args[:limit]
        owner = args[0] if args and isinstance(args[0], QObject) else None

        def again() -> object:
            return wrapper(*args, **kwargs)

        async def run() -> Any:
            import asyncio

            try:
                return await fn(*args, **kwargs)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _report(exc, owner, retry=again)
                return None

        return start_task(run(), owner=owner, name=fn.__qualname__)

    return wrapper


# -- dialogs without exec() -------------------------------------------------------------------


async def await_dialog(dialog: QDialog) -> int:
    """Open ``dialog`` window-modally with ``open()`` and wait until it finishes.

    Returns:
        The dialog's result code (``QDialog.DialogCode.Accepted`` is 1). If the awaiting task
        is cancelled the dialog is rejected.
    """
    import asyncio

    future: asyncio.Future[int] = _loop().create_future()

    def on_finished(result: int) -> None:
        if not future.done():
            future.set_result(int(result))

    dialog.finished.connect(on_finished)
    dialog.open()
    try:
        return await future
    except asyncio.CancelledError:
        if dialog.isVisible():
            dialog.reject()
        raise
    finally:
        try:
            dialog.finished.disconnect(on_finished)
        except (RuntimeError, TypeError):
            log.debug("dialog already gone")


async def ask_question(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
    | QMessageBox.StandardButton.No,
    default: QMessageBox.StandardButton = QMessageBox.StandardButton.No,
) -> QMessageBox.StandardButton:
    """A question box awaited without ``exec()``; returns the button pressed."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    box.setDefaultButton(default)
    await await_dialog(box)
    button = box.standardButton(box.clickedButton()) if box.clickedButton() else default
    box.deleteLater()
    return button


async def ask_open_file_names(
    parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ""
) -> list[str]:
    """Pick existing files without ``QFileDialog.getOpenFileNames``; [] when cancelled."""
    return await _ask_files(
        QFileDialog(parent, caption, directory, name_filter),
        QFileDialog.FileMode.ExistingFiles,
        QFileDialog.AcceptMode.AcceptOpen,
    )


async def ask_save_file_name(
    parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ""
) -> str:
    """Pick a file to write without ``QFileDialog.getSaveFileName``; "" when cancelled."""
    files = await _ask_files(
        QFileDialog(parent, caption, directory, name_filter),
        QFileDialog.FileMode.AnyFile,
        QFileDialog.AcceptMode.AcceptSave,
    )
    return files[0] if files else ""


async def _ask_files(
    dialog: QFileDialog, mode: QFileDialog.FileMode, accept: QFileDialog.AcceptMode
) -> list[str]:
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    accepted = await await_dialog(dialog) == QDialog.DialogCode.Accepted.value
    files = dialog.selectedFiles() if accepted else []
    dialog.deleteLater()
    return files
