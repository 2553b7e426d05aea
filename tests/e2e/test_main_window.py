"""The real GUI process: self-test, and closing while a request hangs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.e2e.processes import REPO, run_python
from tests.fake_api import Fault

START_GUI = (
    "import sys; from app.ui.app import run_gui; sys.exit(run_gui(self_test='-t' in sys.argv))"
)


def _gui(*args: str, **env: str) -> subprocess.Popen[str]:
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.Popen(
        [sys.executable, "-c", START_GUI, *args],
        cwd=REPO,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_self_test_opens_the_window_and_exits_cleanly(fake_api):
    process = _gui("-t", AIML_API_BASE_URL=fake_api.url)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out.strip().splitlines()[-1] == "self-test ok"
    assert fake_api.requests == []


def test_closing_while_a_request_hangs_ends_the_process_at_once(fake_api):
    fake_api.script("/v2/billing", Fault.delay(10))
    process = _gui(AIML_API_BASE_URL=fake_api.url, AIML_API_KEY="e2e-key-0123456789")
    deadline = time.monotonic() + 30
    while not fake_api.requests_to("/v2/billing") and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        time.sleep(0.05)
    assert fake_api.requests_to("/v2/billing"), "the window never asked for the balance"
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=10)
    elapsed = time.monotonic() - started
    assert process.returncode == 0, err
    assert elapsed < 2.0


SIGNAL_BEFORE_THE_PAINT = """
import os, signal, sys
from app.ui import app as gui

shown = gui.show_and_paint

def signalled_then_shown(window, *args):
    window.first_painted.connect(lambda: print("painted", flush=True))
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))  # before Qt's loop runs at all
    return shown(window, *args)

gui.show_and_paint = signalled_then_shown
sys.exit(gui.run_gui(self_test="-t" in sys.argv))
"""


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT"])
def test_a_signal_before_the_first_paint_closes_the_window_at_once(signum, isolated_user_dirs):
    from app.storage.paths import settings_path

    started = time.monotonic()
    done = run_python("-c", SIGNAL_BEFORE_THE_PAINT, signum)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert settings_path().exists(), "closing did not save the settings"
    assert elapsed < 15, f"took {elapsed:.1f} s to close"


def test_a_self_test_closed_before_the_first_paint_fails_saying_so(isolated_user_dirs):
    done = run_python("-c", SIGNAL_BEFORE_THE_PAINT, "SIGTERM", "-t")
    assert done.returncode == 1, done.stderr
    assert "self-test failed: the window was closed before it was painted" in done.stderr
    assert "self-test ok" not in done.stdout


def test_the_connection_flags_reach_the_window_process(fake_api, isolated_user_dirs):
    from app.storage.logging_setup import LOG_FILE_NAME
    from app.storage.paths import log_dir

    url = fake_api.url + "/v1"
    process = run_python("-m", "app", "--self-test", "--base-url", url, "--dialect", "openai")
    assert process.returncode == 0, process.stderr
    logged = (log_dir() / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert f"server {url} (custom, openai routes)" in logged
