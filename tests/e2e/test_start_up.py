"""Start-up of the real GUI process: what is loaded by the time the window is first painted,
and that the self-test waits for that paint with the last-used tab built."""

from __future__ import annotations

import json

import pytest

from app.storage.paths import settings_path
from tests.e2e.processes import run_python

HEAVY = (
    "requests",
    "markdown_it",
    "pygments",
    "pydub",
    "PySide6.QtMultimedia",
    "PIL",
    "keyring",
    "asyncio",
    "qasync",
    "ssl",
    "_hashlib",  # OpenSSL's libcrypto
    "uuid",  # and platform with it
    "app.services.knowledge",  # retrieval: its index and store
    "html.parser",  # reading an HTML file or page
    "csv",  # reading a table
    "logging.handlers",  # the log file's rotation, and socket and pickle with it
    "subprocess",  # FFmpeg's runs
    "app.media.audio",  # decoding and converting sound
    "app.services.backup_flow",  # backing up and restoring
)
# The API client's values of each kind of request: only those of the tab shown are made first.
VALUES = {
    "shared": "app.api.types",  # the model list, cost, usage, balance
    "chat": "app.api.chat_types",
    "images": "app.api.image_types",
    "audio": "app.api.audio_types",
    "billing": "app.api.billing_types",
}
WATCH_PAINT = f"""
import gc
import linecache
import sys
from app.storage.paths import history_db_path
from app.ui.main_window import MainWindow

def painted():
    loaded = [name for name in {HEAVY!r} if name in sys.modules]
    print("loaded at first paint: " + ",".join(loaded), flush=True)
    values = [kind for kind, name in {VALUES!r}.items() if name in sys.modules]
    print("values made by the first paint: " + ",".join(values), flush=True)
    print(f"history database opened by the first paint: {{history_db_path().exists()}}")
    kept = [name for name in linecache.cache if not name.startswith("<")]
    print(f"source files kept at first paint: {{len(kept)}}", flush=True)
    print(f"collections while the window was built and painted: {{len(collections)}}")

built = MainWindow.__init__
collections = []

def watched(self, *args, **kwargs):
    gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info))
    built(self, *args, **kwargs)
    self.first_painted.connect(painted)  # the moment of the paint, before the loop runs

MainWindow.__init__ = watched
from app.cli import main
sys.exit(main(["--self-test"]))
"""


def _run_offscreen(script: str, *args: str) -> list[str]:
    """Run ``script`` in a fresh offscreen Python; its output lines (it must succeed)."""
    done = run_python("-c", script, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _self_test_watching_the_paint(last_tab: int) -> list[str]:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps({"last_tab": last_tab}), encoding="utf-8")
    return _run_offscreen(WATCH_PAINT)


@pytest.mark.parametrize(
    ("last_tab", "values"),
    [(0, ""), (1, "shared,images"), (2, "shared,audio"), (3, "shared,audio")],
    ids=["chat", "images", "stt", "tts"],
)
def test_no_heavy_module_is_loaded_before_the_first_paint(last_tab: int, values: str) -> None:
    lines = _self_test_watching_the_paint(last_tab)
    painted = [line for line in lines if line.startswith("loaded at first paint:")]
    assert painted == ["loaded at first paint: "], lines
    assert f"values made by the first paint: {values}" in lines, lines
    # the objects made by then are nearly all alive: walking them would only delay the paint
    assert "collections while the window was built and painted: 0" in lines, lines
    # the self-test opens it afterwards, on a worker
    assert "history database opened by the first paint: False" in lines, lines
    # PySide6's import hook no longer keeps the source of every module imported after it
    # (only of the two it reads while PySide6 itself is imported: enum, shiboken6).
    kept = [line for line in lines if line.startswith("source files kept at first paint: ")]
    assert len(kept) == 1 and int(kept[0].rpartition(" ")[2]) <= 2, lines
    assert lines[-1] == "self-test ok"
    assert lines.index(painted[0]) < lines.index("self-test ok")


WATCH_WARM_UP = """
import asyncio
import sys
import time

import qasync

from app.services.context import Services
from app.storage.settings import Settings
from app.ui.app import create_application
from app.ui.message_bar import MessageBar

app = create_application()
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
needed = sys.argv[2:]
services = Services(Settings(provider="custom", base_url="http://127.0.0.1:9"))
if sys.argv[1] == "chat":
    from app.ui.chat.tab import ChatTab

    window = ChatTab(services, MessageBar())
else:
    from app.ui.chat.compare_window import CompareWindow

    window = CompareWindow(services, ["model-a", "model-b"])
window.show()
print("loaded when shown: " + ",".join(n for n in needed if n in sys.modules), flush=True)

async def loaded():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(n in sys.modules for n in needed):
        await asyncio.sleep(0.01)

loop.run_until_complete(loaded())
print("loaded before a first send: " + ",".join(n for n in needed if n in sys.modules))
"""


@pytest.mark.parametrize("window", ["chat", "compare"])
def test_a_chat_window_loads_what_a_first_reply_needs_before_anything_is_sent(window) -> None:
    # Loaded by the first reply itself, these modules would take the interpreter lock from the
    # window while it shows that reply's first frames.
    needed = ["app.services.conversation", "app.api.client", "keyring"]
    if window == "chat":
        needed += ["markdown_it", "pygments", "app.services.grounding", "app.services.tool_calls"]
    lines = _run_offscreen(WATCH_WARM_UP, window, *needed)
    assert not any(name in lines[0] for name in ("app.api.client", "keyring")), lines
    assert f"loaded before a first send: {','.join(needed)}" in lines, lines
