"""The Assistants window: the library list, the editor, and Start chat.

View ▸ Assistants… (Ctrl+Shift+A). Edits are saved with Save (Ctrl+S) and, so that nothing
typed is lost, when another assistant is picked or the window closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.storage.assistants import Assistant, AssistantFileError
from app.ui.assistants.editor import AssistantEditor
from app.ui.asyncutils import async_slot
from app.ui.message_bar import MessageBar
from app.ui.style.controls import decorate
from app.ui.style.tokens import SPACE

if TYPE_CHECKING:
    from app.services.context import Services

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole + 1
LIST_WIDTH = 340


class AssistantLibraryWindow(QWidget):
    """Signals:
    conversation_started(int): a conversation was made from an assistant (its id).
    """

    conversation_started = Signal(int)

    def __init__(
        self,
        services: Services,
        *,
        chat_models: Callable[[], list[str]] | None = None,
        default_model: Callable[[], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self._chat_models = chat_models or (lambda: [])
        self._default_model = default_model or (lambda: "")
        self.assistants: list[Assistant] = []
        self.dirty = False
        self.setObjectName("assistantsLibrary")
        self.setWindowTitle("Assistants")
        self.setAccessibleName("Assistants")
        self.resize(900, 620)
        self.message_bar = MessageBar(self)

        self.list = QListWidget(self)
        self.list.setObjectName("assistantList")
        self.list.setAccessibleName("Assistants")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(SPACE["xs"])
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.list.itemActivated.connect(lambda _item: self.start_chat())
        self.editor = AssistantEditor(self)
        self.editor.changed.connect(self._on_editor_changed)

        self.start_button = self._button("Start chat", "assistantStartChat", "chat", primary=True)
        self.start_button.setToolTip("A new conversation with this assistant (Enter)")
        self.save_button = self._button("Save", "assistantSave", "save")
        self.save_button.setToolTip("Save the changes (Ctrl+S)")
        new_button = self._button("New", "assistantNew", "add")
        duplicate_button = self._button("Duplicate", "assistantDuplicate", "copy")
        delete_button = self._button("Delete", "assistantDelete", "delete")
        self.more_button = QToolButton(self)
        self.more_button.setObjectName("assistantMore")
        self.more_button.setText("Import or export")
        decorate(self.more_button, "more", icon_only=True)
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more_button)
        for text, name, slot in (
            ("Import JSON…", "assistantImport", self.ask_import),
            ("Export this assistant…", "assistantExport", self.ask_export_current),
            ("Export all to one file…", "assistantExportAll", self.ask_export_all),
            ("Export all, one file each…", "assistantExportEach", self.ask_export_each),
            ("Add the starter assistants", "assistantAddStarters", self.add_starters),
        ):
            action = menu.addAction(text)
            action.setObjectName(name)
            action.triggered.connect(lambda _checked=False, s=slot: s())
        self.more_button.setMenu(menu)
        self.start_button.clicked.connect(self.start_chat)
        self.save_button.clicked.connect(self.save)
        new_button.clicked.connect(self.new_assistant)
        duplicate_button.clicked.connect(self.duplicate)
        delete_button.clicked.connect(self.delete)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_buttons = QHBoxLayout()
        for button in (new_button, duplicate_button, delete_button):
            left_buttons.addWidget(button)
        left_buttons.addStretch(1)
        left_buttons.addWidget(self.more_button)
        left_layout.addLayout(left_buttons)
        left_layout.addWidget(self.list, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editor, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        actions.addWidget(self.start_button)
        right_layout.addLayout(actions)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([LIST_WIDTH, 2 * LIST_WIDTH])
        root = QVBoxLayout(self)
        root.setContentsMargins(SPACE["xl"], SPACE["l"], SPACE["xl"], SPACE["l"])
        root.addWidget(self.message_bar)
        root.addWidget(splitter, 1)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_assistant)
        self._update_buttons()

    def _button(self, text: str, name: str, purpose: str, *, primary: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        decorate(button, purpose, primary=primary)
        return button

    # -- the list --------------------------------------------------------------------------

    @property
    def current(self) -> Assistant | None:
        return self.editor.assistant

    @async_slot
    async def reload(self, select: str | None = None) -> None:
        """Read the library and show it, keeping (or moving to) the selection."""
        self.editor.set_models(self._chat_models())
        assistants = await self.services.runner.run(self.services.assistants.all)
        self.show_assistants(assistants, select or (self.current.id if self.current else None))

    def show_assistants(self, assistants: list[Assistant], select: str | None) -> None:
        self.assistants = assistants
        self.list.blockSignals(True)
        try:
            self.list.clear()
            chosen = None
            for assistant in assistants:
                item = QListWidgetItem(f"{assistant.label}\n{assistant.description}".strip())
                item.setData(ID_ROLE, assistant.id)
                item.setToolTip(assistant.description)
                self.list.addItem(item)
                if assistant.id == select:
                    chosen = item
            chosen = chosen or self.list.item(0)
            if chosen is not None:
                self.list.setCurrentItem(chosen)
        finally:
            self.list.blockSignals(False)
        if not self.dirty:
            self.editor.load(self._assistant_of(chosen) if chosen is not None else None)
        self._update_buttons()

    def _assistant_of(self, item: QListWidgetItem | None) -> Assistant | None:
        wanted = item.data(ID_ROLE) if item is not None else None
        return next((a for a in self.assistants if a.id == wanted), None)

    def _on_list_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        self._save_pending()
        self.editor.load(self._assistant_of(current))
        self._update_buttons()

    def _on_editor_changed(self) -> None:
        self.dirty = True
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.current is not None
        self.start_button.setEnabled(has)
        self.save_button.setEnabled(has and self.dirty)
        for name in ("assistantDuplicate", "assistantDelete"):
            button = self.findChild(QPushButton, name)
            if button is not None:
                button.setEnabled(has and bool(self.current and self.current.id))

    # -- changes ---------------------------------------------------------------------------

    def _save_pending(self) -> None:
        """Keep what was typed before the form shows something else."""
        if self.dirty and self.current is not None:
            edited = self.editor.edited()
            if edited is not None and edited.name:
                self.services.assistants.save(edited)
        self.dirty = False

    @async_slot
    async def save(self) -> None:
        edited = self.editor.edited()
        if edited is None:
            return
        if not edited.name:
            self.message_bar.show_error("An assistant needs a name.")
            self.editor.name.setFocus()
            return
        saved = await self.services.runner.run(self.services.assistants.save, edited)
        self.dirty = False
        self.editor.assistant = saved
        await self.reload(saved.id)
        self.message_bar.show_info(f"Saved {saved.label}.")

    def new_assistant(self) -> None:
        self._save_pending()
        self.list.clearSelection()
        self.editor.load(Assistant(name="New assistant", icon="🤖"))
        self.dirty = True
        self._update_buttons()
        self.editor.name.setFocus()
        self.editor.name.selectAll()

    @async_slot
    async def duplicate(self) -> None:
        if self.current is None or not self.current.id:
            return
        self._save_pending()
        copy = await self.services.runner.run(self.services.assistants.duplicate, self.current.id)
        if copy is not None:
            await self.reload(copy.id)

    @async_slot
    async def delete(self) -> None:
        assistant = self.current
        if assistant is None or not assistant.id:
            return
        self.dirty = False
        await self.services.runner.run(self.services.assistants.delete, assistant.id)
        self.editor.load(None)
        await self.reload()
        self.message_bar.show_notice(
            f"Deleted {assistant.label}.", action_text="Undo", action=lambda: self._undo(assistant)
        )

    @async_slot
    async def _undo(self, assistant: Assistant) -> None:
        restored = await self.services.runner.run(self.services.assistants.save, assistant)
        await self.reload(restored.id)

    @async_slot
    async def add_starters(self) -> None:
        added = await self.services.runner.run(self.services.assistants.add_starters)
        await self.reload(added[0].id if added else None)
        self.message_bar.show_info(
            f"Added {len(added)} starter assistants." if added else "Every starter is there."
        )

    # -- starting a chat -------------------------------------------------------------------

    @async_slot
    async def start_chat(self) -> None:
        self._save_pending()
        assistant = self.current
        if assistant is None:
            return
        if not assistant.id:  # a new one not saved yet
            assistant = await self.services.runner.run(self.services.assistants.save, assistant)
        conversation = await self.services.runner.run(
            self.services.assistants.start_conversation, assistant, self._default_model()
        )
        self.conversation_started.emit(conversation.id)

    # -- files -----------------------------------------------------------------------------

    def _file_dialog(
        self, title: str, name: str, *, save: bool, folder: bool = False
    ) -> QFileDialog:
        dialog = QFileDialog(self, title, str(Path.home() / name))
        dialog.setObjectName("assistantFileDialog")
        if folder:
            dialog.setFileMode(QFileDialog.FileMode.Directory)
        elif save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("json")
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter("Assistants (*.json)")
        return dialog

    def ask_import(self) -> None:
        dialog = self._file_dialog("Import assistants", "", save=False)
        dialog.filesSelected.connect(lambda paths: self.import_files([Path(p) for p in paths]))
        dialog.open()

    def ask_export_current(self) -> None:
        if self.current is None:
            return
        from app.services.assistants import file_name_for

        chosen = [self.current]
        dialog = self._file_dialog("Export assistant", file_name_for(self.current), save=True)
        dialog.fileSelected.connect(lambda path: self.export_to(chosen, Path(path)))
        dialog.open()

    def ask_export_all(self) -> None:
        dialog = self._file_dialog("Export all assistants", "assistants.json", save=True)
        dialog.fileSelected.connect(lambda path: self.export_to(list(self.assistants), Path(path)))
        dialog.open()

    def ask_export_each(self) -> None:
        dialog = self._file_dialog("Export one file each into", "", save=True, folder=True)
        dialog.fileSelected.connect(lambda path: self.export_each(Path(path)))
        dialog.open()

    @async_slot
    async def import_files(self, paths: list[Path]) -> None:
        try:
            added = await self.services.runner.run(self.services.assistants.import_files, paths)
        except AssistantFileError as exc:
            self.message_bar.show_error(str(exc))
            return
        await self.reload(added[0].id)
        names = ", ".join(a.label for a in added[:3]) + ("…" if len(added) > 3 else "")
        self.message_bar.show_info(f"Imported {len(added)}: {names}.")

    @async_slot
    async def export_to(self, assistants: list[Assistant], path: Path) -> None:
        written = await self.services.runner.run(
            self.services.assistants.export_file, assistants, path
        )
        self.message_bar.show_info(f"Exported {len(assistants)} to {written}.")

    @async_slot
    async def export_each(self, folder: Path) -> None:
        written = await self.services.runner.run(
            self.services.assistants.export_each, list(self.assistants), folder
        )
        self.message_bar.show_info(f"Exported {len(written)} files to {folder}.")

    def closeEvent(self, event: QCloseEvent) -> None:
        try:
            self._save_pending()
        except (OSError, AssistantFileError) as exc:
            log.warning("assistant edits could not be saved on close: %s", exc)
        super().closeEvent(event)
