"""The command line's image codec reads headers only: files go unchanged or get a sentence."""

from __future__ import annotations

import struct
import zlib

import pytest

from app.media.image_files_as_is import AsIsImageCodec, png_has_alpha
from app.media.image_inputs import ImageInputError


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, colour_type: int, *, trns: bool = False) -> bytes:
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    raw = b"".join(b"\0" + bytes(width * channels) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    extra = _chunk(b"tRNS", b"\0\0\0\0\0\0") if trns else b""
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + extra
        + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b"")
    )  # fmt: skip


def test_alpha_is_read_from_the_colour_type_or_a_trns_chunk() -> None:
    assert png_has_alpha(png(4, 4, 6)) and png_has_alpha(png(4, 4, 4))
    assert png_has_alpha(png(4, 4, 2, trns=True))
    assert not png_has_alpha(png(4, 4, 2)) and not png_has_alpha(png(4, 4, 0))


def test_a_reference_goes_unchanged_when_it_fits() -> None:
    data = png(30, 20, 2)
    sent = AsIsImageCodec().prepare_reference(data, max_side=16, max_bytes=10_000)
    assert sent.data == data and (sent.width, sent.height, sent.mime) == (30, 20, "image/png")
    assert not sent.downscaled
    with pytest.raises(ImageInputError, match=r"^it is \d+ bytes, more than the 10 bytes"):
        AsIsImageCodec().prepare_reference(data, max_side=2048, max_bytes=10)
    with pytest.raises(ImageInputError, match="not a PNG, JPEG, WebP or GIF image"):
        AsIsImageCodec().prepare_reference(b"hello", max_side=2048, max_bytes=10_000)


def test_a_mask_must_be_a_png_of_the_same_size_that_can_be_transparent() -> None:
    codec = AsIsImageCodec()
    assert codec.prepare_mask(png(8, 8, 6), (8, 8)).data == png(8, 8, 6)
    with pytest.raises(ImageInputError, match=r"^The mask is 8 × 8 but the image is 16 × 16"):
        codec.prepare_mask(png(8, 8, 6), (16, 16))
    with pytest.raises(ImageInputError, match="no transparency"):
        codec.prepare_mask(png(8, 8, 2), (8, 8))
