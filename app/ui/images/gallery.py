"""The gallery: every stored image, newest first, paged from the history and with thumbnails
decoded on worker threads only when a row is shown."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from app.services.runner import Runner
from app.storage.image_store import ImageRecord, ImageStore
from app.ui.asyncutils import start_task
from app.ui.images.decode import THUMBNAIL_SIDE, decode_file, load_thumbnail
from app.ui.images.justified import justified_sizes
from app.ui.images.references import IMAGE_IDS_MIME, set_image_ids
from app.ui.style.icons import icon
from app.ui.style.tokens import ICON, RADIUS, SPACE

log = logging.getLogger(__name__)

PAGE_SIZE = 60
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_HEIGHT = THUMBNAIL_SIDE
GAP = SPACE["s"]
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


def _aspect(record: ImageRecord | None) -> float:
    if record is None or not record.width or not record.height:
        return 1.0
    return min(max(record.width / record.height, 0.25), 4.0)


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
        import asyncio

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
        return ["text/uri-list", "application/x-qt-image", IMAGE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        records = [r for r in (self.record(i.row()) for i in indexes) if r is not None]
        data.setUrls([QUrl.fromLocalFile(str(Path(r.path).resolve())) for r in records])
        set_image_ids(data, [r.id or None for r in records])
        if records:
            try:
                data.setImageData(decode_file(records[0].path))
            except (OSError, ValueError) as exc:
                log.info("drag without image data: %s", exc)
        return data


OVERLAY_ACTIONS = (
    # action, icon purpose, label
    ("edit", "edit", "Edit this image"),
    ("reference", "add", "Use as reference"),
    ("open", "preview", "Open in the viewer"),
    ("reuse", "regenerate", "Reuse its request"),
    ("copy", "copy", "Copy the image"),
    ("save", "save", "Save as…"),
    ("delete", "delete", "Delete"),
)
OVERLAY_BUTTON = ICON["m"] + SPACE["s"]


def overlay_buttons(
    cell: QRect, actions: Sequence[tuple[str, str, str]] = OVERLAY_ACTIONS
) -> list[tuple[str, QRect]]:
    """Where each action button of the hover overlay sits in ``cell``: rows from the bottom
    right, as many a row as the cell is wide (a narrow portrait cell gets two rows)."""
    side, gap = OVERLAY_BUTTON, SPACE["s"]
    per_row = max(1, (cell.width() - gap) // (side + gap))
    placed = []
    for n, (action, _purpose, _label) in enumerate(actions):
        row, column = divmod(n, per_row)
        in_row = min(per_row, len(actions) - row * per_row)
        x = cell.right() + 1 - gap - (in_row - column) * (side + gap) + gap
        y = cell.bottom() + 1 - (row + 1) * (side + gap)
        placed.append((action, QRect(x, y, side, side)))
    return placed


def overlay_band(cell: QRect) -> QRect:
    """The shaded band behind the overlay buttons."""
    top = min(rect.top() for _action, rect in overlay_buttons(cell)) - SPACE["s"]
    return QRect(cell.left(), top, cell.width(), cell.bottom() + 1 - top)


class ThumbnailDelegate(QStyledItemDelegate):
    """Paints a thumbnail filling its (justified) cell, a placeholder tile until it has loaded,
    a ring in the accent colour when selected, and the action overlay while hovered."""

    def __init__(self, view: GalleryView) -> None:
        super().__init__(view)
        self._view_ref = weakref.ref(view)
        self._icons = {action: icon(purpose) for action, purpose, _label in OVERLAY_ACTIONS}

    @property
    def _view(self) -> GalleryView:
        view = self._view_ref()
        assert view is not None
        return view

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        cell = option.rect.adjusted(GAP // 2, GAP // 2, -(GAP - GAP // 2), -(GAP - GAP // 2))
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(cell), RADIUS["m"], RADIUS["m"])
        painter.setClipPath(clip)
        painter.fillRect(cell, palette.color(QPalette.ColorRole.AlternateBase))
        index.data(Qt.ItemDataRole.DecorationRole)  # asks for the thumbnail to be loaded
        record = index.data(RECORD_ROLE)
        model = self._view.model()
        pixmap = None
        if isinstance(record, ImageRecord) and isinstance(model, GalleryModel):
            pixmap = model.thumbnail(record.id)
        if pixmap is not None and not pixmap.isNull():
            size = pixmap.size().scaled(cell.size(), Qt.AspectRatioMode.KeepAspectRatioByExpanding)
            x = cell.x() + (cell.width() - size.width()) // 2
            y = cell.y() + (cell.height() - size.height()) // 2
            painter.drawPixmap(QRect(x, y, size.width(), size.height()), pixmap)
        else:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, "…")
        if self._view.hovered_row == index.row():
            self._paint_overlay(painter, cell, palette)
        painter.setClipping(False)
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(palette.color(QPalette.ColorRole.Accent), 3)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(cell).adjusted(1.5, 1.5, -1.5, -1.5), RADIUS["m"],
                                    RADIUS["m"])  # fmt: skip
        painter.restore()

    def _paint_overlay(self, painter: QPainter, cell: QRect, palette: QPalette) -> None:
        band = overlay_band(cell)
        shade = QColor(palette.color(QPalette.ColorRole.Window))
        shade.setAlpha(205)
        painter.fillRect(band, shade)
        for action, rect in overlay_buttons(cell):
            if rect.contains(self._view.hover_point):
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(palette.color(QPalette.ColorRole.Button))
                painter.drawRoundedRect(QRectF(rect), RADIUS["s"], RADIUS["s"])
            inner = rect.adjusted(SPACE["s"] // 2, SPACE["s"] // 2, -SPACE["s"] // 2,
                                  -SPACE["s"] // 2)  # fmt: skip
            self._icons[action].paint(painter, inner)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return self._view.cell_size(index.row())

    def helpEvent(self, event: QHelpEvent, view: Any, option: Any, index: Index) -> bool:
        """Over an overlay button the tooltip names its action, elsewhere the prompt."""
        if event.type() == QEvent.Type.ToolTip:
            action = self._view.overlay_action_at(event.pos())
            if action is not None:
                label = next(label for a, _p, label in OVERLAY_ACTIONS if a == action)
                QToolTip.showText(event.globalPos(), label, view)
                return True
        return super().helpEvent(event, view, option, index)


def _visible_check(view: GalleryView) -> Callable[[int], bool]:
    """``view.is_visible_id`` without keeping the view alive: a model holding its view would
    make a cycle that only the garbage collector frees, possibly after the application."""
    ref = weakref.ref(view)

    def is_wanted(image_id: int) -> bool:
        target = ref()
        return target is not None and shiboken6.isValid(target) and target.is_visible_id(image_id)

    return is_wanted


class GalleryView(QListView):
    """The gallery as a justified grid: rows of one height, each picture at its own shape, the
    rows filling the width. Hovering a picture shows its actions; tells its model which
    thumbnails are on screen.

    Signals:
        action_requested(str, int): an overlay button (action name, image id) was clicked.
    """

    action_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageGallery")
        self.setAccessibleName("Gallery")
        self.hovered_row = -1
        self.hover_point = QPoint(-1, -1)
        self._sizes: list[tuple[int, int]] = []
        self._sized_for: tuple[int, ...] = (-1,)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setUniformItemSizes(False)
        self.setIconSize(QSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover, True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self._pressed_here = False  # a drag starts only from a press on this view
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(ThumbnailDelegate(self))

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        if isinstance(model, GalleryModel):
            model.is_wanted = _visible_check(self)

    # -- justified layout ------------------------------------------------------------------

    def _layout_width(self) -> int:
        return max(self.viewport().width() - 1, 1)

    def cell_size(self, row: int) -> QSize:
        """The justified size of ``row``'s cell at the current width (worked out once per
        width and row count)."""
        model = self.model()
        if not isinstance(model, GalleryModel):
            return QSize(ROW_HEIGHT, ROW_HEIGHT)
        count = model.rowCount()
        ends = (model.record(0), model.record(count - 1))
        key = (self._layout_width(), count, *(r.id if r else 0 for r in ends))
        if key != self._sized_for:
            aspects = [_aspect(model.record(r)) for r in range(count)]
            self._sizes = justified_sizes(aspects, key[0], ROW_HEIGHT)
            self._sized_for = key
        if 0 <= row < len(self._sizes):
            return QSize(*self._sizes[row])
        return QSize(ROW_HEIGHT, ROW_HEIGHT)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._layout_width() != self._sized_for[0]:
            self.scheduleDelayedItemsLayout()

    # -- hover overlay ---------------------------------------------------------------------

    def _set_hover(self, point: QPoint) -> None:
        index = self.indexAt(point)
        row = index.row() if index.isValid() else -1
        if row != self.hovered_row or point != self.hover_point:
            old = self.hovered_row
            self.hovered_row, self.hover_point = row, point
            for changed in {old, row} - {-1}:
                model = self.model()
                if model is not None:
                    self.update(model.index(changed, 0))

    def overlay_action_at(self, point: QPoint) -> str | None:
        index = self.indexAt(point)
        if not index.isValid():
            return None
        rect = self.visualRect(index)
        cell = rect.adjusted(GAP // 2, GAP // 2, -(GAP - GAP // 2), -(GAP - GAP // 2))
        for action, button in overlay_buttons(cell):
            if button.contains(point):
                return action
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._set_hover(event.position().toPoint())
        if event.buttons() != Qt.MouseButton.NoButton and not self._pressed_here:
            return  # a button pressed elsewhere is no drag of ours
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._pressed_here = False
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover(QPoint(-1, -1))
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed_here = True
        point = event.position().toPoint()
        action = self.overlay_action_at(point)
        record = self.indexAt(point).data(RECORD_ROLE)
        if action is not None and isinstance(record, ImageRecord):
            event.accept()
            self.action_requested.emit(action, record.id)
            return
        super().mousePressEvent(event)

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
