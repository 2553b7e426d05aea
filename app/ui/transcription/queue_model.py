"""The queue table: one row per transcription, with a progress bar while it uploads."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QWidget,
)

from app.services.stt_queue import SttJob, SttQueue
from app.ui.transcription.document import clock

COLUMNS = ("Name", "Duration", "Model", "Status", "Elapsed", "Cost")
NAME, DURATION, MODEL, STATUS, ELAPSED, COST = range(len(COLUMNS))
JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_TEXT = {
    "queued": "Queued",
    "uploading": "Uploading",
    "waiting": "Waiting",
    "transcribing": "Transcribing",
    "done": "Done",
    "failed": "Failed",
    "cancelled": "Cancelled",
    "interrupted": "Interrupted",
}

FINISHED = ("done", "failed", "cancelled", "interrupted")

Index = QModelIndex | QPersistentModelIndex


def _cost_text(job: SttJob) -> str:
    record = job.record
    if record.cost_usd is not None:
        return f"${record.cost_usd:.4f}"
    if record.cost_credits is not None:
        return f"{record.cost_credits:g} credits"
    return "—" if record.status in FINISHED else ""


def _cell(job: SttJob, column: int) -> str:
    record = job.record
    if column == NAME:
        return record.name
    if column == DURATION:
        return clock(record.duration) if record.duration else "—"
    if column == MODEL:
        return record.model
    if column == STATUS:
        return STATUS_TEXT.get(record.status, record.status)
    if column == ELAPSED:
        elapsed = job.elapsed
        return clock(elapsed) if elapsed is not None else ""
    return _cost_text(job)


class SttQueueModel(QAbstractTableModel):
    """The rows of an ``SttQueue``; call ``job_changed(id)`` when the queue reports a change."""

    def __init__(self, queue: SttQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self._ids: list[int] = [job.id for job in queue.jobs()]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def reload(self) -> None:
        """Show the queue's rows afresh."""
        self.beginResetModel()
        self._ids = [job.id for job in self._queue.jobs()]
        self.endResetModel()

    def job_at(self, row: int) -> SttJob | None:
        if 0 <= row < len(self._ids):
            return self._queue.job(self._ids[row])
        return None

    def row_of(self, job_id: int) -> int:
        try:
            return self._ids.index(job_id)
        except ValueError:
            return -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        job = self.job_at(index.row()) if index.isValid() else None
        if job is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(job, index.column())
        if role == JOB_ID_ROLE:
            return job.id
        if role == PROGRESS_ROLE and index.column() == STATUS:
            return job.progress if job.status == "uploading" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return job.record.error or job.record.source
        return None

    def job_changed(self, job_id: int) -> None:
        """Refresh, add or drop the row of ``job_id``."""
        row = self.row_of(job_id)
        exists = self._queue.job(job_id) is not None
        if row >= 0 and exists:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        elif row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            self._ids.pop(row)
            self.endRemoveRows()
        elif exists:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids))
            self._ids.append(job_id)
            self.endInsertRows()

    def refresh_running(self) -> None:
        """Repaint the elapsed time of running rows."""
        for row, job_id in enumerate(self._ids):
            job = self._queue.job(job_id)
            if job is not None and job.running:
                self.dataChanged.emit(self.index(row, ELAPSED), self.index(row, ELAPSED))


class SttFilterModel(QSortFilterProxyModel):
    """Shows only rows whose id is in ``visible_ids`` (all when None)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._visible: set[int] | None = None

    def set_visible_ids(self, ids: set[int] | None) -> None:
        self.beginFilterChange()
        self._visible = ids
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._visible is None:
            return True
        source = self.sourceModel().index(source_row, 0, source_parent)
        return source.data(JOB_ID_ROLE) in self._visible


class ProgressDelegate(QStyledItemDelegate):
    """Draws a progress bar with the status word while a row uploads."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        fraction = index.data(PROGRESS_ROLE)
        if fraction is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 100
        bar.progress = round(float(fraction) * 100)
        bar.text = f"Uploading {bar.progress}%"
        bar.textVisible = True
        bar.state = option.state
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
