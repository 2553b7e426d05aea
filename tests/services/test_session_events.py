"""ChatSession's events read as an async iterator."""

from __future__ import annotations

import asyncio
import contextlib

from app.services.context import Services
from app.services.conversation import (
    ChatEvent,
    ChatSession,
    MessageAdded,
    MessageDone,
    ReplyDelta,
)
from tests.fake_api import FakeApi


def test_the_events_of_one_exchange_arrive_in_order(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = "One two three four"
    seen_by_callback: list[ChatEvent] = []
    session = ChatSession(services, seen_by_callback.append)
    session.start_conversation(model="gpt-4o")

    async def read() -> list[ChatEvent]:
        return [event async for event in session.events("Count")]

    events = asyncio.run(read())
    assert [type(e) for e in events[:2]] == [MessageAdded, MessageAdded]
    assert events[0].message.role == "user" and events[1].message.status == "streaming"
    assert "".join(e.content for e in events if isinstance(e, ReplyDelta)) == "One two three four"
    assert isinstance(events[-1], MessageDone) and events[-1].status == "complete"
    assert seen_by_callback == events
    assert session.on_event == seen_by_callback.append


def test_closing_the_iterator_early_stops_the_reply(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = " ".join(f"word{i}" for i in range(400))
    fake_api.options.stream_delay = 0.01
    session = ChatSession(services)
    session.start_conversation(model="gpt-4o")

    async def read_one_piece() -> None:
        async with contextlib.aclosing(session.events("Talk")) as events:
            async for event in events:
                if isinstance(event, ReplyDelta) and event.content:
                    break

    asyncio.run(read_one_piece())
    _user, reply = services.chat_history.store.messages(session.conversation_id or 0)
    assert reply.status == "stopped"
    assert reply.content.startswith("word0") and "word399" not in reply.content
    assert not session.replying
