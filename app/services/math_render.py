"""LaTeX math → SVG, offline and in pure Python (ziamath), in the colour of the text around it.

``render_math`` returns the SVG with its size in pixels, or raises :class:`InvalidMath` when
the TeX does not parse (the caller then shows the source with a quiet mark). ziamath takes tens
of milliseconds a formula, so the window uses :class:`MathRenderer`: a look-up never waits; a
formula not drawn yet is drawn in a helper process (pure-Python drawing on a thread would hold
the interpreter lock the window and the stream need), and ``on_ready`` is called when some are
done, so the text showing their source can be rendered again. The helpers run at the lowest
CPU priority, so drawing formulas takes only time the window and the stream leave over.
Formulas wait in a queue drawn newest first: the end of a streaming reply, which is what is on
screen, gets its formulas before those scrolled out of sight, and ``prefer`` puts the formulas
of text being painted first. Results are kept: a reply that streams in draws each
formula once. ziamath is imported on the first formula.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.services.digests import blake2s_hex

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

MAX_TEX_CHARS = 4000
_UNKNOWN_COMMAND = re.compile(r">\\[A-Za-z]+<")  # latex2mathml leaves an unknown \cmd as text


class InvalidMath(ValueError):
    """TeX that cannot be rendered; the source is shown instead."""


@dataclass(frozen=True)
class MathImage:
    """One rendered formula: an SVG ``width`` × ``height`` pixels, ``key`` naming it."""

    key: str
    svg: bytes
    width: float
    height: float
    display: bool


def _balanced(tex: str) -> bool:
    depth = 0
    escaped = False
    for char in tex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@functools.lru_cache(maxsize=1024)
def render_math(tex: str, *, display: bool, colour: str, size: float) -> MathImage:
    """The formula ``tex`` as an SVG in ``colour`` with its text ``size`` pixels high."""
    source = tex.strip()
    if not source or len(source) > MAX_TEX_CHARS or not _balanced(source):
        raise InvalidMath(tex)
    with warnings.catch_warnings():  # ziamath finds its font with a deprecated call
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    ziamath.config.svg2 = False  # plain paths: QtSvg (SVG Tiny) draws no <symbol>
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            latex = ziamath.Latex(source, size=size, color=colour, inline=not display)
            svg = latex.svg()
            width, height = latex.getsize()
            mathml = latex.mathmlstr()
    except Exception as exc:  # latex2mathml and ziamath raise many kinds for bad TeX
        raise InvalidMath(tex) from exc
    if "<merror" in mathml or _UNKNOWN_COMMAND.search(mathml):
        raise InvalidMath(tex)
    return MathImage(
        key=blake2s_hex(f"{display}|{colour}|{size}|{source}".encode(), 10),
        svg=svg.encode("utf-8"),
        width=float(width),
        height=float(height),
        display=display,
    )


MathRequest = tuple[str, bool, str, float]  # (tex, display, colour, size)
_Request = MathRequest
HELPER_NICENESS = 19  # the helpers' CPU priority below the window's: the lowest there is


def math_request(tex: str, *, display: bool, colour: str, size: float) -> MathRequest:
    """What names one formula drawn in one colour and size (see ``MathRenderer.prefer``)."""
    return (tex, display, colour, size)


def helper_count() -> int:
    """How many helper processes draw formulas: one a core the window leaves, at least one."""
    return max(1, min(4, (os.cpu_count() or 1) - 1))


class MathRenderer:
    """Formulas by TeX, drawn at once (``background=False``) or in helper processes.

    ``lookup`` gives the :class:`MathImage`, raises :class:`InvalidMath`, or gives None while
    the formula is still being drawn; ``on_ready`` (called on a thread of the pool) says that
    formulas looked up before are now done. Waiting formulas are drawn newest first; each
    helper has one formula at a time (and one more handed to it), so the order can still change.
    A thread of its own hands them to the helpers: starting the helpers (and loading the
    modules for it) takes tens of milliseconds, never spent on the caller's thread.
    """

    def __init__(
        self, *, background: bool = False, keep: int = 4096, helpers: int | None = None
    ) -> None:
        self.background = background
        self.on_ready: Callable[[], None] | None = None
        self._keep = keep
        self._done: OrderedDict[_Request, MathImage | None] = OrderedDict()  # None: invalid
        self._by_key: dict[str, MathImage] = {}
        self._waiting: OrderedDict[_Request, None] = OrderedDict()  # drawn from the end
        self._drawing: set[_Request] = set()  # handed to a helper
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # formulas to hand out, or a helper free
        self._feeder: threading.Thread | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._helpers = helpers or helper_count()
        self._closed = False

    def lookup(self, tex: str, *, display: bool, colour: str, size: float) -> MathImage | None:
        request = (tex, display, colour, size)
        with self._lock:
            if request in self._done:
                return self._result(self._done[request], tex)
            background = self.background
            if background and self._closed:
                return None  # the window is closing: its source is shown
            if background:
                if request in self._waiting:
                    self._waiting.move_to_end(request)
                elif request not in self._drawing:
                    self._waiting[request] = None
                    self._wake.notify()
                if self._feeder is None:
                    self._feeder = threading.Thread(
                        target=self._feed, name="formula feeder", daemon=True
                    )
                    self._feeder.start()
                return None
        return self._result(self._draw(request), tex)

    def prefer(self, requests: tuple[MathRequest, ...] | list[MathRequest]) -> None:
        """Draw these waiting formulas (of text on screen) before the others."""
        with self._lock:
            for request in reversed(requests):
                if request in self._waiting:
                    self._waiting.move_to_end(request)

    def any_settled(self, requests: tuple[MathRequest, ...] | list[MathRequest]) -> bool:
        """True if any of these formulas is no longer being drawn (it is done, or its helper
        was lost and a new look-up draws it again)."""
        with self._lock:
            return any(
                request not in self._waiting and request not in self._drawing
                for request in requests
            )

    def all_settled(self, requests: tuple[MathRequest, ...] | list[MathRequest]) -> bool:
        """True if none of these formulas is still being drawn."""
        with self._lock:
            return not any(
                request in self._waiting or request in self._drawing for request in requests
            )

    @property
    def busy(self) -> bool:
        """True while formulas looked up are still being drawn."""
        with self._lock:
            return bool(self._waiting or self._drawing)

    def _feed(self) -> None:
        """The feeder thread: hands the newest waiting formulas to free helpers."""
        _lower_thread_priority()  # the helpers it starts begin at that priority too
        while True:
            with self._lock:
                while not self._closed and not self._can_hand_out():
                    self._wake.wait()
                if self._closed:
                    return
                handed = self._hand_out()
            self._submit(handed)

    def _can_hand_out(self) -> bool:
        return bool(self._waiting) and len(self._drawing) < 2 * self._helpers

    def _hand_out(self) -> list[_Request]:
        """The newest waiting formulas that the helpers can take now (called with the lock)."""
        handed = []
        while self._can_hand_out():
            request, _ = self._waiting.popitem(last=True)
            self._drawing.add(request)
            handed.append(request)
        return handed

    def _submit(self, requests: list[_Request]) -> None:
        for request in requests:
            pool = self._helper_pool()
            try:
                future = pool.submit(_draw_safely, request)
            except RuntimeError:  # the pool broke (a helper died) or was shut down
                self._lost(request, pool)
                continue
            future.add_done_callback(functools.partial(self._drawn, request, pool))

    def _helper_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the formula helpers are stopped")
            if self._pool is None:
                import multiprocessing  # loaded with the first formula
                from concurrent.futures import ProcessPoolExecutor

                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=self._helpers, mp_context=context, initializer=_lower_priority
                )
            return self._pool

    def image(self, key: str) -> MathImage | None:
        """The formula named ``key`` (the ``math:KEY`` of rendered HTML)."""
        return self._by_key.get(key)

    def close(self) -> None:
        """Stop the helpers (a formula each is left to finish); in the background, formulas
        not drawn yet stay source from now on."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._closed = True
            self._waiting.clear()
            self._wake.notify_all()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _result(image: MathImage | None, tex: str) -> MathImage:
        if image is None:
            raise InvalidMath(tex)
        return image

    def _drawn(
        self, request: _Request, pool: ProcessPoolExecutor, future: Future[MathImage | None]
    ) -> None:
        if future.cancelled():
            with self._lock:
                self._drawing.discard(request)
            return
        try:
            image = future.result()
        except Exception:
            self._lost(request, pool)
        else:
            self._keep_result(request, image)
        with self._lock:
            self._wake.notify()  # a helper is free
        if self.on_ready is not None:
            self.on_ready()

    def _lost(self, request: _Request, pool: ProcessPoolExecutor) -> None:
        """The helper drawing ``request`` died: the formula shows as source, like TeX that does
        not parse, and the next formulas go to new helpers."""
        with self._lock:
            if self._pool is pool:
                self._pool = None
        self._keep_result(request, None)

    def _draw(self, request: _Request) -> MathImage | None:
        image = _draw_safely(request)
        self._keep_result(request, image)
        return image

    def _keep_result(self, request: _Request, image: MathImage | None) -> None:
        with self._lock:
            self._drawing.discard(request)
            self._done[request] = image
            if image is not None:
                self._by_key[image.key] = image
            while len(self._done) > self._keep:
                _, dropped = self._done.popitem(last=False)
                if dropped is not None:
                    self._by_key.pop(dropped.key, None)


def _lower_thread_priority() -> None:
    """Lower the calling thread's priority, where a priority is a thread's (Linux).

    A helper process started from that thread then runs at the lower priority from its first
    instruction, so its start (a new interpreter importing the renderer, 100 ms and more of
    CPU) does not compete with the window either. Elsewhere ``nice`` would lower the whole
    window, so there only the helpers lower themselves once they run (``_lower_priority``)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.nice(HELPER_NICENESS)


def _lower_priority() -> None:
    """Run in each helper as it starts: the window and the stream come first."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):  # not allowed here: draw at the same priority
            os.nice(HELPER_NICENESS)


def _draw_safely(request: _Request) -> MathImage | None:
    """The formula, or None for TeX that does not parse (runs in the helper process too)."""
    tex, display, colour, size = request
    try:
        return render_math(tex, display=display, colour=colour, size=size)
    except InvalidMath:
        return None
