"""The passage behind a citation mark of a reply, shown in a small popup where it was clicked."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.services.message_documents import Source

POPUP_WIDTH = 460


def citation_tip(source: Source, limit: int = 600) -> str:
    """The tooltip of a citation: where the passage is from, and its start."""
    text = " ".join(source.text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return f"[{source.number}] {source.label}\n\n{text}"


class CitationPopup(QFrame):
    """A popup with a source's label and its passage; Esc or a click elsewhere closes it."""

    def __init__(self, source: Source, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("chatCitationPopup")
        self.setProperty("surface", "card")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setAccessibleName(f"Source {source.number}: {source.label}")
        column = QVBoxLayout(self)
        title = QLabel(f"<b>[{source.number}] {source.label}</b>", self)
        title.setObjectName("chatCitationTitle")
        title.setTextFormat(Qt.TextFormat.RichText)
        passage = QLabel(source.text, self)
        passage.setObjectName("chatCitationText")
        passage.setTextFormat(Qt.TextFormat.PlainText)
        passage.setWordWrap(True)
        passage.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(title)
        column.addWidget(passage)
        self.setFixedWidth(POPUP_WIDTH)

    def show_at(self, point: QPoint) -> None:
        self.adjustSize()
        self.move(point)
        self.show()
