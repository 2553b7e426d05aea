"""The overlay that shows where files can be dropped while a drag hovers over a tab."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.style.icons import icon
from app.ui.style.tokens import ICON, RADIUS, SPACE


class DropZone(QWidget):
    """Covers ``host`` with a dashed, accent-framed area and a sentence while a drag is over it.

    The host keeps handling the drag and drop events; it calls ``show_over()`` when a drag it
    accepts enters and ``hide()`` when it leaves or drops. The zone lets every event through.
    """

    def __init__(self, host: QWidget, text: str, *, purpose: str = "upload") -> None:
        super().__init__(host)
        self.setObjectName(f"{host.objectName() or 'view'}DropZone")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._host = host
        picture = QLabel(self)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setPixmap(
            icon(purpose, "accent").pixmap(QSize(ICON["xl"], ICON["xl"]), self.devicePixelRatioF())
        )
        self.label = QLabel(text, self)
        self.label.setObjectName(f"{self.objectName()}Text")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(picture)
        layout.addWidget(self.label)
        layout.addStretch(1)
        host.installEventFilter(self)
        self.hide()

    def drag_entered(self, event: QDragEnterEvent) -> None:
        """Show the zone while local files are dragged over the host; refuse anything else."""
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()
            self.show_over()
        else:
            event.ignore()

    def dropped_files(self, event: QDropEvent) -> list[str]:
        """Hide the zone and take the local files of a drop (accepted when there are any)."""
        self.hide()
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
        return paths

    def show_over(self) -> None:
        self.setGeometry(self._host.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._host.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        backdrop = QColor(palette.color(QPalette.ColorRole.Window))
        backdrop.setAlpha(225)
        accent = palette.color(QPalette.ColorRole.Accent)
        wash = QColor(accent)
        wash.setAlpha(28)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), backdrop)
        margin = SPACE["xl"]
        area = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        pen = QPen(accent, 2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(wash)
        painter.drawRoundedRect(area, RADIUS["l"], RADIUS["l"])
        painter.end()
