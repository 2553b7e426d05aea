"""The app as a person starts it, on a real X server: `python -m app` under Xvfb (xcb).

The test starts its own Xvfb on a free display, runs the app in a child process against the
stand-in gateway, finds the window by its title with xdotool, presses Ctrl+2 and Ctrl+Q as
keystrokes on that X server, and checks that the process ends at once with status 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.fake_api import FakeApi

REPO = Path(__file__).resolve().parents[2]
TITLE = "AIML Desktop"
KEY = "real-window-key-0123456789"
START_TIMEOUT_S = 30.0
EXIT_TIMEOUT_S = 2.0


X_TOOLS = "Debian: apt-get install xvfb xdotool x11-utils"


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb server on a display number it picks itself; yields ":N"."""
    xvfb = require_tool("Xvfb", X_TOOLS)
    require_tool("xdotool", X_TOOLS)
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        if not number:
            pytest.fail(f"Xvfb did not start: {server.communicate(timeout=5)[1]!r}")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _xdotool(display: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=10,
    )


def _window_ids(display: str) -> list[str]:
    found = _xdotool(display, "search", "--onlyvisible", "--name", f"^{TITLE}$")
    return found.stdout.split()


def _start_app(display: str, api: FakeApi) -> subprocess.Popen[str]:
    environ = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "AIML_API_BASE_URL": api.url,
        "AIML_API_KEY": KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app"],
        cwd=REPO,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_window(display: str, app: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if app.poll() is not None:
            pytest.fail(f"the app exited with {app.returncode}: {app.communicate()[1]}")
        ids = _window_ids(display)
        if ids:
            return ids[0]
        time.sleep(0.1)
    app.kill()
    pytest.fail(f"no window titled {TITLE!r} within {START_TIMEOUT_S:.0f} s")


def _saved_tab(config_home: Path) -> int:
    settings = json.loads((config_home / "aiml-desktop" / "settings.json").read_text())
    return int(settings["last_tab"])


def test_the_window_opens_switches_tab_and_quits_on_the_keyboard(
    x_display: str, fake_api: FakeApi, isolated_user_dirs: dict[str, Path]
) -> None:
    fake_api.options.require_key = KEY
    app = _start_app(x_display, fake_api)
    try:
        window = _wait_for_window(x_display, app)
        assert _xdotool(x_display, "getwindowname", window).stdout.strip() == TITLE
        deadline = time.monotonic() + 10
        while not fake_api.requests_to("/v2/billing") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake_api.requests_to("/v2/billing")[-1].headers["Authorization"] == f"Bearer {KEY}"

        assert _xdotool(x_display, "windowfocus", "--sync", window).returncode == 0
        assert _xdotool(x_display, "key", "--clearmodifiers", "ctrl+2").returncode == 0
        time.sleep(0.3)
        assert _xdotool(x_display, "key", "--clearmodifiers", "ctrl+q").returncode == 0
        started = time.monotonic()
        _out, err = app.communicate(timeout=EXIT_TIMEOUT_S + 3)
        elapsed = time.monotonic() - started
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 0, err
    assert elapsed < EXIT_TIMEOUT_S
    assert _window_ids(x_display) == []
    assert _saved_tab(isolated_user_dirs["config"]) == 1, "Ctrl+2 did not open the Images tab"
