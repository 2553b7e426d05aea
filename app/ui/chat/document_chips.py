"""The documents waiting to go with the next message: one chip each (name, pages, size,
tokens, and "too big … will use retrieval" when it is), the "send text / send file" choice
for PDFs, and the progress of a file being read with its Cancel.

Reading runs ``documents.extract`` on the services' worker pool; progress comes back to the
UI thread through the event loop. A file that cannot be used is one sentence given to
``on_problem``; nothing typed in the input is touched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.attachments import DEFAULT_CONTEXT_TOKENS
from app.services.documents import DocumentError, ExtractionCancelled, extract
from app.services.message_documents import SEND_FILE, SEND_TEXT, MessageDocument, summary
from app.ui.asyncutils import tied_to
from app.ui.style.icons import icon
from app.ui.style.tokens import ICON
from app.ui.widgets.flow_layout import wrapping_row

if TYPE_CHECKING:
    from app.services.runner import Runner

SEND_CHOICES = (("Send text", SEND_TEXT), ("Send file (PDF)", SEND_FILE))


class DocumentChip(QFrame):
    """One attached document; Delete or Backspace removes it when it has the focus.

    Signals:
        remove_requested(): the ✕ was clicked or Delete pressed.
    """

    remove_requested = Signal()

    def __init__(self, document: MessageDocument, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.setObjectName("chatDocumentChip")
        self.setProperty("surface", "chip")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(text)
        self.setToolTip(f"{text}\nDelete removes it")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 2, 2)
        row.setSpacing(4)
        self.picture = picture = QLabel(self)
        self._draw_icon()
        self.label = QLabel(text, self)
        self.label.setObjectName("chatDocumentLabel")
        remove = QToolButton(self)
        remove.setObjectName("chatDocumentRemove")
        remove.setText("✕")
        remove.setAccessibleName(f"Remove {document.name}")
        remove.setAutoRaise(True)
        remove.clicked.connect(self.remove_requested)
        row.addWidget(picture)
        row.addWidget(self.label)
        row.addWidget(remove)

    def _draw_icon(self) -> None:
        self.picture.setPixmap(icon("document").pixmap(QSize(ICON["s"], ICON["s"])))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._draw_icon()  # in the colours of the theme now shown

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class DocumentTray(QWidget):
    """Chips of the documents for the next message, the send choice, and reading progress.

    Signals:
        changed(): a document was added or removed, or the send choice changed.
    """

    changed = Signal()

    def __init__(
        self,
        runner: Runner,
        on_problem: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chatDocuments")
        self.setAccessibleName("Attached documents")
        self.runner = runner
        self.on_problem = on_problem
        self.budget_tokens = DEFAULT_CONTEXT_TOKENS
        self._chips: list[DocumentChip] = []
        self._cancel: threading.Event | None = None

        self.send_choice = QComboBox(self)
        self.send_choice.setObjectName("chatDocumentSend")
        self.send_choice.setAccessibleName("How PDFs are sent")
        self.send_choice.setToolTip(
            "Send the text read from each PDF, or the PDF file itself (for models that read PDFs)"
        )
        for label, value in SEND_CHOICES:
            self.send_choice.addItem(label, value)
        self.send_choice.currentIndexChanged.connect(self._on_send_choice_changed)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("chatDocumentProgress")
        self.progress.setAccessibleName("Reading progress")
        self.progress.setFixedWidth(120)
        self.status = QLabel(self)
        self.status.setObjectName("chatDocumentStatus")
        self.status.setProperty("role", "hint")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("chatDocumentCancel")
        self.cancel_button.setAccessibleName("Cancel reading the file")
        self.cancel_button.clicked.connect(self.cancel)

        chip_area, self._chip_row = wrapping_row(self)
        chip_area.setObjectName("chatDocumentChips")
        self._chip_row.addWidget(self.send_choice)
        reading = QHBoxLayout()
        reading.setContentsMargins(0, 0, 0, 0)
        reading.addWidget(self.status, 1)
        reading.addWidget(self.progress)
        reading.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(chip_area)
        column.addLayout(reading)
        self._show_reading(False)
        self._update()

    # -- what goes with the message ---------------------------------------------------------

    @property
    def send_mode(self) -> str:
        return str(self.send_choice.currentData() or SEND_TEXT)

    @property
    def documents(self) -> list[MessageDocument]:
        """The attached documents, each with the chosen way of sending it."""
        mode = self.send_mode
        for chip in self._chips:
            chip.document.send = mode if chip.document.can_send_file else SEND_TEXT
        return [chip.document for chip in self._chips]

    @property
    def reading(self) -> bool:
        return self._cancel is not None

    def chips(self) -> list[DocumentChip]:
        return list(self._chips)

    def add(self, document: MessageDocument) -> None:
        if document.send == SEND_FILE and document.can_send_file:
            self.send_choice.setCurrentIndex(1)
        chip = DocumentChip(document, self._chip_text(document), self)
        chip.remove_requested.connect(lambda: self.remove(chip))
        self._chips.append(chip)
        self._chip_row.insertWidget(len(self._chips) - 1, chip)
        self._update()
        self.changed.emit()

    def remove(self, chip: DocumentChip) -> None:
        if chip not in self._chips:
            return
        position = self._chips.index(chip)
        self._chips.remove(chip)
        had_focus = chip.hasFocus()
        chip.hide()
        chip.deleteLater()
        if had_focus and self._chips:
            self._chips[min(position, len(self._chips) - 1)].setFocus()
        elif had_focus:
            self.focusNextChild()
        self._update()
        self.changed.emit()

    def clear(self) -> None:
        for chip in list(self._chips):
            self._chips.remove(chip)
            chip.hide()
            chip.deleteLater()
        self.send_choice.setCurrentIndex(0)
        self._update()
        self.changed.emit()

    def set_budget(self, tokens: int) -> None:
        """The model's context in tokens: a document over it is marked for retrieval."""
        self.budget_tokens = tokens
        for chip in self._chips:
            text = self._chip_text(chip.document)
            chip.label.setText(text)
            chip.setAccessibleName(text)

    def _chip_text(self, document: MessageDocument) -> str:
        shown = MessageDocument(
            document.name,
            document.kind,
            document.size,
            document.pages,
            document.data,
            self.send_mode if document.can_send_file else SEND_TEXT,
        )
        return summary(shown, self.budget_tokens)

    def _on_send_choice_changed(self, _index: int) -> None:
        self.set_budget(self.budget_tokens)
        self.changed.emit()

    def _update(self) -> None:
        self.send_choice.setVisible(any(chip.document.can_send_file for chip in self._chips))
        self.setVisible(bool(self._chips) or self.reading)

    # -- reading files ----------------------------------------------------------------------

    async def read(self, paths: list[str]) -> int:
        """Read each file off the UI thread, with progress and Cancel, and add a chip for
        each that can be used; returns how many were added."""
        added = 0
        for path in paths:
            if self.reading:
                self.on_problem("A file is still being read; wait for it or cancel it first.")
                return added
            document = await self._read_one(Path(path))
            if document is None:
                if self._cancelled_all:
                    break
                continue
            self.add(document)
            added += 1
        return added

    async def _read_one(self, path: Path) -> MessageDocument | None:
        cancel = self._cancel = threading.Event()
        self._cancelled_all = False
        self.status.setText(f"Reading {path.name}…")
        self.progress.setRange(0, 0)
        self._show_reading(True)
        progress = tied_to(self, lambda done, total: self._show_progress(path.name, done, total))
        try:
            extracted = await self.runner.run(extract, path, progress=progress, cancelled=cancel)
        except ExtractionCancelled:
            self._cancelled_all = True
            return None
        except DocumentError as exc:
            self.on_problem(str(exc))
            return None
        finally:
            progress.close()
            self._cancel = None
            self._show_reading(False)
        if cancel.is_set():
            self._cancelled_all = True
            return None
        return MessageDocument.from_extracted(extracted)

    _cancelled_all = False

    def cancel(self) -> None:
        """Stop reading the file (and the ones after it)."""
        if self._cancel is not None:
            self._cancel.set()

    def _show_progress(self, name: str, done: int, total: int) -> None:
        if self._cancel is None:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"Reading {name}… page {min(done + 1, total)} of {total}")

    def _show_reading(self, on: bool) -> None:
        for widget in (self.progress, self.status, self.cancel_button):
            widget.setVisible(on)
        self._update()
