"""A system part is missing: the window still opens (``--self-test`` passes), the sound
controls say why they are off, and ``doctor`` names the package to install.

Each case makes an import or a binary fail for a real child process: an import hook on
PYTHONPATH (``sitecustomize``), a PATH without ffmpeg, no sound server, no keyring backend,
no D-Bus, a data folder that cannot be created.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.processes import REPO, run_python

SOUND_CONTROLS = ("chatDictate", "sttRecord", "ttsPreview", "playerPlay")
# The loader's own words when libpulse0 is not installed.
NO_LIBPULSE = "libpulse.so.0: cannot open shared object file: No such file or directory"
BLOCK_QT_MULTIMEDIA = f"""
import sys

class _NoQtMultimedia:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6.QtMultimedia":
            raise ImportError({NO_LIBPULSE!r})
        return None

sys.meta_path.insert(0, _NoQtMultimedia())
"""
# --self-test, then every tab built and each sound control's state printed.
SELF_TEST_AND_LOOK = f"""
import asyncio, sys
from PySide6.QtWidgets import QWidget
from app.ui import app_loop as gui

checked = gui._self_test

async def self_test_then_look(window, *args):
    code = await checked(window, *args)
    window.tab_pages.build_all()
    await asyncio.sleep(0.05)
    for index in range(window.tabs.count()):
        page = window.tabs.widget(index)
        note = getattr(page, "note", None)
        print(f"tab|{{page.objectName()}}|{{note.text() if note else ''}}", flush=True)
    for name in ("chatHistoryUnsaved", "sttHistoryUnsaved"):
        for label in window.findChildren(QWidget, name):
            if not label.isHidden():
                print(f"banner|{{name}}|{{label.text()}}", flush=True)
    for name in {SOUND_CONTROLS!r}:
        for widget in window.findChildren(QWidget, name):
            print(f"{{name}}|{{widget.isEnabled()}}|{{widget.toolTip()}}", flush=True)
    return code

gui._self_test = self_test_then_look
from app.cli import main
sys.exit(main(["--self-test"]))
"""


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_python(*args, env=env, timeout=90)


def _self_test(env: dict[str, str]) -> tuple[list[str], dict[str, list[tuple[bool, str]]]]:
    done = _run(["-c", SELF_TEST_AND_LOOK], env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "self-test ok" in lines, done.stdout
    controls: dict[str, list[tuple[bool, str]]] = {}
    for line in lines:
        name, _, rest = line.partition("|")
        if name in SOUND_CONTROLS:
            enabled, _, tip = rest.partition("|")
            controls.setdefault(name, []).append((enabled == "True", tip))
    return lines, controls


@pytest.fixture
def no_qt_multimedia(tmp_path: Path) -> dict[str, str]:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BLOCK_QT_MULTIMEDIA, encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(hook), str(REPO)])}


def test_without_qt_multimedia_the_window_opens_and_sound_controls_say_why(no_qt_multimedia):
    _lines, controls = _self_test(no_qt_multimedia)
    assert set(controls) == set(SOUND_CONTROLS)
    for name, states in controls.items():
        for enabled, tip in states:
            assert not enabled, name
            assert tip.startswith("Sound is off:") and "libpulse0" in tip, (name, tip)
            assert "\n" not in tip


def test_doctor_names_the_missing_package(no_qt_multimedia):
    done = _run(["main.py", "doctor"], no_qt_multimedia)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("sound library:"))
    assert line.startswith("sound library: not available - Sound is off:")
    assert "libpulse0 on Debian or Ubuntu" in line and "pulseaudio-libs on Fedora" in line


def test_with_qt_multimedia_doctor_says_it_loads():
    done = _run(["main.py", "doctor"], {})
    assert "sound library: available - Qt Multimedia loads" in done.stdout.splitlines()


def test_without_ffmpeg_the_window_opens_and_play_and_preview_say_why(tmp_path: Path):
    empty = tmp_path / "bin"
    empty.mkdir()
    lines, controls = _self_test({"PATH": str(empty)})
    assert "self-test ok" in lines
    # nothing compressed can be decoded: Play (nothing loaded yet) and Preview name the package
    for name in ("playerPlay", "ttsPreview"):
        assert controls[name], name
        for enabled, tip in controls[name]:
            assert not enabled, name
            assert tip.startswith("Playing MP3, Ogg and other compressed audio needs ffmpeg"), tip
            assert "install ffmpeg on Debian or Ubuntu, ffmpeg-free on Fedora" in tip, tip
            assert "\n" not in tip
    # recording makes WAV, which needs no ffmpeg (it may still lack a microphone here)
    for _enabled, tip in controls["sttRecord"] + controls["chatDictate"]:
        assert "ffmpeg" not in tip, tip
    doctor = _run(["main.py", "doctor"], {"PATH": str(empty)})
    assert "ffmpeg: not found" in doctor.stdout.splitlines()


def test_without_a_sound_server_recording_says_there_is_no_microphone(tmp_path: Path):
    _lines, controls = _self_test(
        {"PULSE_SERVER": f"unix:{tmp_path / 'none'}", "XDG_RUNTIME_DIR": str(tmp_path)}
    )
    for enabled, tip in controls["sttRecord"] + controls["chatDictate"]:
        assert not enabled and tip.startswith("No microphone was found")


def test_without_a_keyring_backend_or_dbus_the_window_opens_and_says_so():
    lines, _controls = _self_test(
        {
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus",
        }
    )
    assert any(line.startswith("self-test note: No system keyring") for line in lines), lines
    assert not any("history store" in line for line in lines), lines


def test_with_a_data_folder_that_cannot_be_written_every_tab_works_and_says_why(
    tmp_path: Path,
):
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("a file where the data folder should be", encoding="utf-8")
    lines, _controls = _self_test({"XDG_DATA_HOME": str(in_the_way / "data")})
    notes = [line for line in lines if line.startswith("self-test note: The history store")]
    assert len(notes) == 1, lines
    assert "the history is kept only until the app closes" in notes[0], notes
    tabs = [line.split("|") for line in lines if line.startswith("tab|")]
    names = [name for _tab, name, _note in tabs]
    # every tab is built; the two that keep their work in the history file say it is not saved
    assert names == ["chatTab", "imageTab", "sttTab", "ttsTab"], names
    banners = dict(line.split("|")[1:] for line in lines if line.startswith("banner|"))
    assert banners["chatHistoryUnsaved"].startswith("Conversations are not saved. The data ")
    assert banners["sttHistoryUnsaved"].startswith("Transcriptions are not saved. The data ")
    for text in banners.values():
        assert str(in_the_way) in text and "\n" not in text, text
