"""Shared test set-up: every test runs with its own user folders and an in-memory keyring.

- XDG_CONFIG_HOME / XDG_DATA_HOME / XDG_CACHE_HOME / XDG_STATE_HOME point into a fresh
  temporary folder per test (not tmp_path, which stays empty for the test), so nothing reads
  or writes the real user folders. HOME and XDG_RUNTIME_DIR are left alone: the D-Bus
  keyring and the PulseAudio sink live there.
- The keyring is an in-memory backend; tests of the real Secret Service swap in their own.
- AIML_API_KEY and AIML_API_BASE_URL are removed unless a test sets them itself.
- With AIML_TEST_REAL_SERVICES=1 (CI), a test that needs the real keyring or audio sink
  fails when it is missing instead of being skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import keyring
import keyring.backend
import keyring.errors
import pytest

from app.storage.paths import user_dirs_under
from tests.fake_api.fixtures import fake_api  # noqa: F401

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REAL_SERVICES_EXPECTED = os.environ.get("AIML_TEST_REAL_SERVICES") == "1"
SPOKEN_TEXT = "open the settings tab"


@pytest.fixture(scope="session")
def qapp_cls(tmp_path_factory: pytest.TempPathFactory) -> type:
    """pytest-qt's QApplication, made with Qt's plugin folders as the app makes them (without
    the media backend)."""
    from PySide6.QtWidgets import QApplication

    from app.ui.qt_plugin_folders import leave_out_media_backend

    leave_out_media_backend(tmp_path_factory.mktemp("qt-plugins"))
    return QApplication


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps passwords in a dict for the length of one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("no such password") from None


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    """Point the XDG user folders into a fresh temporary folder for this test."""
    root = tmp_path_factory.mktemp("xdg")
    dirs = {}
    for variable, folder in user_dirs_under(root, create=True).items():
        monkeypatch.setenv(variable, str(folder))
        dirs[folder.name] = folder
    monkeypatch.delenv("AIML_API_KEY", raising=False)
    monkeypatch.delenv("AIML_API_BASE_URL", raising=False)
    return dirs


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The keyring every test sees unless it sets another; restored afterwards."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def missing_real(reason: str) -> NoReturn:
    """A real service or tool is absent: skips, or fails under AIML_TEST_REAL_SERVICES=1."""
    if REAL_SERVICES_EXPECTED:
        pytest.fail(f"AIML_TEST_REAL_SERVICES=1 but {reason}")
    pytest.skip(reason)


def require_tool(name: str, how: str = "") -> str:
    """Path of a command-line tool; ``missing_real`` without it (``how``: how to install it)."""
    path = shutil.which(name)
    if path is None:
        missing_real(f"{name} is not installed{f' ({how})' if how else ''}")
    return path


def use_secret_service() -> None:
    """Switch this process to the real Secret Service keyring; skips outside a throwaway
    session (AIML_TEST_REAL_SERVICES=1), ``missing_real`` without D-Bus or the backend."""
    if os.environ.get("AIML_TEST_REAL_SERVICES") != "1":
        pytest.skip("real keyring only in a throwaway session (AIML_TEST_REAL_SERVICES=1)")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        missing_real("there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset)")
    from keyring.backends import SecretService

    if not SecretService.Keyring.viable:
        missing_real("the Secret Service keyring backend is not viable here")
    keyring.set_keyring(SecretService.Keyring())


@pytest.fixture
def missing_real_service() -> Callable[[str], None]:
    """Call with a reason when a real service is absent: skips, or fails under CI."""
    return missing_real


# -- real audio made with espeak-ng, sox and ffmpeg (once per session) ---------------------


def _make(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def _convert(source: Path, target: Path, codec: str) -> None:
    _make(
        require_tool("ffmpeg"), "-v", "error", "-y", "-i", str(source), "-c:a", codec, str(target)
    )


@pytest.fixture(scope="session")
def audio_fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio")


@pytest.fixture(scope="session")
def speech_wav(audio_fixture_dir: Path) -> Path:
    """About 1.5 s of "open the settings tab" spoken by espeak-ng: 22.05 kHz mono WAV."""
    path = audio_fixture_dir / "speech.wav"
    _make(require_tool("espeak-ng"), "-v", "en-us", "-s", "150", "-w", str(path), SPOKEN_TEXT)
    return path


@pytest.fixture(scope="session")
def speech_wav_16k(speech_wav: Path) -> Path:
    """The same speech as 16 kHz mono 16-bit WAV with 0.3 s of silence at each end (sox)."""
    path = speech_wav.with_name("speech16k.wav")
    _make(require_tool("sox"), str(speech_wav), "-r", "16000", "-c", "1", "-b", "16", str(path))
    _make(require_tool("sox"), str(path), str(path.with_name("padded.wav")), "pad", "0.3", "0.3")
    path.with_name("padded.wav").replace(path)
    return path


@pytest.fixture(scope="session")
def speech_mp3(speech_wav: Path) -> Path:
    path = speech_wav.with_suffix(".mp3")
    _convert(speech_wav, path, "libmp3lame")
    return path


@pytest.fixture(scope="session")
def speech_ogg(speech_wav: Path) -> Path:
    path = speech_wav.with_suffix(".ogg")
    _convert(speech_wav, path, "libvorbis")
    return path


@pytest.fixture(scope="session")
def speech_video(speech_wav: Path) -> Path:
    """A small MP4 with a test picture and the speech as its AAC audio track."""
    path = speech_wav.with_name("speech-video.mp4")
    _make(
        require_tool("ffmpeg"), "-v", "error", "-y",
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
        "-i", str(speech_wav), "-shortest",
        "-c:v", "mpeg4", "-c:a", "aac", "-b:a", "64k", str(path),
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def silent_video(audio_fixture_dir: Path) -> Path:
    """One second of test picture with no audio track."""
    path = audio_fixture_dir / "silent-video.mp4"
    _make(
        require_tool("ffmpeg"), "-v", "error", "-y",
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1",
        "-c:v", "mpeg4", str(path),
    )  # fmt: skip
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Empty the clipboard before the interpreter ends: on the offscreen platform, PySide6
    crashes at exit (SIGSEGV) while the clipboard still holds image data."""
    import sys

    widgets = sys.modules.get("PySide6.QtWidgets")
    app = widgets.QApplication.instance() if widgets is not None else None
    if app is not None:
        widgets.QApplication.clipboard().clear()
