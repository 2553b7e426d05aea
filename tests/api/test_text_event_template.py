"""Events read through the repeated-shape shortcut give what a full parse of each gives."""

from __future__ import annotations

import json

import pytest

from app.api.chat_parsing import ChunkAccumulator, TextEventTemplate, event_json, parse_chat_chunk
from app.api.client import ApiClient
from app.api.errors import ResponseFormatError
from tests.fake_api import FakeApi, Reply

HELLO = [{"role": "user", "content": "Hello"}]
CHAT = "/v1/chat/completions"
HEAD = '{"id": "c1", "object": "chat.completion.chunk", "created": 7, "model": "m", "choices": ['


def text_event(text: str, field: str = "content", rid: str = "c1") -> str:
    body = {
        "id": rid,
        "object": "chat.completion.chunk",
        "created": 7,
        "model": "m",
        "choices": [{"index": 0, "delta": {field: text}, "finish_reason": None}],
        "usage": None,
    }
    return json.dumps(body)


def in_reads(datas: list[str], per_read: int = 8) -> Reply:
    """A stream of ``datas`` sent a few events at a time, so it is read in many reads."""
    events = [f"data: {data}\n\n".encode() for data in datas]
    pieces = tuple(b"".join(events[n : n + per_read]) for n in range(0, len(events), per_read))
    return Reply(pieces=pieces, piece_delay=0.01, content_type="text/event-stream")


def learnt(data: str) -> TextEventTemplate:
    template = TextEventTemplate()
    template.learn(data, event_json(data))
    return template


def text_of(template: TextEventTemplate, data: str) -> str | None:
    matched = template.match(data)
    return None if matched is None else matched[0]


@pytest.mark.parametrize(
    "first, later, full",
    [
        # a duplicate key: the last one is the field's value
        (
            '{"choices":[{"delta":{"content":"hi","\\u0063ontent":"hi"}}]}',
            '{"choices":[{"delta":{"content":"EVIL","\\u0063ontent":"hi"}}]}',
            "hi",
        ),
        # the same name elsewhere, and the field's own name escaped
        (
            '{"choices":[{"delta":{"\\u0063ontent":"hi"}}],"x":{"content":"hi"}}',
            '{"choices":[{"delta":{"\\u0063ontent":"hi"}}],"x":{"content":"EVIL"}}',
            "hi",
        ),
    ],
)
def test_a_shape_that_would_read_another_string_is_not_learnt(
    first: str, later: str, full: str
) -> None:
    assert parse_chat_chunk(event_json(later)).content == full  # what a full parse says
    assert text_of(learnt(first), later) in (None, full)


def folded(datas: list[str]) -> tuple[str, str, str | None]:
    accumulator = ChunkAccumulator()
    for data in datas:
        chunk = parse_chat_chunk(event_json(data))
        if chunk is not None:
            accumulator.add(chunk)
    result = accumulator.result()
    return result.content, result.reasoning, result.id


@pytest.mark.parametrize(
    "text", ["plain", 'a "quoted" word', "line\nbreak", "café ☕", "\\ backslash", "", "}, {"]
)
def test_a_matching_event_gives_its_exact_text(text: str) -> None:
    template = learnt(text_event("first"))
    data = text_event(text)
    assert text_of(template, data) == text
    matched = template.match_all([data, text_event("x")])
    assert matched is not None and matched[0] == [text, "x"]


def test_escapes_written_differently_still_decode_to_the_same_text() -> None:
    template = learnt(text_event("first"))
    data = text_event("x").replace('"x"', '"caf\\u00e9 \\n"')
    assert text_of(template, data) == json.loads(data)["choices"][0]["delta"]["content"]


@pytest.mark.parametrize(
    "data",
    [
        text_event("other", rid="c2"),  # another reply
        text_event("r", field="reasoning_content"),  # another field
        text_event("x").replace('"x"', "17"),  # not a string
        text_event("x").replace('"x"', '"a" "b"'),  # not one JSON value
        text_event("x").replace('"x"', '"unterminated'),
        text_event("x").replace('"finish_reason": null', '"finish_reason": "stop"'),
        "[DONE]",
    ],
)
def test_any_other_event_is_left_to_the_full_parse(data: str) -> None:
    template = learnt(text_event("first"))
    assert template.match(data) is None
    assert template.match_all([text_event("ok"), data]) is None


def test_the_text_field_name_appearing_as_a_value_too_reads_right() -> None:
    def named(text: str) -> str:
        return text_event(text).replace('"model": "m"', '"model": "content"')

    assert text_of(learnt(named("x")), named("y")) in (None, "y")


def test_no_template_from_an_event_with_more_than_text() -> None:
    data = text_event("x").replace('"finish_reason": null', '"finish_reason": "stop"')
    assert learnt(data).match(text_event("y")) is None


def test_a_stream_of_repeated_shapes_reads_as_the_full_parse_would(
    client: ApiClient, fake_api: FakeApi
) -> None:
    datas = [
        HEAD + '{"index": 0, "delta": {"role": "assistant", "content": ""}}]}',
        *(text_event(f"r{n} ", field="reasoning_content") for n in range(30)),
        *(text_event(f"word{n} ") for n in range(200)),
        text_event('café "quoted"\n'),
        text_event("next reply ", rid="c2"),  # another id: a chunk of its own
        text_event("word ").replace('"usage": null', '"usage": {"total_tokens": 9}'),
        HEAD + '{"index": 0, "delta": {}, "finish_reason": "stop"}]}',
    ]
    fake_api.script(CHAT, in_reads([*datas, "[DONE]"]))
    with client.chat.stream(model="m", messages=HELLO) as stream:
        batches = list(stream.batches())
    chunks = [chunk for batch in batches for chunk in batch]
    assert len(batches) >= 10  # most reads came through the shortcut
    content, reasoning, rid = folded(datas)
    result = stream.result()
    assert (result.content, result.reasoning) == (content, reasoning)
    assert result.content.startswith("word0 word1 ") and 'café "quoted"\n' in result.content
    assert rid == "c1" and result.id == "c1"
    assert result.finish_reason == "stop" and result.usage.total_tokens == 9
    assert {chunk.id for chunk in chunks} == {"c1", "c2"}


def test_reasoning_and_content_mixed_in_one_read_stay_apart(
    client: ApiClient, fake_api: FakeApi
) -> None:
    datas = [text_event(f"r{n} ", field="reasoning_content") for n in range(3)]
    datas += [text_event("C1 "), text_event("r3 ", field="reasoning_content"), text_event("C2")]
    fake_api.script(CHAT, in_reads(datas, per_read=3))
    with client.chat.stream(model="m", messages=HELLO) as stream:
        list(stream.batches())
    result = stream.result()
    assert (result.content, result.reasoning) == ("C1 C2", "r0 r1 r2 r3 ")


def test_a_broken_event_among_repeated_shapes_still_fails_as_broken(
    client: ApiClient, fake_api: FakeApi
) -> None:
    datas = [text_event(f"w{n} ") for n in range(20)]
    datas.insert(10, text_event("x").replace('"x"', '"unterminated'))
    fake_api.script(CHAT, in_reads(datas))
    stream = client.chat.stream(model="m", messages=HELLO)
    with pytest.raises(ResponseFormatError):
        for _batch in stream.batches():
            pass
    assert stream.result().content == "".join(f"w{n} " for n in range(10))
