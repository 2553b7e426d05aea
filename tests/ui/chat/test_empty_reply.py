"""A reply without text is not silent in the window: the message bar says why."""

from __future__ import annotations

from tests.cli.test_empty_reply import TOOL_CALL_ONLY_STREAM
from tests.ui.chat.conftest import type_and_send, wait_reply


def test_tool_call_only_reply_says_it_was_empty(qtbot, chat_tab, fake_api):
    fake_api.script("/v1/chat/completions", TOOL_CALL_ONLY_STREAM)
    type_and_send(qtbot, chat_tab, "What is the weather in Oslo?")
    wait_reply(qtbot, chat_tab, 2)
    bar = chat_tab.message_bar
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    assert bar.text == (
        "The reply was empty: the model asked to call a tool, and this chat offers none "
        "(finish reason: tool_calls)."
    )
    assert bar.action_text == "Retry"


def test_a_reply_with_text_shows_no_empty_notice(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "Hello")
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.content
    assert not chat_tab.message_bar.isVisible()
