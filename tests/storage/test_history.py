from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from app.storage import paths
from app.storage.history import HistoryDatabase, HistoryError, fts_query
from app.storage.history_schema import MIGRATIONS

TABLES = {"conversations", "messages", "attachments", "images", "transcriptions", "speech"}


def add_conversation(db: HistoryDatabase, title: str = "Trip") -> int:
    now = time.time()
    with db.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO conversations (title, created, updated, model) VALUES (?, ?, ?, ?)",
            (title, now, now, "gpt-4o"),
        )
    return int(cursor.lastrowid)


def add_message(db: HistoryDatabase, conversation_id: int, content: str, position: int) -> int:
    with db.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO messages (conversation_id, position, role, content, created)"
            " VALUES (?, ?, 'user', ?, ?)",
            (conversation_id, position, content, time.time()),
        )
    return int(cursor.lastrowid)


def search_messages(db: HistoryDatabase, text: str) -> list[str]:
    rows = db.conn.execute(
        "SELECT m.content FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
        " WHERE messages_fts MATCH ? ORDER BY rank",
        (fts_query(text),),
    )
    return [row["content"] for row in rows]


@pytest.fixture
def db() -> HistoryDatabase:
    database = HistoryDatabase()
    yield database
    database.close()


def test_new_database_has_the_whole_schema(db: HistoryDatabase) -> None:
    assert db.path == paths.history_db_path()
    assert db.schema_version == len(MIGRATIONS)
    names = {row[0] for row in db.conn.execute("SELECT name FROM sqlite_master")}
    assert names >= TABLES
    assert {"messages_fts", "images_fts", "transcriptions_fts", "speech_fts"} <= names
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert not list(db.path.parent.glob("*.bak")), "a new database needs no backup"


def test_rows_survive_reopening(db: HistoryDatabase) -> None:
    conversation = add_conversation(db, "Kept")
    add_message(db, conversation, "hello there", 0)
    db.close()
    with HistoryDatabase() as again:
        row = again.conn.execute("SELECT title FROM conversations").fetchone()
        assert row["title"] == "Kept"
        assert again.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 1


def test_deleting_a_conversation_deletes_its_messages_and_attachments(db: HistoryDatabase) -> None:
    conversation = add_conversation(db)
    message = add_message(db, conversation, "look at this", 0)
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO attachments (message_id, mime, name, data) VALUES (?, ?, ?, ?)",
            (message, "image/png", "a.png", b"\x89PNG"),
        )
        conn.execute("DELETE FROM conversations WHERE id = ?", (conversation,))
    for table in ("messages", "attachments"):
        assert db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert search_messages(db, "look") == []


def test_message_needs_an_existing_conversation(db: HistoryDatabase) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        add_message(db, 12345, "orphan", 0)


def test_bad_status_is_refused(db: HistoryDatabase) -> None:
    conversation = add_conversation(db)
    with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
        conn.execute(
            "INSERT INTO messages (conversation_id, position, role, created, status)"
            " VALUES (?, 0, 'assistant', 0, 'half-done')",
            (conversation,),
        )


def test_full_text_search_follows_inserts_edits_and_deletes(db: HistoryDatabase) -> None:
    conversation = add_conversation(db)
    first = add_message(db, conversation, "Plan a trip to Zürich in spring", 0)
    add_message(db, conversation, "Write a haiku about autumn", 1)
    assert search_messages(db, "zurich") == ["Plan a trip to Zürich in spring"]
    assert search_messages(db, "hai") == ["Write a haiku about autumn"]
    assert search_messages(db, 'spring" OR "autumn') == []  # typed operators stay plain text
    with db.transaction() as conn:
        conn.execute("UPDATE messages SET content = 'Plan a trip to Rome' WHERE id = ?", (first,))
    assert search_messages(db, "zurich") == []
    assert search_messages(db, "rome") == ["Plan a trip to Rome"]


def test_every_tab_table_is_searchable(db: HistoryDatabase) -> None:
    now = time.time()
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO images (created, model, prompt) VALUES (?, 'flux/schnell', ?)",
            (now, "a red fox in the snow"),
        )
        conn.execute(
            "INSERT INTO transcriptions (created, source, model, text) VALUES (?, ?, ?, ?)",
            (now, "/tmp/a.wav", "#g1_whisper-large", "open the settings tab"),
        )
        conn.execute(
            "INSERT INTO speech (created, text, model, voice) VALUES (?, ?, ?, ?)",
            (now, "good morning everyone", "#g1_aura-asteria-en", "asteria"),
        )
    for table, column, word in (
        ("images", "prompt", "fox"),
        ("transcriptions", "text", "settings"),
        ("speech", "text", "morning"),
    ):
        found = db.conn.execute(
            f"SELECT t.{column} FROM {table}_fts f JOIN {table} t ON t.id = f.rowid"
            f" WHERE {table}_fts MATCH ?",
            (fts_query(word),),
        ).fetchall()
        assert len(found) == 1, table


def test_fts_query_quotes_words() -> None:
    assert fts_query("hello wor") == '"hello"* "wor"*'
    assert fts_query('  "; DROP --') == '"DROP"*'
    assert fts_query("?!") == ""


def test_migration_backs_up_first_and_keeps_data(db: HistoryDatabase) -> None:
    add_message(db, add_conversation(db, "Before"), "kept through the upgrade", 0)
    db.close()
    step_two = "ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;"
    with HistoryDatabase(migrations=(*MIGRATIONS, step_two)) as upgraded:
        assert upgraded.schema_version == len(MIGRATIONS) + 1
        row = upgraded.conn.execute("SELECT title, pinned FROM conversations").fetchone()
        assert (row["title"], row["pinned"]) == ("Before", 0)
        backup = upgraded.backup_path(len(MIGRATIONS))
    assert backup.name == f"history.sqlite3.v{len(MIGRATIONS)}.bak"
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert copy.execute("SELECT content FROM messages").fetchone()[0] == (
            "kept through the upgrade"
        )


def test_failed_migration_changes_nothing(db: HistoryDatabase) -> None:
    add_conversation(db, "Safe")
    db.close()
    broken = "ALTER TABLE conversations ADD COLUMN x INTEGER; INSERT INTO nowhere VALUES (1);"
    with pytest.raises(HistoryError):
        HistoryDatabase(migrations=(*MIGRATIONS, broken))
    with HistoryDatabase() as again:
        assert again.schema_version == len(MIGRATIONS)
        columns = [row[1] for row in again.conn.execute("PRAGMA table_info(conversations)")]
        assert "x" not in columns
        assert again.conn.execute("SELECT title FROM conversations").fetchone()[0] == "Safe"


def test_newer_schema_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(HistoryError, match="newer version"):
        HistoryDatabase(path)


def test_damaged_file_is_reported_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(HistoryError, match="damaged"):
        HistoryDatabase(path)


def test_workers_can_write_concurrently(db: HistoryDatabase) -> None:
    conversation = add_conversation(db)

    def write(start: int) -> None:
        for n in range(start, start + 50):
            add_message(db, conversation, f"message {n}", n)

    threads = [threading.Thread(target=write, args=(k * 50,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert db.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 200


def test_a_second_connection_reads_while_one_writes(db: HistoryDatabase) -> None:
    conversation = add_conversation(db)
    reader = sqlite3.connect(db.path)
    try:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO messages (conversation_id, position, role, content, created)"
                " VALUES (?, 0, 'user', 'pending', 0)",
                (conversation,),
            )
            assert reader.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
        assert reader.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
    finally:
        reader.close()


def test_two_connections_writing_from_two_threads_leave_a_sound_database(
    db: HistoryDatabase,
) -> None:
    conversation = add_conversation(db)
    other = HistoryDatabase(db.path)
    failures: list[BaseException] = []

    def write(database: HistoryDatabase, start: int) -> None:
        try:
            for n in range(start, start + 100):
                add_message(database, conversation, f"note {n} about the trip", n)
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=write, args=(db, 0)),
        threading.Thread(target=write, args=(other, 100)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert failures == []
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 200
    assert len(search_messages(db, "trip")) == 200
