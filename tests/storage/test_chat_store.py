"""The chat store on a real history database file."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import UserInputError
from app.storage.chat_store import Attachment, ChatStore, conversation_markdown
from app.storage.history import HistoryDatabase


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ChatStore]:
    db = HistoryDatabase(tmp_path / "history.sqlite3")
    ticks = itertools.count(1000)
    yield ChatStore(db, clock=lambda: float(next(ticks)))
    db.close()


def test_conversations_are_listed_newest_activity_first(store: ChatStore) -> None:
    first = store.create_conversation("first", model="gpt-4o")
    second = store.create_conversation("second")
    store.add_message(first.id, "user", "hello again")
    assert [c.title for c in store.conversations()] == ["first", "second"]
    store.rename(second.id, "  renamed  ")
    assert store.conversation(second.id).title == "renamed"
    store.delete_conversation(first.id)
    assert [c.id for c in store.conversations()] == [second.id]
    assert store.message_count(first.id) == 0


def test_conversation_settings_round_trip(store: ChatStore) -> None:
    conv = store.create_conversation(
        "x", model="m", system_prompt="be brief", temperature=0.3, max_tokens=99, top_p=0.9
    )
    store.update_conversation(conv.id, context_messages=4, mode="completion")
    again = store.conversation(conv.id)
    assert (again.model, again.system_prompt, again.temperature) == ("m", "be brief", 0.3)
    assert (again.max_tokens, again.top_p, again.context_messages) == (99, 0.9, 4)
    assert again.mode == "completion"


def test_pages_of_a_long_conversation(store: ChatStore) -> None:
    conv = store.create_conversation("long")
    for i in range(25):
        store.add_message(conv.id, "user" if i % 2 == 0 else "assistant", f"message {i}")
    last = store.messages(conv.id, limit=10)
    assert [m.content for m in last] == [f"message {i}" for i in range(15, 25)]
    earlier = store.messages(conv.id, before=last[0].position, limit=10)
    assert [m.content for m in earlier] == [f"message {i}" for i in range(5, 15)]
    later = store.messages(conv.id, after=20, limit=3)
    assert [m.content for m in later] == ["message 20", "message 21", "message 22"]
    assert len(store.messages(conv.id)) == 25


def test_edit_and_resend_drops_later_messages(store: ChatStore) -> None:
    conv = store.create_conversation("c")
    kept = store.add_message(conv.id, "user", "one")
    store.add_message(conv.id, "assistant", "two")
    edited = store.add_message(conv.id, "user", "three")
    store.add_message(conv.id, "assistant", "four")
    assert store.delete_from(conv.id, edited.position) == 2
    assert [m.id for m in store.messages(conv.id)] == [kept.id, kept.id + 1]


def test_search_finds_words_in_any_conversation(store: ChatStore) -> None:
    a = store.create_conversation("Gardening")
    b = store.create_conversation("Cooking")
    store.add_message(a.id, "user", "How deep should tomato seeds be planted?")
    store.add_message(b.id, "assistant", "Roast the tomatoes with garlic.")
    store.add_message(b.id, "user", "Nothing relevant here")
    hits = store.search("tomat")
    assert {h.conversation_id for h in hits} == {a.id, b.id}
    assert all("[" in h.snippet for h in hits)
    assert store.search('tomato "garlic') and store.search("garlic")[0].title == "Cooking"
    assert store.search("   ") == []


def test_streamed_update_is_searchable(store: ChatStore) -> None:
    conv = store.create_conversation("s")
    reply = store.add_message(conv.id, "assistant", "", status="streaming")
    store.update_message(reply.id, content="partial zebra")
    assert [h.message_id for h in store.search("zebra")] == [reply.id]
    assert store.mark_interrupted() == 1
    assert store.message(reply.id).status == "stopped"


def test_totals_add_up_reply_tokens_and_cost(store: ChatStore) -> None:
    conv = store.create_conversation("t")
    store.add_message(conv.id, "user", "q")
    store.add_message(conv.id, "assistant", "a", response_id="r1", total_tokens=10, cost_usd=0.5)
    store.add_message(conv.id, "assistant", "b", response_id="r2", total_tokens=5, cost_usd=0.25)
    totals = store.totals(conv.id)
    assert (totals.tokens, totals.cost_usd, totals.replies) == (15, 0.75, 2)


def test_export_import_round_trip_keeps_messages_and_metadata(store: ChatStore) -> None:
    conv = store.create_conversation("Trip", model="gpt-4o", system_prompt="sys", temperature=1.0)
    picture = Attachment("image/png", b"\x89PNG fake", "a.png")
    store.add_message(conv.id, "user", "look", attachments=[picture])
    store.add_message(
        conv.id,
        "assistant",
        "a reply",
        reasoning="thinking",
        model="gpt-4o",
        response_id="chatcmpl-1",
        finish_reason="stop",
        prompt_tokens=3,
        completion_tokens=2,
        total_tokens=5,
        cost_usd=0.001,
        meta={"created": 17},
    )
    exported = store.export_dict(conv.id)
    text = json.dumps(exported)
    imported = store.import_dict(json.loads(text))
    assert imported.id != conv.id and imported.title == "Trip"
    assert store.export_dict(imported.id)["messages"] == exported["messages"]
    assert store.messages(imported.id)[0].attachments[0].data == b"\x89PNG fake"
    markdown = conversation_markdown(exported)
    assert "# Trip" in markdown and "a reply" in markdown and "5 tokens" in markdown


def test_import_refuses_other_files(store: ChatStore) -> None:
    with pytest.raises(UserInputError, match="not a conversation"):
        store.import_dict({"messages": []})
