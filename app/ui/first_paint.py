"""The window's first paint, before any event loop of asyncio: Qt's own loop shows and paints
it, and ``FirstPaint`` keeps what the self-test needs of that moment."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QWidget

SHOWN_TIMEOUT_S = 20.0


class FirstPaint:
    """What the self-test needs of the first paint, taken the moment it happens (before the
    work that waited for it runs): the report figures and whether the current tab was built
    and visible. ``figures`` is None until then."""

    def __init__(self, window: Any) -> None:
        self.figures: dict[str, Any] | None = None
        self.tab_ready = False
        self._window = window
        window.first_painted.connect(self._on_painted)

    def _on_painted(self) -> None:
        from app.ui import self_test

        window = self._window
        self.figures = self_test.snapshot("painted")
        page = window.tabs.currentWidget()
        current = window.tab_pages.kind_at(window.tabs.currentIndex())
        self.tab_ready = page is window.tab_pages.built(current) and page.isVisible()


def show_and_paint(window: QWidget, timeout: float = SHOWN_TIMEOUT_S) -> bool:
    """Show ``window`` and run Qt's own event loop until its ``first_painted`` signal, until
    it is closed (Ctrl+C, SIGTERM, the window manager) or for ``timeout`` seconds at most.
    Returns True if it was painted."""
    painted: list[bool] = []
    waiting = QEventLoop()
    give_up = QTimer(waiting)
    give_up.setSingleShot(True)
    give_up.timeout.connect(waiting.quit)

    def on_painted() -> None:
        painted.append(True)
        waiting.quit()

    window.first_painted.connect(on_painted)  # type: ignore[attr-defined]
    window.closed.connect(waiting.quit)  # type: ignore[attr-defined]
    give_up.start(int(timeout * 1000))
    window.show()
    if not painted and window.isVisible():
        waiting.exec()
    give_up.stop()
    window.first_painted.disconnect(on_painted)  # type: ignore[attr-defined]
    window.closed.disconnect(waiting.quit)  # type: ignore[attr-defined]
    return bool(painted)
