"""New messages fade in over a moment, and not at all with Reduce motion on."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox, QDialog

from app.storage.settings import load_settings
from app.ui.style import motion
from tests.ui.chat.conftest import messages, type_and_send, wait_reply


@pytest.fixture(autouse=True)
def _motion_on() -> Any:
    motion.set_reduced(False)
    yield
    motion.set_reduced(False)


def _row_pixel(chat_tab: Any, row: int) -> Any:
    """The colour the transcript paints a little inside the row's bubble."""
    view = chat_tab.transcript
    rect = view.visualRect(chat_tab.transcript_model.index(row))
    image = view.viewport().grab().toImage()
    return image.pixelColor(rect.left() + 40, rect.top() + 4)


def test_a_new_message_fades_in_and_then_stops_repainting(qtbot: Any, chat_tab: Any) -> None:
    fades = chat_tab.delegate.fades
    fades._duration = 1.5  # slow enough to look at on a busy machine
    type_and_send(qtbot, chat_tab, "Hello there")
    qtbot.waitUntil(lambda: bool(messages(chat_tab)), timeout=3000)
    question = messages(chat_tab)[0]
    assert 0.0 <= fades.opacity(question.id) < 1.0  # just arrived: still fading in
    wait_reply(qtbot, chat_tab, 2)
    qtbot.waitUntil(lambda: not fades.running(), timeout=4000)
    assert fades.opacity(question.id) == 1.0
    assert not fades._timer.isActive()  # nothing repaints once the fade is over


def test_a_fading_row_is_painted_lighter_than_it_ends(qtbot: Any, chat_tab: Any) -> None:
    chat_tab.transcript.resize(700, 500)
    type_and_send(qtbot, chat_tab, "First")
    wait_reply(qtbot, chat_tab, 2)
    fades = chat_tab.delegate.fades
    qtbot.waitUntil(lambda: not fades.running(), timeout=2000)
    settled = _row_pixel(chat_tab, 0)
    message_id = messages(chat_tab)[0].id
    fades._starts[message_id] = time.monotonic()  # the same row, just arrived
    early = _row_pixel(chat_tab, 0)
    fades.stop()
    assert early != settled
    assert _row_pixel(chat_tab, 0) == settled


def test_reduce_motion_in_settings_shows_messages_at_once(
    qtbot: Any, chat_tab: Any, open_window: Any
) -> None:
    window = chat_tab.window()
    window.open_settings()
    dialog = window.findChild(QDialog, "settingsDialog")
    box = dialog.findChild(QCheckBox, "reduceMotion")
    assert box is not None and not box.isChecked()
    box.setChecked(True)
    dialog.accept()
    assert load_settings().reduce_motion is True
    type_and_send(qtbot, chat_tab, "No fading, please")
    qtbot.waitUntil(lambda: bool(messages(chat_tab)), timeout=3000)
    question = messages(chat_tab)[0]
    assert chat_tab.delegate.fades.opacity(question.id) == 1.0
    assert not chat_tab.delegate.fades.running()
    wait_reply(qtbot, chat_tab, 2)
