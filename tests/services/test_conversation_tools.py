"""ChatSession calls tools: assembled calls, approval, results sent back, clear failures."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from app.services.context import Services
from app.services.conversation import (
    ChatEvent,
    ChatSession,
    Notice,
    ToolCallFinished,
    ToolCallRequested,
    ToolRoundsUsedUp,
)
from app.services.tool_types import ApprovalDecision, ToolCall, ToolSpec
from tests.fake_api import FakeApi
from tests.tools.local_toolbox import LocalToolBox

WEATHER_PLAN = [
    {"name": "get_weather", "arguments": {"city": "Paris"}},
    {"name": "get_weather", "arguments": {"city": "Tokyo"}},
]


def chat_bodies(api: FakeApi) -> list[dict[str, Any]]:
    return [r.json for r in api.requests if r.path.endswith("/chat/completions")]


def tool_session(
    services: Services, toolbox: LocalToolBox, approver: Any = None
) -> tuple[ChatSession, list[ChatEvent]]:
    events: list[ChatEvent] = []
    session = ChatSession(services, events.append, toolbox=toolbox, approver=approver)
    session.start_conversation(model="gpt-4o")
    session.switch_tools(True)
    return session, events


def finished(events: list[ChatEvent]) -> list[dict[str, Any]]:
    return [e.record.as_dict() for e in events if isinstance(e, ToolCallFinished)]


def stored(services: Services, session: ChatSession) -> list[Any]:
    return services.chat_history.store.messages(session.conversation_id or 0)


def test_two_parallel_calls_run_and_the_answer_uses_their_results(
    services: Services, fake_api: FakeApi
) -> None:
    fake_api.options.tool_calls = WEATHER_PLAN
    toolbox = LocalToolBox(["get_weather", "add"])
    session, events = tool_session(services, toolbox)
    reply = asyncio.run(session.send("Weather in Paris and Tokyo?"))

    assert reply is not None and reply.status == "complete"
    assert reply.content == (
        "From the tools: get_weather said 18 °C, sunny; get_weather said 22 °C, light rain."
    )
    assert toolbox.calls == [("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Tokyo"})]
    first, second = chat_bodies(fake_api)
    assert [t["function"]["name"] for t in first["tools"]] == ["get_weather", "add"]
    assert first["tool_choice"] == "auto"
    sent = second["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "tool"]
    ids = [c["id"] for c in sent[1]["tool_calls"]]
    assert [m["tool_call_id"] for m in sent[2:]] == ids
    assert json.loads(sent[1]["tool_calls"][1]["function"]["arguments"]) == {"city": "Tokyo"}

    messages = stored(services, session)
    assert [m.role for m in messages] == ["user", "assistant", "assistant"]
    block = messages[1].meta["tool_calls"]
    assert [(c["name"], c["result"], c["approval"]) for c in block] == [
        ("get_weather", "18 °C, sunny", "allow_once"),
        ("get_weather", "22 °C, light rain", "allow_once"),
    ]
    assert all(c["seconds"] >= 0 for c in block)
    assert [type(e) for e in events if isinstance(e, ToolCallRequested | ToolCallFinished)] == [
        ToolCallRequested,
        ToolCallFinished,
        ToolCallRequested,
        ToolCallFinished,
    ]


def test_the_history_with_tool_calls_is_sent_again_on_the_next_question(
    services: Services, fake_api: FakeApi
) -> None:
    fake_api.options.tool_calls = WEATHER_PLAN[:1]
    session, _ = tool_session(services, LocalToolBox(["get_weather"]))
    asyncio.run(session.send("Paris?"))
    fake_api.options.tool_calls = []
    asyncio.run(session.send("Thanks"))
    roles = [m["role"] for m in chat_bodies(fake_api)[-1]["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant", "user"]


def test_denied_call_sends_a_refusal_and_the_chat_goes_on(
    services: Services, fake_api: FakeApi
) -> None:
    fake_api.options.tool_calls = WEATHER_PLAN[:1]
    asked: list[tuple[ToolCall, ToolSpec | None]] = []

    async def deny(call: ToolCall, spec: ToolSpec | None) -> ApprovalDecision:
        asked.append((call, spec))
        return ApprovalDecision.DENY

    toolbox = LocalToolBox(["get_weather"])
    session, events = tool_session(services, toolbox, deny)
    reply = asyncio.run(session.send("Paris?"))

    assert toolbox.calls == []
    assert asked[0][0].arguments == {"city": "Paris"} and asked[0][1] is not None
    [record] = finished(events)
    assert record["approval"] == "deny" and record["is_error"]
    assert "declined" in record["result"]
    assert reply is not None and "declined" in reply.content


def test_always_allow_asks_once_per_tool(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.tool_calls = WEATHER_PLAN
    asked: list[str] = []

    async def always(call: ToolCall, spec: ToolSpec | None) -> ApprovalDecision:
        asked.append(call.name)
        return ApprovalDecision.ALWAYS_ALLOW

    session, events = tool_session(services, LocalToolBox(["get_weather"]), always)
    asyncio.run(session.send("Both cities?"))
    assert asked == ["get_weather"]
    assert [r["approval"] for r in finished(events)] == ["always_allow", "always_allow"]


@pytest.mark.parametrize(
    ("plan", "words"),
    [
        ([{"name": "explode", "arguments": {}}], "failed: the tool's database is locked"),
        ([{"name": "no_such_tool", "arguments": {}}], "There is no tool named “no_such_tool”"),
        (
            [{"name": "get_weather", "arguments_text": '{"city": "Par'}],
            "not a valid JSON object",
        ),
        ([{"name": "get_weather", "arguments": {"city": "Atlantis"}}], "no weather station"),
    ],
)
def test_a_failing_call_is_one_sentence_for_the_model_and_the_chat_goes_on(
    services: Services, fake_api: FakeApi, plan: list[dict[str, Any]], words: str
) -> None:
    fake_api.options.tool_calls = plan
    session, events = tool_session(services, LocalToolBox(["get_weather", "explode"]))
    reply = asyncio.run(session.send("try it"))

    [record] = finished(events)
    assert record["is_error"] and words in record["result"]
    assert reply is not None and reply.status == "complete" and words in reply.content
    tool_message = chat_bodies(fake_api)[-1]["messages"][-1]
    assert tool_message["role"] == "tool" and words in tool_message["content"]


def test_unknown_tool_tells_the_model_which_tools_exist(
    services: Services, fake_api: FakeApi
) -> None:
    fake_api.options.tool_calls = [{"name": "weather", "arguments": {}}]
    session, events = tool_session(services, LocalToolBox(["get_weather", "add"]))
    asyncio.run(session.send("x"))
    assert "The tools you can call: add, get_weather." in finished(events)[0]["result"]


def test_a_call_that_times_out_is_stopped(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.tool_calls = [{"name": "slow", "arguments": {"seconds": 30}}]
    session, events = tool_session(services, LocalToolBox(["slow"]))
    assert session.tools is not None
    session.tools.timeout = 0.2
    reply = asyncio.run(session.send("wait"))
    [record] = finished(events)
    assert record["is_error"] and "longer than 0.2 s" in record["result"]
    assert record["seconds"] < 5
    assert reply is not None and reply.status == "complete"


def test_a_huge_result_is_truncated_and_says_so(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.tool_calls = [{"name": "huge", "arguments": {}}]
    session, events = tool_session(services, LocalToolBox(["huge"]))
    asyncio.run(session.send("list"))
    [record] = finished(events)
    assert record["truncated"] and not record["is_error"]
    assert record["result"].endswith("the first 20,000 shown]")
    sent = chat_bodies(fake_api)[-1]["messages"][-1]["content"]
    assert len(sent) < 20_200


def test_the_rounds_are_capped(services: Services, fake_api: FakeApi) -> None:
    services.settings.tool_max_rounds = 3
    fake_api.options.tool_calls = [{"name": "add", "arguments": {"a": 1, "b": 2}}]
    fake_api.options.tool_call_rounds = 99  # the model never stops asking
    toolbox = LocalToolBox(["add"])
    session, events = tool_session(services, toolbox)
    asyncio.run(session.send("loop"))

    bodies = chat_bodies(fake_api)
    assert len(toolbox.calls) == 3
    assert [b["tool_choice"] for b in bodies] == ["auto", "auto", "auto", "none"]
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert notices == []  # told "none", the stand-in answers in text


def test_a_model_that_ignores_the_cap_is_stopped_with_a_sentence(
    services: Services, fake_api: FakeApi
) -> None:
    services.settings.tool_max_rounds = 2
    fake_api.options.tool_calls = [{"name": "add", "arguments": {"a": 1, "b": 2}}]
    fake_api.options.tool_call_rounds = 99
    fake_api.options.tool_choice_ignored = True  # it calls tools even when told "none"
    toolbox = LocalToolBox(["add"])
    session, events = tool_session(services, toolbox)
    reply = asyncio.run(session.send("loop forever"))

    bodies = chat_bodies(fake_api)
    assert [b["tool_choice"] for b in bodies] == ["auto", "auto", "none"]
    assert len(toolbox.calls) == 2  # the third turn's call was refused, not run
    [used_up] = [e for e in events if isinstance(e, ToolRoundsUsedUp)]
    assert used_up.rounds == 2
    assert used_up.text.startswith("The model kept asking for tools after 2 rounds")
    assert "Settings → Tools" in used_up.text
    assert reply is not None and reply.status == "complete"
    [refused] = reply.meta["tool_calls"]
    assert refused["is_error"] and refused["approval"] is None
    assert refused["result"].startswith("Not run: this question has used its 2 rounds")
    # the conversation can go on: the refused call is answered in the history sent next
    fake_api.options.tool_calls = []
    answer = asyncio.run(session.send("just answer"))
    assert answer is not None and answer.content == "Echo: just answer"
    sent = chat_bodies(fake_api)[-1]["messages"]
    assert [m["role"] for m in sent][-3:] == ["assistant", "tool", "user"]
    assert sent[-2]["content"].startswith("Not run: this question has used its 2 rounds")


def test_tools_run_when_the_reply_is_not_streamed(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.tool_calls = WEATHER_PLAN
    toolbox = LocalToolBox(["get_weather"])
    session, _events = tool_session(services, toolbox)
    reply = asyncio.run(session.send("Weather?", stream=False))

    assert reply is not None and reply.content.startswith("From the tools: get_weather said 18")
    assert [b.get("stream", False) for b in chat_bodies(fake_api)] == [False, False]
    assert len(toolbox.calls) == 2
    assert [m.role for m in stored(services, session)] == ["user", "assistant", "assistant"]
    assert stored(services, session)[1].meta["tool_calls"][1]["result"] == "22 °C, light rain"


def test_tools_follow_the_model_list_unless_switched(services: Services, fake_api: FakeApi) -> None:
    toolbox = LocalToolBox(["add"])
    session = ChatSession(services, toolbox=toolbox)
    session.start_conversation(model="openai/gpt-4o")
    assert not session.tools_on()  # the list was not read: it does not say
    asyncio.run(services.models.refresh())
    assert session.tools_on()  # the catalog says gpt-4o supports tools
    session.switch_tools(False)
    assert not session.tools_on()
    asyncio.run(session.send("no tools please"))
    assert "tools" not in chat_bodies(fake_api)[-1]
    assert toolbox.listed == 0
