"""Adding files, folders and URLs; the queue's rows, options, cancel, retry and restart."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QCheckBox, QFileDialog, QLineEdit, QPushButton

from app.ui.transcription.queue_model import DURATION, NAME, STATUS
from app.ui.transcription.tab import TranscriptionTab
from tests.fake_api import FakeApi, Fault
from tests.ui.transcription.conftest import statuses, wait_all


def _stt_posts(fake_api: FakeApi) -> list[Any]:
    return [r for r in fake_api.requests if r.method == "POST" and r.path.startswith("/v1/stt")]


def _cell(tab: TranscriptionTab, row: int, column: int) -> str:
    return tab.table.model().index(row, column).data()


def _drop(tab: TranscriptionTab, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tab.dropEvent(event)


def test_files_from_the_dialog_are_queued_and_transcribed(
    qtbot: Any, stt_tab: TranscriptionTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    qtbot.mouseClick(stt_tab.findChild(QPushButton, "sttAddFiles"), Qt.MouseButton.LeftButton)
    dialog = stt_tab.findChild(QFileDialog, "sttFileDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(speech_wav))
    dialog.accept()
    wait_all(qtbot, stt_tab)
    assert _cell(stt_tab, 0, NAME) == "speech.wav"
    assert _cell(stt_tab, 0, DURATION) == "00:01"
    assert _cell(stt_tab, 0, STATUS) == "Done"
    upload = _stt_posts(fake_api)[0]
    assert upload.files["audio"][0] == "speech.wav"
    assert upload.form["punctuate"] == "true" and upload.form["smart_format"] == "true"
    qtbot.waitUntil(lambda: "quick brown fox" in stt_tab.view.plain_text())


def test_dropped_folder_brings_its_media_and_bad_files_are_refused(
    qtbot: Any,
    stt_tab: TranscriptionTab,
    fake_api: FakeApi,
    tmp_path: Path,
    speech_mp3: Path,
    speech_ogg: Path,
    speech_video: Path,
) -> None:
    folder = tmp_path / "recordings"
    (folder / "inner").mkdir(parents=True)
    shutil.copy(speech_mp3, folder / "one.mp3")
    shutil.copy(speech_ogg, folder / "inner" / "two.ogg")
    shutil.copy(speech_video, folder / "three.mp4")
    (folder / "readme.txt").write_text("not audio")
    _drop(stt_tab, [folder])
    wait_all(qtbot, stt_tab)
    assert sorted(job.record.name for job in stt_tab.queue.jobs()) == [
        "one.mp3",
        "three.mp4",
        "two.ogg",
    ]
    assert len(_stt_posts(fake_api)) == 3

    letter = tmp_path / "letter.txt"
    letter.write_text("Dear reader")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    _drop(stt_tab, [letter])
    qtbot.waitUntil(lambda: "letter.txt is not an audio" in stt_tab.message_bar.text)
    _drop(stt_tab, [empty])
    qtbot.waitUntil(lambda: "empty (0 bytes)" in stt_tab.message_bar.text)
    assert len(stt_tab.queue.jobs()) == 3
    assert len(_stt_posts(fake_api)) == 3


def test_a_url_is_sent_not_downloaded_with_the_familys_options(
    qtbot: Any, stt_tab: TranscriptionTab, fake_api: FakeApi
) -> None:
    stt_tab.model_combo.set_current_model_id("aai/universal")
    stt_tab._on_model_combo_model_changed("aai/universal")
    stt_tab.findChild(QCheckBox, "sttDiarize").setChecked(True)
    stt_tab.findChild(QCheckBox, "sttSmartFormat").setChecked(False)
    url = "https://example.org/interview.mp3"
    stt_tab.findChild(QLineEdit, "sttUrl").setText(url)
    qtbot.mouseClick(stt_tab.findChild(QPushButton, "sttTranscribe"), Qt.MouseButton.LeftButton)
    wait_all(qtbot, stt_tab)
    body = _stt_posts(fake_api)[0].json
    assert body == {
        "model": "aai/universal",
        "url": url,
        "language_detection": True,
        "punctuate": True,
        "format_text": False,
        "speaker_labels": True,
    }
    assert _cell(stt_tab, 0, NAME) == url
    qtbot.waitUntil(lambda: "Speaker" in stt_tab.view.plain_text())


def test_openai_family_offers_no_punctuation_switch_and_mai_no_language(
    stt_tab: TranscriptionTab,
) -> None:
    stt_tab.model_combo.set_current_model_id("openai/gpt-4o-transcribe")
    stt_tab._on_model_combo_model_changed("")
    assert not stt_tab.findChild(QCheckBox, "sttPunctuate").isEnabled()
    assert not stt_tab.findChild(QLineEdit, "sttPrompt").isHidden()
    stt_tab.model_combo.set_current_model_id("microsoft/mai-transcribe-1.5")
    stt_tab._on_model_combo_model_changed("")
    assert not stt_tab.options.language.isEnabled()
    assert stt_tab.current_options() == {}


def test_cancel_while_transcribing_then_retry(
    qtbot: Any, stt_tab: TranscriptionTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.options.stt_statuses = ["generating"] * 1000
    stt_tab.add_files([speech_wav])
    qtbot.waitUntil(lambda: statuses(stt_tab) == ["transcribing"], timeout=5000)
    stt_tab.table.selectRow(0)
    cancel = stt_tab.findChild(QPushButton, "sttCancel")
    assert cancel.isEnabled()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: statuses(stt_tab) == ["cancelled"])
    assert _cell(stt_tab, 0, STATUS) == "Cancelled"
    fake_api.options.stt_statuses = []
    retry = stt_tab.findChild(QPushButton, "sttRetry")
    assert retry.isEnabled()
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    wait_all(qtbot, stt_tab)


def test_a_server_error_fails_the_row_with_a_sentence_and_retry_succeeds(
    qtbot: Any, stt_tab: TranscriptionTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.script("/v1/stt/create", Fault.error(500))
    stt_tab.add_files([speech_wav])
    wait_all(qtbot, stt_tab, "failed")
    assert "server" in stt_tab.table.model().index(0, STATUS).data(Qt.ItemDataRole.ToolTipRole)
    stt_tab.table.selectRow(0)
    qtbot.mouseClick(stt_tab.findChild(QPushButton, "sttRetry"), Qt.MouseButton.LeftButton)
    wait_all(qtbot, stt_tab)


def test_unfinished_rows_come_back_interrupted_after_a_restart(
    qtbot: Any,
    open_stt_tab: Callable[[], TranscriptionTab],
    fake_api: FakeApi,
    speech_wav: Path,
) -> None:
    fake_api.options.stt_statuses = ["generating"] * 1000
    first = open_stt_tab()
    first.add_files([speech_wav])
    qtbot.waitUntil(lambda: statuses(first) == ["transcribing"], timeout=5000)
    first.window().close()
    fake_api.options.stt_statuses = []
    second = open_stt_tab()
    assert statuses(second) == ["interrupted"]
    assert _cell(second, 0, STATUS) == "Interrupted"
    second.table.selectRow(0)
    qtbot.mouseClick(second.findChild(QPushButton, "sttRetry"), Qt.MouseButton.LeftButton)
    wait_all(qtbot, second)


def test_several_rows_run_at_once_but_no_more_than_the_setting(
    qtbot: Any, stt_tab: TranscriptionTab, fake_api: FakeApi, speech_wav: Path, speech_mp3: Path
) -> None:
    fake_api.options.stt_statuses = ["generating"] * 15
    stt_tab.services.settings.stt_parallel = 2
    stt_tab.add_files([speech_wav, speech_mp3, speech_wav])
    seen: list[int] = []
    qtbot.waitUntil(
        lambda: seen.append(stt_tab.queue.running_count()) or statuses(stt_tab) == ["done"] * 3,
        timeout=10000,
    )
    assert max(seen) == 2
