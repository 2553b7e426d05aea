"""The newest generation shown large: the chosen image fit to the space it has, the rest of its
batch as a strip of thumbnails below, and an empty state with example prompts before the first.

``FitImage`` (one picture scaled to fit, with a placeholder until it is decoded) is what the
compare grid reuses; ``ResultView`` is the whole panel of the Images tab.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.storage.image_store import ImageRecord
from app.ui.images.gallery import describe_record
from app.ui.style.controls import decorate
from app.ui.style.motion import FadeIns
from app.ui.style.tokens import ICON, RADIUS, SPACE

EXAMPLE_PROMPTS = (
    "A lighthouse on a cliff at dusk, warm light in the windows, oil painting",
    "A red fox curled up asleep in fresh snow, soft morning light, photograph",
    "An isometric cutaway of a tiny cosy library, pastel colours, 3D render",
)
STRIP_SIDE = 72


class FitImage(QWidget):
    """Signals: double_clicked().

    One picture, scaled to fit the widget with its aspect kept; before the picture arrives
    (or while it is being made) a placeholder of the expected shape with a short caption.

    ``set_expected(width, height)`` gives the placeholder its shape; ``set_image`` the picture.
    """

    double_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageFit")
        self._pixmap = QPixmap()
        self._aspect = 1.0
        self.placeholder_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self._fade = FadeIns(self.update, self)

    def set_expected(self, width: int | None, height: int | None, text: str = "") -> None:
        self._pixmap = QPixmap()
        if width and height:
            self._aspect = width / height
        self.placeholder_text = text
        self.update()

    def set_image(self, image: QImage) -> None:
        self._pixmap = QPixmap.fromImage(image)
        if not image.isNull() and image.height():
            self._aspect = image.width() / image.height()
            self._fade.start("picture")
        self.update()

    def has_image(self) -> bool:
        return not self._pixmap.isNull()

    def shown_rect(self) -> QRectF:
        """Where the picture (or its placeholder) is painted, in widget coordinates."""
        area = QRectF(self.rect())
        width = min(area.width(), area.height() * self._aspect)
        height = width / self._aspect
        x = area.x() + (area.width() - width) / 2
        y = area.y() + (area.height() - height) / 2
        return QRectF(x, y, width, height)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.double_clicked.emit()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        target = self.shown_rect()
        palette = self.palette()
        if self._pixmap.isNull():
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
            painter.drawRoundedRect(target.adjusted(1, 1, -1, -1), RADIUS["l"], RADIUS["l"])
            if self.placeholder_text:
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(target, Qt.AlignmentFlag.AlignCenter, self.placeholder_text)
        else:
            painter.setOpacity(self._fade.opacity("picture"))
            painter.drawPixmap(target, self._pixmap, QRectF(self._pixmap.rect()))
        painter.end()


class ResultView(QWidget):
    """The large result panel (objectName ``imageResultView``).

    Signals:
        example_chosen(str): an example prompt of the empty state was clicked.
        image_activated(int): the large image (by history id) was double-clicked or opened.
        current_changed(int): another image of the batch was chosen in the strip.
    """

    example_chosen = Signal(str)
    image_activated = Signal(int)
    current_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageResultView")
        self.setAccessibleName("Newest result")
        self.records: list[ImageRecord] = []
        self.current: ImageRecord | None = None
        self._images: dict[int, QImage] = {}
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._build_empty())
        self._stack.addWidget(self._build_result())

    def _build_empty(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("imageEmptyState")
        column = QVBoxLayout(page)
        column.setSpacing(SPACE["m"])
        column.addStretch(1)
        title = QLabel("Describe an image and press Generate", page)
        title.setProperty("role", "heading")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Or start from one of these:", page)
        hint.setProperty("role", "hint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(title)
        column.addWidget(hint)
        self.example_buttons: list[QPushButton] = []
        for text in EXAMPLE_PROMPTS:
            button = QPushButton(text, page)
            button.setObjectName("imageExamplePrompt")
            button.setAccessibleName(f"Use the example prompt: {text}")
            decorate(button, "sparkle", flat=True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _checked=False, t=text: self.example_chosen.emit(t))
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(button)
            row.addStretch(1)
            column.addLayout(row)
            self.example_buttons.append(button)
        column.addStretch(2)
        return page

    def _build_result(self) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(SPACE["s"])
        self.large = FitImage(page)
        self.large.setObjectName("imageResultLarge")
        self.large.setAccessibleName("Newest image")
        self.large.double_clicked.connect(self._on_large_double_clicked)
        self.caption = QLabel(page)
        self.caption.setObjectName("imageResultCaption")
        self.caption.setProperty("role", "hint")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.strip_holder = QWidget(page)
        self.strip_holder.setObjectName("imageResultStrip")
        self.strip = QHBoxLayout(self.strip_holder)
        self.strip.setContentsMargins(0, 0, 0, 0)
        self.strip.setSpacing(SPACE["s"])
        column.addWidget(self.large, 1)
        column.addWidget(self.caption)
        column.addWidget(self.strip_holder)
        return page

    # -- what is shown --------------------------------------------------------------------

    @property
    def showing_empty_state(self) -> bool:
        return self._stack.currentIndex() == 0

    def show_empty(self) -> None:
        self._stack.setCurrentIndex(0)

    def show_pending(self, width: int | None, height: int | None, text: str) -> None:
        """A placeholder of the expected shape while a generation runs (nothing was shown yet)."""
        if self.current is not None:
            return
        self._stack.setCurrentIndex(1)
        self.large.set_expected(width, height, text)
        self.caption.setText("")

    def show_batch(self, records: Sequence[ImageRecord], images: Sequence[QImage]) -> None:
        """Show a finished batch: the first image large, every image in the strip."""
        self._stack.setCurrentIndex(1)
        self.records = list(records)
        self._images = {r.id: image for r, image in zip(records, images, strict=False)}
        self._rebuild_strip()
        if self.records:
            self.choose(self.records[0].id)

    def choose(self, image_id: int) -> None:
        record = next((r for r in self.records if r.id == image_id), None)
        if record is None:
            return
        self.current = record
        image = self._images.get(image_id)
        if image is None or image.isNull():
            self.large.set_expected(record.width, record.height, "Loading…")
        else:
            self.large.set_image(image)
        self.caption.setText(f"{record.prompt}\n{describe_record(record)}")
        for button in self.strip_holder.findChildren(QToolButton, "imageStripItem"):
            button.setChecked(button.property("imageId") == image_id)
        self.current_changed.emit(image_id)

    def forget(self, image_id: int) -> None:
        """An image was deleted: drop it from the batch (the empty state when none is left)."""
        self.records = [r for r in self.records if r.id != image_id]
        self._images.pop(image_id, None)
        self._rebuild_strip()
        if self.current is not None and self.current.id == image_id:
            self.current = None
            if self.records:
                self.choose(self.records[0].id)
            else:
                self.show_empty()

    def _rebuild_strip(self) -> None:
        while self.strip.count():
            item = self.strip.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.strip_holder.setVisible(len(self.records) > 1)
        self.strip.addStretch(1)
        for record in self.records:
            self.strip.addWidget(self._strip_button(record))
        self.strip.addStretch(1)

    def _strip_button(self, record: ImageRecord) -> QToolButton:
        button = QToolButton(self.strip_holder)
        button.setObjectName("imageStripItem")
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setProperty("imageId", record.id)
        button.setAccessibleName(f"Show image {record.id}")
        button.setToolTip(describe_record(record))
        image = self._images.get(record.id)
        if image is not None and not image.isNull():
            button.setIcon(QPixmap.fromImage(image))
        button.setIconSize(QSize(STRIP_SIDE, STRIP_SIDE))
        button.setMinimumSize(STRIP_SIDE + ICON["s"] // 2, STRIP_SIDE + ICON["s"] // 2)
        image_id = record.id
        button.clicked.connect(lambda _checked=False: self.choose(image_id))
        return button

    def _on_large_double_clicked(self) -> None:
        if self.current is not None:
            self.image_activated.emit(self.current.id)
