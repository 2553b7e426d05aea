"""A window showing one gallery image at a time: fit, 100 %, wheel zoom, drag to pan,
previous/next (buttons and arrow keys)."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import describe
from app.services.runner import Runner
from app.ui.asyncutils import start_task
from app.ui.images.decode import decode_file
from app.ui.images.gallery import GalleryModel, describe_record

log = logging.getLogger(__name__)

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.02, 32.0)


class ZoomView(QGraphicsView):
    """A graphics view that zooms with the wheel around the cursor and pans by dragging."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewerCanvas")
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.fitting = True

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = min(max(factor, ZOOM_RANGE[0]), ZOOM_RANGE[1])
        self.fitting = False
        self.resetTransform()
        self.scale(factor, factor)
        self.zoom_changed.emit(factor)

    def fit(self) -> None:
        self.fitting = True
        if self.scene() is not None and not self.scene().sceneRect().isEmpty():
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom_changed.emit(self.zoom)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.set_zoom(self.zoom * ZOOM_STEP**steps)
        event.accept()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fitting:
            self.fit()


class ImageViewer(QDialog):
    """Shows the gallery's images one at a time, starting at ``row``."""

    def __init__(
        self, model: GalleryModel, runner: Runner, row: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setAccessibleName("Image viewer")
        self.setWindowTitle("Image")
        self.resize(900, 700)
        self._model = model
        self._runner = runner
        self.row = row
        self._task: asyncio.Task[None] | None = None

        self.scene = QGraphicsScene(self)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.addItem(self.item)
        self.view = ZoomView(self)
        self.view.setScene(self.scene)
        self.caption = QLabel(self)
        self.caption.setObjectName("imageViewerCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.zoom_label = QLabel(self)
        self.view.zoom_changed.connect(lambda f: self.zoom_label.setText(f"{f * 100:.0f} %"))

        buttons = QHBoxLayout()
        for text, name, slot in (
            ("◀ Previous", "imageViewerPrevious", self.show_previous),
            ("Next ▶", "imageViewerNext", self.show_next),
            ("Fit", "imageViewerFit", self.view.fit),
            ("100 %", "imageViewerActual", lambda: self.view.set_zoom(1.0)),
        ):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(lambda _checked=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.zoom_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caption)
        layout.addLayout(buttons)
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_Right), self.show_next),
            (QKeySequence(Qt.Key.Key_Left), self.show_previous),
            (QKeySequence("Ctrl+0"), self.view.fit),
            (QKeySequence("Ctrl+1"), lambda: self.view.set_zoom(1.0)),
        ):
            QShortcut(keys, self, activated=slot)
        self.show_row(row)

    def show_row(self, row: int) -> None:
        record = self._model.record(row)
        if record is None:
            return
        self.row = row
        self.setWindowTitle(f"Image {row + 1} of {self._model.total()}")
        self.caption.setText(f"{record.prompt}\n{describe_record(record)}")
        if self._task is not None:
            self._task.cancel()
        self._task = start_task(self._load(record.path), name="viewer image")

    async def _load(self, path: str) -> None:
        try:
            image = await self._runner.run(decode_file, path)
        except (OSError, ValueError) as exc:
            self.item.setPixmap(QPixmap())
            self.caption.setText(f"{self.caption.text()}\n{describe(exc)}")
            return
        self.item.setPixmap(QPixmap.fromImage(image))
        self.scene.setSceneRect(self.item.boundingRect())
        if self.view.fitting:
            self.view.fit()

    def show_next(self) -> None:
        if self.row + 1 >= self._model.rowCount() and self._model.canFetchMore():
            self._model.fetchMore()
        if self.row + 1 < self._model.rowCount():
            self.show_row(self.row + 1)

    def show_previous(self) -> None:
        if self.row > 0:
            self.show_row(self.row - 1)

    def has_image(self) -> bool:
        return not self.item.pixmap().isNull()
