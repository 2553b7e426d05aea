"""The app's icon set: Phosphor icons (MIT, see resources/icons/ui/LICENSE-phosphor.txt).

``icon("copy")`` gives a QIcon drawn from the bundled SVG at whatever size and device pixel
ratio it is painted at, so it stays sharp at 1× and 2×, in the colour of the current palette:
the icons follow the light and dark schemes without being made again. Disabled icons take the
palette's disabled text colour.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.resources_path import resource_path

log = logging.getLogger(__name__)

# What each icon is for → the Phosphor file that draws it. Widgets name the purpose.
ICON_FILES = {
    "chat": "chat-circle-text",
    "images": "image",
    "speech-to-text": "waveform",
    "text-to-speech": "speaker-high",
    "send": "paper-plane-right",
    "stop": "stop",
    "copy": "copy",
    "edit": "pencil-simple",
    "regenerate": "arrow-clockwise",
    "undo": "arrow-counter-clockwise",
    "redo": "arrow-clockwise",
    "delete": "trash",
    "read-aloud": "speaker-high",
    "attach": "paperclip",
    "dictate": "microphone",
    "play": "play",
    "pause": "pause",
    "save": "download-simple",
    "open-folder": "folder-open",
    "search": "magnifying-glass",
    "settings": "gear",
    "add": "plus",
    "close": "x",
    "error": "warning-circle",
    "info": "info",
    "ok": "check-circle",
    "key": "key",
    "tools": "wrench",
    "knowledge": "books",
    "assistant": "user-circle",
    "usage": "chart-bar",
    "compare": "columns",
    "pin": "push-pin",
    "scroll-down": "arrow-down",
    "sidebar": "sidebar",
    "brush": "paint-brush",
    "eraser": "eraser",
    "zoom-in": "magnifying-glass-plus",
    "zoom-out": "magnifying-glass-minus",
    "document": "file-text",
    "sparkle": "sparkle",
    "record": "record",
    "export": "export",
    "upload": "upload-simple",
    "expand": "caret-down",
    "collapse": "caret-right",
    "more": "dots-three",
    "time": "clock",
    "paste": "clipboard-text",
    "preview": "eye",
    "model": "robot",
    "dark": "moon",
    "light": "sun",
    "fit": "arrows-out",
    "pan": "hand",
    "invert": "selection-inverse",
    "versions": "stack",
    "queue": "list-plus",
    "share": "share-network",
    "parameters": "sliders-horizontal",
}

# Which palette role colours an icon: "text" for most, "accent" or "on-accent" on request.
_ROLES = {
    "text": QPalette.ColorRole.WindowText,
    "muted": QPalette.ColorRole.PlaceholderText,
    "accent": QPalette.ColorRole.Accent,
    "on-accent": QPalette.ColorRole.HighlightedText,
    "danger": QPalette.ColorRole.BrightText,
}


@cache
def _svg_bytes(file_stem: str) -> bytes:
    return resource_path("icons", "ui", f"{file_stem}.svg").read_bytes()


class TintedSvgIconEngine(QIconEngine):
    """Draws one SVG in a palette colour at the size and pixel ratio asked for."""

    def __init__(self, svg: bytes, role: str) -> None:
        super().__init__()
        self._svg = svg
        self._role = role

    def _colour_hex(self, mode: QIcon.Mode) -> str:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            colour = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        else:
            colour = palette.color(_ROLES.get(self._role, QPalette.ColorRole.WindowText))
        return colour.name()

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        data = self._svg.replace(b"currentColor", self._colour_hex(mode).encode())
        renderer = QSvgRenderer(QByteArray(data))
        side = min(rect.width(), rect.height())
        x = rect.x() + (rect.width() - side) / 2
        y = rect.y() + (rect.height() - side) / 2
        renderer.render(painter, QRectF(x, y, side, side))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        pixmap = QPixmap(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(0, 0, pixmap.width(), pixmap.height()), mode, state)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return TintedSvgIconEngine(self._svg, self._role)


def icon(purpose: str, role: str = "text") -> QIcon:
    """The icon for ``purpose`` (a key of ``ICON_FILES``), in the palette colour ``role``.

    An unknown purpose or an unreadable file gives an empty icon and a log line, never an error:
    the text label (kept as tooltip and accessible name) still says what the control does.
    """
    stem = ICON_FILES.get(purpose)
    if stem is None:
        log.warning("no icon for %r", purpose)
        return QIcon()
    try:
        svg = _svg_bytes(stem)
    except OSError as exc:
        log.warning("icon %s unreadable: %s", stem, exc)
        return QIcon()
    return QIcon(TintedSvgIconEngine(svg, role))
