"""File ▸ Back up everything… and File ▸ Restore from backup… for the main window.

The archive work (``app.services.backup``, imported when first used) runs on the services'
worker pool with a cancellable progress dialog; the file dialogs and the question are awaited
without ``exec()``. After a restore the tabs are disabled and the message bar asks the person
to restart, since the open tabs still show the replaced history.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app import APP_NAME
from app.errors import StorageError
from app.storage.settings import load_settings
from app.ui.asyncutils import ask_open_file_names, ask_question, ask_save_file_name, start_task

if TYPE_CHECKING:
    from app.services.runner import Runner
    from app.storage.history import HistoryDatabase
    from app.storage.settings import Settings
    from app.ui.message_bar import MessageBar

log = logging.getLogger(__name__)

T = TypeVar("T")
ARCHIVE_FILTER = "Backup archives (*.zip);;All files (*)"
PROGRESS_STEPS = 1000


class BackupServices(Protocol):
    """The services a backup or a restore uses: the settings, the worker pool, the history."""

    settings: Settings
    runner: Runner

    @property
    def history(self) -> HistoryDatabase: ...


class BackupWindow(Protocol):
    """What ``BackupActions`` needs of the window (``MainWindow`` is one)."""

    @property
    def services(self) -> BackupServices: ...

    @property
    def message_bar(self) -> MessageBar: ...

    @property
    def tabs(self) -> QWidget: ...

    def close(self) -> bool: ...


class BackupActions(QObject):
    """The two menu actions of one window; ``back_up`` and ``restore`` are plain slots."""

    def __init__(self, window: BackupWindow) -> None:
        assert isinstance(window, QWidget), "the window is a widget: dialogs open on it"
        super().__init__(window)
        self.widget: QWidget = window
        self.window: BackupWindow = window
        self.progress_dialog: QProgressDialog | None = None
        self.last_folder = str(Path.home())

    # -- slots -----------------------------------------------------------------------------

    def back_up(self) -> None:
        start_task(self._back_up(), owner=self.widget, name="back up")

    def restore(self) -> None:
        start_task(self._restore(), owner=self.widget, name="restore")

    # -- backing up ------------------------------------------------------------------------

    async def _back_up(self) -> None:
        from app.services.backup import BackupCancelled, create_backup, default_backup_name

        suggested = str(Path(self.last_folder) / default_backup_name())
        chosen = await ask_save_file_name(
            self.widget, "Back up everything", suggested, ARCHIVE_FILTER
        )
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".zip":
            target = target.with_name(target.name + ".zip")
        self.last_folder = str(target.parent)
        bar = self.window.message_bar
        try:
            summary = await self._run("Backing up everything…", create_backup, target)
        except BackupCancelled:
            bar.show_info("The backup was cancelled; no file was written.")
            return
        except (StorageError, OSError) as exc:
            log.info("backup failed: %s", exc)
            bar.show_error(_sentence(exc, "The backup could not be written"))
            return
        bar.show_info(f"Backed up {summary.amount} to {summary.path}.")

    # -- restoring -------------------------------------------------------------------------

    async def _restore(self) -> None:
        from app.services.backup import BackupCancelled, restore_backup

        chosen = await ask_open_file_names(
            self.widget, "Restore from backup", self.last_folder, ARCHIVE_FILTER
        )
        if not chosen:
            return
        archive = Path(chosen[0])
        self.last_folder = str(archive.parent)
        answer = await ask_question(
            self.widget,
            "Restore from backup",
            f"Replace the current history, images, audio and settings with those in "
            f"{archive.name}? The current data is kept in a safety folder.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        tabs = self.window.tabs
        tabs.setEnabled(False)
        bar = self.window.message_bar
        try:
            summary = await self._run("Checking and restoring the backup…", restore_backup, archive)
        except BackupCancelled:
            tabs.setEnabled(True)
            bar.show_info("The restore was cancelled; nothing was changed.")
            return
        except (StorageError, OSError) as exc:
            tabs.setEnabled(True)
            log.info("restore refused or failed: %s", exc)
            bar.show_error(_sentence(exc, "The backup could not be restored"))
            return
        self._adopt_restored_settings()
        made = f" made {summary.created}" if summary.created else ""
        bar.show_notice(
            f"The backup{made} is restored; restart {APP_NAME} to see it "
            f"(the replaced data is kept in {summary.safety_copy}).",
            action_text="Quit now",
            action=self.window.close,
        )

    def _adopt_restored_settings(self) -> None:
        """Take the restored settings, so closing the window does not write the old ones back."""
        restored = load_settings()
        settings = self.window.services.settings
        for item in dataclasses.fields(restored):
            setattr(settings, item.name, getattr(restored, item.name))

    # -- running with progress -------------------------------------------------------------

    async def _run(self, label: str, work: Callable[..., T], path: Path) -> T:
        services = self.window.services
        cancel = threading.Event()
        dialog = self._open_progress(label, cancel)
        loop = asyncio.get_running_loop()
        shown = [-1]

        def report(done: int, total: int) -> None:
            step = PROGRESS_STEPS if total <= 0 else done * PROGRESS_STEPS // total
            if step != shown[0]:
                shown[0] = step
                loop.call_soon_threadsafe(_set_value, dialog, step)

        try:
            history = services.history
            return await services.runner.run(
                work, path, history=history, progress=report, cancel=cancel
            )
        finally:
            cancel.set()
            dialog.canceled.disconnect()
            dialog.close()
            dialog.deleteLater()
            self.progress_dialog = None

    def _open_progress(self, label: str, cancel: threading.Event) -> QProgressDialog:
        dialog = QProgressDialog(label, "Cancel", 0, PROGRESS_STEPS, self.widget)
        dialog.setObjectName("backupProgress")
        dialog.setWindowTitle(APP_NAME)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(cancel.set)
        dialog.setValue(0)
        dialog.show()
        self.progress_dialog = dialog
        return dialog


def _set_value(dialog: QProgressDialog, value: int) -> None:
    try:
        if dialog.isVisible():
            dialog.setValue(value)
    except RuntimeError:  # closed and deleted meanwhile
        log.debug("progress dialog gone")


def _sentence(exc: BaseException, fallback: str) -> str:
    if not isinstance(exc, OSError):
        return str(exc)
    detail: Any = getattr(exc, "strerror", None) or exc
    return f"{fallback}: {detail}."
