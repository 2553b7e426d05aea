"""Restrained motion: what just arrived (a new message, a new image) fades in over a moment.

A fade only changes the opacity something is painted with; it lays nothing out again, and it
lasts ``FADE_MS``, so a reply streaming in costs no more frame time than without it. "Reduce
motion" in Settings turns every fade off (``set_reduced``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

from PySide6.QtCore import QObject, QTimer

FADE_MS = 160
FRAME_MS = 16

_reduced = False


def set_reduced(reduced: bool) -> None:
    """Turn fades off (True) or on for everything shown from now on."""
    global _reduced
    _reduced = bool(reduced)


def reduced() -> bool:
    return _reduced


def eased(progress: float) -> float:
    """Opacity for ``progress`` (0–1) of a fade: quick at first, gentle at the end."""
    progress = min(max(progress, 0.0), 1.0)
    return 1.0 - (1.0 - progress) ** 3


class FadeIns(QObject):
    """The things fading in, each known by a key, with the opacity to paint each one at.

    ``start(key)`` begins a fade; ``opacity(key)`` is 0–1 while it runs and 1 otherwise.
    ``repaint`` is called every frame while any fade runs, and once more when the last ends.
    """

    def __init__(
        self,
        repaint: Callable[[], None],
        parent: QObject | None = None,
        duration_ms: int = FADE_MS,
    ) -> None:
        super().__init__(parent)
        self._repaint = repaint
        self._duration = duration_ms / 1000
        self._starts: dict[Hashable, float] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self, key: Hashable) -> None:
        if _reduced:
            return
        self._starts[key] = time.monotonic()
        if not self._timer.isActive():
            self._timer.start()

    def running(self) -> bool:
        return bool(self._starts)

    def opacity(self, key: Hashable) -> float:
        started = self._starts.get(key)
        if started is None:
            return 1.0
        progress = (time.monotonic() - started) / self._duration
        if progress >= 1.0:
            return 1.0
        return eased(progress)

    def stop(self) -> None:
        """End every fade at once (fully shown)."""
        self._starts.clear()
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        now = time.monotonic()
        for key, started in list(self._starts.items()):
            if now - started >= self._duration:
                del self._starts[key]
        if not self._starts:
            self._timer.stop()
        self._repaint()
