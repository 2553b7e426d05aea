"""Assistants: saved chat presets in one JSON file, ``<data>/assistants/library.json``.

The library file has the same shape as an export file (``{"format", "version",
"assistants": [...]}``), so one reader serves both. Every write replaces the file atomically.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app.storage.atomic import write_text_atomic
from app.storage.ids import random_id
from app.storage.paths import data_dir

FORMAT = "aiml-desktop-assistants"
VERSION = 1
PARAMETERS = ("temperature", "max_tokens", "top_p", "context_messages")
NAME_LIMIT = 80


class AssistantFileError(Exception):
    """A library or import file cannot be read; the message is a sentence for the person."""


@dataclass(frozen=True, slots=True)
class Assistant:
    """One preset. ``model`` "" means the default chat model; ``tools`` names the built-in
    tools and MCP servers its conversations use, ``knowledge_bases`` what it may search."""

    name: str
    icon: str = ""
    description: str = ""
    system_prompt: str = ""
    model: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    tools: tuple[str, ...] = ()
    knowledge_bases: tuple[str, ...] = ()
    starter: str = ""  # the starter it came from, "" for one a person made
    id: str = ""
    created: float = 0.0
    updated: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.icon} {self.name}".strip()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tools"] = list(self.tools)
        data["knowledge_bases"] = list(self.knowledge_bases)
        return data


_KNOWN = {f.name for f in fields(Assistant)}


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(item) for item in value if isinstance(item, str | int) and str(item))


def _parameters(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    kept: dict[str, Any] = {}
    for name in PARAMETERS:
        item = value.get(name)
        if isinstance(item, int | float) and not isinstance(item, bool):
            kept[name] = int(item) if name in ("max_tokens", "context_messages") else float(item)
    return kept


def assistant_from_dict(data: Any) -> Assistant:
    """An assistant from JSON, tolerant of missing and unknown keys.

    Raises:
        AssistantFileError: ``data`` is not an object with a name.
    """
    if not isinstance(data, dict):
        raise AssistantFileError("An assistant in the file is not a JSON object.")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise AssistantFileError("An assistant in the file has no name.")
    values: dict[str, Any] = {}
    for key in ("icon", "description", "system_prompt", "model", "starter", "id"):
        if isinstance(data.get(key), str):
            values[key] = data[key]
    for key in ("created", "updated"):
        if isinstance(data.get(key), int | float):
            values[key] = float(data[key])
    return Assistant(
        name=name.strip()[:NAME_LIMIT],
        parameters=_parameters(data.get("parameters")),
        tools=_strings(data.get("tools")),
        knowledge_bases=_strings(data.get("knowledge_bases")),
        **{k: v for k, v in values.items() if k in _KNOWN},
    )


def assistants_document(assistants: list[Assistant]) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "assistants": [a.as_dict() for a in assistants]}


def parse_assistants(text: str, source: str = "the file") -> list[Assistant]:
    """Assistants from a library/export document, a list of assistants, or one assistant."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AssistantFileError(f"{source} is not JSON ({exc.msg}, line {exc.lineno}).") from exc
    if isinstance(data, dict) and "assistants" in data:
        version = data.get("version", VERSION)
        if isinstance(version, int) and version > VERSION:
            raise AssistantFileError(
                f"{source} was written by a newer version of AIML Desktop; update the app."
            )
        data = data["assistants"]
    items = data if isinstance(data, list) else [data]
    return [assistant_from_dict(item) for item in items]


def library_path() -> Path:
    return data_dir() / "assistants" / "library.json"


class AssistantLibrary:
    """The saved assistants, in the order people see them.

    Args:
        path: the library file (``library_path()`` when None).
        seed: the assistants a new library starts with (only when the file does not exist).
    """

    def __init__(self, path: Path | None = None, *, seed: list[Assistant] | None = None) -> None:
        self.path = path or library_path()
        self._seed = seed or []
        self._lock = threading.Lock()

    def _read(self) -> list[Assistant]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            seeded = [self._stamped(a) for a in self._seed]
            self._write(seeded)
            return seeded
        return parse_assistants(text, f"The assistants file {self.path}")

    def _write(self, assistants: list[Assistant]) -> None:
        text = json.dumps(assistants_document(assistants), indent=2, ensure_ascii=False)
        write_text_atomic(self.path, text + "\n")

    @staticmethod
    def _stamped(assistant: Assistant) -> Assistant:
        now = time.time()
        return replace(
            assistant,
            id=assistant.id or random_id(),
            created=assistant.created or now,
            updated=now,
        )

    def all(self) -> list[Assistant]:
        with self._lock:
            return self._read()

    def get(self, assistant_id: str) -> Assistant | None:
        return next((a for a in self.all() if a.id == assistant_id), None)

    def find(self, name: str) -> Assistant | None:
        """By id, or by name ignoring case (with or without its icon)."""
        wanted = name.strip().casefold()
        for assistant in self.all():
            if wanted in (
                assistant.id.casefold(),
                assistant.name.casefold(),
                assistant.label.casefold(),
            ):
                return assistant
        return None

    def save(self, assistant: Assistant) -> Assistant:
        """Add a new assistant (no ``id``, or an unknown one) or replace the one with its id."""
        if not assistant.name.strip():
            raise AssistantFileError("An assistant needs a name.")
        with self._lock:
            assistants = self._read()
            stamped = self._stamped(replace(assistant, name=assistant.name.strip()[:NAME_LIMIT]))
            for index, existing in enumerate(assistants):
                if existing.id == stamped.id:
                    assistants[index] = replace(stamped, created=existing.created)
                    stamped = assistants[index]
                    break
            else:
                assistants.append(stamped)
            self._write(assistants)
            return stamped

    def add_all(self, incoming: list[Assistant]) -> list[Assistant]:
        """Add copies of ``incoming`` (imports): each gets a new id; a name already taken gets
        " (2)", " (3)"… so nothing in the library is overwritten."""
        with self._lock:
            assistants = self._read()
            names = {a.name.casefold() for a in assistants}
            added = []
            for assistant in incoming:
                name = unique_name(assistant.name, names)
                names.add(name.casefold())
                added.append(self._stamped(replace(assistant, id="", name=name, created=0.0)))
            self._write(assistants + added)
            return added

    def delete(self, assistant_id: str) -> Assistant | None:
        with self._lock:
            assistants = self._read()
            kept = [a for a in assistants if a.id != assistant_id]
            if len(kept) == len(assistants):
                return None
            self._write(kept)
            return next(a for a in assistants if a.id == assistant_id)

    def duplicate(self, assistant_id: str) -> Assistant | None:
        original = self.get(assistant_id)
        if original is None:
            return None
        copy = replace(original, name=f"{original.name} (copy)", starter="")
        return self.add_all([copy])[0]


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… whichever is not in ``taken`` (case-folded)."""
    if name.casefold() not in taken:
        return name
    number = 2
    while f"{name} ({number})".casefold() in taken:
        number += 1
    return f"{name} ({number})"
