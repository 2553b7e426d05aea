from __future__ import annotations

import io
import random

import pytest

from app.api.chunked import ChunkedBodyError, ChunkedDecoder, ChunkedReader


def chunked(pieces: list[bytes], *, extension: bytes = b"", trailer: bytes = b"") -> bytes:
    framed = b"".join(b"%x%s\r\n%s\r\n" % (len(p), extension, p) for p in pieces)
    return framed + b"0\r\n" + trailer + b"\r\n"


def decode_in_pieces(raw: bytes, sizes: list[int]) -> tuple[bytes, bool]:
    decoder = ChunkedDecoder()
    body, start, turn = [], 0, 0
    while start < len(raw):
        size = sizes[turn % len(sizes)]
        body.append(decoder.feed(raw[start : start + size]))
        start += size
        turn += 1
    return b"".join(body), decoder.done


EVENTS = [f'data: {{"n": {n}, "text": "wörd {n}"}}\n\n'.encode() for n in range(60)]


@pytest.mark.parametrize("sizes", [[1], [2], [3, 7], [5, 64, 1], [4096]])
def test_any_split_of_the_wire_gives_the_body(sizes: list[int]) -> None:
    body, done = decode_in_pieces(chunked(EVENTS), sizes)
    assert body == b"".join(EVENTS)
    assert done


def test_extensions_and_trailer_fields_are_dropped() -> None:
    raw = chunked([b"Hello, ", b"world"], extension=b";name=value", trailer=b"X-Cost: 1\r\n")
    body, done = decode_in_pieces(raw, [3])
    assert body == b"Hello, world"
    assert done


def test_random_chunk_and_read_sizes() -> None:
    rng = random.Random(7)
    text = bytes(rng.randrange(256) for _ in range(5000))
    cuts = sorted(rng.sample(range(1, len(text)), 200))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    body, done = decode_in_pieces(chunked(pieces), [rng.randint(1, 300) for _ in range(50)])
    assert body == text
    assert done


def test_bytes_after_the_last_chunk_are_not_body() -> None:
    body, done = decode_in_pieces(chunked([b"abc"]) + b"HTTP/1.1 200 OK\r\n", [1000])
    assert body == b"abc"
    assert done


def test_malformed_size_is_an_error() -> None:
    with pytest.raises(ChunkedBodyError):
        ChunkedDecoder().feed(b"zz\r\nabc\r\n")


def test_reader_returns_whole_reads_and_empty_at_the_end() -> None:
    reader = ChunkedReader(io.BufferedReader(io.BytesIO(chunked(EVENTS)), 1 << 16), 1 << 16)
    assert reader.read() == b"".join(EVENTS)
    assert reader.read() == b""


def test_reader_reports_a_connection_that_ends_mid_body() -> None:
    cut = chunked(EVENTS)[:-40]
    reader = ChunkedReader(io.BufferedReader(io.BytesIO(cut)), 1 << 16)
    assert reader.read()
    with pytest.raises(ChunkedBodyError):
        reader.read()
