"""Sending, streaming, stopping and the actions on messages, through the real Chat tab."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication

from app.storage.chat_store import ChatStore
from app.ui.asyncutils import running_tasks
from tests.fake_api import Fault
from tests.ui.chat.conftest import (
    chat_bodies,
    click,
    click_action,
    messages,
    type_and_send,
    wait_reply,
)

CODE_REPLY = "Here you go:\n\n```python\nprint('hello')\n```\n\nAnything else?"


def test_send_streams_a_rendered_reply_and_titles_the_conversation(qtbot, chat_tab, fake_api):
    fake_api.options.chat_reply = CODE_REPLY
    type_and_send(qtbot, chat_tab, "Show me a Python hello world")
    reply = wait_reply(qtbot, chat_tab, 2)

    assert [m.role for m in messages(chat_tab)] == ["user", "assistant"]
    assert reply.content == CODE_REPLY and reply.status == "complete"
    assert chat_tab.input.toPlainText() == ""
    body = chat_bodies(fake_api)[-1]
    assert body["stream"] is True and body["model"] == "openai/gpt-4o"
    assert body["messages"][-1] == {"role": "user", "content": "Show me a Python hello world"}

    layout = chat_tab.delegate.layout_for(chat_tab.transcript_model.index(1))
    assert [code for piece in layout.pieces for code in piece.code] == ["print('hello')\n"]
    html = "".join(p.doc.toHtml() for p in layout.pieces if p.kind == "body")
    assert "copy-code:0" in html and "Anything else?" in html

    titles = [chat_tab.sidebar.list.item(i).text() for i in range(chat_tab.sidebar.list.count())]
    assert titles == ["Show me a Python hello world"]
    assert "tokens" in chat_tab.totals.text() and "$" in chat_tab.totals.text()


def test_code_block_copy_link_copies_only_the_code(qtbot, chat_tab, fake_api):
    fake_api.options.chat_reply = CODE_REPLY
    type_and_send(qtbot, chat_tab, "code please")
    wait_reply(qtbot, chat_tab, 2)
    index = chat_tab.transcript_model.index(1)
    layout = chat_tab.delegate.layout_for(index)
    body = next(p for p in layout.pieces if p.kind == "body")
    doc_layout = body.doc.documentLayout()
    target = None
    for y in range(0, body.rect.height(), 3):
        for x in range(0, body.rect.width(), 6):
            if doc_layout.anchorAt(QPointF(x, y)) == "copy-code:0":
                target = (x, y)
                break
        if target:
            break
    assert target is not None
    origin = chat_tab.delegate.row_origin(index) + body.rect.topLeft()
    qtbot.mouseClick(
        chat_tab.transcript.viewport(),
        Qt.MouseButton.LeftButton,
        pos=origin + QPoint(*target),
    )
    assert QGuiApplication.clipboard().text() == "print('hello')\n"


def test_the_user_message_is_stored_before_the_request_leaves(qtbot, chat_tab, fake_api):
    fake_api.script("/v1/chat/completions", Fault.delay(0.6))
    type_and_send(qtbot, chat_tab, "remember me")
    qtbot.waitUntil(lambda: bool(fake_api.requests_to("/v1/chat/completions")), timeout=5000)
    store = ChatStore(chat_tab.services.history)
    conversation = store.conversations()[0]
    stored = store.messages(conversation.id)
    assert stored[0].content == "remember me" and stored[0].role == "user"
    assert stored[1].status == "streaming"
    wait_reply(qtbot, chat_tab, 2)
    assert store.messages(conversation.id)[1].status == "complete"


def test_stop_keeps_the_partial_reply_marked_stopped(qtbot, chat_tab, fake_api):
    fake_api.options.chat_reply = " ".join(f"word{i}" for i in range(400))
    fake_api.options.stream_delay = 0.01
    type_and_send(qtbot, chat_tab, "talk a lot")
    qtbot.waitUntil(
        lambda: len(messages(chat_tab)) == 2 and bool(messages(chat_tab)[1].content), timeout=5000
    )
    assert chat_tab.findChild(type(chat_tab.stop_button), "chatStop").isEnabled()
    qtbot.keyClick(chat_tab.input, Qt.Key.Key_Escape)
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.status == "stopped"
    assert reply.content and fake_api.options.chat_reply.startswith(reply.content)
    assert len(reply.content) < len(fake_api.options.chat_reply)
    stored = ChatStore(chat_tab.services.history).message(reply.id)
    assert (stored.status, stored.content) == ("stopped", reply.content)
    header = [
        p.text for p in chat_tab.delegate.layout_for(chat_tab.transcript_model.index(1)).pieces
    ]
    assert any("stopped" in text for text in header)


def test_regenerate_replaces_the_last_reply(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "first")
    first = wait_reply(qtbot, chat_tab, 2)
    fake_api.options.chat_reply = "a different answer"
    click_action(qtbot, chat_tab, 1, "regenerate")
    qtbot.waitUntil(lambda: messages(chat_tab)[-1].content == "a different answer", timeout=5000)
    second = wait_reply(qtbot, chat_tab, 2)
    assert first.content != second.content
    assert second.content == "a different answer"
    assert len(chat_bodies(fake_api)) == 2
    assert chat_bodies(fake_api)[1]["messages"] == chat_bodies(fake_api)[0]["messages"]


def test_edit_and_resend_replaces_the_later_messages(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "one")
    wait_reply(qtbot, chat_tab, 2)
    type_and_send(qtbot, chat_tab, "two")
    wait_reply(qtbot, chat_tab, 4)
    click_action(qtbot, chat_tab, 0, "edit")
    assert chat_tab.input.toPlainText() == "one"
    assert chat_tab.edit_banner.isVisible()
    chat_tab.input.setPlainText("one, edited")
    click(qtbot, chat_tab, "chatSend")
    qtbot.waitUntil(lambda: messages(chat_tab)[0].content == "one, edited", timeout=5000)
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.content == "Echo: one, edited"
    assert chat_bodies(fake_api)[-1]["messages"] == [{"role": "user", "content": "one, edited"}]
    conversation = chat_tab.conversation
    assert [m.content for m in ChatStore(chat_tab.services.history).messages(conversation.id)] == [
        "one, edited",
        "Echo: one, edited",
    ]


def test_delete_and_copy_a_message(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "keep this")
    wait_reply(qtbot, chat_tab, 2)
    click_action(qtbot, chat_tab, 0, "copy")
    assert QGuiApplication.clipboard().text() == "keep this"
    click_action(qtbot, chat_tab, 1, "delete")
    assert [m.content for m in messages(chat_tab)] == ["keep this"]
    store = ChatStore(chat_tab.services.history)
    assert store.message_count(chat_tab.conversation.id) == 1


def test_reasoning_streams_folded_above_the_answer(qtbot, chat_tab, fake_api):
    fake_api.options.reasoning = "First I consider the question carefully."
    fake_api.options.chat_reply = "The answer is 42."
    type_and_send(qtbot, chat_tab, "meaning of life?")
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.reasoning == "First I consider the question carefully."
    index = chat_tab.transcript_model.index(1)
    kinds = [p.kind for p in chat_tab.delegate.layout_for(index).pieces]
    assert kinds.index("toggle_reasoning") < kinds.index("body")
    assert "reasoning" not in kinds
    click_action(qtbot, chat_tab, 1, "toggle_reasoning")
    pieces = chat_tab.delegate.layout_for(index).pieces
    folded_open = [p for p in pieces if p.kind == "reasoning"]
    assert folded_open and "consider the question" in folded_open[0].doc.toPlainText()


def test_details_show_id_model_tokens_and_cost(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "details please")
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.response_id and reply.response_id.startswith("chatcmpl-")
    assert reply.total_tokens and reply.cost_usd is not None
    assert reply.finish_reason == "stop" and reply.model == "openai/gpt-4o"
    click_action(qtbot, chat_tab, 1, "details")
    pieces = chat_tab.delegate.layout_for(chat_tab.transcript_model.index(1)).pieces
    details = next(p.text for p in pieces if p.kind == "details")
    assert reply.response_id in details and f"{reply.total_tokens:,}" in details
    assert "Finish reason: stop" in details and f"${reply.cost_usd:.6f}" in details


def test_context_menu_hands_text_to_other_tabs(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "a lighthouse at dusk")
    wait_reply(qtbot, chat_tab, 2)
    window = chat_tab.window()
    with qtbot.waitSignal(chat_tab.send_to_images_requested) as images:
        menu = chat_tab.message_menu(0)
        next(a for a in menu.actions() if a.objectName() == "chatAction_image_prompt").trigger()
    assert images.args == ["a lighthouse at dusk"]
    image_tab = window.tab_pages["image"]
    assert window.tabs.currentWidget() is image_tab
    assert image_tab.prompt.toPlainText() == "a lighthouse at dusk"
    with qtbot.waitSignal(chat_tab.read_aloud_requested) as speech:
        menu = chat_tab.message_menu(1)
        next(a for a in menu.actions() if a.objectName() == "chatAction_read_aloud").trigger()
    assert speech.args == ["Echo: a lighthouse at dusk"]
    assert window.tabs.currentWidget() is window.tab_pages["tts"]
    qtbot.waitUntil(lambda: bool(fake_api.requests_to("/v1/tts")), timeout=5000)
    qtbot.waitUntil(lambda: not running_tasks(), timeout=8000)
    assert "lighthouse" in fake_api.requests_to("/v1/tts")[-1].json["text"]


def test_ctrl_n_starts_a_new_conversation_and_settings_apply(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "first chat")
    wait_reply(qtbot, chat_tab, 2)
    qtbot.keyClick(chat_tab.input, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert chat_tab.conversation is None and not messages(chat_tab)
    chat_tab.settings_toggle.click()
    chat_tab.settings_panel.system_prompt.setPlainText("You are terse.")
    chat_tab.settings_panel.temperature.setValue(0.3)
    chat_tab.settings_panel.max_tokens.setValue(64)
    chat_tab.settings_panel.context.setValue(1)
    type_and_send(qtbot, chat_tab, "second chat")
    wait_reply(qtbot, chat_tab, 2)
    body = chat_bodies(fake_api)[-1]
    assert body["messages"][0] == {"role": "system", "content": "You are terse."}
    assert body["temperature"] == 0.3 and body["max_tokens"] == 64
    assert "top_p" not in body
    type_and_send(qtbot, chat_tab, "third message")
    wait_reply(qtbot, chat_tab, 4)
    sent = chat_bodies(fake_api)[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user"]
    assert chat_tab.sidebar.list.count() == 2
    assert chat_tab.sidebar.list.item(0).text() == "second chat"


def test_send_with_enter_setting(qtbot, chat_tab, fake_api):
    chat_tab.services.settings.send_with_enter = True
    chat_tab.apply_settings()
    chat_tab.input.setFocus()
    chat_tab.input.setPlainText("line one")
    chat_tab.input.moveCursor(chat_tab.input.textCursor().MoveOperation.End)
    qtbot.keyClick(chat_tab.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(chat_tab.input, "line two")
    assert chat_tab.input.toPlainText() == "line one\nline two"
    qtbot.keyClick(chat_tab.input, Qt.Key.Key_Return)
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.content == "Echo: line one\nline two"
