"""Decoding images into ``QImage`` on worker threads (never ``QPixmap`` there), with caps.

The header is checked first (``app.media.images.check_image``: bytes and pixels), then
``QImageReader`` decodes with an allocation limit, scaled while decoding when a thumbnail is
wanted. Thumbnails are cached as PNG files under the cache folder.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from app.media.images import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, ImageCheckError, check_image
from app.storage.paths import cache_dir

log = logging.getLogger(__name__)

THUMBNAIL_SIDE = 160
ALLOCATION_LIMIT_MB = (MAX_IMAGE_PIXELS * 4) // (1024 * 1024) + 1


class DecodeCounter:
    """Counts full decodes of image files (tests check that only visible ones were decoded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def add(self) -> None:
        with self._lock:
            self.count += 1


decodes = DecodeCounter()


def _read(reader: QImageReader, scaled_to: int | None) -> QImage:
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    reader.setAutoTransform(True)
    size = reader.size()
    if scaled_to and size.isValid() and max(size.width(), size.height()) > scaled_to:
        box = QSize(scaled_to, scaled_to)
        reader.setScaledSize(size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        raise ImageCheckError(f"The image could not be decoded ({reader.errorString()}).")
    decodes.add()
    return image


def decode_bytes(data: bytes, *, scaled_to: int | None = None) -> QImage:
    """A ``QImage`` from encoded bytes, after the header checks. Safe on a worker thread."""
    check_image(data, max_bytes=MAX_IMAGE_BYTES, max_pixels=MAX_IMAGE_PIXELS)
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    try:
        return _read(QImageReader(buffer), scaled_to)
    finally:
        buffer.close()


def decode_file(path: str | Path, *, scaled_to: int | None = None) -> QImage:
    """A ``QImage`` from a file, after the header checks. Safe on a worker thread."""
    path = Path(path)
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise ImageCheckError(f"{path.name} is larger than this app opens.")
    return decode_bytes(path.read_bytes(), scaled_to=scaled_to)


def thumbnail_cache_path(image_id: int, side: int = THUMBNAIL_SIDE) -> Path:
    folder = cache_dir() / "thumbnails"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{image_id}-{side}.png"


def load_thumbnail(image_id: int, path: str | Path, side: int = THUMBNAIL_SIDE) -> QImage:
    """The thumbnail from the disk cache, else decoded from ``path`` and cached."""
    cached = thumbnail_cache_path(image_id, side)
    if cached.exists():
        image = QImage(str(cached))
        if not image.isNull():
            return image
    image = decode_file(path, scaled_to=side)
    if max(image.width(), image.height()) > side:
        image = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)  # fmt: skip
    partial = cached.with_suffix(".part")
    if image.save(str(partial), "PNG"):  # type: ignore[call-overload]  # the stubs say bytes
        partial.replace(cached)
    return image


def forget_thumbnail(image_id: int, side: int = THUMBNAIL_SIDE) -> None:
    thumbnail_cache_path(image_id, side).unlink(missing_ok=True)
