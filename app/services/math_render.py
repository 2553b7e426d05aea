"""LaTeX math → SVG, offline and in pure Python (ziamath), in the colour of the text around it.

``render_math`` returns the SVG with its size in pixels, or raises :class:`InvalidMath` when
the TeX does not parse (the caller then shows the source with a quiet mark). ziamath takes tens
of milliseconds a formula, so the window uses :class:`MathRenderer`: a look-up never waits; a
formula not drawn yet is drawn in a helper process of its own (pure-Python drawing on a
thread would hold the interpreter lock the window and the stream need), and ``on_ready`` is
called when some are done, so the text showing their source can be laid out again. Results
are kept: a reply that streams in draws each formula once. ziamath is imported on the first formula.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    digest = hashlib.blake2s(f"{display}|{colour}|{size}|{source}".encode(), digest_size=10)
    return MathImage(
        key=digest.hexdigest(),
        svg=svg.encode("utf-8"),
        width=float(width),
        height=float(height),
        display=display,
    )


_Request = tuple[str, bool, str, float]


class MathRenderer:
    """Formulas by TeX, drawn at once (``background=False``) or in a helper process.

    ``lookup`` gives the :class:`MathImage`, raises :class:`InvalidMath`, or gives None while
    the formula is still being drawn; ``on_ready`` (called on a thread of the pool) says that
    formulas looked up before are now done.
    """

    def __init__(self, *, background: bool = False, keep: int = 4096) -> None:
        self.background = background
        self.on_ready: Callable[[], None] | None = None
        self._keep = keep
        self._done: OrderedDict[_Request, MathImage | None] = OrderedDict()  # None: invalid
        self._by_key: dict[str, MathImage] = {}
        self._queued: set[_Request] = set()
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def lookup(self, tex: str, *, display: bool, colour: str, size: float) -> MathImage | None:
        request = (tex, display, colour, size)
        with self._lock:
            if request in self._done:
                return self._result(self._done[request], tex)
            if self.background:
                if request not in self._queued:
                    self._queued.add(request)
                    if self._pool is None:
                        import multiprocessing  # loaded with the first formula
                        from concurrent.futures import ProcessPoolExecutor

                        context = multiprocessing.get_context("spawn")
                        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
                    future = self._pool.submit(_draw_safely, request)
                    future.add_done_callback(functools.partial(self._drawn, request))
                return None
        return self._result(self._draw(request), tex)

    @property
    def busy(self) -> bool:
        """True while formulas looked up are still being drawn."""
        with self._lock:
            return bool(self._queued)

    def image(self, key: str) -> MathImage | None:
        """The formula named ``key`` (the ``math:KEY`` of rendered HTML)."""
        return self._by_key.get(key)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _result(image: MathImage | None, tex: str) -> MathImage:
        if image is None:
            raise InvalidMath(tex)
        return image

    def _drawn(self, request: _Request, future: Future[MathImage | None]) -> None:
        if future.cancelled():
            return
        try:
            image = future.result()
        except Exception:  # the helper process died: draw it here next time
            with self._lock:
                self._queued.discard(request)
            return
        self._keep_result(request, image)
        if self.on_ready is not None:
            self.on_ready()

    def _draw(self, request: _Request) -> MathImage | None:
        image = _draw_safely(request)
        self._keep_result(request, image)
        return image

    def _keep_result(self, request: _Request, image: MathImage | None) -> None:
        with self._lock:
            self._queued.discard(request)
            self._done[request] = image
            if image is not None:
                self._by_key[image.key] = image
            while len(self._done) > self._keep:
                _, dropped = self._done.popitem(last=False)
                if dropped is not None:
                    self._by_key.pop(dropped.key, None)


def _draw_safely(request: _Request) -> MathImage | None:
    """The formula, or None for TeX that does not parse (runs in the helper process too)."""
    tex, display, colour, size = request
    try:
        return render_math(tex, display=display, colour=colour, size=size)
    except InvalidMath:
        return None
