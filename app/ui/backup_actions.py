"""File ▸ Back up everything… and File ▸ Restore from backup… for the main window.

The flow is ``app.services.backup_flow``'s: it runs the archive work on the worker pool,
counts its progress, takes the restored settings and words the outcome. This module asks for
the file and the go-ahead (awaited without ``exec()``), shows a cancellable progress dialog and
the outcome. After a restore the tabs are disabled and the message bar asks the person to
restart, since the open tabs still show the replaced history.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app import APP_NAME
from app.ui.asyncutils import (
    ask_open_file_names,
    ask_question,
    ask_save_file_name,
    start_task,
    tied_to,
)

if TYPE_CHECKING:
    from app.services.backup_flow import BackupOutcome, BackupService
    from app.ui.message_bar import MessageBar

log = logging.getLogger(__name__)

ARCHIVE_FILTER = "Backup archives (*.zip);;All files (*)"


class BackupWindow(Protocol):
    """What ``BackupActions`` needs of the window (``MainWindow`` is one)."""

    @property
    def message_bar(self) -> MessageBar: ...

    @property
    def tabs(self) -> QWidget: ...

    def close(self) -> bool: ...


class BackupActions(QObject):
    """The two menu actions of one window; ``back_up`` and ``restore`` are plain slots."""

    def __init__(self, window: BackupWindow, backups: Callable[[], BackupService]) -> None:
        """``backups`` gives the backup service when a backup or restore starts (the archive
        code loads then, not with the window)."""
        assert isinstance(window, QWidget), "the window is a widget: dialogs open on it"
        super().__init__(window)
        self.widget: QWidget = window
        self.window: BackupWindow = window
        self._backups = backups
        self.progress_dialog: QProgressDialog | None = None

    @property
    def backups(self) -> BackupService:
        return self._backups()

    # -- slots -----------------------------------------------------------------------------

    def back_up(self) -> None:
        start_task(self._back_up(), owner=self.widget, name="back up")

    def restore(self) -> None:
        start_task(self._restore(), owner=self.widget, name="restore")

    # -- backing up ------------------------------------------------------------------------

    async def _back_up(self) -> None:
        suggested = str(self.backups.suggested_target())
        chosen = await ask_save_file_name(
            self.widget, "Back up everything", suggested, ARCHIVE_FILTER
        )
        if not chosen:
            return
        outcome = await self._with_progress(
            "Backing up everything…",
            lambda report, cancel: self.backups.back_up(chosen, progress=report, cancel=cancel),
        )
        self._show(outcome)

    # -- restoring -------------------------------------------------------------------------

    async def _restore(self) -> None:
        chosen = await ask_open_file_names(
            self.widget, "Restore from backup", self.backups.last_folder, ARCHIVE_FILTER
        )
        if not chosen:
            return
        archive = chosen[0]
        answer = await ask_question(
            self.widget, "Restore from backup", self.backups.restore_question(archive)
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        tabs = self.window.tabs
        tabs.setEnabled(False)
        outcome = await self._with_progress(
            "Checking and restoring the backup…",
            lambda report, cancel: self.backups.restore(archive, progress=report, cancel=cancel),
        )
        if not outcome.done:
            tabs.setEnabled(True)
            self._show(outcome)
            return
        self.window.message_bar.show_notice(
            outcome.sentence, action_text="Quit now", action=self.window.close
        )

    def _show(self, outcome: BackupOutcome) -> None:
        bar = self.window.message_bar
        if outcome.failed:
            bar.show_error(outcome.sentence)
        else:
            bar.show_info(outcome.sentence)

    # -- progress --------------------------------------------------------------------------

    async def _with_progress(
        self,
        label: str,
        start: Callable[[Callable[[int], None], threading.Event], Awaitable[BackupOutcome]],
    ) -> BackupOutcome:
        cancel = threading.Event()
        dialog = self._open_progress(label, cancel)
        report = tied_to(dialog, lambda step: _set_value(dialog, step))  # worker → loop

        try:
            return await start(report, cancel)
        finally:
            cancel.set()
            report.close()
            dialog.canceled.disconnect()
            dialog.close()
            dialog.deleteLater()
            self.progress_dialog = None

    def _open_progress(self, label: str, cancel: threading.Event) -> QProgressDialog:
        from app.services.backup_flow import PROGRESS_STEPS  # loads with the first backup

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
