"""``chat`` records the exchange in the history; ``conversations`` lists what was saved."""

from __future__ import annotations

import json
from collections.abc import Callable

from app.services.context import Services
from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi, Fault

Cli = Callable[..., CliResult]
CHAT = "/v1/chat/completions"


def saved(cli: Cli) -> list[dict]:
    result = cli("conversations", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def stored_messages(conversation_id: int) -> list[tuple[str, str, str]]:
    services = Services()
    try:
        messages = services.chat_history.store.messages(conversation_id)
        return [(m.role, m.content, m.status) for m in messages]
    finally:
        services.close()


def test_chat_records_the_exchange(gateway: FakeApi, cli: Cli) -> None:
    result = cli("chat", "What is a haiku?", "--system", "Be brief.")
    assert result.code == 0, result.err
    assert result.out == "Echo: What is a haiku?\n"
    [row] = saved(cli)
    assert row["title"] == "What is a haiku?"
    assert row["messages"] == 2
    assert row["model"] == "gpt-4o"
    assert stored_messages(row["id"]) == [
        ("user", "What is a haiku?", "complete"),
        ("assistant", "Echo: What is a haiku?", "complete"),
    ]


def test_no_history_records_nothing(gateway: FakeApi, cli: Cli) -> None:
    assert cli("chat", "Secret question", "--no-history").code == 0
    assert cli("chat", "Another", "--no-history", "--no-stream").code == 0
    assert saved(cli) == []
    assert cli("conversations").err.strip() == "aiml-desktop: no saved conversations yet."


def test_conversation_continues_a_saved_one(gateway: FakeApi, cli: Cli) -> None:
    assert cli("chat", "My name is Ada.", "--new-title", "Introductions").code == 0
    [row] = saved(cli)
    assert row["title"] == "Introductions"
    gateway.options.chat_reply = "Your name is Ada."
    result = cli("chat", "What is my name?", "--conversation", row["id"], "--no-stream")
    assert result.code == 0, result.err
    assert result.out == "Your name is Ada.\n"
    sent = [r.json for r in gateway.requests if r.path == CHAT][-1]
    assert [m["content"] for m in sent["messages"]] == [
        "My name is Ada.",
        "Echo: My name is Ada.",
        "What is my name?",
    ]
    [again] = saved(cli)
    assert again["id"] == row["id"] and again["messages"] == 4


def test_an_unknown_conversation_is_one_clear_line(gateway: FakeApi, cli: Cli) -> None:
    sentence = cli("chat", "hi", "--conversation", "999").assert_one_error(code=2)
    assert "no saved conversation 999" in sentence
    assert not [r for r in gateway.requests if r.path == CHAT]


def test_a_failed_reply_is_saved_marked_and_the_exit_code_says_so(
    gateway: FakeApi, cli: Cli
) -> None:
    gateway.script(CHAT, Fault.error(400))
    cli("chat", "Hello").assert_one_error(code=1)
    [row] = saved(cli)
    assert [status for _, _, status in stored_messages(row["id"])] == ["complete", "error"]


def test_conversations_lists_newest_first_as_text(gateway: FakeApi, cli: Cli) -> None:
    cli("chat", "First topic")
    cli("chat", "Second topic")
    lines = cli("conversations").out.splitlines()
    assert len(lines) == 2
    assert "Second topic" in lines[0] and "(2 messages)" in lines[0]
    assert "First topic" in lines[1]
