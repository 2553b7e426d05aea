"""Pictures for the transcript's text documents (formulas, SVG previews), sharp at any ratio.

A document's ``math:KEY`` or ``svg:KEY`` image is drawn from its SVG with QtSvg at the screen's
device pixel ratio; the picture keeps its size in pixels of the layout, so it is as crisp on a
high-DPI screen as the text beside it. QtSvg runs no scripts and loads nothing remote; SVG
previews are sanitised before they get here (``services.svg_preview``).
"""

from __future__ import annotations

import math
from collections import OrderedDict

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from app.services.math_render import MathImage
from app.services.svg_preview import SvgPicture

CACHE_SIZE = 512
_CACHE: OrderedDict[tuple[str, float], QImage] = OrderedDict()


def screen_ratio() -> float:
    app = QGuiApplication.instance()
    return float(app.devicePixelRatio()) if isinstance(app, QGuiApplication) else 1.0


def math_picture(formula: MathImage | SvgPicture, ratio: float | None = None) -> QImage:
    """The SVG drawn at ``ratio`` (default: the screen's) device pixels per layout pixel."""
    ratio = ratio or screen_ratio()
    key = (formula.key, ratio)
    picture = _CACHE.get(key)
    if picture is not None:
        _CACHE.move_to_end(key)
        return picture
    width = max(1, math.ceil(formula.width * ratio))
    height = max(1, math.ceil(formula.height * ratio))
    picture = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    picture.fill(Qt.GlobalColor.transparent)
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(formula.svg)).render(painter, QRectF(0, 0, width, height))
    painter.end()
    picture.setDevicePixelRatio(ratio)
    _CACHE[key] = picture
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return picture
