"""The transcript: times and speakers, click to play, find, kept edits, export, copy, chat."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QFileDialog, QLineEdit, QPushButton

from app.services.transcript_formats import from_dict
from app.ui.transcription.tab import TranscriptionTab
from app.ui.widgets.audio_player import NO_DEVICE_NOTICE
from tests.fake_api import FakeApi
from tests.ui.transcription.conftest import wait_all

SRT_TIME = re.compile(r"^\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}$")
VTT_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$")


def _transcribed(qtbot: Any, tab: TranscriptionTab, audio: Path, diarize: bool = True) -> None:
    tab.options.diarize.setChecked(diarize)
    tab.add_files([audio])
    wait_all(qtbot, tab)
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: tab.view.transcript() is not None)


def _click_time_of(qtbot: Any, tab: TranscriptionTab, paragraph: int) -> None:
    editor = tab.view.editor
    block = editor.document().findBlockByNumber(paragraph)
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + 2)
    point = editor.cursorRect(cursor).center()
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_segments_show_start_times_and_speakers(
    qtbot: Any, stt_tab: TranscriptionTab, speech_wav_16k: Path
) -> None:
    _transcribed(qtbot, stt_tab, speech_wav_16k)
    lines = stt_tab.view.plain_text().splitlines()
    assert len(lines) == 2
    first = re.match(r"^00:00 (Speaker \w+): The quick brown fox", lines[0])
    second = re.match(r"^00:01 (Speaker \w+): A second voice", lines[1])
    assert first and second and first.group(1) != second.group(1)


def test_clicking_a_time_plays_the_source_from_there(
    qtbot: Any, stt_tab: TranscriptionTab, speech_wav_16k: Path
) -> None:
    _transcribed(qtbot, stt_tab, speech_wav_16k)
    player = stt_tab.player
    qtbot.waitUntil(lambda: player.state() in ("stopped", "paused"), timeout=5000)
    start = stt_tab.view.transcript().segments[1].start
    _click_time_of(qtbot, stt_tab, 1)
    qtbot.waitUntil(lambda: player.state() == "playing" or player.notice() == NO_DEVICE_NOTICE)
    if player.state() == "playing":
        assert start - 0.05 <= player.position() <= player.duration()


def test_find_counts_and_selects_matches(
    qtbot: Any, stt_tab: TranscriptionTab, speech_wav: Path
) -> None:
    _transcribed(qtbot, stt_tab, speech_wav, diarize=False)
    find = stt_tab.findChild(QLineEdit, "sttFind")
    qtbot.keyClicks(find, "the")
    assert stt_tab.view.match_count() == 3  # The, the lazy, the dog
    assert stt_tab.view.match_label.text() == "3 matches"
    first = stt_tab.view.editor.textCursor().selectionStart()
    qtbot.keyClick(find, Qt.Key.Key_Return)
    second = stt_tab.view.editor.textCursor().selectionStart()
    assert second > first
    assert stt_tab.view.editor.textCursor().selectedText().lower() == "the"


def test_edits_are_kept_in_the_history_and_exported(
    qtbot: Any,
    open_stt_tab: Callable[[], TranscriptionTab],
    speech_wav: Path,
    tmp_path: Path,
) -> None:
    tab = open_stt_tab()
    _transcribed(qtbot, tab, speech_wav)
    editor = tab.view.editor
    cursor = editor.document().find("quick")
    cursor.insertText("slow")
    qtbot.waitUntil(lambda: tab.queue.jobs()[0].record.edited, timeout=3000)
    job_id = tab.queue.jobs()[0].id
    tab.window().close()

    reopened = open_stt_tab()
    reopened.select_job(job_id)
    qtbot.waitUntil(lambda: "The slow brown fox" in reopened.view.plain_text())
    assert "edited" in reopened.title_label.text()
    target = tmp_path / "fixed.srt"
    reopened.export_to(target)
    qtbot.waitUntil(target.exists)
    assert "The slow brown fox" in target.read_text()


def test_export_srt_vtt_json_and_txt(
    qtbot: Any, stt_tab: TranscriptionTab, speech_wav: Path, tmp_path: Path
) -> None:
    _transcribed(qtbot, stt_tab, speech_wav)
    shown = stt_tab.view.transcript()

    qtbot.mouseClick(stt_tab.findChild(QPushButton, "sttExport"), Qt.MouseButton.LeftButton)
    dialog = stt_tab.findChild(QFileDialog, "sttExportDialog")
    dialog.selectFile(str(tmp_path / "talk.srt"))
    dialog.accept()
    srt = tmp_path / "talk.srt"
    qtbot.waitUntil(srt.exists)
    blocks = srt.read_text().strip().split("\n\n")
    assert len(blocks) == 2
    for number, block in enumerate(blocks, start=1):
        index, timing, text = block.split("\n")
        assert index == str(number)
        assert SRT_TIME.match(timing)
        assert text.startswith("Speaker ")
    assert ": A second voice" in blocks[1].split("\n")[2]

    for fmt in ("vtt", "json", "txt"):
        stt_tab.export_to(tmp_path / f"talk.{fmt}")
    qtbot.waitUntil(lambda: all((tmp_path / f"talk.{f}").exists() for f in ("vtt", "json", "txt")))
    vtt = (tmp_path / "talk.vtt").read_text().splitlines()
    assert vtt[0] == "WEBVTT" and vtt[1] == ""
    assert VTT_TIME.match(vtt[2]) and re.match(r"Speaker \w+: The quick", vtt[3])
    data = json.loads((tmp_path / "talk.json").read_text())
    assert data["words"][0]["text"] == "The" and data["words"][0]["end"] > data["words"][0]["start"]
    assert from_dict(data) == shown
    assert re.match(r"Speaker \w+: The quick brown fox", (tmp_path / "talk.txt").read_text())
    assert not list(tmp_path.glob(".*"))


def test_copy_all_and_send_to_chat(qtbot: Any, stt_tab: TranscriptionTab, speech_wav: Path) -> None:
    _transcribed(qtbot, stt_tab, speech_wav, diarize=False)
    qtbot.mouseClick(stt_tab.findChild(QPushButton, "sttCopy"), Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("The quick brown fox") and "00:00" not in copied
    with qtbot.waitSignal(stt_tab.send_to_chat_requested) as sent:
        qtbot.mouseClick(stt_tab.findChild(QPushButton, "sttSendToChat"), Qt.MouseButton.LeftButton)
    assert sent.args == [copied]


def test_history_search_filters_rows(
    qtbot: Any, stt_tab: TranscriptionTab, fake_api: FakeApi, speech_wav: Path, speech_mp3: Path
) -> None:
    stt_tab.add_files([speech_wav])
    wait_all(qtbot, stt_tab)
    fake_api.options.stt_text = "Penguins waddle across the ice."
    stt_tab.add_files([speech_mp3])
    qtbot.waitUntil(lambda: len(stt_tab.queue.jobs()) == 2)
    wait_all(qtbot, stt_tab)
    search = stt_tab.findChild(QLineEdit, "sttHistorySearch")
    qtbot.keyClicks(search, "penguin")
    assert stt_tab.table.model().rowCount() == 1
    assert stt_tab.table.model().index(0, 0).data() == "speech.mp3"
    search.clear()
    assert stt_tab.table.model().rowCount() == 2
