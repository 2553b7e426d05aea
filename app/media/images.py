"""Image sizes read from file headers, so nothing is decoded before it is known to be safe.

``image_header`` reads the format and pixel dimensions of PNG, JPEG, WebP (lossy, lossless,
extended) and GIF without decoding; ``check_image`` refuses images over the byte or pixel cap
(a small file may declare a gigantic canvas: a decompression bomb).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from app.errors import MediaError

MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_PIXELS = 64 * 1024 * 1024
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb", b"RIFF", b"GIF8")


class ImageCheckError(MediaError, ValueError):
    """The image cannot be used; the message is a sentence for the person."""


@dataclass(frozen=True, slots=True)
class ImageHeader:
    format: str  # "png" | "jpeg" | "webp" | "gif"
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def _png(data: bytes) -> ImageHeader | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return ImageHeader("png", width, height)


def _jpeg(data: bytes) -> ImageHeader | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_SOF and position + 9 <= len(data):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return ImageHeader("jpeg", width, height)
        if length < 2:
            return None
        position += 2 + length
    return None


def _webp(data: bytes) -> ImageHeader | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return ImageHeader("webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return ImageHeader("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return ImageHeader("webp", width, height)
    return None


def _gif(data: bytes) -> ImageHeader | None:
    if len(data) < 10:
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return ImageHeader("gif", width, height)


def image_header(data: bytes) -> ImageHeader | None:
    """Format and size from the first bytes; ``None`` when not a PNG/JPEG/WebP/GIF header."""
    head = bytes(data[:65536])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(head)
    if head.startswith(b"\xff\xd8"):
        return _jpeg(head)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _gif(head)
    return None


def check_image(
    data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> ImageHeader:
    """The image's header, after checking it is a readable image within both caps.

    Raises:
        ImageCheckError: empty, too many bytes, not a known image, zero or too many pixels.
    """
    if not data:
        raise ImageCheckError("The server sent an empty image.")
    if len(data) > max_bytes:
        raise ImageCheckError(
            f"The image is {len(data) / 1048576:.1f} MB, more than the "
            f"{max_bytes / 1048576:.0f} MB this app opens."
        )
    header = image_header(data)
    if header is None and data[:4] in _SIGNATURES:
        raise ImageCheckError("The image is damaged: its header cannot be read.")
    if header is None:
        raise ImageCheckError("The server sent a file that is not a PNG, JPEG, WebP or GIF image.")
    if header.width <= 0 or header.height <= 0:
        raise ImageCheckError("The image is damaged: its header gives no size.")
    if header.pixels > max_pixels:
        raise ImageCheckError(
            f"The image claims to be {header.width} × {header.height} pixels, more than the "
            f"{max_pixels // 1_000_000} megapixels this app opens; it was not decoded."
        )
    return header
