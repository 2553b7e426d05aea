"""ChatSession: one conversation's flow without any widget, against the stand-in gateway."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from app.services.chat_history import ChatHistory
from app.services.context import Services
from app.services.conversation import (
    ChatEvent,
    ChatSession,
    MessageAdded,
    MessageDone,
    MessagesRemoved,
    ReplyDelta,
    ReplyFailed,
)
from tests.fake_api import FakeApi, Fault


def chat_bodies(api: FakeApi) -> list[dict[str, Any]]:
    return [r.json for r in api.requests if r.path.endswith("/chat/completions")]


def new_session(services: Services) -> tuple[ChatSession, list[ChatEvent]]:
    events: list[ChatEvent] = []
    return ChatSession(services, events.append), events


def test_send_stores_both_messages_and_reports_the_stream(
    services: Services, fake_api: FakeApi
) -> None:
    fake_api.options.chat_reply = "Bonjour tout le monde"
    session, events = new_session(services)
    reply = asyncio.run(session.send("Say hello in French", model="openai/gpt-4o"))

    assert reply is not None and reply.status == "complete"
    assert reply.content == "Bonjour tout le monde"
    kinds = [type(e) for e in events]
    assert kinds[:2] == [MessageAdded, MessageAdded]
    assert kinds[-1] is MessageDone
    assert "".join(e.content for e in events if isinstance(e, ReplyDelta)) == reply.content
    stored = ChatHistory(services.history).store.messages(session.conversation_id or 0)
    assert [(m.role, m.content, m.status) for m in stored] == [
        ("user", "Say hello in French", "complete"),
        ("assistant", "Bonjour tout le monde", "complete"),
    ]
    assert session.conversation is not None
    assert session.conversation.title == "Say hello in French"
    assert chat_bodies(fake_api)[0]["model"] == "openai/gpt-4o"


def test_a_continued_conversation_sends_its_history_and_settings(
    services: Services, fake_api: FakeApi
) -> None:
    first, _ = new_session(services)
    asyncio.run(first.send("one", model="gpt-4o", system_prompt="Be brief.", temperature=0.2))
    again, _ = new_session(services)
    again.open(first.conversation_id or 0)
    asyncio.run(again.send("two"))

    body = chat_bodies(fake_api)[-1]
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
    assert body["messages"][-1]["content"] == "two"
    assert body["temperature"] == 0.2
    assert body["model"] == "gpt-4o"


def test_a_failed_reply_is_kept_marked_and_explained(services: Services, fake_api: FakeApi) -> None:
    fake_api.script("/v1/chat/completions", Fault.error(429))
    session, events = new_session(services)
    reply = asyncio.run(session.send("hi"))

    assert reply is not None and reply.status == "error"
    failures = [e for e in events if isinstance(e, ReplyFailed)]
    assert len(failures) == 1 and failures[0].message_id == reply.id
    assert failures[0].sentence.endswith(".")
    assert "error" in ChatHistory(services.history).store.message(reply.id).meta


def test_regenerate_replaces_the_last_reply(services: Services, fake_api: FakeApi) -> None:
    session, events = new_session(services)
    first = asyncio.run(session.send("hi"))
    assert first is not None
    fake_api.options.chat_reply = "Another answer"
    second = asyncio.run(session.regenerate(first))

    assert second is not None and second.content == "Another answer"
    assert MessagesRemoved(first.id) in events
    stored = ChatHistory(services.history).store.messages(session.conversation_id or 0)
    assert [m.content for m in stored] == ["hi", "Another answer"]
    # the second request did not carry the first reply
    assert [m["role"] for m in chat_bodies(fake_api)[-1]["messages"]] == ["user"]


def test_edit_and_resend_replaces_the_message_and_what_followed(
    services: Services, fake_api: FakeApi
) -> None:
    session, events = new_session(services)
    asyncio.run(session.send("first question"))
    asyncio.run(session.send("second question"))
    store = ChatHistory(services.history).store
    sent = store.messages(session.conversation_id or 0)
    asyncio.run(session.send("better second question", replacing=sent[2]))

    stored = store.messages(session.conversation_id or 0)
    assert [m.content for m in stored] == [
        "first question",
        "Echo: first question",
        "better second question",
        "Echo: better second question",
    ]
    assert MessagesRemoved(sent[2].id, and_later=True) in events


def test_stop_keeps_what_arrived_marked_stopped(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = " ".join(f"w{i}" for i in range(400))
    fake_api.options.stream_delay = 0.01
    session, events = new_session(services)

    async def run() -> Any:
        task = asyncio.ensure_future(session.send("long please"))
        while not any(isinstance(e, ReplyDelta) and e.content for e in events):
            await asyncio.sleep(0.01)
        session.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(run())
    done = [e for e in events if isinstance(e, MessageDone)]
    assert done and done[-1].status == "stopped"
    stored = ChatHistory(services.history).store.message(done[-1].message_id)
    assert stored.status == "stopped"
    assert stored.content.startswith("w0")
    assert len(stored.content.split()) < 400


def test_completion_mode_uses_the_text_completion_route(
    services: Services, fake_api: FakeApi
) -> None:
    session, events = new_session(services)
    reply = asyncio.run(session.send("Roses are", mode="completion"))
    assert reply is not None and reply.meta.get("mode") == "completion"
    assert fake_api.requests[-1].path == "/v1/completions"
    assert isinstance(events[-1], MessageDone)
