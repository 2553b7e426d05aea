"""Scripted faults do what they say, requests are recorded, and stop() is prompt."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from tests.fake_api import FakeApi, Fault, Reply

CHAT = "/v1/chat/completions"


def chat_body(text: str = "hello world", **extra: object) -> dict[str, object]:
    return {"model": "gpt-4o", "messages": [{"role": "user", "content": text}], **extra}


def post_chat(api: FakeApi, body: dict[str, object], **kwargs: object) -> requests.Response:
    return requests.post(api.url + CHAT, json=body, timeout=5, **kwargs)


def stream_lines(response: requests.Response) -> list[bytes]:
    return [line for line in response.iter_lines() if line]


def test_script_is_one_shot_then_default_resumes(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Reply(status=202, json={"custom": True}, headers={"X-Extra": "1"}))
    first = post_chat(fake_api, chat_body())
    second = post_chat(fake_api, chat_body())
    assert first.status_code == 202
    assert first.json() == {"custom": True}
    assert first.headers["X-Extra"] == "1"
    assert second.status_code == 200
    assert second.json()["choices"][0]["message"]["content"] == "Echo: hello world"


def test_script_matches_prefix_and_method_only(fake_api: FakeApi) -> None:
    fake_api.script("/v2/billing", Fault.error(500), method="POST")
    fake_api.script("/v1/chat", Fault.error(503))
    assert requests.get(fake_api.url + "/v2/billing", timeout=5).status_code == 200
    assert post_chat(fake_api, chat_body()).status_code == 503
    assert fake_api.scripts.pending() == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (400, "Body validation error!"),
        (401, "This request requires a valid API key."),
        (403, "You've run out of credits."),
        (429, "Too Many Requests"),
        (500, "Internal server error"),
        (502, "Bad Gateway"),
        (503, "Service unavailable"),
        (504, "Generation timeout"),
    ],
)
def test_error_fault_uses_gateway_body(fake_api: FakeApi, status: int, message: str) -> None:
    fake_api.script(CHAT, Fault.error(status))
    response = post_chat(fake_api, chat_body())
    body = response.json()
    assert response.status_code == status
    assert body["message"].startswith(message)
    assert body["statusCode"] == status
    assert body["path"] == CHAT
    assert body["requestId"]
    assert body["timestamp"].endswith("Z")
    assert "Retry-After" not in response.headers


def test_error_fault_with_retry_after_and_string_status(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Fault.error(429, "Slow down", retry_after=7, status_code_as_string=True))
    response = post_chat(fake_api, chat_body())
    assert response.headers["Retry-After"] == "7"
    assert response.json()["statusCode"] == "429"
    assert response.json()["message"] == "Slow down"


def test_drop_closes_without_answer(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Fault.drop())
    with pytest.raises(requests.ConnectionError):
        post_chat(fake_api, chat_body())
    assert post_chat(fake_api, chat_body()).status_code == 200


def test_drop_mid_stream_cuts_after_events(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Fault.drop_mid_stream(after_events=2))
    response = post_chat(fake_api, chat_body("one two three four", stream=True), stream=True)
    assert response.status_code == 200
    received: list[bytes] = []
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for line in response.iter_lines():
            if line:
                received.append(line)
    assert len(received) == 2
    assert b"[DONE]" not in b"".join(received)


def test_drop_mid_stream_on_plain_body_sends_part(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Fault.drop_mid_stream())
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        post_chat(fake_api, chat_body())


def test_delay_does_not_block_other_requests(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Fault.delay(0.6))
    results: dict[str, float] = {}

    def slow() -> None:
        post_chat(fake_api, chat_body())
        results["slow"] = time.monotonic()

    started = time.monotonic()
    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)
    assert requests.get(fake_api.url + "/v2/billing", timeout=5).status_code == 200
    fast_done = time.monotonic()
    thread.join(5)
    assert fast_done - started < 0.5
    assert results["slow"] - started >= 0.6


def test_reply_delay_waits(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Reply(json={"ok": 1}, delay=0.3))
    started = time.monotonic()
    assert post_chat(fake_api, chat_body()).json() == {"ok": 1}
    assert time.monotonic() - started >= 0.3


def test_malformed_json(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Fault.malformed_json())
    response = post_chat(fake_api, chat_body())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()


def test_malformed_json_in_stream(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Fault.malformed_json())
    response = post_chat(fake_api, chat_body(stream=True), stream=True)
    (line,) = stream_lines(response)
    assert line.startswith(b"data: ")
    with pytest.raises(ValueError):
        json.loads(line[len(b"data: ") :])


def test_wrong_content_type(fake_api: FakeApi) -> None:
    fake_api.script(CHAT, Fault.wrong_content_type())
    response = post_chat(fake_api, chat_body())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_oversized_body_is_valid_json_of_that_size(fake_api: FakeApi) -> None:
    fake_api.script("/v1/images", Fault.oversized(300_000))
    response = requests.post(
        fake_api.url + "/v1/images/generations", json={"model": "m", "prompt": "p"}, timeout=5
    )
    assert len(response.content) == 300_000
    assert "Content-Length" not in response.headers
    assert len(response.json()["data"][0]["b64_json"]) > 299_000


def test_requests_are_recorded(fake_api: FakeApi) -> None:
    body = chat_body("record me")
    post_chat(
        fake_api,
        body,
        params={"trace": "1"},
        headers={"Authorization": "Bearer k-123", "X-Title": "AIML Desktop"},
    )
    requests.post(
        fake_api.url + "/v1/stt/create",
        data={"model": "#g1_nova-2-general", "diarize": "true"},
        files={"audio": ("talk.wav", b"RIFF\x00\x01binary\r\n", "audio/wav")},
        timeout=5,
    )
    chat, upload = fake_api.requests
    assert (chat.method, chat.path, chat.query) == ("POST", CHAT, {"trace": "1"})
    assert chat.json == body
    assert json.loads(chat.body) == body
    assert chat.headers["authorization"] == "Bearer k-123"
    assert chat.bearer == "k-123"
    assert chat.headers["X-Title"] == "AIML Desktop"
    assert upload.form == {"model": "#g1_nova-2-general", "diarize": "true"}
    assert upload.files == {"audio": ("talk.wav", b"RIFF\x00\x01binary\r\n", "audio/wav")}
    assert upload.json is None
    assert fake_api.requests_to("/v1/stt") == [upload]


def test_unknown_route_is_404_with_gateway_body(fake_api: FakeApi) -> None:
    response = requests.get(fake_api.url + "/v1/nothing-here", timeout=5)
    assert response.status_code == 404
    assert response.json()["message"] == "Cannot GET /v1/nothing-here"


def test_chat_body_validation(fake_api: FakeApi) -> None:
    missing_model = post_chat(fake_api, {"messages": [{"role": "user", "content": "x"}]})
    missing_messages = post_chat(fake_api, {"model": "gpt-4o"})
    assert missing_model.status_code == missing_messages.status_code == 400
    assert missing_model.json()["message"].startswith("Body validation error!")
    assert "messages" in missing_messages.json()["message"]


def test_keep_alive_reuses_one_connection(fake_api: FakeApi) -> None:
    with requests.Session() as session:
        for _ in range(2):
            session.post(fake_api.url + CHAT, json=chat_body(stream=True), timeout=5)
            session.post(fake_api.url + CHAT, json=chat_body(), timeout=5)
            session.get(fake_api.url + "/v1/models", timeout=5)
    assert len(fake_api.requests) == 6
    assert len({record.client_port for record in fake_api.requests}) == 1


def test_stop_is_prompt_with_clients_in_delay_and_mid_stream() -> None:
    api = FakeApi().start()
    api.options.stream_delay = 5.0
    api.script("/v2/billing", Fault.delay(30))
    errors: list[BaseException] = []

    def call(target: str, body: dict[str, object] | None) -> None:
        try:
            if body is None:
                requests.get(api.url + target, timeout=30)
            else:
                response = requests.post(api.url + target, json=body, timeout=30, stream=True)
                for _ in response.iter_lines():
                    pass
        except requests.RequestException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=call, args=("/v2/billing", None)),
        threading.Thread(target=call, args=(CHAT, chat_body("a b c", stream=True))),
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    api.stop()
    for thread in threads:
        thread.join(5)
    assert time.monotonic() - started < 1.0
    assert not any(thread.is_alive() for thread in threads)
    assert len(errors) == 2


def test_chunked_request_body_is_recorded(fake_api: FakeApi) -> None:
    pieces = [b'{"model": "gpt-4o", ', b'"messages": [{"role": "user", "content": "hi"}]}']
    response = requests.post(fake_api.url + CHAT, data=iter(pieces), timeout=5)
    assert response.json()["choices"][0]["message"]["content"] == "Echo: hi"
    assert fake_api.requests[-1].headers["Transfer-Encoding"] == "chunked"
    assert fake_api.requests[-1].body == b"".join(pieces)


def test_route_failure_answers_500_instead_of_hanging(fake_api: FakeApi) -> None:
    fake_api.options.models = [{"id": object()}]  # not JSON-serialisable
    response = requests.get(fake_api.url + "/v1/models", timeout=5)
    assert response.status_code == 500
    assert response.json()["message"] == "Internal server error"
