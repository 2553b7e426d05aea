from __future__ import annotations

import pytest

from app.api.client import ApiClient
from app.api.errors import ApiConnectionError, StreamError
from tests.fake_api import FakeApi, Fault, Reply

HELLO = [{"role": "user", "content": "Hello"}]
CHAT = "/v1/chat/completions"


def event(body: str) -> bytes:
    return b"data: " + body.encode() + b"\n\n"


def test_batches_give_the_same_reply_as_one_chunk_per_event(
    client: ApiClient, fake_api: FakeApi
) -> None:
    reply = " ".join(f"word{n}" for n in range(400))
    fake_api.options.chat_reply = reply
    fake_api.options.reasoning = "First I think, then I answer."
    with client.chat.stream(model="gpt-4o", messages=HELLO) as stream:
        batches = list(stream.batches())
    chunks = [chunk for batch in batches for chunk in batch]
    assert "".join(c.content for c in chunks) == reply
    assert "".join(c.reasoning for c in chunks) == "First I think, then I answer."
    assert len(chunks) < 100  # 400-odd events arrive as a few merged pieces
    result = stream.result()
    assert result.content == reply
    assert result.finish_reason == "stop"
    assert result.usage.total_tokens
    assert result.cost.known
    assert result.id and result.model


def test_text_before_an_error_event_is_delivered_then_the_error(
    client: ApiClient, fake_api: FakeApi
) -> None:
    body = (
        event('{"id":"c1","choices":[{"index":0,"delta":{"content":"Partial "}}]}')
        + event('{"id":"c1","choices":[{"index":0,"delta":{"content":"answer"}}]}')
        + event('{"error":{"message":"The model is under maintenance"}}')
        + event('{"id":"c1","choices":[{"index":0,"delta":{"content":" never shown"}}]}')
    )
    fake_api.script(CHAT, Reply(body=body, content_type="text/event-stream"))
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    first = stream.next_batch()
    assert "".join(c.content for c in first) == "Partial answer"
    with pytest.raises(StreamError, match="under maintenance"):
        stream.next_batch()
    assert stream.result().content == "Partial answer"


def test_nothing_after_done_is_read(client: ApiClient, fake_api: FakeApi) -> None:
    body = (
        event('{"choices":[{"delta":{"content":"All "}}]}')
        + event('{"choices":[{"delta":{"content":"done."}, "finish_reason":"stop"}]}')
        + b"data: [DONE]\n\n"
        + event('{"choices":[{"delta":{"content":" Extra."}}]}')
    )
    fake_api.script(CHAT, Reply(body=body, content_type="text/event-stream"))
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    chunks = [chunk for batch in stream.batches() for chunk in batch]
    assert "".join(c.content for c in chunks) == "All done."
    assert stream.result().finish_reason == "stop"


def test_replies_of_different_ids_and_the_finish_stay_apart(
    client: ApiClient, fake_api: FakeApi
) -> None:
    body = (
        event('{"id":"a","choices":[{"delta":{"content":"one "}}]}')
        + event('{"id":"a","choices":[{"delta":{"content":"two "}}]}')
        + event('{"id":"b","choices":[{"delta":{"content":"three"}}]}')
        + event('{"id":"b","choices":[{"delta":{},"finish_reason":"length"}]}')
        + event('{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}')
    )
    fake_api.script(CHAT, Reply(body=body, content_type="text/event-stream"))
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    chunks = [chunk for batch in stream.batches() for chunk in batch]
    assert [(c.id, c.content) for c in chunks[:3]] == [("a", "one two "), ("b", "three"), ("b", "")]
    assert chunks[2].finish_reason == "length"
    assert chunks[3].usage is not None and chunks[3].usage.completion_tokens == 4
    assert stream.result().id == "a"


def test_a_stream_cut_mid_way_keeps_the_batches_that_arrived(
    client: ApiClient, fake_api: FakeApi
) -> None:
    fake_api.options.chat_reply = "alpha beta gamma delta epsilon zeta eta theta"
    fake_api.script(CHAT, Fault.drop_mid_stream(after_events=4))
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    received: list[str] = []
    with pytest.raises((StreamError, ApiConnectionError)):
        for batch in stream.batches():
            received.extend(c.content for c in batch)
    assert "".join(received) == stream.result().content
    assert stream.result().content.startswith("alpha")
    assert not stream.result().content.endswith("theta")
