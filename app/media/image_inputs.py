"""Images going to the server: reference pictures and inpainting masks as they will be sent.

The pixel work (decode, scale down, re-encode) is done by an ``ImageCodec``. The window's is
built on QImage (``app.ui.images.codec``), because Qt already decodes every format the app
reads; the command line's (``app.media.image_files_as_is``) decodes nothing and sends files
as they are, so it needs neither Qt nor an image library.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Protocol

from app.media.images import ImageCheckError

DEFAULT_MAX_SIDE = 2048
DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 * 1024
_EXTENSIONS = {"image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}


class ImageInputError(ImageCheckError):
    """A reference or mask cannot be used; the message is a sentence for the person."""


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """An image as it will be sent: its bytes, type and size, and the size it came at."""

    data: bytes
    mime: str
    width: int
    height: int
    original_width: int
    original_height: int
    transparent: bool | None = None  # whether any pixel is see-through (None: not known)

    @property
    def downscaled(self) -> bool:
        return (self.width, self.height) != (self.original_width, self.original_height)

    @property
    def extension(self) -> str:
        return _EXTENSIONS.get(self.mime, "png")

    def data_url(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"

    def summary(self) -> str:
        """``1024 × 768 · 412 KB`` and, when made smaller, ``(from 4000 × 3000)``."""
        text = f"{self.width} × {self.height} · {megabytes(len(self.data))}"
        if self.downscaled:
            text += f" (from {self.original_width} × {self.original_height})"
        return text


def megabytes(size: int) -> str:
    """A byte count for people: ``812 bytes``, ``412 KB``, ``3.2 MB``."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


def scaled_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """``width × height`` made smaller (never larger) so that no side exceeds ``max_side``."""
    scale = min(1.0, max_side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def same_shape(size: tuple[int, int], other: tuple[int, int]) -> bool:
    """Whether two sizes have the same aspect ratio, to within a pixel or two."""
    return abs(size[0] * other[1] - size[1] * other[0]) <= max(*size, *other) * 2


class ImageCodec(Protocol):
    """Turns files into what is sent. Blocking: called on the worker pool."""

    def prepare_reference(
        self, data: bytes, *, max_side: int, max_bytes: int, keep_png: bool = False
    ) -> PreparedImage:
        """Scale ``data`` down so no side exceeds ``max_side`` and the file stays under
        ``max_bytes`` (PNG when it has transparency or ``keep_png``, else JPEG if the PNG is
        too large). Raises ``ImageInputError`` for anything unreadable or too large."""
        ...

    def prepare_mask(self, data: bytes, size: tuple[int, int]) -> PreparedImage:
        """A PNG of exactly ``size``, transparent where to edit; a mask of the same shape at
        another size is scaled. Raises ``ImageInputError`` for another shape or no
        transparent pixel."""
        ...
