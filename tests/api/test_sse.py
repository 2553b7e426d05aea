from __future__ import annotations

import pytest

from app.api.sse import SseDecoder, SseEvent, iter_sse


def decode_in_pieces(raw: bytes, size: int) -> list[SseEvent]:
    decoder = SseDecoder()
    events: list[SseEvent] = []
    for start in range(0, len(raw), size):
        events.extend(decoder.feed(raw[start : start + size]))
    events.extend(decoder.flush())
    return events


DOCUMENTED_STREAM = (
    b'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n'
    b'data: {"choices":[{"index":0,"delta":{"content":"Hello"}}]}\n\n'
    b'data: {"choices":[],"usage":{"prompt_tokens":16}}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("piece_size", [1, 2, 3, 7, 1000])
def test_every_line_ending_and_split_gives_the_same_events(newline: bytes, piece_size: int) -> None:
    raw = DOCUMENTED_STREAM.replace(b"\n", newline)
    events = decode_in_pieces(raw, piece_size)
    assert [e.data for e in events] == [
        '{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}',
        '{"choices":[{"index":0,"delta":{"content":"Hello"}}]}',
        '{"choices":[],"usage":{"prompt_tokens":16}}',
        "[DONE]",
    ]
    assert events[-1].is_done
    assert not events[0].is_done


def test_crlf_split_between_reads_does_not_make_an_extra_blank_line() -> None:
    decoder = SseDecoder()
    assert decoder.feed(b"data: a\r") == []
    # the LF completing the CRLF arrives alone; only the next blank line dispatches
    assert decoder.feed(b"\ndata: b\r") == []
    events = decoder.feed(b"\n\r\n")
    assert [e.data for e in events] == ["a\nb"]


def test_comments_are_ignored_and_do_not_dispatch() -> None:
    events = decode_in_pieces(b": keep-alive\n\n: OPENROUTER PROCESSING\ndata: x\n\n", 4)
    assert [e.data for e in events] == ["x"]


def test_multi_line_data_joins_with_newline() -> None:
    events = decode_in_pieces(b'data: {\ndata:  "a": 1\ndata: }\n\n', 5)
    assert events == [SseEvent(data='{\n "a": 1\n}')]


def test_event_and_id_fields_are_kept_and_id_persists() -> None:
    raw = b"event: error\nid: 7\ndata: boom\n\ndata: next\n\n"
    first, second = decode_in_pieces(raw, 3)
    assert (first.event, first.id, first.data) == ("error", "7", "boom")
    assert (second.event, second.id, second.data) == ("message", "7", "next")


def test_field_without_space_and_unknown_fields() -> None:
    events = decode_in_pieces(b"data:tight\nfoo: bar\nretry: 1500\n\n", 2)
    assert events == [SseEvent(data="tight", retry=1500)]


def test_eof_without_done_and_without_trailing_blank_line_still_delivers() -> None:
    events = list(iter_sse([b'data: {"a":1}\n\ndata: {"b"', b":2}"]))
    assert [e.data for e in events] == ['{"a":1}', '{"b":2}']
    assert not any(e.is_done for e in events)


def test_event_with_only_event_field_is_not_dispatched() -> None:
    assert decode_in_pieces(b"event: ping\n\n", 1) == []


def test_utf8_character_split_across_reads() -> None:
    raw = "data: Привет 👋\n\n".encode()
    events = decode_in_pieces(raw, 1)
    assert [e.data for e in events] == ["Привет 👋"]


def test_byte_order_mark_at_start_is_dropped() -> None:
    events = decode_in_pieces(b"\xef\xbb\xbfdata: x\n\n", 2)
    assert [e.data for e in events] == ["x"]


def test_error_object_event_is_delivered_like_any_other() -> None:
    events = decode_in_pieces(
        b'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n'
        b'data: {"error":{"message":"upstream died"}}\n\n',
        6,
    )
    assert events[1].data == '{"error":{"message":"upstream died"}}'
