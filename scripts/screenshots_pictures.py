"""Landscape pictures for the Images screenshots: sky, sun or moon, hills, water.

The stand-in gateway's own images are plain gradients; in the screenshots the gallery should
look like a gallery, so the image routes are given these pictures instead.
"""

from __future__ import annotations

import itertools
import random
import time
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPainterPath

from app.storage.image_store import ImageRecord
from app.storage.paths import media_dir

PROMPTS = (
    "a lighthouse at dusk, oil painting",
    "misty hills under a starry sky, long exposure",
    "rolling green hills at sunrise, watercolour",
    "a quiet lake between mountains at sunset",
)

SKIES = (
    ("#1d2b53", "#7e2553", "#ff9e5e"),  # dusk
    ("#0b1026", "#1f2f6b", "#3a4f9a"),  # night
    ("#4aa3df", "#9fd3f5", "#fdf1c7"),  # morning
    ("#2d1e4a", "#c1436d", "#f7b267"),  # sunset
    ("#5b8def", "#a9c9ff", "#e8f1ff"),  # noon
    ("#233d4d", "#619b8a", "#fe7f2d"),  # teal evening
)
HILLS = (
    ("#3b2f4f", "#2a2140", "#181226"),
    ("#2f4858", "#1f3442", "#10202b"),
    ("#55775a", "#3e5a44", "#273b2c"),
    ("#6b4f3a", "#4d3829", "#2e2118"),
)


def _sky(painter: QPainter, width: int, height: int, colours: tuple[str, str, str]) -> None:
    gradient = QLinearGradient(0, 0, 0, height)
    for stop, colour in zip((0.0, 0.55, 1.0), colours, strict=True):
        gradient.setColorAt(stop, QColor(colour))
    painter.fillRect(0, 0, width, height, gradient)


def _stars(painter: QPainter, rng: random.Random, width: int, height: int) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    for _ in range(width * height // 2500):
        painter.setBrush(QColor(255, 255, 240, rng.randint(90, 230)))
        size = rng.uniform(0.8, 2.2)
        painter.drawEllipse(
            QPointF(rng.uniform(0, width), rng.uniform(0, height * 0.5)), size, size
        )


def _sun(painter: QPainter, rng: random.Random, width: int, height: int, night: bool) -> None:
    radius = height * rng.uniform(0.07, 0.12)
    centre = QPointF(width * rng.uniform(0.2, 0.8), height * rng.uniform(0.22, 0.45))
    glow = QColor("#fff4d6" if night else "#fff1b8")
    for step in range(6, 0, -1):
        glow.setAlpha(18)
        painter.setBrush(glow)
        painter.drawEllipse(centre, radius * (1 + step * 0.35), radius * (1 + step * 0.35))
    painter.setBrush(QColor("#f4f1e8" if night else "#ffe38a"))
    painter.drawEllipse(centre, radius, radius)


def _ridge(
    rng: random.Random, width: int, base: float, amplitude: float, height: int
) -> QPainterPath:
    path = QPainterPath(QPointF(0, height))
    points = [QPointF(x, base - rng.uniform(0, amplitude)) for x in range(0, width + 80, 80)]
    path.lineTo(points[0])
    for left, right in itertools.pairwise(points):
        middle = QPointF((left.x() + right.x()) / 2, (left.y() + right.y()) / 2)
        path.quadTo(left, middle)
    path.lineTo(QPointF(width, points[-1].y()))
    path.lineTo(QPointF(width, height))
    path.closeSubpath()
    return path


def _hills(painter: QPainter, rng: random.Random, width: int, height: int) -> None:
    layers = rng.choice(HILLS)
    for index, colour in enumerate(layers):
        base = height * (0.58 + index * 0.12)
        painter.setBrush(QColor(colour))
        painter.drawPath(_ridge(rng, width, base, height * (0.18 - index * 0.04), height))


def _water(painter: QPainter, rng: random.Random, width: int, height: int) -> None:
    top = height * 0.8
    painter.setBrush(QColor(20, 30, 60, 150))
    painter.drawRect(QRectF(0, top, width, height - top))
    painter.setBrush(QColor(255, 240, 200, 70))
    for _ in range(14):
        y = rng.uniform(top + 4, height - 4)
        x = rng.uniform(0, width * 0.9)
        painter.drawRoundedRect(QRectF(x, y, rng.uniform(30, width * 0.2), 2.5), 1.2, 1.2)


def landscape(width: int, height: int, seed: int) -> QImage:
    """A small landscape painting; the seed picks the sky, the hills and their shapes."""
    rng = random.Random(seed)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colours = SKIES[seed % len(SKIES)]
    night = colours[0] in ("#0b1026", "#1d2b53")
    _sky(painter, width, height, colours)
    painter.setPen(Qt.PenStyle.NoPen)
    if night:
        _stars(painter, rng, width, height)
    _sun(painter, rng, width, height, night)
    _hills(painter, rng, width, height)
    if seed % 3 == 0:
        _water(painter, rng, width, height)
    painter.end()
    return image


def encoded(image: QImage, fmt: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, fmt.upper())
    return bytes(data.data())


def png_landscape(width: int, height: int, seed: int = 0) -> bytes:
    return encoded(landscape(width, height, seed), "png")


def jpeg_landscape(width: int, height: int, seed: int = 0) -> bytes:
    return encoded(landscape(width, height, seed), "jpeg")


def paint_gateway_images() -> None:
    """Make the stand-in gateway answer image requests with landscapes."""
    from tests.fake_api.routes import images

    images.png_bytes = png_landscape
    images.jpeg_bytes = jpeg_landscape


def keep_landscapes(
    session: Any, count: int, shapes: tuple[tuple[int, int], ...] = ((768, 512),)
) -> None:
    """``count`` landscapes in the gallery's history, as if generated in the last hour."""
    store = session.services.images.store
    folder = media_dir("images")
    for n in range(count):
        width, height = shapes[n % len(shapes)]
        path = folder / f"landscape-{n}.png"
        landscape(width, height, 40 + n).save(str(path))
        prompt = PROMPTS[n % len(PROMPTS)]
        request = {"model": "flux/dev", "prompt": prompt, "num_images": 1, "seed": 40 + n}
        record = ImageRecord(model="flux/dev", prompt=prompt, request=request, path=str(path),
                             mime="image/png", width=width, height=height, seed=40 + n,
                             cost_usd=0.0125, created=time.time() - 3600 + n)  # fmt: skip
        store.add(record)
