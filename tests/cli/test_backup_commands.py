"""`aiml-desktop backup` and `aiml-desktop restore` in this process and as a real process."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.storage.chat_store import ChatStore
from app.storage.history import HistoryDatabase
from app.storage.paths import data_dir, media_dir
from tests.cli.conftest import CliResult

Cli = Callable[..., CliResult]


def _titles() -> list[str]:
    with HistoryDatabase() as history:
        return [c.title for c in ChatStore(history).conversations()]


def _add_conversation(title: str) -> None:
    with HistoryDatabase() as history:
        ChatStore(history).create_conversation(title)


def test_backup_then_restore(cli: Cli, tmp_path: Path) -> None:
    _add_conversation("Kept in the backup")
    (media_dir("images") / "cat.png").write_bytes(b"\x89PNG cat")
    target = tmp_path / "mine.zip"

    made = cli("backup", "-o", target, "--progress")
    assert made.code == 0, made.err
    assert made.out == f"{target}\n"
    assert "backing up 100%" in made.err
    assert zipfile.ZipFile(target).testzip() is None

    _add_conversation("Added after the backup")
    (media_dir("images") / "cat.png").unlink()
    restored = cli("restore", target, "--yes")
    assert restored.code == 0, restored.err
    assert restored.out.startswith("Restored 2 files")
    assert _titles() == ["Kept in the backup"]
    assert (media_dir("images") / "cat.png").read_bytes() == b"\x89PNG cat"
    safety = Path(restored.out.splitlines()[-1].rsplit(" ", 1)[-1])
    assert safety.parent == data_dir() and (safety / "history.sqlite3").exists()


def test_backup_without_a_name_writes_a_dated_file_here(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("backup")
    assert result.code == 0, result.err
    written = Path(result.out.strip())
    assert written.parent == tmp_path and written.name.startswith("aiml-desktop-backup-")
    assert written.suffix == ".zip" and written.exists()


def test_restore_of_a_damaged_file_is_one_error_line(cli: Cli, tmp_path: Path) -> None:
    _add_conversation("Still here")
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    result = cli("restore", damaged, "--yes")
    sentence = result.assert_one_error(code=1)
    assert "damaged.zip" in sentence and "nothing was changed" in sentence
    assert _titles() == ["Still here"]


def test_restore_of_a_missing_file_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("restore", tmp_path / "nowhere.zip", "--yes")
    assert "nowhere.zip" in result.assert_one_error(code=2)


def test_restore_asks_first_and_needs_yes_without_a_terminal(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_conversation("Before")
    target = tmp_path / "b.zip"
    assert cli("backup", "-o", target).code == 0
    _add_conversation("After")
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    result = cli("restore", target)
    assert "--yes" in result.assert_one_error(code=2)
    assert sorted(_titles()) == ["After", "Before"]


def test_backup_where_no_file_can_be_written_is_one_error_line(cli: Cli, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file, not a folder")
    result = cli("backup", "-o", not_a_folder / "b.zip")
    assert "could not be read or written" in result.assert_one_error(code=1)
    assert not_a_folder.read_text() == "a file, not a folder"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_backup_and_restore_as_a_real_process(cli_process: Cli, tmp_path: Path) -> None:
    _add_conversation("Across processes")
    target = tmp_path / "proc.zip"
    made = cli_process("backup", "-o", str(target))
    assert made.code == 0, made.err
    _add_conversation("Later")
    restored = cli_process("restore", str(target), "--yes")
    assert restored.code == 0, restored.err
    assert _titles() == ["Across processes"]
    refused = cli_process("restore", str(tmp_path / "proc.zip.missing"), "--yes")
    assert refused.assert_one_error(code=2)
