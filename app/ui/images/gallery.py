"""The gallery: every stored image, newest first, paged from the history and with thumbnails
decoded on worker threads only when a row is shown."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.services.runner import Runner
from app.storage.image_store import ImageRecord, ImageStore
from app.ui.asyncutils import start_task
from app.ui.images.decode import THUMBNAIL_SIDE, decode_file, load_thumbnail

log = logging.getLogger(__name__)

PAGE_SIZE = 60
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
GRID_SIDE = THUMBNAIL_SIDE + 16
MAX_PARALLEL_DECODES = 3

Index = QModelIndex | QPersistentModelIndex


def describe_record(record: ImageRecord) -> str:
    """A short description for tooltips and captions: size, seed, cost, prompt."""
    parts = []
    if record.width and record.height:
        parts.append(f"{record.width} × {record.height}")
    if record.seed is not None:
        parts.append(f"seed {record.seed}")
    if record.cost_usd is not None:
        parts.append(f"${record.cost_usd:.4f}")
    parts.append(record.model)
    return " · ".join(parts)


def _placeholder() -> QPixmap:
    pixmap = QPixmap(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setPen(QColor(128, 128, 128, 160))
    painter.drawRect(8, 8, THUMBNAIL_SIDE - 17, THUMBNAIL_SIDE - 17)
    painter.end()
    return pixmap


class GalleryModel(QAbstractListModel):
    """Stored images as a list model: ``fetchMore`` reads the next page of rows, and a row's
    thumbnail is decoded (off the UI thread) the first time the view asks to paint it.

    Signals:
        thumbnail_ready(int): the thumbnail of the image with this id is now available.
    """

    thumbnail_ready = Signal(int)

    def __init__(self, store: ImageStore, runner: Runner, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._records: list[ImageRecord] = []
        self._total: int | None = None
        self._thumbnails: dict[int, QPixmap] = {}
        self._queued: dict[int, str] = {}
        self._loading: set[int] = set()
        self._failed: set[int] = set()
        self._placeholder: QPixmap | None = None
        self.is_wanted: Callable[[int], bool] = lambda _image_id: True

    # -- paging ----------------------------------------------------------------------------

    def total(self) -> int:
        if self._total is None:
            self._total = self._store.count()
        return self._total

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._records) < self.total()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = self._store.page(len(self._records), PAGE_SIZE)
        if not page:
            self._total = len(self._records)
            return
        first = len(self._records)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._records.extend(page)
        self.endInsertRows()

    # -- contents --------------------------------------------------------------------------

    def record(self, row: int) -> ImageRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, image_id: int) -> int:
        for row, record in enumerate(self._records):
            if record.id == image_id:
                return row
        return -1

    def prepend(self, records: Sequence[ImageRecord]) -> None:
        """Show newly stored images at the top (``records`` in their order)."""
        if not records:
            return
        self.total()
        self.beginInsertRows(QModelIndex(), 0, len(records) - 1)
        self._records[0:0] = list(records)
        self._total = (self._total or 0) + len(records)
        self.endInsertRows()

    def remove(self, image_id: int) -> None:
        row = self.row_of(image_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._records[row]
        self._total = max((self._total or 1) - 1, 0)
        self._thumbnails.pop(image_id, None)
        self.endRemoveRows()

    def loaded_ids(self) -> set[int]:
        """Ids of the images whose thumbnails are held (decoded or read from the cache)."""
        return set(self._thumbnails)

    def thumbnail(self, image_id: int) -> QPixmap | None:
        return self._thumbnails.get(image_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record(index.row()) if index.isValid() else None
        if record is None:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{record.prompt}\n{describe_record(record)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return record.prompt
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(GRID_SIDE - 8, GRID_SIDE - 8)
        if role == RECORD_ROLE:
            return record
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    # -- thumbnails ------------------------------------------------------------------------

    def _decoration(self, record: ImageRecord) -> QPixmap:
        pixmap = self._thumbnails.get(record.id)
        if pixmap is not None:
            return pixmap
        if record.id not in self._loading and record.id not in self._failed:
            self._queued[record.id] = record.path
            self._pump()
        if self._placeholder is None:
            self._placeholder = _placeholder()
        return self._placeholder

    def _pump(self) -> None:
        while self._queued and len(self._loading) < MAX_PARALLEL_DECODES:
            image_id, path = self._queued.popitem()  # newest request first
            if not self.is_wanted(image_id):
                continue
            self._loading.add(image_id)
            start_task(self._load(image_id, path), name="thumbnail")

    async def _load(self, image_id: int, path: str) -> None:
        try:
            if self.is_wanted(image_id):
                image = await self._runner.run(load_thumbnail, image_id, path)
                self._thumbnails[image_id] = QPixmap.fromImage(image)
                self._announce(image_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a missing or broken file: show the placeholder
            log.info("no thumbnail for image %d: %s", image_id, exc)
            self._failed.add(image_id)
        finally:
            self._loading.discard(image_id)
            self._pump()

    def _announce(self, image_id: int) -> None:
        row = self.row_of(image_id)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
        self.thumbnail_ready.emit(image_id)

    # -- dragging out ----------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list", "application/x-qt-image"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        records = [r for r in (self.record(i.row()) for i in indexes) if r is not None]
        data.setUrls([QUrl.fromLocalFile(str(Path(r.path).resolve())) for r in records])
        if records:
            try:
                data.setImageData(decode_file(records[0].path))
            except (OSError, ValueError) as exc:
                log.info("drag without image data: %s", exc)
        return data


class ThumbnailDelegate(QStyledItemDelegate):
    """Paints a thumbnail centred in its cell, framed in the highlight colour when selected."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        cell = option.rect.adjusted(3, 3, -3, -3)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(option.palette.highlight())
            painter.drawRoundedRect(cell, 6, 6)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            size = pixmap.size().scaled(
                cell.size() - QSize(10, 10), Qt.AspectRatioMode.KeepAspectRatio
            )
            x = cell.x() + (cell.width() - size.width()) // 2
            y = cell.y() + (cell.height() - size.height()) // 2
            painter.drawPixmap(x, y, size.width(), size.height(), pixmap)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(GRID_SIDE, GRID_SIDE)


def _visible_check(view: GalleryView) -> Callable[[int], bool]:
    """``view.is_visible_id`` without keeping the view alive: a model holding its view would
    make a cycle that only the garbage collector frees, possibly after the application."""
    ref = weakref.ref(view)

    def is_wanted(image_id: int) -> bool:
        target = ref()
        return target is not None and shiboken6.isValid(target) and target.is_visible_id(image_id)

    return is_wanted


class GalleryView(QListView):
    """Icon grid of the gallery; tells its model which thumbnails are on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageGallery")
        self.setAccessibleName("Gallery")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setUniformItemSizes(True)
        self.setGridSize(QSize(GRID_SIDE, GRID_SIDE))
        self.setIconSize(QSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(ThumbnailDelegate(self))

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        if isinstance(model, GalleryModel):
            model.is_wanted = _visible_check(self)

    def is_visible_id(self, image_id: int) -> bool:
        """Whether the image's cell is (at least partly) inside the viewport now."""
        model = self.model()
        if not isinstance(model, GalleryModel):
            return False
        row = model.row_of(image_id)
        if row < 0:
            return False
        rect = self.visualRect(model.index(row))
        return rect.isValid() and rect.intersects(self.viewport().rect())

    def selected_record(self) -> ImageRecord | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isSelected(index):
            return None
        record = index.data(RECORD_ROLE)
        return record if isinstance(record, ImageRecord) else None
