"""Every failure shows one sentence, keeps what was typed, and can be retried with one click."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.storage.chat_store import ChatStore
from tests.fake_api import Fault
from tests.ui.chat.conftest import click_action, messages, type_and_send, wait_reply

FAULTS = {
    "401": (Fault.error(401), "API key was refused"),
    "403": (Fault.error(403), "out of credits"),
    "404": (Fault.error(404, "Model is deprecated"), "model or endpoint was not found"),
    "429": (Fault.error(429), "Too many requests"),
    "500": (Fault.error(500), "server had a problem"),
    "network": (Fault.drop(), "Could not reach the server"),
    "dropped stream": (Fault.drop_mid_stream(after_events=3), "connection dropped"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_failed_reply_keeps_the_text_and_retries_with_one_click(qtbot, chat_tab, fake_api, name):
    fault, words = FAULTS[name]
    fake_api.options.chat_reply = "a fine answer in several words that stream one by one"
    fake_api.script("/v1/chat/completions", fault)
    type_and_send(qtbot, chat_tab, "my carefully typed question")
    failed = wait_reply(qtbot, chat_tab, 2)

    bar = chat_tab.message_bar
    assert bar.isVisible() and bar.level == "error"
    assert words.lower() in bar.text.lower()
    assert bar.text.count("\n") == 0 and bar.text.rstrip(")").endswith(".")
    assert bar.action_text == "Retry"
    assert failed.status == "error" and failed.meta["error"] == bar.text
    user = messages(chat_tab)[0]
    assert (user.role, user.content) == ("user", "my carefully typed question")
    stored = ChatStore(chat_tab.services.history).messages(chat_tab.conversation.id)
    assert stored[0].content == "my carefully typed question"
    assert chat_tab.delegate.action_rect(chat_tab.transcript_model.index(1), "retry") is not None
    if name == "dropped stream":
        assert failed.content and fake_api.options.chat_reply.startswith(failed.content)

    qtbot.mouseClick(bar.findChild(QPushButton, "messageAction"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: messages(chat_tab)[-1].status == "complete", timeout=8000)
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.content == fake_api.options.chat_reply
    sent = [r.json for r in fake_api.requests_to("/v1/chat/completions")][-1]
    assert sent["messages"] == [{"role": "user", "content": "my carefully typed question"}]


def test_the_retry_link_on_the_failed_message(qtbot, chat_tab, fake_api):
    fake_api.script("/v1/chat/completions", Fault.error(503))
    type_and_send(qtbot, chat_tab, "hello?")
    wait_reply(qtbot, chat_tab, 2)
    click_action(qtbot, chat_tab, 1, "retry")
    qtbot.waitUntil(lambda: messages(chat_tab)[-1].status == "complete", timeout=8000)
    assert [m.content for m in messages(chat_tab)] == ["hello?", "Echo: hello?"]


def test_a_failed_reply_is_not_sent_as_context(qtbot, chat_tab, fake_api):
    fake_api.script("/v1/chat/completions", Fault.error(500))
    type_and_send(qtbot, chat_tab, "first try")
    wait_reply(qtbot, chat_tab, 2)
    type_and_send(qtbot, chat_tab, "second try")
    wait_reply(qtbot, chat_tab, 4)
    sent = fake_api.requests_to("/v1/chat/completions")[-1].json["messages"]
    assert sent == [
        {"role": "user", "content": "first try"},
        {"role": "user", "content": "second try"},
    ]


def test_an_empty_input_is_not_sent(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "   ")
    qtbot.waitUntil(lambda: chat_tab.message_bar.isVisible(), timeout=3000)
    assert "Type a message" in chat_tab.message_bar.text
    assert not fake_api.requests_to("/v1/chat/completions")
