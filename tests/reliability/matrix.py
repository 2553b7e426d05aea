"""The fault matrix: every gateway fault, what the retry policy says about it, how a cell is
judged, and the table of results printed at the end of the run.

A cell is one route (chat, compare, images …) meeting one fault through one surface (the
window or the command line). Whatever the surface, a cell passes when the person sees one
clear sentence, their input is kept, the request was retried exactly as the policy says
(counted at the stand-in), nothing half-written is left on disk, and the next request works.
"""

from __future__ import annotations

import math
import re
import sqlite3
import struct
import threading
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage

from app.services.tool_types import ApprovalDecision
from tests.fake_api import FakeApi, Fault, Reply
from tests.fake_api.scripting import ScriptItem
from tests.tools.local_toolbox import LocalToolBox

MAX_RETRIES = 1
"""The matrix runs with one retry: a retried fault is sent twice, a final one once."""
SHORT_TIMEOUT = 0.4
"""Seconds of silence after which the read-timeout cells give up (the stand-in waits 3 s)."""
BODY_CAP = 256 * 1024
"""The answer-size cap the matrix lowers the app's to, so an oversize body stays small."""
STALL_SECONDS = 3.0


@dataclass(frozen=True)
class FaultCase:
    """One misbehaviour of the gateway.

    ``item`` answers one attempt (None: the stand-in refuses connections instead);
    ``retried``: the policy tries it again; ``timeout``: the cell runs with SHORT_TIMEOUT.
    """

    name: str
    item: Callable[[], ScriptItem] | None
    retried: bool
    timeout: bool = False

    def attempts(self) -> int:
        return 1 + MAX_RETRIES if self.retried else 1


def _wrong_shape() -> Reply:
    return Reply(json={"object": "surprise", "result": [1, 2, 3], "data": "not a list"})


FAULTS: tuple[FaultCase, ...] = (
    FaultCase("400", lambda: Fault.error(400), retried=False),
    FaultCase("401", lambda: Fault.error(401), retried=False),
    FaultCase("403", lambda: Fault.error(403), retried=False),
    FaultCase("404", lambda: Fault.error(404), retried=False),
    FaultCase("422", lambda: Fault.error(422), retried=False),
    FaultCase("429", lambda: Fault.error(429, retry_after=0.05), retried=True),
    FaultCase("500", lambda: Fault.error(500), retried=True),
    FaultCase("502", lambda: Fault.error(502), retried=True),
    FaultCase("503", lambda: Fault.error(503), retried=True),
    FaultCase("504", lambda: Fault.error(504), retried=True),
    FaultCase("refused", None, retried=True),
    FaultCase("timeout", lambda: Fault.delay(STALL_SECONDS), retried=False, timeout=True),
    FaultCase("cut", lambda: Fault.drop_mid_stream(after_events=2), retried=False),
    FaultCase("bad-json", Fault.malformed_json, retried=False),
    FaultCase("shape", _wrong_shape, retried=False),
    FaultCase("html", Fault.wrong_content_type, retried=False),
    FaultCase("too-big", lambda: Fault.oversized(BODY_CAP * 4), retried=False),
)
FAULT_NAMES = tuple(f.name for f in FAULTS)
BY_NAME = {f.name: f for f in FAULTS}


# -- what the cells send --------------------------------------------------------------------


class ToolBoxWithHook(LocalToolBox):
    """The weather tool; ``while_running`` (when set) runs during the next call (to close the
    stand-in while a tool round's tool runs)."""

    def __init__(self) -> None:
        super().__init__(["get_weather"])
        self.while_running: Any = None

    async def call(self, call: Any, *, timeout: float = 30.0) -> Any:
        hook, self.while_running = self.while_running, None
        if hook is not None:
            hook()
        return await super().call(call, timeout=timeout)


async def allow_every_call(call: Any, spec: Any) -> ApprovalDecision:
    return ApprovalDecision.ALLOW_ONCE


def picture(folder: Path) -> Path:
    path = folder / "room.png"
    if not path.exists():
        image = QImage(48, 32, QImage.Format.Format_RGB32)
        image.fill(QColor(30, 140, 90))
        assert image.save(str(path), "PNG")
    return path


def tone(folder: Path) -> Path:
    """Half a second of a 440 Hz tone as a WAV file."""
    path = folder / "voice.wav"
    if not path.exists():
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(8000)
            samples = (int(8000 * math.sin(i / 8000 * 2 * math.pi * 440)) for i in range(4000))
            out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


# -- injecting a fault -----------------------------------------------------------------------


class Refusal:
    """Keeps the stand-in closed: from ``close()`` (at once, or when a tool round's tool runs)
    until the cell's block ends."""

    def __init__(self, api: FakeApi) -> None:
        self.api = api
        self.port = api.port
        self.closed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.api.stop()

    def reopen(self) -> None:
        if self.closed:
            self.api.start(self.port)
            self.closed = False


@contextmanager
def injected(
    api: FakeApi,
    fault: FaultCase,
    path: str,
    *,
    before: int = 0,
    per_attempt: int = 1,
    refuse_later: Callable[[Refusal], None] | None = None,
) -> Iterator[None]:
    """Script ``fault`` for every attempt at ``path`` (after ``before`` normal answers), or keep
    the stand-in closed while the block runs (from the start, or from when ``refuse_later``'s
    hook fires); afterwards nothing scripted is left over."""
    if fault.item is None:
        refusal = Refusal(api)
        if before:
            if refuse_later is None:
                raise ValueError("a refusal after normal answers needs a hook to start it")
            refuse_later(refusal)
        else:
            refusal.close()
        try:
            yield
        finally:
            refusal.reopen()
        return
    items: list[ScriptItem] = [Fault.normal()] * before
    items += [fault.item() for _ in range(fault.attempts() * per_attempt)]
    api.script(path, *items)
    try:
        yield
    finally:
        api.scripts.clear()


def expected_requests(fault: FaultCase, *, before: int = 0, per_attempt: int = 1) -> int:
    """Requests the stand-in should see for one cell (none while it refuses connections)."""
    if fault.item is None:
        return before
    return before + fault.attempts() * per_attempt


# -- judging what the person saw -------------------------------------------------------------

_RAW = re.compile(r'[{}\[\]]|"\w+"\s*:|statusCode|requestId|Traceback|File "|Error:|\\n')


def clear_sentence_problem(text: str) -> str | None:
    """Why ``text`` is not one clear sentence for a person, or None when it is."""
    text = text.strip()
    if not text:
        return "nothing was shown"
    if "\n" in text:
        return f"more than one line: {text!r}"
    if _RAW.search(text):
        return f"raw data or a traceback: {text!r}"
    if len(text) > 400:
        return f"far too long ({len(text)} characters)"
    if not text[0].isupper() or not text.rstrip(")").endswith((".", "?", "!")):
        return f"not a sentence: {text!r}"
    return None


# -- judging what is on disk -----------------------------------------------------------------

_TEMP_NAME = re.compile(r"(\.tmp$|\.part$|\.partial$|~$|^\.~|\.crdownload$)")


def files_under(*roots: Path) -> set[Path]:
    found: set[Path] = set()
    for root in roots:
        if root.exists():
            found.update(p for p in root.rglob("*") if p.is_file())
    return found


def half_written(before: set[Path], after: set[Path], *, media: tuple[str, ...]) -> list[str]:
    """New temp files, and new files of the given suffixes (a failed image or audio leaves none)."""
    problems = []
    for path in sorted(after - before):
        if "thumbnails" in path.parts:
            continue  # the gallery's thumbnail cache of earlier, finished images
        if _TEMP_NAME.search(path.name):
            problems.append(f"temp file left: {path}")
        elif path.suffix.lower() in media:
            problems.append(f"file of a failed request: {path}")
    for path in sorted(after):
        if path.suffix in (".sqlite3", ".db") and path.stat().st_size:
            problems.extend(_unfinished_rows(path))
    return problems


def _unfinished_rows(path: Path) -> list[str]:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "messages" not in tables:
                return []
            rows = db.execute("SELECT id, role FROM messages WHERE status = 'streaming'").fetchall()
    except sqlite3.Error as exc:
        return [f"{path.name} cannot be read: {exc}"]
    return [f"message {row[0]} ({row[1]}) still marked as streaming" for row in rows]


# -- the table -------------------------------------------------------------------------------


@dataclass
class Cell:
    ok: bool
    detail: str = ""


class Results:
    """Every cell's outcome, by surface, route and fault, for the summary table."""

    def __init__(self) -> None:
        self._cells: dict[tuple[str, str, str], Cell] = {}
        self._routes: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def record(self, surface: str, route: str, fault: str, ok: bool, detail: str = "") -> None:
        with self._lock:
            routes = self._routes.setdefault(surface, [])
            if route not in routes:
                routes.append(route)
            self._cells[(surface, route, fault)] = Cell(ok, detail)

    def empty(self) -> bool:
        return not self._cells

    def table(self) -> list[str]:
        width = max(len(n) for n in FAULT_NAMES)
        lines: list[str] = []
        for surface, routes in self._routes.items():
            name_width = max(len(r) for r in [*routes, surface])
            heads = " ".join(f"{n:>{width}}" for n in FAULT_NAMES)
            lines.append(f"{surface:<{name_width}}  {heads}")
            for route in routes:
                marks = []
                for fault in FAULT_NAMES:
                    cell = self._cells.get((surface, route, fault))
                    mark = "-" if cell is None else ("ok" if cell.ok else "FAIL")
                    marks.append(f"{mark:>{width}}")
                lines.append(f"{route:<{name_width}}  " + " ".join(marks))
            lines.append("")
        failed = [(k, c) for k, c in self._cells.items() if not c.ok]
        passed = len(self._cells) - len(failed)
        lines.append(f"{passed} of {len(self._cells)} cells passed.")
        for (surface, route, fault), cell in failed:
            lines.append(f"  {surface} {route} {fault}: {cell.detail}")
        return lines


RESULTS = Results()
