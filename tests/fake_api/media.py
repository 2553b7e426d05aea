"""Small real media files: PNG and baseline JPEG pictures, RIFF WAV sine tones.

Pictures are smooth colour gradients whose colours follow a seed, so different seeds give
different images. The JPEG writer encodes each 8x8 block as one flat colour (DC only), which
every decoder reads.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Iterator
from functools import lru_cache

Rgb = tuple[int, int, int]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def seed_colours(seed: int) -> tuple[Rgb, Rgb]:
    """Two colours derived from ``seed``: the gradient's top-left and bottom-right."""
    value = (seed * 2654435761) & 0xFFFFFFFF
    first = (value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF)
    second = tuple(255 - channel for channel in reversed(first))
    return first, (second[0], second[1], second[2])


def gradient_pixel(x: int, y: int, width: int, height: int, colours: tuple[Rgb, Rgb]) -> Rgb:
    start, end = colours
    t = (x / max(width - 1, 1) + y / max(height - 1, 1)) / 2
    r, g, b = (round(a + (c - a) * t) for a, c in zip(start, end, strict=True))
    return r, g, b


def fit_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """``width`` x ``height`` scaled down (aspect kept) so the longest side is ≤ ``max_side``."""
    width, height = max(width, 1), max(height, 1)
    scale = min(1.0, max_side / max(width, height))
    return max(round(width * scale), 1), max(round(height * scale), 1)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_bytes(width: int, height: int, seed: int = 0) -> bytes:
    """An 8-bit RGB PNG of a gradient."""
    colours = seed_colours(seed)
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows.extend(gradient_pixel(x, y, width, height, colours))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + _png_chunk(b"IEND", b"")
    )


# Standard luminance/chrominance DC Huffman tables (ITU T.81 Annex K.3): code lengths 1..16
# and the symbols they code; the AC tables only need the end-of-block code.
DC_LUMA_COUNTS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
DC_CHROMA_COUNTS = (0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0)
DC_SYMBOLS = tuple(range(12))
AC_EOB_COUNTS = (0, 1) + (0,) * 14  # one 2-bit code "00" for symbol 0x00 (end of block)
AC_EOB_SYMBOLS = (0,)


def _huffman_codes(counts: tuple[int, ...], symbols: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    codes: dict[int, tuple[int, int]] = {}
    code, index = 0, 0
    for length, count in enumerate(counts, start=1):
        for _ in range(count):
            codes[symbols[index]] = (code, length)
            code += 1
            index += 1
        code <<= 1
    return codes


class _BitWriter:
    def __init__(self) -> None:
        self.out = bytearray()
        self.accumulator = 0
        self.count = 0

    def write(self, value: int, length: int) -> None:
        for shift in range(length - 1, -1, -1):
            self.accumulator = (self.accumulator << 1) | ((value >> shift) & 1)
            self.count += 1
            if self.count == 8:
                self.out.append(self.accumulator)
                if self.accumulator == 0xFF:
                    self.out.append(0)
                self.accumulator = self.count = 0

    def flush(self) -> bytes:
        if self.count:
            self.write((1 << (8 - self.count)) - 1, 8 - self.count)
        return bytes(self.out)


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _ycbcr(rgb: Rgb) -> tuple[float, float, float]:
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return (
        y,
        128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
        128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
    )


def _blocks(width: int, height: int, seed: int) -> Iterator[tuple[int, int, int]]:
    """DC coefficient (quantiser 1) of the Y, Cb, Cr block at each 8x8 cell, row by row."""
    colours = seed_colours(seed)
    for by in range(math.ceil(height / 8)):
        for bx in range(math.ceil(width / 8)):
            centre = gradient_pixel(
                min(bx * 8 + 4, width - 1), min(by * 8 + 4, height - 1), width, height, colours
            )
            y, cb, cr = (min(max(v, 0.0), 255.0) for v in _ycbcr(centre))
            yield round(8 * (y - 128)), round(8 * (cb - 128)), round(8 * (cr - 128))


def _magnitude(value: int) -> tuple[int, int]:
    """JPEG DC difference category and its extra bits."""
    size = abs(value).bit_length()
    bits = value if value >= 0 else value + (1 << size) - 1
    return size, bits


def jpeg_bytes(width: int, height: int, seed: int = 0) -> bytes:
    """A baseline JFIF JPEG (YCbCr 4:4:4) of the gradient, one flat colour per 8x8 block."""
    dc_tables = (
        _huffman_codes(DC_LUMA_COUNTS, DC_SYMBOLS),
        _huffman_codes(DC_CHROMA_COUNTS, DC_SYMBOLS),
    )
    eob = _huffman_codes(AC_EOB_COUNTS, AC_EOB_SYMBOLS)[0]
    writer = _BitWriter()
    previous = [0, 0, 0]
    for block in _blocks(width, height, seed):
        for component, dc in enumerate(block):
            size, bits = _magnitude(dc - previous[component])
            previous[component] = dc
            code, length = dc_tables[min(component, 1)][size]
            writer.write(code, length)
            if size:
                writer.write(bits, size)
            writer.write(*eob)
    quant = bytes([0]) + bytes([1] * 64)
    frame = struct.pack(">BHHB", 8, height, width, 3) + bytes([1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0])
    huffman = b"".join(
        bytes([table_class << 4 | table_id]) + bytes(counts) + bytes(symbols)
        for table_class, table_id, counts, symbols in (
            (0, 0, DC_LUMA_COUNTS, DC_SYMBOLS),
            (0, 1, DC_CHROMA_COUNTS, DC_SYMBOLS),
            (1, 0, AC_EOB_COUNTS, AC_EOB_SYMBOLS),
        )
    )
    scan = bytes([3, 1, 0x00, 2, 0x10, 3, 0x10, 0, 63, 0])
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xDB, quant)
        + _segment(0xC0, frame)
        + _segment(0xC4, huffman)
        + _segment(0xDA, scan)
        + writer.flush()
        + b"\xff\xd9"
    )


@lru_cache(maxsize=32)
def wav_bytes(seconds: float, *, sample_rate: int = 24000, frequency: float = 440.0) -> bytes:
    """A 16-bit mono RIFF WAV of a sine tone at half volume."""
    frames = max(int(seconds * sample_rate), 1)
    step = 2 * math.pi * frequency / sample_rate
    samples = struct.pack(f"<{frames}h", *(int(16383 * math.sin(step * i)) for i in range(frames)))
    fmt = struct.pack("<HHIIHH", 1, 1, sample_rate, sample_rate * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(samples)) + samples
    return b"RIFF" + struct.pack("<I", len(body)) + body


def wav_duration(data: bytes) -> float | None:
    """Seconds of audio in a PCM WAV, or None when ``data`` is not one."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    byte_rate, offset = 0, 12
    while offset + 8 <= len(data):
        kind, size = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        if kind == b"fmt " and size >= 16:
            byte_rate = struct.unpack("<I", data[offset + 16 : offset + 20])[0]
        elif kind == b"data":
            available = min(size, len(data) - offset - 8)
            return available / byte_rate if byte_rate else None
        offset += 8 + size + (size & 1)
    return None
