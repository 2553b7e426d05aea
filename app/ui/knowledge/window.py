"""The Knowledge window: create and delete knowledge bases, add documents and folders, watch
indexing, remove documents, switch vector search on, and try a search.

Opened from View ▸ Knowledge bases… (Ctrl+Shift+K). Everything it shows comes from
``KnowledgeService``; indexing, embedding and searching run on the services' worker pool (the
first two with a progress bar and a Cancel button), so the window stays responsive while a
folder of PDFs is read or the provider is asked for vectors.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import describe
from app.services.context import Services
from app.services.documents import format_size
from app.services.knowledge import (
    DEFAULT_EMBEDDING_MODEL,
    AddReport,
    EmbeddingCancelled,
    citation_label,
)
from app.services.stream_bridge import LoopCallback
from app.storage.knowledge_store import KnowledgeError
from app.ui.asyncutils import (
    ask_open_file_names,
    ask_question,
    async_slot,
    await_dialog,
    tied_to,
)
from app.ui.style.tokens import SPACE

log = logging.getLogger(__name__)

DOCUMENT_COLUMNS = ("Document", "Pages", "Passages", "Size")
DOCUMENT_FILTER = (
    "Documents (*.pdf *.docx *.txt *.md *.markdown *.csv *.tsv *.html *.htm *.py *.js *.ts "
    "*.json *.yaml *.yml *.toml *.c *.cpp *.h *.java *.go *.rs *.rb *.sh *.sql);;All files (*)"
)


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str, accessible: str) -> W:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class KnowledgeWindow(QWidget):
    """A top-level window over the knowledge bases (one per main window)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self.setObjectName("knowledgeWindow")
        self.setWindowTitle("Knowledge bases")
        self.resize(820, 520)
        self._cancel: threading.Event | None = None
        self._build()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(self._on_escape)
        self.refresh()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.name_edit = _named(QLineEdit(), "knowledgeName", "New knowledge base name")
        self.name_edit.setPlaceholderText("New knowledge base name")
        self.create_button = _named(QPushButton("Create"), "knowledgeCreate", "Create")
        self.bases = _named(QListWidget(), "knowledgeBases", "Knowledge bases")
        self.delete_button = _named(
            QPushButton("Delete…"), "knowledgeDelete", "Delete the knowledge base"
        )
        self.vectors = _named(
            QCheckBox("Vector search with"), "knowledgeVectors", "Vector search with embeddings"
        )
        self.vectors.setToolTip(
            "Joins a meaning-based score from the provider's /v1/embeddings to the keyword "
            "search. Switching it on sends every passage to the provider once (a paid request)."
        )
        self.embedding_model = _named(
            QLineEdit(), "knowledgeEmbeddingModel", "Embedding model for vector search"
        )
        self.embedding_model.setPlaceholderText(DEFAULT_EMBEDDING_MODEL)
        self.embedding_model.setMaximumWidth(300)
        self.add_files_button = _named(QPushButton("Add files…"), "knowledgeAddFiles", "Add files")
        self.add_folder_button = _named(
            QPushButton("Add folder…"), "knowledgeAddFolder", "Add folder"
        )
        self.remove_button = _named(QPushButton("Remove"), "knowledgeRemove", "Remove document")
        self.documents = _named(
            QTableWidget(0, len(DOCUMENT_COLUMNS)), "knowledgeDocuments", "Documents"
        )
        self.documents.setHorizontalHeaderLabels(DOCUMENT_COLUMNS)
        self.documents.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.documents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.documents.verticalHeader().setVisible(False)
        header = self.documents.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.progress = _named(QProgressBar(), "knowledgeProgress", "Indexing progress")
        self.progress.setVisible(False)
        self.cancel_button = _named(QPushButton("Cancel"), "knowledgeCancel", "Cancel indexing")
        self.cancel_button.setVisible(False)
        self.status = _named(QLabel(""), "knowledgeStatus", "Status")
        self.status.setWordWrap(True)
        self.query = _named(QLineEdit(), "knowledgeQuery", "Search this knowledge base")
        self.query.setPlaceholderText("Search this knowledge base…")
        self.results = _named(QListWidget(), "knowledgeResults", "Search results")
        self.results.setWordWrap(True)

        left = QVBoxLayout()
        create_row = QHBoxLayout()
        create_row.addWidget(self.name_edit, 1)
        create_row.addWidget(self.create_button)
        left.addLayout(create_row)
        left.addWidget(self.bases, 1)
        left.addWidget(self.delete_button)
        left_box = QWidget()
        left_box.setLayout(left)

        right = QVBoxLayout()
        buttons = QHBoxLayout()
        for button in (self.add_files_button, self.add_folder_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        vector_row = QHBoxLayout()
        vector_row.addWidget(self.vectors)
        vector_row.addWidget(self.embedding_model, 1)
        vector_row.addStretch(1)
        right.addLayout(vector_row)
        right.addWidget(self.documents, 2)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        right.addLayout(progress_row)
        right.addWidget(self.status)
        right.addWidget(self.query)
        right.addWidget(self.results, 1)
        right_box = QWidget()
        right_box.setLayout(right)

        splitter = QSplitter()
        splitter.addWidget(left_box)
        splitter.addWidget(right_box)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE["l"], SPACE["l"], SPACE["l"], SPACE["l"])
        layout.addWidget(splitter)

        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.name_edit.returnPressed.connect(self._on_create_button_clicked)
        self.bases.currentItemChanged.connect(self._on_bases_current_item_changed)
        self.add_files_button.clicked.connect(self._on_add_files_button_clicked)
        self.add_folder_button.clicked.connect(self._on_add_folder_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.query.returnPressed.connect(self._on_query_return_pressed)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.vectors.toggled.connect(self._on_vectors_toggled)

    # -- what is shown -----------------------------------------------------------------------

    def current_base(self) -> str | None:
        item = self.bases.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def refresh(self, select: str | None = None) -> None:
        """List the knowledge bases again, keeping (or moving to) the selected one."""
        chosen = select or self.current_base()
        self.bases.blockSignals(True)
        self.bases.clear()
        for base in self.services.knowledge.bases():
            vectors = " · vector search" if base.embedding_model else ""
            item = QListWidgetItem(
                f"{base.name}\n{base.documents} documents · {base.chunks} passages{vectors}"
            )
            item.setData(Qt.ItemDataRole.UserRole, base.name)
            self.bases.addItem(item)
            if base.name.lower() == (chosen or "").lower():
                self.bases.setCurrentItem(item)
        if self.bases.currentItem() is None and self.bases.count():
            self.bases.setCurrentRow(0)
        self.bases.blockSignals(False)
        self._show_documents()

    def _show_documents(self) -> None:
        name = self.current_base()
        self.documents.setRowCount(0)
        has_base = name is not None
        busy = self._cancel is not None
        for widget in (
            self.add_files_button,
            self.add_folder_button,
            self.remove_button,
            self.delete_button,
            self.vectors,
            self.embedding_model,
        ):
            widget.setEnabled(has_base and not busy)
        self.query.setEnabled(has_base)
        store = self.services.knowledge.store
        base = store.get(name) if name is not None else None
        self._show_vectors(base.embedding_model if base is not None else None)
        if base is None:
            self.status.setText("Create a knowledge base, then add documents or a folder to it.")
            return
        for document in store.documents(base):
            row = self.documents.rowCount()
            self.documents.insertRow(row)
            values = (
                document.name,
                "" if document.pages is None else str(document.pages),
                str(document.chunks),
                format_size(document.size),
            )
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, document.path)
                cell.setToolTip(document.path)
                self.documents.setItem(row, column, cell)
        if not busy and not self.documents.rowCount():
            self.status.setText("No documents yet: add files or a folder.")

    # -- slots -------------------------------------------------------------------------------

    def _on_create_button_clicked(self) -> None:
        name = self.name_edit.text()
        try:
            base = self.services.knowledge.create(name)
        except KnowledgeError as exc:
            self.status.setText(describe(exc))
            return
        self.name_edit.clear()
        self.refresh(select=base.name)

    def _on_bases_current_item_changed(self, *_: object) -> None:
        self.results.clear()
        self._show_documents()

    def _on_add_files_button_clicked(self) -> None:
        self._pick_files()

    def _on_add_folder_button_clicked(self) -> None:
        self._pick_folder()

    def _on_remove_button_clicked(self) -> None:
        name = self.current_base()
        rows = sorted({index.row() for index in self.documents.selectedIndexes()})
        if name is None or not rows:
            self.status.setText("Select the documents to remove first.")
            return
        items = [self.documents.item(row, 0) for row in rows]
        paths = [item.data(Qt.ItemDataRole.UserRole) for item in items if item is not None]
        for path in paths:
            self.services.knowledge.remove(name, path)
        self.status.setText(f"Removed {len(paths)} document{'s' if len(paths) != 1 else ''}.")
        self.refresh()

    def _on_cancel_button_clicked(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.status.setText("Cancelling after the current step…")

    def _on_escape(self) -> None:
        if self._cancel is not None:
            self._on_cancel_button_clicked()
        else:
            self.close()

    @async_slot
    async def _on_query_return_pressed(self) -> None:
        name = self.current_base()
        self.results.clear()
        if name is None or not self.query.text().strip():
            return
        self.results.addItem("Searching…")
        try:
            passages = await self.services.runner.run(
                self.services.knowledge.search, name, self.query.text(), 8
            )
        except Exception as exc:  # the provider's embeddings, or the store: one sentence
            self.results.clear()
            self.status.setText(describe(exc))
            return
        self.results.clear()
        if not passages:
            self.results.addItem("Nothing in this knowledge base matches.")
        for number, passage in enumerate(passages, start=1):
            snippet = " ".join(passage.text.split())
            item = QListWidgetItem(f"[{number}] {citation_label(passage)}\n{snippet[:300]}")
            item.setToolTip(passage.text)
            self.results.addItem(item)

    @async_slot
    async def _on_delete_button_clicked(self) -> None:
        name = self.current_base()
        if name is None:
            return
        answer = await ask_question(
            self,
            "Delete knowledge base",
            f'Delete the knowledge base "{name}" and its index? The documents themselves '
            "are not touched; conversations that used it keep their replies and sources.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.services.knowledge.delete(name)
        self.results.clear()
        self.refresh()
        self.status.setText(f'Deleted the knowledge base "{name}".')

    # -- vector search -----------------------------------------------------------------------

    def _show_vectors(self, model: str | None) -> None:
        """The vector switch as the knowledge base has it (``model`` when it is on)."""
        self.vectors.blockSignals(True)
        self.vectors.setChecked(bool(model))
        self.vectors.blockSignals(False)
        if model:
            self.embedding_model.setText(model)
        self.embedding_model.setReadOnly(bool(model))

    @async_slot
    async def _on_vectors_toggled(self, on: bool) -> None:
        name = self.current_base()
        if name is None or self._cancel is not None:
            return
        if not on:
            await self.services.runner.run(self.services.knowledge.use_embeddings, name, None)
            self.refresh()
            self.status.setText("Vector search is off; searches use the keywords alone.")
            return
        await self.switch_vectors_on(name, self.embedding_model.text().strip())

    async def switch_vectors_on(self, name: str, model: str) -> bool:
        """Embed every passage of ``name`` with ``model`` (the default when empty), with
        progress and Cancel; on failure or cancel vector search stays off."""
        model = model or DEFAULT_EMBEDDING_MODEL
        failure = ""
        with self._busy(self._show_embedding_progress) as (cancel, progress):
            self.status.setText(f"Asking {model} for the vectors of every passage…")
            try:
                await self.services.runner.run(
                    self.services.knowledge.use_embeddings,
                    name,
                    model,
                    progress=progress,
                    cancelled=cancel,
                )
            except EmbeddingCancelled as exc:
                failure = str(exc)
            except Exception as exc:
                failure = f"Vector search stays off: {describe(exc)}"
        self.refresh()
        self.status.setText(
            failure or f"Vector search is on with {model}: searches join meaning to keywords."
        )
        return not failure

    def _show_embedding_progress(self, done: int, total: int) -> None:
        if self._cancel is None:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(f"Embedding passages: {done} of {total}…")

    # -- adding ------------------------------------------------------------------------------

    @async_slot
    async def _pick_files(self) -> None:
        files = await ask_open_file_names(self, "Add documents", str(Path.home()), DOCUMENT_FILTER)
        if files:
            await self.add_paths(files)

    @async_slot
    async def _pick_folder(self) -> None:
        dialog = QFileDialog(self, "Add a folder", str(Path.home()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        accepted = await await_dialog(dialog) == QFileDialog.DialogCode.Accepted.value
        chosen = dialog.selectedFiles() if accepted else []
        dialog.deleteLater()
        if chosen:
            await self.add_paths(chosen[:1])

    async def add_paths(self, paths: list[str]) -> AddReport | None:
        """Index ``paths`` into the selected knowledge base, with progress and Cancel."""
        name = self.current_base()
        if name is None or self._cancel is not None:
            return None
        with self._busy(self._show_progress) as (cancel, progress):
            report = await self.services.runner.run(
                self.services.knowledge.add, name, paths, progress=progress, cancelled=cancel
            )
        self.refresh()
        self.status.setText(self._summary(report, cancelled=cancel.is_set()))
        return report

    @contextmanager
    def _busy(self, report: Callable[..., None]) -> Iterator[tuple[threading.Event, LoopCallback]]:
        """Progress bar and Cancel shown, the buttons off, while a step runs on a worker;
        yields its cancel event and a progress callback that ``report``s on the UI thread."""
        cancel = self._cancel = threading.Event()
        progress = tied_to(self, report)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self._show_documents()
        try:
            yield cancel, progress
        finally:
            progress.close()
            self._cancel = None
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)

    def _show_progress(self, file_name: str, done: int, total: int) -> None:
        if self._cancel is None:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if file_name:
            self.status.setText(f"Indexing {file_name} ({done + 1} of {total})…")

    @staticmethod
    def _summary(report: AddReport, *, cancelled: bool) -> str:
        words = [f"Indexed {report.documents} document{'s' if report.documents != 1 else ''}"]
        words.append(f"({report.chunks} passages)")
        text = " ".join(words) + (", then cancelled." if cancelled else ".")
        if report.problems:
            text += " Skipped: " + " ".join(report.problems)
        return text
