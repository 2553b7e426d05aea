"""Shared set-up of the chat benchmarks: throwaway folders, a Qt app with a qasync loop, sample
Markdown, and a monitor of the longest gap between event-loop ticks."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SCRATCH = tempfile.mkdtemp(prefix="aiml-chat-bench-")
from app.storage.paths import user_dirs_under  # noqa: E402

os.environ.update({variable: str(folder) for variable, folder in user_dirs_under(SCRATCH).items()})
os.environ["AIML_API_KEY"] = "bench-key"

import asyncio  # noqa: E402

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import qasync  # noqa: E402  # isort: skip

WORDS = [
    "the",
    "model",
    "answers",
    "with",
    "a",
    "careful",
    "explanation",
    "of",
    "streams",
    "buffers",
    "tokens",
    "latency",
    "layout",
    "render",
    "paint",
    "widget",
    "thread",
    "queue",
    "socket",
    "request",
    "reply",
    "markdown",
    "table",
    "list",
    "code",
]
CODE = """def stream(items):
    total = 0
    for item in items:
        total += len(item)
        yield item, total
"""


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def markdown_text(rng: random.Random, tokens: int) -> str:
    """Markdown of about ``tokens`` whitespace-separated tokens: paragraphs, lists, code."""
    parts: list[str] = []
    count = 0
    while count < tokens:
        kind = rng.random()
        if kind < 0.15:
            block = f"```python\n{CODE}```"
        elif kind < 0.3:
            block = "\n".join(f"- {paragraph(rng, rng.randint(4, 12))}" for _ in range(4))
        elif kind < 0.35:
            block = f"## {paragraph(rng, 4)}"
        else:
            block = paragraph(rng, rng.randint(20, 90))
        parts.append(block)
        count += len(block.split())
    return "\n\n".join(parts)


def message_text(rng: random.Random) -> str:
    """A message of mixed length: mostly short, some long, some with code."""
    roll = rng.random()
    if roll < 0.5:
        return paragraph(rng, rng.randint(3, 30))
    if roll < 0.85:
        return markdown_text(rng, rng.randint(60, 250))
    return markdown_text(rng, rng.randint(400, 900))


def qt_loop() -> tuple[QApplication, asyncio.AbstractEventLoop]:
    """The QApplication made as the app makes it (``create_application``), and a qasync loop."""
    try:
        from app.ui.app import create_application
    except ImportError:  # an older tree, measured as it was
        app = QApplication.instance() or QApplication([])
    else:
        app = create_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return app, loop  # type: ignore[return-value]


def _ui_thread_ran() -> float | None:
    """Seconds the calling thread has run on a CPU (Linux: its ``schedstat``), else None."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


class TickMonitor:
    """Measures the longest gap between ticks of a fast timer on the UI thread, and (on Linux)
    how long the UI thread itself ran in the longest gap and at most in any gap: the rest of
    a gap is waiting, for a CPU (other processes, the stand-in) or for the interpreter lock."""

    def __init__(self, interval_ms: int = 2) -> None:
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self.longest_ran = 0.0  # the UI thread's own time in the longest gap
        self.most_ran = 0.0  # the most the UI thread ran in any one gap
        self._last = 0.0
        self._ran: float | None = None
        self.gaps: list[float] = []

    def start(self) -> None:
        self.longest = self.longest_ran = self.most_ran = 0.0
        self.gaps = []
        self._ran = _ui_thread_ran()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest

    def _tick(self) -> None:
        now = time.perf_counter()
        ran = _ui_thread_ran()
        gap = now - self._last
        own = ran - self._ran if ran is not None and self._ran is not None else 0.0
        self._last, self._ran = now, ran
        self.gaps.append(gap)
        self.most_ran = max(self.most_ran, own)
        if gap > self.longest:
            self.longest, self.longest_ran = gap, own


def _serve(reply: str, stream_delay: float, nice: int, connection: Any) -> None:
    if nice:
        os.nice(nice)
    from tests.fake_api import FakeApi

    api = FakeApi()
    api.start()
    api.options.chat_reply = reply
    api.options.stream_delay = stream_delay
    connection.send(api.url)
    while (command := connection.recv()) != "stop":
        api.options.chat_reply = command
        connection.send("ok")
    api.stop()


def add_stand_in_options(parser: argparse.ArgumentParser) -> None:
    """The stand-in gateway's options of the chat benchmarks: ``--delay`` and
    ``--stand-in-nice``."""
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds between SSE events (0: flat out)"
    )
    parser.add_argument(
        "--stand-in-nice",
        type=int,
        default=0,
        help="run the stand-in gateway this much nicer (10: it no longer competes with the "
        "app for the CPUs, as a gateway on another machine)",
    )


class StandInProcess:
    """The stand-in gateway in its own process (its own interpreter lock), as a real server
    would be; ``url`` is its address. ``nice``: run it that much nicer than the benchmark, so
    it takes the CPUs the app leaves, as a gateway on another machine takes none of them (it
    streams flat out and takes about one core of this machine's two)."""

    def __init__(self, reply: str, stream_delay: float = 0.0, nice: int = 0) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(reply, stream_delay, nice, child), daemon=True
        )
        self._process.start()
        self.url: str = self._connection.recv()

    def set_reply(self, reply: str) -> None:
        """Stream ``reply`` from now on."""
        self._connection.send(reply)
        self._connection.recv()

    def stop(self) -> None:
        self._connection.send("stop")
        self._process.join(timeout=5)
