"""Message actions are icon buttons: named in a tooltip, shown under the newest message and
under whichever message the pointer is over."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from tests.ui.chat.conftest import messages, type_and_send, wait_reply


def _move(view: Any, point: Any) -> None:
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(point),
        QPointF(view.viewport().mapToGlobal(point)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.viewport(), event)


def test_pointing_at_an_action_names_it_and_shows_that_message_s_actions(
    qtbot: Any, chat_tab: Any
) -> None:
    type_and_send(qtbot, chat_tab, "First question")
    wait_reply(qtbot, chat_tab, 2)
    view, delegate, model = chat_tab.transcript, chat_tab.delegate, chat_tab.transcript_model
    first, reply = messages(chat_tab)
    first_row = model.index(0)
    assert delegate._actions_shown(reply, model)  # the newest message always shows them
    assert not delegate._actions_shown(first, model)

    edit = delegate.action_rect(first_row, "edit")
    assert edit is not None and edit.width() == edit.height()  # an icon button, not a word
    _move(view, edit.center())
    assert view.viewport().toolTip() == "Edit"
    assert delegate.hovered_message == first.id and delegate.hovered_action == "action:edit"
    assert delegate._actions_shown(first, model)

    copy = delegate.action_rect(first_row, "copy")
    _move(view, copy.center())
    assert view.viewport().toolTip() == "Copy"

    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    assert delegate.hovered_message is None
    assert not delegate._actions_shown(first, model)

    view.setCurrentIndex(first_row)  # the keyboard focus shows them too
    assert delegate._actions_shown(first, model)


def test_clicking_the_copy_icon_copies_the_message(qtbot: Any, chat_tab: Any) -> None:
    type_and_send(qtbot, chat_tab, "Copy me, please")
    wait_reply(qtbot, chat_tab, 2)
    view, delegate = chat_tab.transcript, chat_tab.delegate
    rect = delegate.action_rect(chat_tab.transcript_model.index(0), "copy")
    QApplication.clipboard().clear()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: QApplication.clipboard().text() == "Copy me, please", timeout=5000)


def test_a_reply_streaming_below_the_view_offers_a_way_back_down(
    qtbot: Any, chat_tab: Any, fake_api: Any
) -> None:
    fake_api.options.chat_reply = " ".join(f"word{n}" for n in range(1500))
    fake_api.options.stream_delay = 0.003
    view = chat_tab.transcript
    jump = view.jump_button
    assert not jump.isVisible()
    type_and_send(qtbot, chat_tab, "A long answer, please")
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 400, timeout=8000)
    assert not jump.isVisible()  # following the bottom: nothing to offer
    view.verticalScrollBar().setValue(0)  # the person scrolls up to read
    qtbot.waitUntil(jump.isVisible, timeout=5000)
    assert view.viewport().geometry().contains(jump.geometry())
    assert jump.accessibleName() and jump.toolTip()
    qtbot.mouseClick(jump, Qt.MouseButton.LeftButton)
    assert view.following_bottom
    wait_reply(qtbot, chat_tab, 2, timeout=20000)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() >= bar.maximum() - 4, timeout=5000)
    assert not jump.isVisible()


def test_the_read_aloud_icon_speaks_the_reply(qtbot: Any, chat_tab: Any, fake_api: Any) -> None:
    fake_api.options.chat_reply = "Spoken words."
    type_and_send(qtbot, chat_tab, "Say something")
    wait_reply(qtbot, chat_tab, 2)
    view, delegate = chat_tab.transcript, chat_tab.delegate
    rect = delegate.action_rect(chat_tab.transcript_model.index(1), "read_aloud")
    assert rect is not None and rect.width() == rect.height()
    _move(view, rect.center())
    assert view.viewport().toolTip() == "Read aloud"
    with qtbot.waitSignal(chat_tab.read_aloud_requested, timeout=3000) as speech:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert speech.args == ["Spoken words."]
