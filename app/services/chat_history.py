"""Saved conversations as the window and the command line see them: list, open a page, search,
rename, delete and restore, export and import.

``ChatHistory`` wraps the history database's ``ChatStore``; a write that fails raises
``HistoryWriteError`` with one sentence a person can read. The message and conversation types
are re-exported here so that widgets need nothing from ``app.storage``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.errors import UserInputError
from app.storage.atomic import write_text_atomic
from app.storage.chat_store import (
    Attachment,
    ChatStore,
    Conversation,
    Message,
    SearchHit,
    Totals,
    conversation_markdown,
    tool_call_sections,
    tool_call_summary,
    tool_calls_of,
)
from app.storage.history import HistoryDatabase

__all__ = [
    "Attachment",
    "ChatHistory",
    "Conversation",
    "ConversationPage",
    "HistoryWriteError",
    "Message",
    "SearchHit",
    "Totals",
    "tool_call_sections",
    "tool_call_summary",
    "tool_calls_of",
]

EXPORT_SUFFIXES = {"markdown": ".md", "json": ".json"}

T = TypeVar("T")


class HistoryWriteError(Exception):
    """A change could not be written to the history database (the message is a sentence)."""


@dataclass(frozen=True)
class ConversationPage:
    """One opened conversation: a page of its messages and whether there is more either side.

    ``target_row`` is the row of the message it was opened around (None: opened at the end).
    """

    conversation: Conversation
    messages: list[Message]
    has_earlier: bool
    has_later: bool
    target_row: int | None = None


def saved(what: str, work: Callable[[], T]) -> T:
    try:
        return work()
    except sqlite3.Error as exc:
        raise HistoryWriteError(f"{what} could not be saved ({exc}).") from exc


class ChatHistory:
    """Every saved conversation of one history database."""

    def __init__(self, db: HistoryDatabase) -> None:
        self.store = ChatStore(db)

    # -- reading ---------------------------------------------------------------------------

    def conversations(self, limit: int | None = None) -> list[Conversation]:
        """Newest (most recently updated) first."""
        return self.store.conversations(limit)

    def conversation(self, conversation_id: int) -> Conversation:
        """Raises KeyError for an id that is not saved."""
        return self.store.conversation(conversation_id)

    def mark_interrupted(self) -> int:
        """Replies a crash left streaming become stopped; returns how many."""
        return self.store.mark_interrupted()

    def open_page(
        self, conversation_id: int, page_size: int, around_message_id: int | None = None
    ) -> ConversationPage:
        """The last ``page_size`` messages, or a page around ``around_message_id``."""
        store = self.store
        conversation = store.conversation(conversation_id)
        target_row: int | None = None
        if around_message_id is None:
            messages = store.messages(conversation_id, limit=page_size)
            later = False
        else:
            position = store.message(around_message_id).position
            start = max(0, position - page_size // 4)
            messages = store.messages(conversation_id, after=start, limit=page_size)
            later = bool(messages) and bool(
                store.messages(conversation_id, after=messages[-1].position + 1, limit=1)
            )
            target_row = next(
                (i for i, m in enumerate(messages) if m.id == around_message_id), None
            )
        earlier = bool(messages) and bool(
            store.messages(conversation_id, before=messages[0].position, limit=1)
        )
        return ConversationPage(conversation, messages, earlier, later, target_row)

    def messages_before(self, conversation_id: int, position: int, limit: int) -> list[Message]:
        return self.store.messages(conversation_id, before=position, limit=limit)

    def messages_after(self, conversation_id: int, position: int, limit: int) -> list[Message]:
        return self.store.messages(conversation_id, after=position, limit=limit)

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        return self.store.search(text, limit)

    def totals(self, conversation_id: int) -> Totals:
        return self.store.totals(conversation_id)

    # -- changing --------------------------------------------------------------------------

    def rename(self, conversation_id: int, title: str) -> None:
        saved("The new title", lambda: self.store.rename(conversation_id, title))

    def update_settings(self, conversation_id: int, **values: Any) -> None:
        saved(
            "The conversation's settings",
            lambda: self.store.update_conversation(conversation_id, **values),
        )

    def delete_message(self, message_id: int) -> None:
        saved("The deletion", lambda: self.store.delete_message(message_id))

    def delete_conversation(self, conversation_id: int) -> dict[str, Any]:
        """Delete a conversation; returns a snapshot that ``restore`` brings back."""
        snapshot = self.store.export_dict(conversation_id)
        saved("The deletion", lambda: self.store.delete_conversation(conversation_id))
        return snapshot

    def restore(self, snapshot: dict[str, Any]) -> Conversation:
        return saved("The conversation", lambda: self.store.import_dict(snapshot))

    # -- files -----------------------------------------------------------------------------

    def export_to(self, conversation_id: int, path: Path, fmt: str) -> Path:
        """Write a conversation to ``path`` as "markdown" or "json" (atomically); returns the
        path written (with the format's suffix when it had none)."""
        if not path.suffix:
            path = path.with_suffix(EXPORT_SUFFIXES[fmt])
        data = self.store.export_dict(conversation_id)
        if fmt == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
        else:
            text = conversation_markdown(data)
        write_text_atomic(path, text)
        return path

    def import_from(self, path: Path) -> int:
        """Read an exported JSON file as a new conversation; returns its id.

        Raises:
            UserInputError: the file is not valid JSON or not an exported conversation (the
                sentence names the file and says which).
        """
        try:
            return self.store.import_dict(json.loads(path.read_text(encoding="utf-8"))).id
        except UserInputError as exc:
            reason = exc.sentence
        except ValueError:  # not UTF-8, not JSON, or a value of the wrong kind
            reason = "it is not valid JSON"
        raise UserInputError(f"{path.name} could not be imported: {reason}")
