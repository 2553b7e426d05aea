"""Importing an exported conversation: a file that is not one is refused with one sentence
that names the file, and nothing is added."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import UserInputError
from app.services.chat_history import ChatHistory
from app.storage.history import HistoryDatabase


@pytest.fixture
def history(tmp_path: Path) -> Iterator[ChatHistory]:
    with HistoryDatabase(tmp_path / "history.sqlite3") as database:
        yield ChatHistory(database)


def test_an_exported_conversation_comes_back(history: ChatHistory, tmp_path: Path) -> None:
    conversation = history.store.create_conversation("Trip", model="gpt-4o")
    history.store.add_message(conversation.id, "user", "Plan a trip to Lisbon")
    target = tmp_path / "trip.json"
    target.write_text(json.dumps(history.store.export_dict(conversation.id)), encoding="utf-8")
    imported = history.import_from(target)
    assert imported != conversation.id
    assert [m.content for m in history.store.messages(imported)] == ["Plan a trip to Lisbon"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "it is not valid JSON"),
        ("\udcff", "it is not valid JSON"),
        ('{"messages": []}', "This file is not a conversation exported by AIML Desktop."),
    ],
)
def test_a_file_that_is_not_a_conversation_is_refused_by_name(
    history: ChatHistory, tmp_path: Path, content: str, reason: str
) -> None:
    source = tmp_path / "notes.json"
    source.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(UserInputError) as caught:
        history.import_from(source)
    assert caught.value.sentence == f"notes.json could not be imported: {reason}"
    assert history.store.conversations() == []
