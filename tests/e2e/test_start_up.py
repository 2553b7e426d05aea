"""Start-up of the real GUI process: what is loaded by the time the window is first painted,
and that the self-test waits for that paint with the last-used tab built."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.storage.paths import settings_path

REPO = Path(__file__).resolve().parents[2]
HEAVY = (
    "requests",
    "markdown_it",
    "pygments",
    "pydub",
    "PySide6.QtMultimedia",
    "PIL",
    "keyring",
)
WATCH_PAINT = f"""
import linecache
import sys
from app.ui.events import app_events

def painted():
    loaded = [name for name in {HEAVY!r} if name in sys.modules]
    print("loaded at first paint: " + ",".join(loaded), flush=True)
    kept = [name for name in linecache.cache if not name.startswith("<")]
    print(f"source files kept at first paint: {{len(kept)}}", flush=True)

app_events().window_painted.connect(painted)
from app.cli import main
sys.exit(main(["--self-test"]))
"""


def _self_test_watching_the_paint(last_tab: int) -> list[str]:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps({"last_tab": last_tab}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", WATCH_PAINT],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("last_tab", [0, 1, 2, 3], ids=["chat", "images", "stt", "tts"])
def test_no_heavy_module_is_loaded_before_the_first_paint(last_tab: int) -> None:
    lines = _self_test_watching_the_paint(last_tab)
    painted = [line for line in lines if line.startswith("loaded at first paint:")]
    assert painted == ["loaded at first paint: "], lines
    # PySide6's import hook no longer keeps the source of every module imported after it
    # (only of the two it reads while PySide6 itself is imported: enum, shiboken6).
    kept = [line for line in lines if line.startswith("source files kept at first paint: ")]
    assert len(kept) == 1 and int(kept[0].rpartition(" ")[2]) <= 2, lines
    assert lines[-1] == "self-test ok"
    assert lines.index(painted[0]) < lines.index("self-test ok")


WATCH_CHAT_WARM_UP = """
import asyncio
import sys

import qasync

from app.services.context import Services
from app.storage.settings import Settings
from app.ui.app import create_application
from app.ui.message_bar import MessageBar

app = create_application()
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
from app.ui.chat import tab as chat_tab

settings = Settings(provider="custom", base_url="http://127.0.0.1:9")
tab = chat_tab.ChatTab(Services(settings), MessageBar())
tab.show()
print("loaded when shown: " + ",".join(n for n in sys.argv[1:] if n in sys.modules), flush=True)

async def warmed_up():
    while not chat_tab._start_up_objects_frozen:
        await asyncio.sleep(0.01)

loop.run_until_complete(asyncio.wait_for(warmed_up(), 30))
print("loaded before a first send: " + ",".join(n for n in sys.argv[1:] if n in sys.modules))
tab.shutdown()
"""


def test_the_chat_tab_loads_what_a_first_reply_needs_before_anything_is_sent() -> None:
    # Loaded by the first reply itself, these modules would take the interpreter lock from the
    # window while it shows that reply's first frames.
    needed = ["app.api.client", "keyring", "markdown_it", "pygments"]
    done = subprocess.run(
        [sys.executable, "-c", WATCH_CHAT_WARM_UP, *needed],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "loaded when shown: " in lines  # nothing yet: the tab opens first
    assert f"loaded before a first send: {','.join(needed)}" in lines, lines
