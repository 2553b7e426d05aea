"""Export of the open conversation to Markdown or JSON, and import of such JSON."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QWidget

from app.errors import UserInputError
from app.services.chat_history import EXPORT_SUFFIXES as SUFFIXES
from app.ui.asyncutils import ask_open_file_names, ask_save_file_name, start_task

if TYPE_CHECKING:
    from app.services.chat_history import ChatHistory, Conversation
    from app.services.runner import Runner
    from app.ui.message_bar import MessageBar

log = logging.getLogger(__name__)

FILTERS = {"markdown": "Markdown (*.md)", "json": "JSON (*.json)"}


def file_stem(title: str) -> str:
    stem = re.sub(r"[^\w\- ]+", "", title).strip().replace(" ", "-")
    return stem[:60] or "conversation"


class FilesServices(Protocol):
    """The one service conversation files use: the worker pool."""

    runner: Runner


class ConversationHost(Protocol):
    """What ``ConversationFiles`` needs of the chat tab it works for (``ChatTab`` is one)."""

    @property
    def conversation(self) -> Conversation | None: ...

    @property
    def history(self) -> ChatHistory: ...

    @property
    def services(self) -> FilesServices: ...

    @property
    def message_bar(self) -> MessageBar: ...

    def refresh_conversations(self, *, leave_search: bool = False) -> None: ...

    def open_conversation(self, conversation_id: int) -> Awaitable[object]: ...


class ConversationFiles:
    """Writes and reads conversation files for one chat tab (all file work off the UI
    thread, every write atomic)."""

    def __init__(self, tab: ConversationHost) -> None:
        assert isinstance(tab, QWidget), "the tab is a widget: the file dialogs open on it"
        self.widget: QWidget = tab
        self.tab: ConversationHost = tab

    def export_current(self, fmt: str) -> None:
        start_task(self._export_with_dialog(fmt), owner=self.widget, name="export conversation")

    def import_with_dialog(self) -> None:
        start_task(self._import_with_dialog(), owner=self.widget, name="import conversation")

    async def _export_with_dialog(self, fmt: str) -> None:
        conversation = self.tab.conversation
        if conversation is None:
            self.tab.message_bar.show_notice("Open or start a conversation to export it.")
            return
        suggested = file_stem(conversation.title) + SUFFIXES[fmt]
        path = await ask_save_file_name(self.widget, "Export conversation", suggested, FILTERS[fmt])
        if path:
            await self.export_to(Path(path), fmt)

    async def export_to(self, path: Path, fmt: str) -> Path:
        """Write the open conversation to ``path`` as "markdown" or "json"."""
        conversation = self.tab.conversation
        if conversation is None:
            raise ValueError("no conversation is open")
        history = self.tab.history
        path = await self.tab.services.runner.run(history.export_to, conversation.id, path, fmt)
        self.tab.message_bar.show_info(f"Conversation exported to {path}.")
        return path

    async def _import_with_dialog(self) -> None:
        paths = await ask_open_file_names(self.widget, "Import conversation", "", FILTERS["json"])
        if paths:
            await self.import_from(Path(paths[0]))

    async def import_from(self, path: Path) -> int | None:
        """Read an exported JSON file as a new conversation and open it; returns its id."""
        try:
            conversation_id = await self.tab.services.runner.run(self.tab.history.import_from, path)
        except UserInputError as exc:
            self.tab.message_bar.show_error(exc.sentence)
            return None
        self.tab.refresh_conversations()
        await self.tab.open_conversation(conversation_id)
        self.tab.message_bar.show_info(f"Imported {path.name} as a new conversation.")
        return conversation_id
