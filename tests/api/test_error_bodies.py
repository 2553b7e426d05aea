"""Error bodies of FastAPI servers (LiteLLM, llama.cpp's Python server) give their inner text."""

from __future__ import annotations

import pytest

from app.api.client import ApiClient
from app.api.errors import (
    ApiStatusError,
    BadRequestError,
    UnprocessableEntityError,
    describe,
)
from tests.fake_api import FakeApi, Reply

HELLO = [{"role": "user", "content": "Hello"}]


def _refused(client: ApiClient, fake_api: FakeApi, status: int, body: object) -> ApiStatusError:
    fake_api.script("/v1/chat/completions", Reply(status=status, json=body))
    with pytest.raises((BadRequestError, UnprocessableEntityError)) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    return caught.value


def test_detail_object_with_error_text(client: ApiClient, fake_api: FakeApi) -> None:
    body = {"detail": {"error": "/chat/completions: Invalid model name passed in model=nope"}}
    error = _refused(client, fake_api, 400, body)
    assert error.message == "/chat/completions: Invalid model name passed in model=nope"
    assert "Invalid model name passed in model=nope" in describe(error)


def test_detail_list_of_validation_items(client: ApiClient, fake_api: FakeApi) -> None:
    body = {
        "detail": [
            {"type": "missing", "loc": ["body", "voice"], "msg": "Field required", "input": {}},
            {"loc": ["body", "speed"], "msg": "Input should be a valid number"},
        ]
    }
    error = _refused(client, fake_api, 422, body)
    assert error.message == "voice: Field required; speed: Input should be a valid number"
    assert "voice: Field required" in describe(error)


def test_litellm_wrapped_python_repr(client: ApiClient, fake_api: FakeApi) -> None:
    body = {
        "error": {
            "message": "400: {'error': \"'voice' is required\"}",
            "type": "None",
            "param": "None",
            "code": "400",
        }
    }
    error = _refused(client, fake_api, 400, body)
    assert error.message == "'voice' is required"
    assert describe(error).endswith("('voice' is required.)")


def test_wrapped_repr_that_is_not_a_literal_stays_as_it_is(
    client: ApiClient, fake_api: FakeApi
) -> None:
    error = _refused(client, fake_api, 400, {"error": {"message": "400: {not python"}})
    assert error.message == "400: {not python"


def test_a_traceback_in_the_message_is_left_out(client: ApiClient, fake_api: FakeApi) -> None:
    message = (
        "litellm.APIConnectionError: OpenAIException - Invalid response object "
        'Traceback (most recent call last):\n  File "/srv/litellm/convert.py", line 953'
    )
    failed = Reply(status=500, json={"error": {"message": message}})
    fake_api.script("/v1/chat/completions", failed, failed, failed)  # retried twice
    with pytest.raises(ApiStatusError) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    sentence = describe(caught.value)
    assert sentence == (
        "The server had a problem. Try again in a moment. (litellm.APIConnectionError: "
        "OpenAIException - Invalid response object.)"
    )
