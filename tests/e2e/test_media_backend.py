"""The window's process leaves Qt's media backend out: sound devices, image formats and icons
work without it, and a cache folder that cannot hold the plugin links only brings it back."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.e2e.processes import run_python

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="reads the process's mapped files from /proc"
)

ASK_FOR_SOUND = """
import sys
from PySide6.QtGui import QImageReader
from app.ui.app import create_application
from app.ui.style.icons import icon
from app.ui.widgets.qt_audio import multimedia

app = create_application()
qt = multimedia()
outputs = qt.QMediaDevices.audioOutputs()
inputs = qt.QMediaDevices.audioInputs()
mapped = {line.split()[-1] for line in open("/proc/self/maps") if "/plugins/" in line}
print("media backend loaded:", any("/multimedia/" in name for name in mapped))
print("platform plugin loaded:", any("/platforms/" in name for name in mapped))
formats = {bytes(name).decode() for name in QImageReader.supportedImageFormats()}
print("image formats:", " ".join(sorted(formats & {"jpeg", "png", "webp", "gif", "svg"})))
print("icon drawn:", not icon("send").pixmap(24, 24).isNull())
"""


def _ask_for_sound(cache: Path, own_plugins: Path | None = None) -> tuple[list[str], str]:
    # QT_PLUGIN_PATH: a plugin folder of the person's own, which gets a linked folder of its own
    plugin_path = str(own_plugins) if own_plugins is not None else ""
    env = {"XDG_CACHE_HOME": str(cache), "QT_PLUGIN_PATH": plugin_path}
    done = run_python("-c", ASK_FOR_SOUND, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines(), done.stderr


def test_sound_devices_are_asked_for_without_loading_the_media_backend(tmp_path: Path) -> None:
    lines, errors = _ask_for_sound(tmp_path / "cache")
    assert "media backend loaded: False" in lines, lines
    assert "platform plugin loaded: True" in lines, lines
    assert "image formats: gif jpeg png svg webp" in lines, lines
    assert "icon drawn: True" in lines, lines
    # Qt's warning that it found no backend is not shown: leaving it out is on purpose
    assert "No QtMultimedia backends found" not in errors
    views = list((tmp_path / "cache" / "aiml-desktop" / "qt-plugins").iterdir())
    assert len(views) == 1 and (views[0] / "imageformats").is_symlink()
    assert not (views[0] / "multimedia").exists()


def test_a_second_start_reuses_the_links(tmp_path: Path) -> None:
    _ask_for_sound(tmp_path / "cache")
    (view,) = (tmp_path / "cache" / "aiml-desktop" / "qt-plugins").iterdir()
    made = {link.name: os.lstat(link).st_ino for link in view.iterdir()}
    lines, _errors = _ask_for_sound(tmp_path / "cache")
    assert "media backend loaded: False" in lines, lines
    assert {link.name: os.lstat(link).st_ino for link in view.iterdir()} == made


def test_a_cache_folder_that_cannot_hold_the_links_keeps_qt_as_it_is(tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    lines, _errors = _ask_for_sound(blocked)
    # the backend loads as Qt would load it, and the rest works as before
    assert "media backend loaded: True" in lines, lines
    assert "image formats: gif jpeg png svg webp" in lines, lines
    assert "icon drawn: True" in lines, lines


def test_a_plugin_folder_of_the_persons_own_gets_its_own_linked_folder(tmp_path: Path) -> None:
    own = tmp_path / "my-plugins"
    (own / "multimedia").mkdir(parents=True)
    (own / "styles").mkdir()
    cache = tmp_path / "cache"
    lines, _errors = _ask_for_sound(cache, own)
    assert "media backend loaded: False" in lines, lines
    folders = list((cache / "aiml-desktop" / "qt-plugins").iterdir())
    assert len(folders) == 2
    mine = [folder for folder in folders if (folder / "styles").is_symlink()]
    assert len(mine) == 1 and not (mine[0] / "multimedia").exists()
