"""The composer grows with its text; a drag of files over Speech to text shows where to drop;
empty views offer their one action."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton, QWidget

from app.ui.chat.composer import MAX_LINES
from tests.fake_api import FakeApi
from tests.ui.conftest import use_server

WAIT_MS = 8000


def _window(open_window: Any, fake_api: FakeApi, monkeypatch: Any) -> Any:
    monkeypatch.setenv("AIML_API_KEY", "test-key")
    use_server(fake_api.url)
    return open_window()


def test_the_message_input_grows_with_its_text_then_scrolls(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    window = _window(open_window, fake_api, monkeypatch)
    chat = window.tab_pages["chat"]
    box = chat.input
    empty = box.height()
    box.setPlainText("one line")
    qtbot.waitUntil(lambda: box.height() == empty, timeout=WAIT_MS)
    box.setPlainText("\n".join(f"line {n}" for n in range(6)))
    qtbot.waitUntil(lambda: box.height() > empty, timeout=WAIT_MS)
    six = box.height()
    box.setPlainText("\n".join(f"line {n}" for n in range(MAX_LINES * 4)))
    qtbot.waitUntil(lambda: box.height() > six, timeout=WAIT_MS)
    tallest = box.height()
    assert box.verticalScrollBar().maximum() > 0  # past the limit the text scrolls
    box.setPlainText("\n".join(f"line {n}" for n in range(MAX_LINES * 8)))
    QApplication.processEvents()
    assert box.height() == tallest
    box.clear()
    qtbot.waitUntil(lambda: box.height() == empty, timeout=WAIT_MS)


def _files(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return mime


def test_dragging_files_over_speech_to_text_shows_the_drop_zone_until_they_leave(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any, speech_wav: Path
) -> None:
    window = _window(open_window, fake_api, monkeypatch)
    stt = window.tab_pages["stt"]
    window.tabs.setCurrentWidget(stt)
    zone = stt.findChild(QWidget, "sttTabDropZone")
    assert zone is not None and not zone.isVisible()
    mime = _files(speech_wav)
    actions = Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(50, 50), actions, mime, buttons, keys)
    QApplication.sendEvent(stt, enter)
    assert enter.isAccepted()
    assert zone.isVisible() and zone.geometry() == stt.rect()
    QApplication.sendEvent(stt, QDragLeaveEvent())
    assert not zone.isVisible()

    QApplication.sendEvent(stt, QDragEnterEvent(QPoint(50, 50), actions, mime, buttons, keys))
    assert zone.isVisible()
    QApplication.sendEvent(stt, QDropEvent(QPoint(50, 50), actions, mime, buttons, keys))
    assert not zone.isVisible()
    qtbot.waitUntil(lambda: stt.queue_model.rowCount() == 1, timeout=WAIT_MS)


def test_a_text_drag_is_not_offered_the_drop_zone(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    window = _window(open_window, fake_api, monkeypatch)
    stt = window.tab_pages["stt"]
    window.tabs.setCurrentWidget(stt)
    mime = QMimeData()
    mime.setText("just words")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(stt, enter)
    assert not enter.isAccepted()
    assert not stt.findChild(QWidget, "sttTabDropZone").isVisible()


def test_the_empty_queue_offers_add_files_and_hides_with_the_first_recording(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any, speech_wav: Path
) -> None:
    window = _window(open_window, fake_api, monkeypatch)
    stt = window.tab_pages["stt"]
    window.tabs.setCurrentWidget(stt)
    hint = stt.findChild(QWidget, "sttQueueEmptyHint")
    action = hint.findChild(QPushButton, "sttQueueEmptyHintAction")
    qtbot.waitUntil(lambda: hint.isVisible() and action.isVisible(), timeout=WAIT_MS)
    # the hint sits inside the list, centred, and leaves the rest of it to clicks and drops
    viewport = stt.table.viewport().rect()
    assert viewport.contains(hint.geometry()) and hint.width() < viewport.width()
    qtbot.mouseClick(action, Qt.MouseButton.LeftButton)
    dialog = stt.findChild(QFileDialog, "sttFileDialog")
    qtbot.waitUntil(lambda: dialog is not None or bool(stt.findChild(QFileDialog)), timeout=WAIT_MS)
    dialog = stt.findChild(QFileDialog, "sttFileDialog")
    assert dialog.fileMode() == QFileDialog.FileMode.ExistingFiles
    dialog.filesSelected.emit([str(speech_wav)])
    dialog.close()
    qtbot.waitUntil(lambda: not hint.isVisible(), timeout=WAIT_MS)


def test_a_new_chat_says_how_to_start_and_the_hint_leaves_with_the_first_message(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    window = _window(open_window, fake_api, monkeypatch)
    chat = window.tab_pages["chat"]
    window.tabs.setCurrentWidget(chat)
    hint = chat.findChild(QWidget, "chatTranscriptEmptyHint")
    sidebar_hint = chat.findChild(QWidget, "conversationListEmptyHint")
    qtbot.waitUntil(lambda: hint.isVisible() and sidebar_hint.isVisible(), timeout=WAIT_MS)
    assert "Ctrl+Enter" in hint.text()
    qtbot.waitUntil(lambda: bool(chat.model_combo.model_ids()), timeout=WAIT_MS)
    chat.input.setPlainText("Hello there")
    qtbot.keyClick(chat.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not hint.isVisible() and not sidebar_hint.isVisible(), timeout=WAIT_MS)


def test_a_first_run_without_a_key_lists_the_steps_and_offers_the_key_dialog(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    monkeypatch.delenv("AIML_API_KEY", raising=False)
    use_server(fake_api.url)
    window = open_window()
    chat = window.tab_pages["chat"]
    hint = chat.findChild(QWidget, "chatTranscriptEmptyHint")

    def action() -> QPushButton | None:
        return hint.findChild(QPushButton, "chatTranscriptEmptyHintAction")

    dialogs = lambda: [  # noqa: E731
        w for w in QApplication.topLevelWidgets() if w.objectName() == "apiKeyDialog"
    ]
    qtbot.waitUntil(lambda: any(d.isVisible() for d in dialogs()), timeout=WAIT_MS)
    for dialog in dialogs():
        dialog.reject()  # "Later": the window behind explains what to do
    qtbot.waitUntil(lambda: action() is not None and action().isVisible(), timeout=WAIT_MS)
    assert "Three steps" in hint.text() and "Ctrl+Enter" in hint.text()
    assert action().text() == "Add API key…"
    qtbot.mouseClick(action(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in dialogs()), timeout=WAIT_MS)
