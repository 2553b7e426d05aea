"""Assistants: the library of saved chat presets, importing and exporting them, and starting a
conversation from one (the conversation remembers which assistant it came from)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.errors import InvalidInputError
from app.services.starter_assistants import STARTERS
from app.storage.assistants import (
    Assistant,
    AssistantFileError,
    AssistantLibrary,
    assistants_document,
    parse_assistants,
)
from app.storage.atomic import write_text_atomic

if TYPE_CHECKING:
    from app.services.service_context import ServiceContext
    from app.storage.chat_store import ChatStore, Conversation

ASSISTANT_KEY = "assistant"  # in Conversation.settings: {"id", "name", "icon"}
KNOWLEDGE_KEY = "knowledge_bases"  # in Conversation.settings: the knowledge bases it answers from


def conversation_assistant(conversation: Conversation) -> dict[str, str] | None:
    """The assistant a conversation was started from, as it remembers it, or None."""
    value = conversation.settings.get(ASSISTANT_KEY) if conversation.settings else None
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return {k: str(value.get(k) or "") for k in ("id", "name", "icon")}
    return None


def conversation_values(assistant: Assistant, default_model: str) -> dict[str, Any]:
    """The conversation columns an assistant sets: model, system prompt and parameters."""
    values: dict[str, Any] = {
        "model": assistant.model or default_model,
        "system_prompt": assistant.system_prompt or None,
    }
    values.update(assistant.parameters)
    return values


def request_for(
    assistant: Assistant | None, prompt: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Messages and parameters of a one-off request (the CLI's ``chat --assistant``)."""
    messages: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    if assistant is not None:
        if assistant.system_prompt.strip():
            messages.append({"role": "system", "content": assistant.system_prompt})
        params = {k: v for k, v in assistant.parameters.items() if k != "context_messages"}
    messages.append({"role": "user", "content": prompt})
    return messages, params


def file_name_for(assistant: Assistant) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", assistant.name.lower()).strip("-")[:48]
    return f"{slug or 'assistant'}.json"


class AssistantService:
    def __init__(self, services: ServiceContext) -> None:
        self._services = services

    @cached_property
    def library(self) -> AssistantLibrary:
        return AssistantLibrary(seed=list(STARTERS))

    # -- the library (blocking: call on the worker pool from the window) ------------------

    def all(self) -> list[Assistant]:
        return self.library.all()

    def find(self, name: str) -> Assistant:
        """The assistant called ``name`` (or with that id).

        Raises:
            InvalidInputError: there is none; the sentence lists the names there are.
        """
        found = self.library.find(name)
        if found is None:
            names = ", ".join(a.name for a in self.library.all()) or "none yet"
            raise InvalidInputError(f"There is no assistant called '{name}'. Assistants: {names}.")
        return found

    def save(self, assistant: Assistant) -> Assistant:
        return self.library.save(assistant)

    def delete(self, assistant_id: str) -> Assistant | None:
        return self.library.delete(assistant_id)

    def duplicate(self, assistant_id: str) -> Assistant | None:
        return self.library.duplicate(assistant_id)

    def add_starters(self) -> list[Assistant]:
        """Put back the starter assistants that are no longer in the library."""
        present = {a.starter for a in self.library.all() if a.starter}
        return self.library.add_all([s for s in STARTERS if s.starter not in present])

    # -- files -----------------------------------------------------------------------------

    def export_file(self, assistants: Iterable[Assistant], path: Path) -> Path:
        """All of ``assistants`` in one JSON file."""
        text = json.dumps(assistants_document(list(assistants)), indent=2, ensure_ascii=False)
        return write_text_atomic(path, text + "\n")

    def export_each(self, assistants: Iterable[Assistant], folder: Path) -> list[Path]:
        """One JSON file per assistant in ``folder``; names that clash get a number."""
        written: list[Path] = []
        used: set[str] = set()
        for assistant in assistants:
            name = file_name_for(assistant)
            stem, number = name.removesuffix(".json"), 2
            while name in used:
                name, number = f"{stem}-{number}.json", number + 1
            used.add(name)
            written.append(self.export_file([assistant], folder / name))
        return written

    def import_files(self, paths: Iterable[Path]) -> list[Assistant]:
        """Add the assistants of every file (each may hold one or many); nothing is added
        when any file cannot be read.

        Raises:
            AssistantFileError: a file is missing, unreadable or not an assistants file.
        """
        incoming: list[Assistant] = []
        for path in paths:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise AssistantFileError(f"{path} cannot be read ({exc}).") from exc
            incoming.extend(parse_assistants(text, str(path)))
        if not incoming:
            raise AssistantFileError("The file holds no assistant.")
        return self.library.add_all([replace(a, starter="") for a in incoming])

    # -- conversations ---------------------------------------------------------------------

    def start_conversation(
        self, assistant: Assistant, default_model: str, store: ChatStore | None = None
    ) -> Conversation:
        """A new stored conversation with the assistant's model, prompt and parameters; an
        assistant that lists tools has them on, as its tool choice (in ``store``, the history
        when None)."""
        from app.storage.chat_store import ChatStore

        if store is None:
            store = ChatStore(self._services.history)
        conversation = store.create_conversation(
            "", mode="chat", **conversation_values(assistant, default_model)
        )
        remembered = {"id": assistant.id, "name": assistant.name, "icon": assistant.icon}
        settings = {**conversation.settings, ASSISTANT_KEY: remembered}
        if assistant.tools:
            from app.services.tool_settings import TOOL_CHOICE_KEY, ToolChoice

            settings[TOOL_CHOICE_KEY] = ToolChoice.by_names(assistant.tools).to_settings()
            settings["tools"] = True
        if assistant.knowledge_bases:
            settings[KNOWLEDGE_KEY] = list(assistant.knowledge_bases)
        store.update_conversation(conversation.id, settings=settings)
        return store.conversation(conversation.id)
