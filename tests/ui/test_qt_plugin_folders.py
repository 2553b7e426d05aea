"""The linked folder that stands for Qt's plugin folder without one of its entries."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.media.backend_classes import code_uses_media_backend
from app.ui.qt_plugin_folders import STALE_LINK_S, linked_folder


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    root = tmp_path / "plugins"
    for name in ("imageformats", "platforms", "multimedia"):
        (root / name).mkdir(parents=True)
        (root / name / f"lib{name}.so").write_bytes(b"\x7fELF")
    return root


def test_every_entry_but_the_left_out_one_is_linked(plugins: Path, tmp_path: Path) -> None:
    view = linked_folder(plugins, "multimedia", tmp_path / "views")
    assert sorted(link.name for link in view.iterdir()) == ["imageformats", "platforms"]
    assert (view / "imageformats" / "libimageformats.so").read_bytes() == b"\x7fELF"
    assert os.readlink(view / "platforms") == str(plugins / "platforms")


def test_links_follow_the_plugin_folder_as_it_changes(plugins: Path, tmp_path: Path) -> None:
    views = tmp_path / "views"
    view = linked_folder(plugins, "multimedia", views)
    (plugins / "platforms").rename(plugins / "platforms-old")
    (plugins / "iconengines").mkdir()
    (view / "stale").symlink_to(plugins / "imageformats")  # a plugin folder no longer there
    assert linked_folder(plugins, "multimedia", views) == view
    assert sorted(link.name for link in view.iterdir()) == [
        "iconengines",
        "imageformats",
        "platforms-old",
    ]


def test_a_link_that_points_elsewhere_is_made_again(plugins: Path, tmp_path: Path) -> None:
    views = tmp_path / "views"
    view = linked_folder(plugins, "multimedia", views)
    (view / "platforms").unlink()
    (view / "platforms").symlink_to(tmp_path)
    linked_folder(plugins, "multimedia", views)
    assert os.readlink(view / "platforms") == str(plugins / "platforms")


def test_each_plugin_folder_has_its_own_view(plugins: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-plugins"
    (other / "platforms").mkdir(parents=True)
    views = tmp_path / "views"
    assert linked_folder(plugins, "multimedia", views) != linked_folder(other, "multimedia", views)


def test_a_views_folder_that_cannot_be_made_is_an_error(plugins: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "views"
    blocked.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OSError):
        linked_folder(plugins, "multimedia", blocked)


def test_starts_at_the_same_time_each_get_the_whole_view(plugins: Path, tmp_path: Path) -> None:
    import threading

    views = tmp_path / "views"
    made: list[Path] = []
    failed: list[BaseException] = []

    def start() -> None:
        try:
            made.append(linked_folder(plugins, "multimedia", views))
        except OSError as exc:
            failed.append(exc)

    for _round in range(20):
        for link in views.glob("*/*"):
            link.unlink()
        starts = [threading.Thread(target=start) for _ in range(4)]
        for thread in starts:
            thread.start()
        for thread in starts:
            thread.join()
    assert failed == []
    assert sorted(link.name for link in made[0].iterdir()) == ["imageformats", "platforms"]


def test_links_a_killed_start_left_half_made_are_removed(plugins: Path, tmp_path: Path) -> None:
    into = tmp_path / "views"
    folder = linked_folder(plugins, "multimedia", into)
    old = into / f".{folder.name}-platforms.dead"
    old.symlink_to(plugins / "platforms")
    stamp = time.time() - STALE_LINK_S - 5
    os.utime(old, (stamp, stamp), follow_symlinks=False)
    recent = into / f".{folder.name}-platforms.busy"  # another start making it right now
    recent.symlink_to(plugins / "platforms")
    linked_folder(plugins, "multimedia", into)
    assert not old.is_symlink()
    assert recent.is_symlink()


def test_a_link_that_cannot_be_moved_in_leaves_nothing_behind(
    plugins: Path, tmp_path: Path
) -> None:
    into = tmp_path / "views"
    folder = linked_folder(plugins, "multimedia", into)
    (folder / "platforms").unlink()
    (folder / "platforms").mkdir()
    (folder / "platforms" / "kept").write_text("a folder in the way", encoding="utf-8")
    with pytest.raises(OSError):
        linked_folder(plugins, "multimedia", into)
    assert [entry.name for entry in into.iterdir()] == [folder.name]


def test_the_app_names_no_class_that_needs_the_media_backend() -> None:
    # If it ever does, the bundle ships the backend again and leave_out_media_backend must go.
    assert not code_uses_media_backend()


def test_a_class_that_needs_the_backend_is_noticed(tmp_path: Path) -> None:
    (tmp_path / "player.py").write_text("from PySide6.QtMultimedia import QMediaPlayer\n")
    assert code_uses_media_backend(tmp_path)
