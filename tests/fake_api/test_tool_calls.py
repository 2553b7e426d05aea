"""The stand-in streams tool calls the way the gateway does; the official SDK assembles them."""

from __future__ import annotations

import json

import openai
import pytest

from tests.fake_api import FakeApi
from tests.fake_api.test_honesty import sdk_client

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]
PLAN = [
    {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}},
    {"name": "get_weather", "arguments": {"city": "Tokyo", "unit": "celsius"}},
]


def test_two_parallel_calls_stream_in_pieces_and_the_sdk_assembles_them(
    fake_api: FakeApi,
) -> None:
    fake_api.options.tool_calls = PLAN
    question = [{"role": "user", "content": "Weather in Paris and Tokyo?"}]
    with sdk_client(fake_api) as client:
        chunks = list(
            client.chat.completions.create(
                model="gpt-4o", messages=question, tools=TOOLS, stream=True
            )
        )
        with client.chat.completions.stream(
            model="gpt-4o", messages=question, tools=TOOLS
        ) as stream:
            final = stream.get_final_completion()

    argument_pieces = [
        call.function.arguments
        for chunk in chunks
        for choice in chunk.choices
        for call in choice.delta.tool_calls or []
        if call.function and call.function.arguments
    ]
    assert len(argument_pieces) > 4  # each call's JSON arrives in several pieces
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "tool_calls"
    message = final.choices[0].message
    assert final.choices[0].finish_reason == "tool_calls"
    calls = message.tool_calls or []
    assert [json.loads(c.function.arguments)["city"] for c in calls] == ["Paris", "Tokyo"]
    assert len({c.id for c in calls}) == 2

    followup = [
        *question,
        message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": calls[0].id, "content": "18 °C, sunny"},
        {"role": "tool", "tool_call_id": calls[1].id, "content": "22 °C, rain"},
    ]
    with sdk_client(fake_api) as client:
        answer = client.chat.completions.create(model="gpt-4o", messages=followup, tools=TOOLS)
    text = answer.choices[0].message.content or ""
    assert answer.choices[0].finish_reason == "stop"
    assert "18 °C, sunny" in text and "22 °C, rain" in text


def test_malformed_arguments_are_streamed_as_sent(fake_api: FakeApi) -> None:
    fake_api.options.tool_calls = [{"name": "get_weather", "arguments_text": '{"city": "Par'}]
    with sdk_client(fake_api) as client:
        chunks = list(
            client.chat.completions.create(
                model="gpt-4o",
                messages=[{"role": "user", "content": "Weather?"}],
                tools=TOOLS,
                stream=True,
            )
        )
    text = "".join(
        call.function.arguments or ""
        for chunk in chunks
        for choice in chunk.choices
        for call in choice.delta.tool_calls or []
        if call.function
    )
    assert text == '{"city": "Par'


def test_tool_results_without_their_call_are_refused(fake_api: FakeApi) -> None:
    with sdk_client(fake_api) as client, pytest.raises(openai.BadRequestError):
        client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {"role": "user", "content": "hi"},
                {"role": "tool", "tool_call_id": "call_nope", "content": "x"},
            ],
        )


def test_no_tools_offered_means_no_calls(fake_api: FakeApi) -> None:
    fake_api.options.tool_calls = PLAN
    with sdk_client(fake_api) as client:
        answer = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
        )
    assert answer.choices[0].message.tool_calls is None
    assert answer.choices[0].message.content == "Echo: hi"
