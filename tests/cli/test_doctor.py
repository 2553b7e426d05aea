"""``aiml-desktop doctor``: what the app found for audio, keys, sound and files, never the key."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import TEST_KEY, CliResult
from tests.conftest import MemoryKeyring, require_tool

Cli = Callable[..., CliResult]


def lines_by_name(out: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


def tool_version(path: str) -> str:
    first = subprocess.run([path, "-version"], capture_output=True, text=True, check=True)
    return first.stdout.split()[2]


@pytest.fixture
def listening_socket(tmp_path: Path) -> Iterator[Path]:
    """A unix socket that accepts connections, standing where a sound server's would."""
    path = tmp_path / "native"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(4)
    try:
        yield path
    finally:
        server.close()


def test_doctor_shows_the_ffmpeg_and_ffprobe_the_app_uses(cli: Cli) -> None:
    ffmpeg = require_tool("ffmpeg")
    ffprobe = require_tool("ffprobe")
    result = cli("doctor")
    assert result.code == 0, result.err
    lines = lines_by_name(result.out)
    assert lines["ffmpeg"] == f"{ffmpeg} (PATH, version {tool_version(ffmpeg)})"
    assert lines["ffprobe"] == f"{ffprobe} (PATH, version {tool_version(ffprobe)})"


def test_doctor_says_ffmpeg_is_missing_and_how_to_install_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = cli("doctor")
    assert result.code == 0, result.err
    lines = lines_by_name(result.out)
    assert lines["ffmpeg"] == "not found"
    assert lines["ffprobe"] == "not found"
    assert "FFmpeg is needed" in lines["note"]


@pytest.fixture
def frozen_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bundle folder holding ffmpeg/ffprobe, seen as the running program's (sys._MEIPASS)."""
    bundle = tmp_path / "bundle" / "_internal"
    (bundle / "ffmpeg").mkdir(parents=True)
    for tool in ("ffmpeg", "ffprobe"):
        shutil.copy2(require_tool(tool), bundle / "ffmpeg" / tool)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    return bundle


def test_doctor_in_a_bundle_finds_the_bundled_ffmpeg_when_path_has_none(
    cli: Cli, frozen_layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = cli("doctor", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["frozen"] is True
    tools = {tool["name"]: tool for tool in report["tools"]}
    for name in ("ffmpeg", "ffprobe"):
        assert tools[name]["path"] == str(frozen_layout / "ffmpeg" / name)
        assert tools[name]["origin"] == "bundled"
        assert tools[name]["version"] == tool_version(tools[name]["path"])


def test_doctor_in_a_bundle_says_when_ffmpeg_on_path_wins_over_the_bundled_one(
    cli: Cli, frozen_layout: Path
) -> None:
    result = cli("doctor")
    lines = lines_by_name(result.out)
    bundled = frozen_layout / "ffmpeg" / "ffmpeg"
    assert lines["ffmpeg"].startswith(f"{shutil.which('ffmpeg')} (PATH")
    assert lines["ffmpeg"].endswith(f"bundled copy at {bundled} is not used")


def test_doctor_names_the_key_source_but_never_prints_the_key(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIML_API_KEY", TEST_KEY)
    result = cli("doctor")
    assert lines_by_name(result.out)["api key"] == "from the AIML_API_KEY environment variable"
    as_json = cli("doctor", "--json")
    assert TEST_KEY not in result.out + result.err + as_json.out + as_json.err


def test_doctor_reports_a_working_keyring_holding_the_key(
    cli: Cli, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.passwords[("aiml-desktop", "api-key")] = TEST_KEY
    result = cli("doctor")
    lines = lines_by_name(result.out)
    assert lines["keyring"].endswith("(usable)")
    assert lines["api key"] == "stored in the system keyring"
    assert "note" not in lines
    assert TEST_KEY not in result.out


def test_doctor_reports_no_keyring_and_what_that_means(cli: Cli) -> None:
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())
    lines = lines_by_name(cli("doctor").out)
    assert lines["keyring"].endswith("(not usable)")
    assert lines["api key"] == "none set"
    assert "kept for this session only" in lines["note"]


def test_doctor_finds_a_sound_server_that_answers(
    cli: Cli, listening_socket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{listening_socket}")
    line = lines_by_name(cli("doctor").out)["audio output"]
    assert line == f"available - PulseAudio at {listening_socket}"


def test_doctor_says_sound_cannot_be_played_without_a_server(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'gone'}")
    line = lines_by_name(cli("doctor").out)["audio output"]
    assert line.startswith("not available - no sound server answers")


def test_doctor_finds_the_running_pulseaudio(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, missing_real_service: Callable[[str], None]
) -> None:
    pactl = shutil.which("pactl")
    if pactl is None or subprocess.run([pactl, "info"], capture_output=True).returncode != 0:
        missing_real_service("no PulseAudio server is running")
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    line = lines_by_name(cli("doctor").out)["audio output"]
    assert line.startswith("available - ")


def test_doctor_lists_the_user_folders(cli: Cli, isolated_user_dirs: dict[str, Path]) -> None:
    lines = lines_by_name(cli("doctor").out)
    assert lines["config folder"] == str(isolated_user_dirs["config"] / "aiml-desktop")
    assert lines["data folder"] == str(isolated_user_dirs["data"] / "aiml-desktop")
    assert lines["cache folder"] == str(isolated_user_dirs["cache"] / "aiml-desktop")
    assert lines["log folder"] == str(isolated_user_dirs["state"] / "aiml-desktop" / "log")
