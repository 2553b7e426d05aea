from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from app.storage import atomic, paths


def test_user_folders_follow_xdg(isolated_user_dirs: dict[str, Path]) -> None:
    assert paths.config_dir() == isolated_user_dirs["config"] / "aiml-desktop"
    assert paths.data_dir() == isolated_user_dirs["data"] / "aiml-desktop"
    assert paths.cache_dir() == isolated_user_dirs["cache"] / "aiml-desktop"
    assert paths.log_dir().is_relative_to(isolated_user_dirs["state"] / "aiml-desktop")
    for folder in (paths.config_dir(), paths.data_dir(), paths.cache_dir(), paths.log_dir()):
        assert folder.is_dir()


def test_files_sit_in_their_folders() -> None:
    assert paths.settings_path().parent == paths.config_dir()
    assert paths.history_db_path().parent == paths.data_dir()
    assert paths.media_dir("images") == paths.data_dir() / "images"
    assert paths.media_dir("tts").is_dir()


def test_unknown_media_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown media kind"):
        paths.media_dir("../elsewhere")


def test_atomic_write_replaces_content_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.json"
    atomic.write_json_atomic(target, {"name": "Zoë", "n": [1, 2]})
    atomic.write_json_atomic(target, {"name": "second"})
    assert json.loads(target.read_text(encoding="utf-8")) == {"name": "second"}
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_atomic_write_keeps_unicode_readable(tmp_path: Path) -> None:
    target = atomic.write_json_atomic(tmp_path / "s.json", {"text": "日本語"})
    assert "日本語" in target.read_text(encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_atomic_write_keeps_existing_permissions(tmp_path: Path) -> None:
    target = tmp_path / "private.txt"
    target.write_text("old")
    os.chmod(target, 0o600)
    atomic.write_text_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "new"


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    atomic.write_text_atomic(target, "old")
    with pytest.raises(TypeError):
        atomic.write_bytes_atomic(target, "text is not bytes")  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
