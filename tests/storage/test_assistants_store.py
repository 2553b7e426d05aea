"""The assistants library file: starters on first use, atomic saves, tolerant reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.storage.assistants import (
    Assistant,
    AssistantFileError,
    AssistantLibrary,
    parse_assistants,
)

SEED = [Assistant(name="Translator", icon="🌐", system_prompt="Translate.", starter="translator")]


def test_a_new_library_starts_with_its_seed_and_keeps_edits(tmp_path: Path) -> None:
    path = tmp_path / "assistants" / "library.json"
    library = AssistantLibrary(path, seed=SEED)
    (translator,) = library.all()
    assert translator.id and translator.created and path.exists()
    library.save(Assistant(name="Poet", icon="🪶", model="gpt-4o", parameters={"temperature": 1.2}))
    edited = library.save(
        Assistant(**{**translator.as_dict(), "name": "Translator FR", "tools": ()})
    )
    assert edited.id == translator.id and edited.created == translator.created
    again = AssistantLibrary(path, seed=SEED).all()  # the seed is used only once
    assert [a.name for a in again] == ["Translator FR", "Poet"]
    assert again[1].parameters == {"temperature": 1.2}
    assert not list(path.parent.glob("*.tmp*")), "no temporary file is left behind"


def test_deleting_a_starter_keeps_it_deleted(tmp_path: Path) -> None:
    library = AssistantLibrary(tmp_path / "library.json", seed=SEED)
    (translator,) = library.all()
    assert library.delete(translator.id) == translator
    assert AssistantLibrary(tmp_path / "library.json", seed=SEED).all() == []


def test_duplicate_and_imports_never_overwrite(tmp_path: Path) -> None:
    library = AssistantLibrary(tmp_path / "library.json", seed=SEED)
    (translator,) = library.all()
    copy = library.duplicate(translator.id)
    assert copy is not None and copy.name == "Translator (copy)" and copy.id != translator.id
    added = library.add_all([Assistant(name="Translator"), Assistant(name="translator")])
    assert [a.name for a in added] == ["Translator (2)", "translator (3)"]
    assert len({a.id for a in library.all()}) == 4


def test_reading_is_tolerant_but_refuses_what_it_cannot_use() -> None:
    (one,) = parse_assistants(
        json.dumps(
            {
                "name": " Helper ",
                "parameters": {"temperature": "hot", "max_tokens": 300.0, "top_p": True},
                "tools": ["web", 3, None],
                "unknown": 1,
            }
        )
    )
    assert one.name == "Helper" and one.parameters == {"max_tokens": 300}
    assert one.tools == ("web", "3")
    many = parse_assistants(json.dumps([{"name": "A"}, {"name": "B"}]))
    assert [a.name for a in many] == ["A", "B"]
    with pytest.raises(AssistantFileError, match="not JSON"):
        parse_assistants("{nope")
    with pytest.raises(AssistantFileError, match="has no name"):
        parse_assistants('{"assistants": [{"icon": "x"}]}')
    with pytest.raises(AssistantFileError, match="newer version"):
        parse_assistants('{"format": "aiml-desktop-assistants", "version": 99, "assistants": []}')


def test_a_damaged_library_file_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(AssistantFileError, match=r"The assistants file .* is not JSON"):
        AssistantLibrary(path).all()
