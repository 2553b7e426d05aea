"""A microphone for tests: the PulseAudio null sink's monitor, as a source Qt lists.

Qt's PulseAudio backend leaves monitor sources out of its input list, so the monitor of
``nullsink`` is remapped to a plain source (``module-remap-source``) and made the default
input. Whatever is played into the null sink (``paplay``) is then what the app records.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtMultimedia import QMediaDevices

NULL_SINK = "nullsink"
TEST_SOURCE = "aiml_test_microphone"
INPUT_TIMEOUT_MS = 5000


def _pactl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10, check=False)


def _sink_names() -> list[str]:
    listed = _pactl("list", "short", "sinks")
    return [line.split("\t")[1] for line in listed.stdout.splitlines() if "\t" in line]


def _default_source() -> str:
    return _pactl("get-default-source").stdout.strip()


@pytest.fixture(scope="session")
def null_microphone_source() -> Iterator[str | None]:
    """The remapped monitor source's name, or None when there is no null sink to use."""
    if shutil.which("pactl") is None or NULL_SINK not in _sink_names():
        yield None
        return
    previous = _default_source()
    loaded = _pactl(
        "load-module",
        "module-remap-source",
        f"master={NULL_SINK}.monitor",
        f"source_name={TEST_SOURCE}",
        "source_properties=device.description=Test-Microphone",
    )
    module = loaded.stdout.strip()
    _pactl("set-default-source", TEST_SOURCE)
    yield TEST_SOURCE if loaded.returncode == 0 else None
    if previous and previous != TEST_SOURCE:
        _pactl("set-default-source", previous)
    if module.isdigit():
        _pactl("unload-module", module)


@pytest.fixture
def microphone(
    qtbot: Any,
    null_microphone_source: str | None,
    missing_real_service: Callable[[str], None],
) -> str:
    """Make sure the default input is the null sink's monitor (skip, or fail under CI)."""
    if null_microphone_source is None:
        missing_real_service("no PulseAudio null sink to record from (see HEADLESS.md)")
    expected = (null_microphone_source or "").encode()
    qtbot.waitUntil(
        lambda: QMediaDevices.defaultAudioInput().id() == expected, timeout=INPUT_TIMEOUT_MS
    )
    return str(null_microphone_source)


def play_into_sink(path: Path) -> subprocess.Popen[bytes]:
    """Start playing ``path`` into the null sink (what the test microphone hears)."""
    return subprocess.Popen(
        ["paplay", f"--device={NULL_SINK}", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def heard_then_quiet(levels: list[float], quiet_blocks: int = 10) -> bool:
    """The meter went up with speech and has since been at zero for a while."""
    return max(levels, default=0.0) > 0.3 and levels[-quiet_blocks:] == [0.0] * quiet_blocks
