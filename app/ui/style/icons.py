"""The app's icon set: Phosphor icons (MIT, see resources/icons/ui/LICENSE-phosphor.txt).

``icon("copy")`` gives a QIcon drawn from the bundled SVG at whatever size and device pixel
ratio it is painted at, so it stays sharp at 1× and 2×, in the colour of the current palette:
the icons follow the light and dark schemes without being made again. Disabled icons take the
palette's disabled text colour.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from functools import cache

from PySide6.QtCore import QByteArray, QPointF, QRect, QRectF, QSize, Qt
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
    "previous": "caret-left",
    "next": "caret-right",
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
        side = min(rect.width(), rect.height())
        x = rect.x() + (rect.width() - side) / 2
        y = rect.y() + (rect.height() - side) / 2
        colour = self._colour_hex(mode)
        device = painter.device()
        if side <= 0 or device is None or painter.worldTransform().isScaling():
            _render(painter, self._svg, colour, QRectF(x, y, side, side))
            return
        ratio = device.devicePixelRatioF()
        painter.drawPixmap(QPointF(x, y), _drawn(self._svg, colour, side, side, ratio))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        return _drawn(self._svg, self._colour_hex(mode), size.width(), size.height(), scale)

    def clone(self) -> QIconEngine:
        return TintedSvgIconEngine(self._svg, self._role)


def _render(painter: QPainter, svg: bytes, colour: str, target: QRectF) -> None:
    renderer = QSvgRenderer(QByteArray(svg.replace(b"currentColor", colour.encode())))
    renderer.render(painter, target)


# Icons drawn so far, by SVG, colour, size and pixel ratio: a transcript paints the same few
# action icons on every frame, and parsing an SVG each time cost a frame about a millisecond.
_DRAWN: OrderedDict[tuple[bytes, str, int, int, float], QPixmap] = OrderedDict()
DRAWN_KEPT = 256


def _drawn(svg: bytes, colour: str, width: int, height: int, ratio: float) -> QPixmap:
    """``svg`` drawn in ``colour`` on a transparent pixmap of ``width`` × ``height`` at
    device pixel ratio ``ratio`` (made once, then kept)."""
    key = (svg, colour, width, height, ratio)
    pixmap = _DRAWN.get(key)
    if pixmap is not None:
        _DRAWN.move_to_end(key)
        return pixmap
    pixmap = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = min(pixmap.width(), pixmap.height())
    left, top = (pixmap.width() - side) / 2, (pixmap.height() - side) / 2
    _render(painter, svg, colour, QRectF(left, top, side, side))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    _DRAWN[key] = pixmap
    while len(_DRAWN) > DRAWN_KEPT:
        _DRAWN.popitem(last=False)
    return pixmap


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
