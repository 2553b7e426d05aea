"""Back up and restore: a round trip of every table and media file, and refused archives."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.services.backup import (
    DATABASE_MEMBER,
    MANIFEST,
    BackupCancelled,
    BackupError,
    create_backup,
    restore_backup,
)
from app.storage.chat_store import Attachment, ChatStore
from app.storage.history import HistoryDatabase
from app.storage.history_schema import MIGRATIONS
from app.storage.image_store import ImageRecord, ImageStore
from app.storage.paths import data_dir, media_dir, settings_path, user_dirs_under
from app.storage.secrets import KeyStore
from app.storage.settings import load_settings, save_settings
from app.storage.speech_store import SpeechRecord, SpeechStore
from app.storage.transcription_store import TranscriptionStore
from tests.fake_api.media import png_bytes

KEY = "sk-backup-secret-5c4b3a2910fedcba"
TABLES = ("conversations", "messages", "attachments", "images", "transcriptions", "speech")


def _populate(history: HistoryDatabase) -> dict[str, bytes]:
    """One row in every table, with real files; returns the media files' bytes by name."""
    chats = ChatStore(history)
    conversation = chats.create_conversation("Trip to Lisbon", model="gpt-4o", temperature=0.4)
    chats.add_message(conversation.id, "user", "Where should we eat near Alfama?")
    chats.add_message(
        conversation.id,
        "assistant",
        "Try the small tascas on Rua de São Miguel.",
        model="gpt-4o",
        total_tokens=42,
        cost_usd=0.0012,
        attachments=[Attachment("image/png", png_bytes(8, 8), "map.png")],
    )
    picture = media_dir("images") / "fox.png"
    picture.write_bytes(png_bytes(32, 24))
    ImageStore(history).add(
        ImageRecord("flux/dev", "a red fox in snow", {"seed": 7}, str(picture), "image/png", 32, 24)
    )
    transcriptions = TranscriptionStore(history)
    row = transcriptions.add("/home/someone/meeting.wav", "file", "#g1_nova-2-general")
    transcriptions.save_result(row.id, {"duration": 3.5}, text="hello team", elapsed=1.0)
    audio = media_dir("tts") / "speech-1.wav"
    audio.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 8)
    SpeechStore(history).add(SpeechRecord("Good morning", "#g1_aura", "asteria", str(audio), "wav"))
    nested = media_dir("previews") / "voices" / "tts-abc.mp3"
    nested.parent.mkdir(parents=True)
    nested.write_bytes(b"ID3" + b"\x01" * 500)
    return {p.relative_to(data_dir()).as_posix(): p.read_bytes() for p in (picture, audio, nested)}


def _rows(history: HistoryDatabase) -> dict[str, list[dict[str, Any]]]:
    rows = {}
    for table in TABLES:
        found = history.conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        rows[table] = [dict(row) for row in found]
    return rows


def _without_roots(rows: dict[str, list[dict[str, Any]]], root: Path) -> dict[str, Any]:
    text = json.dumps(rows, default=lambda b: hashlib.sha256(b).hexdigest(), sort_keys=True)
    return json.loads(text.replace(str(root), "<DATA>"))


def _move_to_fresh_dirs(monkeypatch: pytest.MonkeyPatch, base: Path) -> None:
    for variable, folder in user_dirs_under(base, create=True).items():
        monkeypatch.setenv(variable, str(folder))


def _settings_with_marks() -> None:
    settings = load_settings()
    settings.theme = "dark"
    settings.default_models = {"chat": "claude-3-haiku"}
    save_settings(settings)


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, dict[str, Any], dict[str, bytes], Path]:
    """Data in every table, settings and a stored key, backed up to a zip."""
    _settings_with_marks()
    assert KeyStore().set(KEY)
    old_root = data_dir()
    with HistoryDatabase() as history:
        files = _populate(history)
        rows = _rows(history)
        archive = tmp_path / "everything.zip"
        summary = create_backup(archive, history=history)
    assert summary.path == archive and summary.files == 5
    return archive, _without_roots(rows, old_root), files, old_root


def test_round_trip_into_fresh_folders(filled, tmp_path, monkeypatch):
    archive, rows, files, old_root = filled
    _move_to_fresh_dirs(monkeypatch, tmp_path / "elsewhere")
    assert data_dir() != old_root
    seen: list[tuple[int, int]] = []
    summary = restore_backup(archive, progress=lambda done, total: seen.append((done, total)))

    with HistoryDatabase() as history:
        restored = _rows(history)
        assert _without_roots(restored, data_dir()) == rows
        image = ImageStore(history).page(0, 10)[0]
        speech = SpeechStore(history).recent()[0]
        hits = ChatStore(history).search("tascas")
        assert [hit.title for hit in hits] == ["Trip to Lisbon"]
    assert Path(image.path).read_bytes() == files["images/fox.png"]
    assert Path(speech.path).read_bytes() == files["tts/speech-1.wav"]
    for name, data in files.items():
        assert (data_dir() / name).read_bytes() == data
    settings = load_settings()
    assert settings.theme == "dark" and settings.default_models == {"chat": "claude-3-haiku"}
    assert summary.files == 5 and seen[-1][0] == seen[-1][1] == summary.bytes
    assert summary.safety_copy.parent == data_dir()


def test_the_key_is_never_in_the_archive(filled):
    archive = filled[0]
    raw = archive.read_bytes()
    assert KEY.encode() not in raw
    with zipfile.ZipFile(archive) as zf:
        for name in zf.namelist():
            assert KEY.encode() not in zf.read(name), name


def test_manifest_lists_every_file_with_its_checksum(filled):
    archive = filled[0]
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        listed = {item["path"]: item for item in manifest["files"]}
        assert set(listed) == set(zf.namelist()) - {MANIFEST}
        for name, item in listed.items():
            data = zf.read(name)
            assert item["size"] == len(data)
            assert item["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["schema_version"] == len(MIGRATIONS)
    assert manifest["app_version"] and manifest["created"]
    assert {"config/settings.json", DATABASE_MEMBER, "data/images/fox.png"} <= set(listed)


def test_backup_of_a_database_with_uncheckpointed_wal(tmp_path):
    with HistoryDatabase() as history:
        history.conn.execute("PRAGMA wal_autocheckpoint = 0")
        store = ChatStore(history)
        conversation = store.create_conversation("Only in the WAL")
        store.add_message(conversation.id, "user", "written after the last checkpoint")
        assert Path(f"{history.path}-wal").stat().st_size > 0
        create_backup(tmp_path / "wal.zip", history=history)
    with zipfile.ZipFile(tmp_path / "wal.zip") as zf:
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(zf.read(DATABASE_MEMBER))
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT title FROM conversations").fetchall() == [("Only in the WAL",)]


# -- refused archives leave the current data as it was -----------------------------------------


def _snapshot() -> tuple[dict[str, Any], dict[str, bytes], bytes]:
    with HistoryDatabase() as history:
        rows = _rows(history)
    files = {
        p.relative_to(data_dir()).as_posix(): p.read_bytes()
        for p in data_dir().rglob("*")
        if p.is_file() and not p.name.startswith("history.sqlite3")
    }
    return rows, files, settings_path().read_bytes()


@pytest.fixture
def current_data(tmp_path, monkeypatch) -> Callable[[], None]:
    """Different data in fresh folders; returns a check that it is still all there."""
    _move_to_fresh_dirs(monkeypatch, tmp_path / "current")
    settings = load_settings()
    settings.theme = "light"
    save_settings(settings)
    with HistoryDatabase() as history:
        ChatStore(history).create_conversation("Current conversation")
        (media_dir("images") / "current.png").write_bytes(png_bytes(4, 4))
    before = _snapshot()

    def unchanged() -> None:
        assert _snapshot() == before
        assert not [p for p in data_dir().iterdir() if p.name.startswith((".", "before-"))]

    return unchanged


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            name, data = change(info.filename, old.read(info))
            new.writestr(name, data)
    return target


def _refused(archive: Path, *words: str) -> str:
    with pytest.raises(BackupError) as caught:
        restore_backup(archive)
    sentence = str(caught.value)
    assert sentence.startswith("Cannot restore ") and sentence.endswith("nothing was changed.")
    assert sentence.count(". ") == 0
    for word in words:
        assert word in sentence
    return sentence


def test_truncated_archive_is_refused(filled, current_data, tmp_path):
    archive = filled[0]
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _refused(cut, "cut.zip", "damaged or not a .zip")
    current_data()


def test_archive_with_paths_outside_the_data_folder_is_refused(filled, current_data, tmp_path):
    escape = tmp_path / "escape"
    escape.mkdir()

    def add_evil(name: str, data: bytes) -> tuple[str, bytes]:
        if name != "data/images/fox.png":
            return name, data
        return "data/images/../../../escape/evil.txt", b"owned"

    evil = _rewrite(filled[0], tmp_path / "evil.zip", add_evil)
    _refused(evil, "unsafe name", "../")
    assert not list(escape.iterdir())
    assert not (tmp_path / "evil.txt").exists()
    current_data()


def test_archive_from_a_newer_schema_is_refused(filled, current_data, tmp_path):
    def newer(name: str, data: bytes) -> tuple[str, bytes]:
        if name != MANIFEST:
            return name, data
        manifest = json.loads(data)
        manifest["schema_version"] = len(MIGRATIONS) + 1
        manifest["app_version"] = "9.0.0"
        return name, json.dumps(manifest).encode()

    newer_zip = _rewrite(filled[0], tmp_path / "newer.zip", newer)
    sentence = _refused(newer_zip, "9.0.0", "update the app")
    assert f"schema {len(MIGRATIONS) + 1}" in sentence
    current_data()


def _corrupt_database(data: bytes) -> bytes:
    damaged = bytearray(data)
    for offset in range(4096 + 16, len(damaged), 4096):  # the header of every page but the first
        damaged[offset : offset + 64] = b"\xff" * 64
    return bytes(damaged)


def test_archive_with_a_corrupt_database_is_refused(filled, current_data, tmp_path):
    with zipfile.ZipFile(filled[0]) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        damaged = _corrupt_database(zf.read(DATABASE_MEMBER))
    for item in manifest["files"]:  # a consistent manifest: only the database check can tell
        if item["path"] == DATABASE_MEMBER:
            item["sha256"] = hashlib.sha256(damaged).hexdigest()

    def replace(name: str, data: bytes) -> tuple[str, bytes]:
        if name == DATABASE_MEMBER:
            return name, damaged
        if name == MANIFEST:
            return name, json.dumps(manifest).encode()
        return name, data

    _refused(_rewrite(filled[0], tmp_path / "corrupt.zip", replace), "history database")
    current_data()


def test_archive_whose_file_does_not_match_its_checksum_is_refused(filled, current_data, tmp_path):
    def flip(name: str, data: bytes) -> tuple[str, bytes]:
        return name, (data[:-1] + bytes([data[-1] ^ 1])) if name.endswith("fox.png") else data

    _refused(_rewrite(filled[0], tmp_path / "flipped.zip", flip), "fox.png", "checksum")
    current_data()


def test_a_zip_that_is_not_a_backup_is_refused(current_data, tmp_path):
    foreign = tmp_path / "photos.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("holiday.jpg", b"\xff\xd8\xff")
    _refused(foreign, "not an AIML Desktop backup")
    current_data()


def test_a_swap_that_fails_half_way_puts_everything_back(filled, current_data, tmp_path):
    with HistoryDatabase() as history:
        (media_dir("tts") / "current.wav").write_bytes(b"RIFF current")
        stray = data_dir() / "images"
        for item in stray.iterdir():
            item.unlink()
        stray.rmdir()
        stray.write_bytes(b"a file where the images folder would go")
        before = _snapshot()
        with pytest.raises(BackupError) as caught:
            restore_backup(filled[0], history=history)
        assert "the previous data was put back" in str(caught.value)
        assert _rows(history) == before[0]
    assert _snapshot() == before
    assert not [p for p in data_dir().iterdir() if p.name.startswith((".", "before-"))]


def test_cancel_mid_restore_changes_nothing(filled, current_data):
    cancel = threading.Event()
    with pytest.raises(BackupCancelled, match="nothing was changed"):
        restore_backup(filled[0], cancel=cancel, progress=lambda done, total: cancel.set())
    current_data()


# -- cancelling a backup ------------------------------------------------------------------------


def test_cancel_mid_backup_leaves_no_file(tmp_path):
    big = media_dir("images") / "big.png"
    big.write_bytes(b"\x89PNG" + bytes(5 << 20))
    cancel = threading.Event()
    seen: list[int] = []

    def on_progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 2 << 20:
            cancel.set()

    target = tmp_path / "out" / "backup.zip"
    with pytest.raises(BackupCancelled, match="no file was written"):
        create_backup(target, progress=on_progress, cancel=cancel)
    assert 0 < max(seen) < big.stat().st_size
    assert not target.exists()
    assert not list(target.parent.iterdir())
    assert not [p for p in data_dir().iterdir() if p.name.startswith(".")]


def test_a_failed_backup_keeps_the_previous_archive(tmp_path):
    target = tmp_path / "backup.zip"
    create_backup(target)
    before = target.read_bytes()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(BackupCancelled):
        create_backup(target, cancel=cancel)
    assert target.read_bytes() == before


def test_restore_keeps_the_replaced_data_in_a_safety_copy(filled, current_data):
    summary = restore_backup(filled[0])
    safety = summary.safety_copy
    assert (safety / "images" / "current.png").exists()
    assert b'"light"' in (safety / "settings.json").read_bytes()
    with sqlite3.connect(safety / "history.sqlite3") as conn:
        titles = conn.execute("SELECT title FROM conversations").fetchall()
    assert titles == [("Current conversation",)]
    assert not (data_dir() / "images" / "current.png").exists()
    assert (data_dir() / "images" / "fox.png").exists()


def test_amounts_are_said_in_words_a_person_reads() -> None:
    from app.services.backup import files_and_size

    assert files_and_size(1, 200_000) == "1 file (0.2 MB)"
    assert files_and_size(1234, 3_400_000) == "1,234 files (3.4 MB)"
