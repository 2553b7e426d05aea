"""The mask editor: paint over the source image where it should change.

Brush and eraser (B / E), brush size ([ and ]), invert, clear, undo and redo (Ctrl+Z,
Ctrl+Shift+Z), wheel zoom, pan by dragging with the pan tool, the middle button or Space held,
and fit (Ctrl+0). The painted area is shown in the accent colour over the image; the mask that
is sent is a PNG of the image's size, transparent where painted (``/v1/images/edits``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.images.codec import encode, mask_from_painted
from app.ui.images.viewer import ZOOM_STEP, ZoomView
from app.ui.style.controls import decorate
from app.ui.style.tokens import SPACE

BRUSH_RANGE = (2, 400)
HISTORY_LIMIT = 40
OVERLAY_OPACITY = 0.55
# The painted area: a warm pink that stands out on skies, foliage and skin alike (the accent
# blue vanished over a sky), and the same in both schemes, like a marker on a print.
OVERLAY_COLOUR = QColor(255, 45, 120)


def coverage_from_mask(mask: QImage, width: int, height: int) -> QImage:
    """The painted coverage (opaque where to edit) from a mask PNG (transparent there)."""
    coverage = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    coverage.fill(Qt.GlobalColor.transparent)
    alpha = mask.convertToFormat(QImage.Format.Format_Alpha8)
    if (alpha.width(), alpha.height()) != (width, height):
        alpha = alpha.scaled(width, height)
    alpha.invertPixels(QImage.InvertMode.InvertRgba)
    solid = QImage(width, height, QImage.Format.Format_ARGB32)
    solid.fill(QColor(255, 255, 255))
    solid.setAlphaChannel(alpha)
    painter = QPainter(coverage)
    painter.drawImage(0, 0, solid)
    painter.end()
    return coverage


def painted_fraction(coverage: QImage) -> float:
    """How much of the image is painted (0 to 1), sampled on a grid."""
    step = max(1, min(coverage.width(), coverage.height()) // 128)
    total = painted = 0
    for y in range(0, coverage.height(), step):
        for x in range(0, coverage.width(), step):
            total += 1
            painted += coverage.pixelColor(x, y).alpha() > 127
    return painted / total if total else 0.0


class MaskCanvas(ZoomView):
    """The image with the coverage over it; paints strokes with the current tool.

    Signals:
        stroke_started(): a stroke is about to change the coverage (for undo).
        stroke_finished(): the stroke ended.
    """

    stroke_started = Signal()
    stroke_finished = Signal()

    def __init__(self, image: QImage, coverage: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageMaskCanvas")
        self.setAccessibleName("Mask canvas")
        self.tool = "brush"
        self.brush_size = 48
        self.coverage = coverage
        self._last: QPointF | None = None
        self.pointer: QPointF | None = None  # where the brush outline is drawn (scene)
        self._panning = False
        self.space_held = False
        scene = QGraphicsScene(self)
        self.image_item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        self.image_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.overlay_item = QGraphicsPixmapItem()
        self.overlay_item.setOpacity(OVERLAY_OPACITY)
        scene.addItem(self.image_item)
        scene.addItem(self.overlay_item)
        scene.setSceneRect(QRectF(0, 0, image.width(), image.height()))
        self.setScene(scene)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setMouseTracking(True)
        self.refresh_overlay()

    def overlay_colour(self) -> QColor:
        return QColor(OVERLAY_COLOUR)

    def refresh_overlay(self) -> None:
        tinted = QImage(self.coverage.size(), QImage.Format.Format_ARGB32_Premultiplied)
        tinted.fill(self.overlay_colour())
        painter = QPainter(tinted)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationIn)
        painter.drawImage(0, 0, self.coverage)
        painter.end()
        self.overlay_item.setPixmap(QPixmap.fromImage(tinted))

    def set_tool(self, tool: str) -> None:
        self.tool = tool
        self._update_cursor()

    def _update_cursor(self) -> None:
        panning = self.tool == "pan" or self.space_held
        shape = Qt.CursorShape.OpenHandCursor if panning else Qt.CursorShape.CrossCursor
        self.viewport().setCursor(shape)

    def paint_stroke(self, start: QPointF, end: QPointF) -> None:
        """Paint (or erase) a round stroke from ``start`` to ``end``, in image pixels."""
        painter = QPainter(self.coverage)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.tool == "eraser":
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        pen = QPen(QColor(255, 255, 255), self.brush_size, Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)  # fmt: skip
        painter.setPen(pen)
        if start == end:
            painter.drawPoint(start)
        else:
            painter.drawLine(start, end)
        painter.end()
        self.refresh_overlay()

    def _pans(self, event: QMouseEvent) -> bool:
        return (
            self.tool == "pan"
            or self.space_held
            or event.button() == Qt.MouseButton.MiddleButton
            or bool(event.buttons() & Qt.MouseButton.MiddleButton)
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pans(event):
            self._panning = True
            self._pan_from = event.position()
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.stroke_started.emit()
            point = self.mapToScene(event.position().toPoint())
            self._last = point
            self.paint_stroke(point, point)
            event.accept()
            return
        super().mousePressEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """The brush outline under the pointer, at the size it paints (two rings, light over
        dark, so it shows on any picture)."""
        if self.pointer is None or self.tool == "pan" or self.space_held or self._panning:
            return
        radius = self.brush_size / 2
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for colour, width in ((QColor(0, 0, 0, 160), 3.0), (QColor(255, 255, 255, 230), 1.2)):
            pen = QPen(colour, width)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawEllipse(self.pointer, radius, radius)

    def leaveEvent(self, event: QEvent) -> None:
        self.pointer = None
        self.viewport().update()
        super().leaveEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.pointer = self.mapToScene(event.position().toPoint())
        self.viewport().update()
        if self._panning:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            bar_x, bar_y = self.horizontalScrollBar(), self.verticalScrollBar()
            bar_x.setValue(bar_x.value() - int(delta.x()))
            bar_y.setValue(bar_y.value() - int(delta.y()))
            event.accept()
            return
        if self._last is not None:
            point = self.mapToScene(event.position().toPoint())
            self.paint_stroke(self._last, point)
            self._last = point
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._panning:
            self._panning = False
            event.accept()
            return
        if self._last is not None:
            self._last = None
            self.stroke_finished.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)


class MaskEditor(QDialog):
    """Paints the mask for ``image`` (objectName ``imageMaskEditor``).

    Signals:
        mask_accepted(bytes): the PNG mask (image size, transparent where to edit) on Apply.
    """

    mask_accepted = Signal(bytes)

    def __init__(
        self, image: QImage, mask: QImage | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imageMaskEditor")
        self.setAccessibleName("Mask editor")
        self.setWindowTitle("Paint the area to edit")
        self.resize(900, 700)
        self.image_size = (image.width(), image.height())
        if mask is not None and not mask.isNull():
            coverage = coverage_from_mask(mask, *self.image_size)
        else:
            coverage = QImage(*self.image_size, QImage.Format.Format_ARGB32_Premultiplied)
            coverage.fill(Qt.GlobalColor.transparent)
        self._undo: list[QImage] = []
        self._redo: list[QImage] = []
        self.canvas = MaskCanvas(image, coverage, self)
        self.canvas.stroke_started.connect(self._remember)
        self.canvas.stroke_finished.connect(self._update_state)

        tools = QHBoxLayout()
        tools.setSpacing(SPACE["s"])
        self.tool_group = QButtonGroup(self)
        self.brush_button = self._tool("Brush (B)", "imageMaskBrush", "brush", tools)
        self.eraser_button = self._tool("Eraser (E)", "imageMaskEraser", "eraser", tools)
        self.pan_button = self._tool("Pan (hold Space)", "imageMaskPan", "pan", tools)
        self.brush_button.setChecked(True)
        self.size_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.size_slider.setObjectName("imageMaskBrushSize")
        self.size_slider.setAccessibleName("Brush size")
        self.size_slider.setRange(*BRUSH_RANGE)
        self.size_slider.setValue(max(BRUSH_RANGE[0], min(image.width(), image.height()) // 12))
        self.size_slider.setMaximumWidth(180)
        self.size_slider.valueChanged.connect(self._on_size_slider_value_changed)
        self.size_label = QLabel(self)
        self.size_label.setObjectName("imageMaskBrushSizeLabel")
        tools.addWidget(QLabel("Size", self))
        tools.addWidget(self.size_slider)
        tools.addWidget(self.size_label)
        tools.addSpacing(SPACE["l"])
        self.undo_button = self._action("Undo", "imageMaskUndo", "undo", self.undo, tools)
        self.redo_button = self._action("Redo", "imageMaskRedo", "redo", self.redo, tools)
        self._action("Invert", "imageMaskInvert", "invert", self.invert, tools)
        self._action("Clear", "imageMaskClear", "delete", self.clear, tools)
        tools.addSpacing(SPACE["l"])
        self._action("Zoom in", "imageMaskZoomIn", "zoom-in", self.zoom_in, tools)
        self._action("Zoom out", "imageMaskZoomOut", "zoom-out", self.zoom_out, tools)
        self._action("Fit", "imageMaskFit", "fit", self.canvas.fit, tools)
        tools.addStretch(1)

        self.status = QLabel(self)
        self.status.setObjectName("imageMaskStatus")
        self.status.setProperty("role", "hint")
        self.apply_button = QPushButton("Use this mask", self)
        self.apply_button.setObjectName("imageMaskApply")
        decorate(self.apply_button, "ok", primary=True)
        self.apply_button.clicked.connect(self.apply)
        cancel = QPushButton("Cancel", self)
        cancel.setObjectName("imageMaskCancel")
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(cancel)
        bottom.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(bottom)

        for keys, slot in (
            ("B", lambda: self.brush_button.click()),
            ("E", lambda: self.eraser_button.click()),
            ("[", lambda: self.size_slider.setValue(int(self.size_slider.value() / 1.25))),
            ("]", lambda: self.size_slider.setValue(int(self.size_slider.value() * 1.25) + 1)),
            (QKeySequence.StandardKey.Undo, self.undo),
            (QKeySequence.StandardKey.Redo, self.redo),
            ("Ctrl+Shift+Z", self.redo),
            ("Ctrl+0", self.canvas.fit),
            ("Ctrl+I", self.invert),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        self._on_size_slider_value_changed(self.size_slider.value())
        self._update_state()

    def _tool(self, text: str, name: str, purpose: str, row: QHBoxLayout) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setCheckable(True)
        decorate(button, purpose, icon_only=True)
        button.setProperty("variant", "tool")  # not flat: the chosen tool shows as checked
        button.setAutoRaise(False)
        tool = name.removeprefix("imageMask").lower()
        button.toggled.connect(lambda on: self.canvas.set_tool(tool) if on else None)
        self.tool_group.addButton(button)
        row.addWidget(button)
        return button

    def _action(self, text: str, name: str, purpose: str, slot, row: QHBoxLayout) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        decorate(button, purpose, icon_only=True)
        button.clicked.connect(lambda _checked=False: slot())
        row.addWidget(button)
        return button

    # -- editing ---------------------------------------------------------------------------

    def _on_size_slider_value_changed(self, value: int) -> None:
        self.canvas.brush_size = value
        self.size_label.setText(f"{value} px")

    def _remember(self) -> None:
        self._undo.append(self.canvas.coverage.copy())
        del self._undo[:-HISTORY_LIMIT]
        self._redo.clear()

    def _replace(self, coverage: QImage) -> None:
        self.canvas.coverage = coverage
        self.canvas.refresh_overlay()
        self._update_state()

    def undo(self) -> None:
        if self._undo:
            self._redo.append(self.canvas.coverage.copy())
            self._replace(self._undo.pop())

    def redo(self) -> None:
        if self._redo:
            self._undo.append(self.canvas.coverage.copy())
            self._replace(self._redo.pop())

    def invert(self) -> None:
        self._remember()
        inverted = coverage_from_mask(self.canvas.coverage, *self.image_size)
        self._replace(inverted)

    def clear(self) -> None:
        self._remember()
        empty = QImage(*self.image_size, QImage.Format.Format_ARGB32_Premultiplied)
        empty.fill(Qt.GlobalColor.transparent)
        self._replace(empty)

    def zoom_in(self) -> None:
        self.canvas.set_zoom(self.canvas.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.canvas.set_zoom(self.canvas.zoom / ZOOM_STEP)

    def fraction(self) -> float:
        return painted_fraction(self.canvas.coverage)

    def _update_state(self) -> None:
        self.undo_button.setEnabled(bool(self._undo))
        self.redo_button.setEnabled(bool(self._redo))
        share = self.fraction()
        self.apply_button.setEnabled(share > 0)
        if share <= 0:
            self.status.setText("Paint over the part of the image that should change.")
        else:
            self.status.setText(f"{share * 100:.0f}% of the image will be edited.")

    # -- result ----------------------------------------------------------------------------

    def mask_image(self) -> QImage:
        return mask_from_painted(self.canvas.coverage, self.image_size)

    def mask_png(self) -> bytes:
        """The mask to send: PNG, the image's size, transparent where painted."""
        return encode(self.mask_image(), "PNG")

    def apply(self) -> None:
        if self.fraction() <= 0:
            return
        self.mask_accepted.emit(self.mask_png())
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.canvas.space_held = True
            self.canvas._update_cursor()
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.canvas.space_held = False
            self.canvas._update_cursor()
        super().keyReleaseEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.canvas.fit()
