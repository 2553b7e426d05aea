"""An empty gallery, queue or history says what goes there, until something does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from app.ui.transcription.queue_model import COST
from tests.fake_api import FakeApi
from tests.ui.conftest import use_server

WAIT_MS = 8000


def _hint(tab: Any, name: str) -> QWidget:
    hint = tab.findChild(QWidget, name)
    assert hint is not None
    return hint


def _shown(window: Any, kind: str, hint: QWidget) -> bool:
    window.tabs.setCurrentWidget(window.tab_pages[kind])
    return hint.isVisible() and hint.width() > 100 and hint.height() > 50


def test_each_empty_list_explains_itself_until_it_has_rows(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any, speech_wav: Path
) -> None:
    monkeypatch.setenv("AIML_API_KEY", "test-key")
    use_server(fake_api.url)
    window = open_window()
    window.services.transcription.poll_interval = 0.02
    images, stt, tts = (window.tab_pages[kind] for kind in ("image", "stt", "tts"))
    qtbot.waitUntil(lambda: bool(tts.model_combo.model_ids()), timeout=WAIT_MS)

    window.tabs.setCurrentWidget(images)  # the gallery opens when its tab is first shown
    gallery_hint = _hint(images, "imageGalleryEmptyHint")
    queue_hint = _hint(stt, "sttQueueEmptyHint")
    history_hint = _hint(tts, "ttsHistoryEmptyHint")
    assert _shown(window, "image", gallery_hint)
    assert "Generate" in gallery_hint.text()
    assert _shown(window, "stt", queue_hint)
    assert "Add files" in queue_hint.text()
    assert _shown(window, "tts", history_hint)

    images.prompt.setPlainText("a fox in snow")
    images.generate()
    qtbot.waitUntil(lambda: images.gallery_model.rowCount() == 1, timeout=WAIT_MS)
    assert not _shown(window, "image", gallery_hint)

    stt.add_files([speech_wav])
    qtbot.waitUntil(lambda: [j.status for j in stt.queue.jobs()] == ["done"], timeout=WAIT_MS)
    assert not _shown(window, "stt", queue_hint)
    assert stt.queue_model.index(0, COST).data() == "—"
    stt.history_search.setText("no such words anywhere")
    assert stt.filter_model.rowCount() == 0
    assert not _shown(window, "stt", queue_hint)

    tts.text_edit.setPlainText("Hello there.")
    tts.speak()
    qtbot.waitUntil(lambda: tts.history_list.count() == 1, timeout=WAIT_MS)
    assert not _shown(window, "tts", history_hint)
    tts.delete_record(tts.history_list.current_record())
    qtbot.waitUntil(lambda: tts.history_list.count() == 0, timeout=WAIT_MS)
    assert _shown(window, "tts", history_hint)


def test_a_hint_in_a_short_list_shows_its_sentence_whole_without_the_icon(qtbot: Any) -> None:
    from PySide6.QtWidgets import QListWidget

    from app.ui.widgets.empty_hint import EmptyHint

    rows = QListWidget()
    qtbot.addWidget(rows)
    hint = EmptyHint(rows, "This server offers no tools.", purpose="tools")
    rows.resize(400, 300)
    rows.show()
    qtbot.waitExposed(rows)
    assert hint.icon_label.isVisible()
    rows.resize(400, 44)
    qtbot.waitUntil(lambda: not hint.icon_label.isVisible(), timeout=2000)
    label = hint.label
    assert label.isVisible()
    assert label.geometry().bottom() < hint.height()
    assert label.height() >= label.heightForWidth(label.width())
    assert hint.geometry().bottom() <= rows.viewport().height()
    rows.resize(400, 300)
    qtbot.waitUntil(lambda: hint.icon_label.isVisible(), timeout=2000)
