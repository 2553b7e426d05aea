"""The message input: multi-line text, send on Enter or Ctrl+Enter, images by paste or drop,
and the strip of attached images waiting to be sent."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserInputError
from app.services.chat_history import Attachment
from app.ui.style.repolish import repolish

MAX_IMAGE_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
STRIP_THUMB = 56


def image_attachment(name: str, data: bytes, mime: str | None = None) -> Attachment:
    """An attachment for image ``data``, checked for type and size.

    Raises:
        UserInputError: not a supported image, or larger than ``MAX_IMAGE_BYTES`` (the message
            is the sentence to show).
    """
    mime = mime or mimetypes.guess_type(name)[0] or ""
    if mime not in IMAGE_TYPES:
        raise UserInputError(
            f"{name} is not a PNG, JPEG, GIF or WebP image, so it cannot be attached."
        )
    if len(data) > MAX_IMAGE_BYTES:
        size = len(data) / (1024 * 1024)
        limit = MAX_IMAGE_BYTES // (1024 * 1024)
        raise UserInputError(f"{name} is {size:.1f} MB; images can be at most {limit} MB.")
    if QImage.fromData(data).isNull():
        raise UserInputError(f"{name} could not be read as an image.")
    return Attachment(mime, data, name)


def is_image_name(name: str) -> bool:
    """Whether a file name is one of the images a message can show (else it is a document)."""
    return (mimetypes.guess_type(name)[0] or "") in IMAGE_TYPES


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; bytes crash
    return bytes(buffer.data().data())


class ComposerFrame(QFrame):
    """The rounded card that holds the message input and its toolbar; it shows the focus ring
    while the input inside has the keyboard focus."""

    def __init__(self, watched: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatComposer")
        self.setProperty("surface", "composer")
        self.setProperty("focused", False)
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.setProperty("focused", kind == QEvent.Type.FocusIn)
            repolish(self)
        return False


# The input shows at least this many lines, and grows with its text up to the maximum.
MIN_LINES = 3
MAX_LINES = 12


class ChatInput(QPlainTextEdit):
    """Multi-line input. With ``send_with_enter`` Enter sends and Shift+Enter starts a new line;
    otherwise Ctrl+Enter sends. Ctrl+Enter always sends.

    Signals:
        send_requested(): the person asked to send.
        images_received(list): attachments pasted or dropped (``Attachment`` objects).
        documents_received(list): paths of documents (not images) pasted or dropped.
        image_refused(str): a pasted or dropped file could not be attached (the sentence why).
    """

    send_requested = Signal()
    images_received = Signal(list)
    documents_received = Signal(list)
    image_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatInput")
        self.setAccessibleName("Message")
        self.send_with_enter = False
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_to_text)
        self.update_placeholder()
        self._fit_to_text()

    def _fit_to_text(self, *_args: object) -> None:
        """Grows with the text from ``MIN_LINES`` to ``MAX_LINES`` lines, then scrolls."""
        lines = int(self.document().documentLayout().documentSize().height())
        shown = max(MIN_LINES, min(MAX_LINES, lines))
        margins = self.contentsMargins()
        frame = 2 * int(self.document().documentMargin()) + margins.top() + margins.bottom()
        height = shown * self.fontMetrics().lineSpacing() + frame + 2 * self.frameWidth()
        if height != self.height():
            self.setFixedHeight(height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_to_text()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_to_text()

    def update_placeholder(self) -> None:
        keys = (
            "Enter to send, Shift+Enter for a new line"
            if self.send_with_enter
            else ("Ctrl+Enter to send")
        )
        self.setPlaceholderText(f"Type a message ({keys}); paste or drop files to attach")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            modifiers = event.modifiers()
            ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
            shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
            if ctrl or (self.send_with_enter and not shift):
                self.send_requested.emit()
                event.accept()
                return
        super().keyPressEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        attachments: list[Attachment] = []
        if source.hasImage():
            image = QImage(source.imageData())
            if not image.isNull():
                self._take(attachments, "pasted image.png", png_bytes(image), "image/png")
        elif source.hasUrls() and all(url.isLocalFile() for url in source.urls()):
            documents = []
            for url in source.urls():
                path = Path(url.toLocalFile())
                if not is_image_name(path.name):
                    documents.append(str(path))
                    continue
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    self.image_refused.emit(f"{path.name} could not be read ({exc.strerror}).")
                    continue
                self._take(attachments, path.name, data, None)
            if documents:
                self.documents_received.emit(documents)
        else:
            super().insertFromMimeData(source)
            return
        if attachments:
            self.images_received.emit(attachments)

    def _take(self, found: list[Attachment], name: str, data: bytes, mime: str | None) -> None:
        try:
            found.append(image_attachment(name, data, mime))
        except UserInputError as exc:
            self.image_refused.emit(str(exc))


class AttachmentStrip(QWidget):
    """Thumbnails of the images that go with the next message, each with a remove button.

    Signals:
        changed(): an image was added or removed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatAttachments")
        self.setAccessibleName("Attached images")
        self._items: list[Attachment] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.hide()

    @property
    def attachments(self) -> list[Attachment]:
        return list(self._items)

    def add(self, attachments: list[Attachment]) -> None:
        for attachment in attachments:
            self._items.append(attachment)
            self._layout.insertWidget(self._layout.count() - 1, self._tile(attachment))
        self.setVisible(bool(self._items))
        self.changed.emit()

    def clear(self) -> None:
        self._items.clear()
        while self._layout.count() > 1:
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.hide()
        self.changed.emit()

    def _tile(self, attachment: Attachment) -> QWidget:
        tile = QWidget(self)
        tile.setObjectName("chatAttachmentTile")
        column = QVBoxLayout(tile)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        picture = QLabel(tile)
        pixmap = QPixmap()
        pixmap.loadFromData(QByteArray(attachment.data))
        picture.setPixmap(
            pixmap.scaled(
                STRIP_THUMB,
                STRIP_THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        picture.setToolTip(f"{attachment.name} · {len(attachment.data) / 1024:.0f} KB")
        remove = QToolButton(tile)
        remove.setText("✕")
        remove.setObjectName("chatAttachmentRemove")
        remove.setAccessibleName(f"Remove {attachment.name}")
        remove.setAutoRaise(True)
        remove.clicked.connect(lambda _checked=False: self._remove(attachment, tile))
        column.addWidget(picture)
        column.addWidget(remove, 0, Qt.AlignmentFlag.AlignHCenter)
        return tile

    def _remove(self, attachment: Attachment, tile: QWidget) -> None:
        if attachment in self._items:
            self._items.remove(attachment)
        tile.deleteLater()
        self.setVisible(bool(self._items))
        self.changed.emit()
