"""One generation in progress or finished: a card with a busy bar, elapsed time and Cancel,
then the images with their size, seed, revised prompt and cost — or the error sentence."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.images import StoredGeneration
from app.storage.image_store import ImageRecord
from app.ui.images.gallery import describe_record

RESULT_SIDE = 128


def _elapsed_text(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


class GenerationCard(QFrame):
    """Signals:
    cancel_requested(): the person pressed Cancel.
    dismissed(): the person closed a finished card.
    image_activated(int): an image (by history id) was clicked.
    """

    cancel_requested = Signal()
    dismissed = Signal()
    image_activated = Signal(int)

    def __init__(self, model: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageGenerationCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"Generation: {prompt[:60]}")
        self.state = "running"
        self._started = time.monotonic()

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        short = prompt if len(prompt) <= 90 else prompt[:89] + "…"
        self.title.setText(f"{model} — {short}")
        self.title.setToolTip(prompt)
        self.elapsed = QLabel("0:00", self)
        self.elapsed.setObjectName("imageCardElapsed")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("imageCardCancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.close_button = QPushButton("Dismiss", self)
        self.close_button.setObjectName("imageCardDismiss")
        self.close_button.clicked.connect(self.dismissed)
        self.close_button.hide()

        self.status = QLabel(self)
        self.status.setObjectName("imageCardStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        self.images_row = QHBoxLayout()
        self.images_row.setSpacing(8)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.elapsed)
        header.addWidget(self.cancel_button)
        header.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(header)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(self.images_row)

        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        self.elapsed.setText(_elapsed_text(time.monotonic() - self._started))

    def _finish(self, state: str) -> None:
        self.state = state
        self._timer.stop()
        self._on_timer_timeout()
        self.progress.hide()
        self.cancel_button.hide()
        self.close_button.show()

    def show_error(self, sentence: str) -> None:
        self._finish("failed")
        self.status.setProperty("role", "error")
        self.status.setText(sentence)
        self.status.show()

    def show_cancelled(self) -> None:
        self._finish("cancelled")
        self.status.setText("Cancelled.")
        self.status.show()

    def show_result(self, stored: StoredGeneration, thumbnails: list[QImage]) -> None:
        self._finish("done")
        notes = []
        if stored.result.cost.usd is not None:
            notes.append(f"Cost ${stored.result.cost.usd:.4f}")
        elif stored.result.cost.credits is not None:
            notes.append(f"{stored.result.cost.credits:,.0f} credits")
        if stored.flagged_count:
            notes.append(f"The provider's safety checker flagged {stored.flagged_count} image(s).")
        if stored.result.description:
            notes.append(stored.result.description)
        if notes:
            self.status.setText("  ".join(notes))
            self.status.show()
        for record, image in zip(stored.records, thumbnails, strict=False):
            self.images_row.addWidget(self._image_widget(record, image))
        self.images_row.addStretch(1)

    def _image_widget(self, record: ImageRecord, image: QImage) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        picture = QPushButton(box)
        picture.setObjectName("imageResult")
        picture.setFlat(True)
        picture.setIcon(QPixmap.fromImage(image))
        picture.setIconSize(
            image.size().scaled(RESULT_SIDE, RESULT_SIDE, Qt.AspectRatioMode.KeepAspectRatio)
        )
        picture.setAccessibleName(f"Image {record.id}")
        image_id = record.id
        picture.clicked.connect(lambda _checked=False: self.image_activated.emit(image_id))
        caption = QLabel(describe_record(record), box)
        caption.setObjectName("imageResultInfo")
        caption.setWordWrap(True)
        caption.setMinimumWidth(220)
        caption.setMaximumWidth(RESULT_SIDE * 2)
        revised = record.response_meta.get("revised_prompt")
        if revised and revised != record.prompt:
            caption.setText(f"{caption.text()}\nRevised prompt: {revised}")
            caption.setToolTip(revised)
        column.addWidget(picture)
        column.addWidget(caption)
        return box
