from __future__ import annotations

import threading
import time

import pytest

from app.api.client import ApiClient, ClientConfig, Timeouts
from app.api.errors import (
    ApiConnectionError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    ResponseFormatError,
    StreamError,
    describe,
)
from tests.api.conftest import KEY
from tests.fake_api import FakeApi, Fault, Reply

HELLO = [{"role": "user", "content": "Hello"}]


def test_create_sends_auth_title_and_versioned_path(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = "Hi there, friend."
    completion = client.chat.create(model="gpt-4o", messages=HELLO, temperature=0.2)
    assert completion.content == "Hi there, friend."
    assert completion.usage.total_tokens
    assert completion.cost.known
    (request,) = fake_api.requests_to("/v1/chat/completions")
    assert request.bearer == KEY
    assert request.headers["X-Title"] == "AIML Desktop"
    assert request.json["temperature"] == 0.2
    assert request.json["stream"] is False


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/", "/v2"])
def test_base_url_with_or_without_version(fake_api: FakeApi, suffix: str) -> None:
    with ApiClient(ClientConfig(base_url=fake_api.url + suffix, api_key=KEY)) as client:
        assert client.chat.create(model="gpt-4o", messages=HELLO).content
    assert [r.path for r in fake_api.requests] == ["/v1/chat/completions"]


def test_201_is_success(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.success_status = 201
    assert client.chat.create(model="gpt-4o", messages=HELLO).content == "Echo: Hello"


def test_429_then_success_honours_retry_after(
    client: ApiClient, fake_api: FakeApi, slept: list[float]
) -> None:
    fake_api.script("/v1/chat/completions", Fault.error(429, retry_after=3))
    assert client.chat.create(model="gpt-4o", messages=HELLO).content == "Echo: Hello"
    assert slept == [3.0]
    assert len(fake_api.requests_to("/v1/chat/completions")) == 2


def test_500_then_success_backs_off(
    client: ApiClient, fake_api: FakeApi, slept: list[float]
) -> None:
    fake_api.script("/v1/chat/completions", Fault.error(500), Fault.error(503))
    assert client.chat.create(model="gpt-4o", messages=HELLO).content
    assert slept == [0.5, 1.0]


def test_retries_run_out_with_the_servers_error(
    make_client, fake_api: FakeApi, slept: list[float]
) -> None:
    client = make_client(max_retries=1)
    fake_api.script("/v1/chat/completions", Fault.error(502), Fault.error(502))
    with pytest.raises(InternalServerError) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    assert caught.value.status == 502
    assert slept == [0.5]


def test_401_gives_authentication_error_with_gateway_message(
    make_client, fake_api: FakeApi, slept: list[float]
) -> None:
    fake_api.options.require_key = "the-right-key"
    client = make_client(api_key="wrong")
    with pytest.raises(AuthenticationError) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    error = caught.value
    assert error.status == 401
    assert "requires a valid API key" in error.message
    assert error.request_id
    assert slept == []  # never retried
    assert "API key was refused" in describe(error)


def test_status_code_as_string_in_the_body(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script(
        "/v1/chat/completions",
        Fault.error(400, "Body validation error!", status_code_as_string=True),
    )
    with pytest.raises(BadRequestError) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    assert caught.value.status == 400
    assert caught.value.message == "Body validation error!"


def test_upstream_json_inside_message_is_unwrapped(client: ApiClient, fake_api: FakeApi) -> None:
    upstream = (
        '400 {"type":"error","error":{"type":"invalid_request_error",'
        '"message":"max_tokens: 999999 > 8192"},"request_id":"req_1"}'
    )
    fake_api.script("/v1/chat/completions", Fault.error(400, upstream))
    with pytest.raises(BadRequestError) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    assert caught.value.message == "max_tokens: 999999 > 8192"


def test_invalid_json_on_success(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v1/chat/completions", Fault.malformed_json())
    with pytest.raises(ResponseFormatError):
        client.chat.create(model="gpt-4o", messages=HELLO)


def test_html_page_on_success(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v1/chat/completions", Fault.wrong_content_type())
    with pytest.raises(ResponseFormatError):
        client.chat.create(model="gpt-4o", messages=HELLO)


def test_timeout_raises_api_timeout_error_and_is_not_retried(
    make_client, fake_api: FakeApi, slept: list[float]
) -> None:
    client = make_client(timeouts=Timeouts(connect=2.0, read=0.3))
    fake_api.script("/v1/chat/completions", Fault.delay(3.0))
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError):
        client.chat.create(model="gpt-4o", messages=HELLO)
    assert time.monotonic() - started < 2.0
    assert slept == []


def test_dropped_connection_is_retried_then_reported(
    make_client, fake_api: FakeApi, slept: list[float]
) -> None:
    client = make_client(max_retries=2)
    fake_api.script("/v1/chat/completions", Fault.drop(), Fault.drop(), Fault.drop())
    with pytest.raises(ApiConnectionError) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    assert not isinstance(caught.value, ApiTimeoutError)
    assert slept == [0.5, 1.0]


def test_unreachable_server_is_a_connection_error(slept: list[float]) -> None:
    config = ClientConfig(base_url="http://127.0.0.1:9", max_retries=0)
    with ApiClient(config, sleep=slept) as client, pytest.raises(ApiConnectionError):
        client.chat.create(model="gpt-4o", messages=HELLO)


def test_completions_reads_choice_text(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = "and they lived happily."
    completion = client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt="Once", max_tokens=20
    )
    assert completion.content == "and they lived happily."
    (request,) = fake_api.requests_to("/v1/completions")
    assert request.json["max_tokens"] == 20
    assert request.json["prompt"] == "Once"


# ----- streaming ---------------------------------------------------------------------------


def test_stream_yields_text_usage_and_cost(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = "One two three four."
    fake_api.options.reasoning = "Let me count."
    with client.chat.stream(model="gpt-4o", messages=HELLO) as stream:
        chunks = list(stream)
    assert "".join(c.content for c in chunks) == "One two three four."
    assert "".join(c.reasoning for c in chunks) == "Let me count."
    result = stream.result()
    assert result.content == "One two three four."
    assert result.finish_reason == "stop"
    assert result.usage.total_tokens
    assert result.cost.known
    (request,) = fake_api.requests_to("/v1/chat/completions")
    assert request.json["stream"] is True


@pytest.mark.parametrize(("include_done", "usage_chunk"), [(False, True), (True, False)])
def test_stream_without_done_or_usage(
    client: ApiClient, fake_api: FakeApi, include_done: bool, usage_chunk: bool
) -> None:
    fake_api.options.include_done = include_done
    fake_api.options.usage_chunk = usage_chunk
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    assert "".join(c.content for c in stream) == "Echo: Hello"


def test_stream_error_before_start_is_a_status_error_and_retried(
    client: ApiClient, fake_api: FakeApi, slept: list[float]
) -> None:
    fake_api.script("/v1/chat/completions", Fault.error(429, retry_after=1))
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    assert "".join(c.content for c in stream) == "Echo: Hello"
    assert slept == [1.0]


def test_stream_dropped_mid_way_keeps_what_arrived_and_is_not_retried(
    client: ApiClient, fake_api: FakeApi, slept: list[float]
) -> None:
    fake_api.options.chat_reply = "alpha beta gamma delta epsilon zeta eta theta"
    fake_api.script("/v1/chat/completions", Fault.drop_mid_stream(after_events=3))
    received: list[str] = []
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    with pytest.raises((StreamError, ApiConnectionError)):
        for chunk in stream:
            received.append(chunk.content)
    assert "".join(received)
    assert stream.result().content == "".join(received)
    assert not stream.result().content.endswith("theta")
    assert len(fake_api.requests_to("/v1/chat/completions")) == 1
    assert slept == []


def test_stream_malformed_event(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v1/chat/completions", Fault.malformed_json())
    with pytest.raises(ResponseFormatError):
        list(client.chat.stream(model="gpt-4o", messages=HELLO))


def test_error_object_mid_stream(client: ApiClient, fake_api: FakeApi) -> None:
    events = (
        b'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Partial "}}]}\n\n'
        b'data: {"error":{"message":"The model is under maintenance"}}\n\n'
    )
    fake_api.script("/v1/chat/completions", Reply(body=events, content_type="text/event-stream"))
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    first = next(stream)
    assert first.content == "Partial "
    with pytest.raises(StreamError, match="under maintenance"):
        next(stream)
    assert stream.result().content == "Partial "


def test_crlf_event_stream(client: ApiClient, fake_api: FakeApi) -> None:
    events = (
        b': hello\r\n\r\ndata: {"choices":[{"delta":{"content":"A"}}]}\r\n\r\n'
        b'data: {"choices":[{"delta":{"content":"B"}}]}\r\n\r\n'
    )
    fake_api.script("/v1/chat/completions", Reply(body=events, content_type="text/event-stream"))
    assert [c.content for c in client.chat.stream(model="gpt-4o", messages=HELLO)] == ["A", "B"]


def test_server_ignoring_stream_flag_still_gives_the_reply(
    client: ApiClient, fake_api: FakeApi
) -> None:
    body = {"choices": [{"message": {"content": "whole reply"}, "finish_reason": "stop"}]}
    fake_api.script("/v1/chat/completions", Reply(json=body))
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    assert [c.content for c in stream] == ["whole reply"]
    assert stream.result().finish_reason == "stop"


def test_close_from_another_thread_ends_the_reader_promptly(
    client: ApiClient, fake_api: FakeApi
) -> None:
    fake_api.options.chat_reply = " ".join(f"w{i}" for i in range(200))
    fake_api.options.stream_delay = 2.0  # far longer than the test waits
    stream = client.chat.stream(model="gpt-4o", messages=HELLO)
    received: list[str] = []
    finished = threading.Event()
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for chunk in stream:
                received.append(chunk.content)
        except BaseException as exc:
            errors.append(exc)
        finished.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.3)  # the reader is now blocked waiting for the next event
    started = time.monotonic()
    stream.close()
    assert finished.wait(1.0), "the reader did not stop after close()"
    assert time.monotonic() - started < 1.0
    assert errors == []
    assert stream.closed
    assert stream.result().content == "".join(received)
    stream.close()  # twice is fine
