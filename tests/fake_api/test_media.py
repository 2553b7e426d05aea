"""The pictures and sounds the stand-in hands out are real files a decoder reads."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib

import pytest

from tests.fake_api.media import (
    fit_size,
    gradient_pixel,
    jpeg_bytes,
    png_bytes,
    seed_colours,
    wav_bytes,
    wav_duration,
)


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered RGB rows of an 8-bit RGB PNG written with filter 0."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, width, height = 8, b"", 0, 0
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        payload = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + payload) & 0xFFFFFFFF
        if kind == b"IHDR":
            width, height = struct.unpack(">II", payload[:8])
            assert payload[8:10] == b"\x08\x02"
        elif kind == b"IDAT":
            idat += payload
        offset += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 3 * width
    rows = [raw[i * stride : (i + 1) * stride] for i in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, [row[1:] for row in rows]


def test_png_pixels_follow_the_seed() -> None:
    width, height, rows = decode_png(png_bytes(40, 30, seed=42))
    first, last = seed_colours(42)
    assert (width, height) == (40, 30)
    assert tuple(rows[0][:3]) == first
    assert tuple(rows[-1][-3:]) == last
    assert png_bytes(40, 30, seed=1) != png_bytes(40, 30, seed=2)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_jpeg_decodes_to_the_gradient() -> None:
    width, height = 37, 21
    decoded = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "jpeg_pipe",
            "-i",
            "-",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        input=jpeg_bytes(width, height, seed=7),
        capture_output=True,
        check=True,
    ).stdout
    assert len(decoded) == width * height * 3
    colours = seed_colours(7)
    for x, y in ((4, 4), (28, 12)):
        expected = gradient_pixel(x, y, width, height, colours)
        actual = decoded[(y * width + x) * 3 : (y * width + x) * 3 + 3]
        assert all(abs(a - e) <= 6 for a, e in zip(actual, expected, strict=True))


def test_wav_is_pcm_of_the_asked_length() -> None:
    data = wav_bytes(0.5, sample_rate=24000)
    assert data[:4] == b"RIFF" and data[8:16] == b"WAVEfmt "
    channels, rate, _, _, bits = struct.unpack("<HIIHH", data[22:36])
    assert (channels, rate, bits) == (1, 24000, 16)
    assert wav_duration(data) == 0.5
    assert max(struct.unpack("<12000h", data[44:])) > 16000
    assert wav_duration(b"ID3\x03not a wav") is None


def test_fit_size_keeps_aspect_ratio() -> None:
    assert fit_size(1024, 768, 64) == (64, 48)
    assert fit_size(20, 10, 64) == (20, 10)
