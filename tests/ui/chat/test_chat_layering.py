"""The Chat tab only displays: the conversation flow and the history live in app/services."""

from __future__ import annotations

from pathlib import Path

from tests.test_boundaries import imported_modules

CHAT_UI = Path(__file__).resolve().parents[3] / "app" / "ui" / "chat"


def test_no_storage_or_sqlite_under_the_chat_widgets() -> None:
    offending = [
        f"{path.name}:{line} imports {name}"
        for path in sorted(CHAT_UI.rglob("*.py"))
        for line, name in imported_modules(path)
        if name == "sqlite3"
        or name == "app.storage"
        or name.startswith(("app.storage.", "sqlite3."))
    ]
    assert offending == []
