"""A window showing one gallery image at a time: fit, 100 %, wheel zoom, drag to pan,
previous/next (buttons and arrow keys), and for edits the version chain: step back to the
image an edit was made from and forward to its newest edit (Alt+Up / Alt+Down)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QResizeEvent, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import describe
from app.services.image_edits import how_made, version_chain
from app.services.runner import Runner
from app.storage.image_store import ImageRecord, ImageStore
from app.ui.asyncutils import start_task
from app.ui.images.decode import decode_file, load_thumbnail
from app.ui.images.gallery import GalleryModel, describe_record
from app.ui.style.controls import decorate
from app.ui.style.icons import icon

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

ZOOM_STEP = 1.25
VERSION_SIDE = 56
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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fitting:
            self.fit()


class ImageViewer(QDialog):
    """Shows the gallery's images one at a time, starting at ``row``.

    Signals:
        edit_requested(object): "Edit this image" for the shown ``ImageRecord``.
        reference_requested(object): "Use as reference" for the shown ``ImageRecord``.
    """

    edit_requested = Signal(object)
    reference_requested = Signal(object)

    def __init__(
        self,
        model: GalleryModel,
        runner: Runner,
        row: int,
        parent: QWidget | None = None,
        *,
        store: ImageStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setAccessibleName("Image viewer")
        self.setWindowTitle("Image")
        self.resize(900, 700)
        self._model = model
        self._runner = runner
        self.row = row
        self._store = store
        self.record: ImageRecord | None = None
        self.chain: list[ImageRecord] = []
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
        made: dict[str, QPushButton] = {}
        for text, name, purpose, slot in (
            ("Previous", "imageViewerPrevious", "previous", self.show_previous),
            ("Next", "imageViewerNext", "next", self.show_next),
            ("Fit", "imageViewerFit", "fit", self.view.fit),
            ("100 %", "imageViewerActual", "zoom-in", lambda: self.view.set_zoom(1.0)),
        ):
            made[name] = self._button(text, name, purpose, slot, buttons)
        # "Next" carries its arrow after the word, as it points.
        made["imageViewerNext"].setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        buttons.addStretch(1)
        buttons.addWidget(self.zoom_label)
        versions = QHBoxLayout()
        self.parent_button = self._button("Earlier version", "imageViewerParent", "undo",
                                          self.show_parent, versions)  # fmt: skip
        self.version_label = QLabel(self)
        self.version_label.setObjectName("imageViewerVersion")
        self.version_label.setProperty("role", "hint")
        versions.addWidget(self.version_label)
        self.child_button = self._button("Later version", "imageViewerChild", "redo",
                                         self.show_child, versions)  # fmt: skip
        versions.addStretch(1)
        self.reference_button = self._button("Use as reference", "imageViewerReference", "add",
                                             self._on_reference_clicked, versions)  # fmt: skip
        self.edit_button = self._button("Edit this image", "imageViewerEdit", "edit",
                                        self._on_edit_clicked, versions)  # fmt: skip
        self.edit_button.setProperty("variant", "primary")
        self.edit_button.setIcon(icon("edit", "on-accent"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caption)
        self.version_strip = QWidget(self)
        self.version_strip.setObjectName("imageViewerVersions")
        self.version_strip.setAccessibleName("Versions")
        self.version_row = QHBoxLayout(self.version_strip)
        self.version_row.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.version_strip)
        layout.addLayout(versions)
        layout.addLayout(buttons)
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_Right), self.show_next),
            (QKeySequence(Qt.Key.Key_Left), self.show_previous),
            (QKeySequence("Ctrl+0"), self.view.fit),
            (QKeySequence("Ctrl+1"), lambda: self.view.set_zoom(1.0)),
            (QKeySequence("Alt+Up"), self.show_parent),
            (QKeySequence("Alt+Down"), self.show_child),
        ):
            QShortcut(keys, self).activated.connect(slot)
        self.show_row(row)

    def _button(self, text: str, name: str, purpose: str, slot, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        decorate(button, purpose, flat=True)
        button.clicked.connect(lambda _checked=False: slot())
        row.addWidget(button)
        return button

    def show_row(self, row: int) -> None:
        record = self._model.record(row)
        if record is None:
            return
        self.row = row
        self.setWindowTitle(f"Image {row + 1} of {self._model.total()}")
        self.show_record(record)

    def show_record(self, record: ImageRecord) -> None:
        """Show ``record`` (also one that is not among the gallery's loaded rows)."""
        self.record = record
        self.caption.setText(f"{record.prompt}\n{describe_record(record)}")
        self._update_versions()
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

    # -- versions --------------------------------------------------------------------------

    def _update_versions(self) -> None:
        record = self.record
        if record is None or self._store is None:
            self.chain = [record] if record else []
        else:
            self.chain = version_chain(self._store, record)
        at = self.chain.index(record) if record in self.chain else 0
        many = len(self.chain) > 1
        self.parent_button.setEnabled(at > 0)
        self.child_button.setEnabled(at + 1 < len(self.chain))
        for widget in (self.parent_button, self.child_button, self.version_label):
            widget.setVisible(many)
        if many and record is not None:
            self.version_label.setText(f"Version {at + 1} of {len(self.chain)}{how_made(record)}")
        else:
            self.version_label.setText("")
        self._fill_version_strip(many)

    def _fill_version_strip(self, many: bool) -> None:
        """One thumbnail per version, the shown one checked; arrows between them."""
        while self.version_row.count():
            item = self.version_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.version_strip.setVisible(many)
        if not many:
            return
        self.version_row.addStretch(1)
        for n, version in enumerate(self.chain):
            if n:
                arrow = QLabel("→", self.version_strip)
                arrow.setProperty("role", "hint")
                self.version_row.addWidget(arrow)
            button = QToolButton(self.version_strip)
            button.setObjectName("imageViewerVersionItem")
            button.setCheckable(True)
            button.setChecked(self.record is not None and version.id == self.record.id)
            button.setAutoRaise(True)
            button.setIconSize(QSize(VERSION_SIDE, VERSION_SIDE))
            button.setAccessibleName(f"Version {n + 1}: {version.prompt[:60]}")
            button.setToolTip(f"Version {n + 1}: {version.prompt}")
            button.clicked.connect(lambda _checked=False, v=version: self._show_version(v))
            self.version_row.addWidget(button)
            start_task(self._load_version_icon(button, version), name="version thumbnail")
        self.version_row.addStretch(1)

    async def _load_version_icon(self, button: QToolButton, version: ImageRecord) -> None:
        try:
            image = await self._runner.run(load_thumbnail, version.id, version.path)
        except (OSError, ValueError) as exc:
            log.info("no thumbnail for version %d: %s", version.id, exc)
            return
        if shiboken6.isValid(button):
            button.setIcon(QPixmap.fromImage(image))

    def show_parent(self) -> None:
        """Step back to the image this one was edited from."""
        if self.record in self.chain:
            at = self.chain.index(self.record)
            if at > 0:
                self._show_version(self.chain[at - 1])

    def show_child(self) -> None:
        """Step forward to the newest edit of this image."""
        if self.record in self.chain:
            at = self.chain.index(self.record)
            if at + 1 < len(self.chain):
                self._show_version(self.chain[at + 1])

    def _show_version(self, record: ImageRecord) -> None:
        row = self._model.row_of(record.id)
        if row >= 0:
            self.show_row(row)
        else:
            self.show_record(record)

    def _on_edit_clicked(self) -> None:
        if self.record is not None:
            self.edit_requested.emit(self.record)

    def _on_reference_clicked(self) -> None:
        if self.record is not None:
            self.reference_requested.emit(self.record)

    def has_image(self) -> bool:
        return not self.item.pixmap().isNull()
