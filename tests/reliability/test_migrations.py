"""A history database of every earlier schema version opens in this one with all its rows and a
copy taken first; one from a newer version is refused and left byte for byte as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.storage.chat_store import ChatStore
from app.storage.history import HistoryDatabase, HistoryError
from app.storage.history_schema import MIGRATIONS

EARLIER = range(1, len(MIGRATIONS))


def _fill(db: HistoryDatabase) -> tuple[int, list[str]]:
    store = ChatStore(db)
    conversation = store.create_conversation("Kept across versions", model="openai/gpt-4o")
    texts = ["What is a migration?", "A step from one schema to the next.", "Émoji 🎉 and ✓"]
    for n, text in enumerate(texts):
        store.add_message(conversation.id, "user" if n % 2 == 0 else "assistant", text)
    return conversation.id, texts


@pytest.mark.parametrize("version", EARLIER)
def test_a_database_of_an_earlier_version_upgrades_with_its_rows_and_a_copy(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "history.sqlite3"
    old = HistoryDatabase(path, migrations=MIGRATIONS[:version])
    assert old.schema_version == version
    conversation_id, texts = _fill(old)
    old.close()

    db = HistoryDatabase(path)
    try:
        assert db.schema_version == len(MIGRATIONS)
        store = ChatStore(db)
        assert [m.content for m in store.messages(conversation_id)] == texts
        assert store.conversation(conversation_id).title == "Kept across versions"
        assert store.search("migration")  # the search index came along
        assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    for step in range(version, len(MIGRATIONS)):
        copy = db.backup_path(step)
        assert copy.is_file(), f"no copy taken before leaving version {step}"
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == step
            assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == len(texts)


def test_a_database_of_a_newer_version_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    db = HistoryDatabase(path)
    _fill(db)
    db.conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{path}{suffix}").exists() or Path(f"{path}{suffix}").stat().st_size == 0
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(HistoryError) as caught:
        HistoryDatabase(path)
    assert "newer version" in str(caught.value) and str(path) in str(caught.value)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob("*.bak"))
