"""The Speech to text tab: a queue of files and URLs, their transcripts, export and history.

Signals:
    send_to_chat_requested(str): "Send to chat" was pressed with this transcript text.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.api.audio_types import Transcript
from app.errors import UserInputError, describe
from app.services.stt_families import build_options
from app.services.stt_queue import SttQueue
from app.services.transcript_formats import render, to_txt
from app.services.transcription import SUPPORTED_SUFFIXES
from app.storage.atomic import write_text_atomic
from app.ui.asyncutils import async_slot
from app.ui.events import after_first_paint, notify_paid_request
from app.ui.message_bar import MessageBar
from app.ui.style.controls import decorate
from app.ui.transcription.options_panel import SttOptionsPanel
from app.ui.transcription.queue_model import (
    JOB_ID_ROLE,
    MODEL,
    NAME,
    STATUS,
    ProgressDelegate,
    SttFilterModel,
    SttQueueModel,
)
from app.ui.transcription.transcript_view import TranscriptView
from app.ui.widgets.audio_player import AudioPlayer
from app.ui.widgets.drop_zone import DropZone
from app.ui.widgets.empty_hint import EmptyHint
from app.ui.widgets.model_combo import ModelCombo
from app.ui.widgets.recorder import RecordControl
from app.ui.widgets.unsaved_banner import UnsavedHistoryBanner

if TYPE_CHECKING:
    from app.services.context import Services


log = logging.getLogger(__name__)

EXPORT_FILTERS = {
    "txt": "Plain text (*.txt)",
    "srt": "SubRip subtitles (*.srt)",
    "vtt": "WebVTT subtitles (*.vtt)",
    "json": "JSON with word times (*.json)",
}
ELAPSED_TICK_MS = 1000


def media_files_in(paths: list[str | Path]) -> list[Path]:
    """The given files, plus the audio and video files inside any given folder (sorted)."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                )
            )
        else:
            found.append(path)
    return found


def _file_dialog_filter() -> str:
    patterns = " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES)
    return f"Audio and video ({patterns});;All files (*)"


# The icon of each button, by objectName; the primary ones are the tab's main actions.
STT_BUTTON_ICONS = {
    "sttAddFiles": "add",
    "sttTranscribe": "speech-to-text",
    "sttCancel": "close",
    "sttRetry": "regenerate",
    "sttRemove": "delete",
    "sttExport": "export",
    "sttCopy": "copy",
    "sttSendToChat": "chat",
}
STT_PRIMARY = {"sttAddFiles"}


class TranscriptionTab(QWidget):
    """Queue, options, transcript view and history of speech-to-text work."""

    send_to_chat_requested = Signal(str)

    def __init__(
        self, services: Services, message_bar: MessageBar, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.message_bar = message_bar
        self.model_kind = "stt"
        self.setObjectName("sttTab")
        self.setAccessibleName("Speech to text")
        self.setAcceptDrops(True)
        self.drop_zone = DropZone(
            self, "Drop audio or video files, or folders, to transcribe them", purpose="upload"
        )
        self._shown_job: int | None = None
        self._player_source: str | None = None
        self._statuses: dict[int, str | None] = {}

        self.queue = SttQueue(services, on_change=self._on_queue_changed)
        self.queue_model = SttQueueModel(self.queue, self)
        self._build()
        self.model_combo.set_current_model_id(services.default_model("stt"))
        self.options.set_model(self.model_combo.current_model_id())
        after_first_paint(self._load_queue)

        self._tick = QTimer(self)
        self._tick.setInterval(ELAPSED_TICK_MS)
        self._tick.timeout.connect(self.queue_model.refresh_running)
        self._tick.start()

    # -- building --------------------------------------------------------------------------

    def _button(self, name: str, text: str, accessible: str | None = None) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible or text.rstrip("…"))
        decorate(button, STT_BUTTON_ICONS[name], primary=name in STT_PRIMARY)
        return button

    def _build(self) -> None:
        self.model_combo = ModelCombo("stt", self)
        self.model_combo.setObjectName("sttModel")
        self.model_combo.setAccessibleName("Model")
        self.model_combo.model_changed.connect(self._on_model_combo_model_changed)
        self.model_combo.currentTextChanged.connect(self._on_model_combo_model_changed)
        self.options = SttOptionsPanel(self)
        form = QFormLayout()
        form.addRow("Model", self.model_combo)
        form.addRow("Options", self.options)

        self.add_files_button = self._button("sttAddFiles", "Add files…")
        self.add_files_button.setToolTip("Or drop audio or video files (or folders) on this tab.")
        self.add_files_button.clicked.connect(self._on_add_files_button_clicked)
        self.record_control = RecordControl(
            "sttRecord",
            "Record",
            self,
            tooltip="Record from the microphone, then transcribe the take",
        )
        self.record_control.recorded.connect(self._on_record_control_recorded)
        self.record_control.failed.connect(self.message_bar.show_error)
        self.record_control.notice_given.connect(self.message_bar.show_notice)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("sttUrl")
        self.url_edit.setAccessibleName("Audio URL")
        self.url_edit.setPlaceholderText("…or the public URL of a recording (https://…)")
        self.url_edit.setClearButtonEnabled(True)
        self.url_edit.returnPressed.connect(self._on_transcribe_button_clicked)
        self.transcribe_button = self._button("sttTranscribe", "Transcribe URL")
        self.transcribe_button.clicked.connect(self._on_transcribe_button_clicked)
        inputs = QHBoxLayout()
        inputs.addWidget(self.add_files_button)
        inputs.addWidget(self.record_control)
        inputs.addWidget(self.url_edit, 1)
        inputs.addWidget(self.transcribe_button)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_queue_side())
        splitter.addWidget(self._build_transcript_side())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 520])
        splitter.setChildrenCollapsible(False)

        self.unsaved_banner = UnsavedHistoryBanner("sttHistoryUnsaved", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.unsaved_banner)
        layout.addLayout(form)
        layout.addLayout(inputs)
        layout.addWidget(splitter, 1)

    def _build_queue_side(self) -> QWidget:
        side = QWidget(self)
        self.history_search = QLineEdit(side)
        self.history_search.setObjectName("sttHistorySearch")
        self.history_search.setAccessibleName("Search transcriptions")
        self.history_search.setPlaceholderText("Search transcriptions (text, file, model)")
        self.history_search.setClearButtonEnabled(True)
        self.history_search.textChanged.connect(self._on_history_search_text_changed)
        self.filter_model = SttFilterModel(side)
        self.filter_model.setSourceModel(self.queue_model)
        self.table = QTableView(side)
        self.table.setObjectName("sttQueue")
        self.table.setAccessibleName("Transcriptions")
        self.table.setModel(self.filter_model)
        self.queue_hint = EmptyHint(
            self.table,
            "No recordings yet. Add files, record, or paste the URL of a recording above; "
            "you can also drop audio and video files (or folders) on this tab.",
            model=self.queue_model,
            purpose="speech-to-text",
            action=("Add files…", self._on_add_files_button_clicked),
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setItemDelegateForColumn(STATUS, ProgressDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MODEL, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(MODEL, 130)
        header.setMinimumSectionSize(56)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.cancel_button = self._button("sttCancel", "Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.retry_button = self._button("sttRetry", "Retry")
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.remove_button = self._button("sttRemove", "Remove")
        self.remove_button.setToolTip("Remove the selected rows from the list and the history.")
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        row_actions = QHBoxLayout()
        for button in (self.cancel_button, self.retry_button, self.remove_button):
            row_actions.addWidget(button)
        row_actions.addStretch(1)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.history_search)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_actions)
        return side

    def _build_transcript_side(self) -> QWidget:
        side = QWidget(self)
        self.title_label = QLabel(side)
        self.title_label.setObjectName("sttTranscriptTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.player = AudioPlayer(side)
        self.player.setObjectName("sttPlayer")
        self.player.load_failed.connect(self._on_player_load_failed)
        self.view = TranscriptView(side)
        self.view.play_requested.connect(self._on_view_play_requested)
        self.view.transcript_edited.connect(self._on_view_transcript_edited)
        self.export_button = self._button("sttExport", "Export…")
        self.export_button.setToolTip("Save as TXT, SRT, VTT or JSON (with word times).")
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.copy_button = self._button("sttCopy", "Copy all")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.send_button = self._button("sttSendToChat", "Send to chat")
        self.send_button.clicked.connect(self._on_send_button_clicked)
        actions = QHBoxLayout()
        for button in (self.export_button, self.copy_button, self.send_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.player)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        self._show_job(None)
        return side

    def _load_queue(self) -> None:
        try:
            self.queue.load()
        except Exception as exc:
            log.warning("transcription history not loaded: %s", exc)
            self.message_bar.show_error(exc)
            return
        self.unsaved_banner.show_problem(self.services.history_problem, "Transcriptions")
        self.queue_model.reload()
        self._statuses = {job.id: job.status for job in self.queue.jobs()}
        self._update_row_buttons()

    # -- the frame's hooks -----------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        self.add_files_button.setEnabled(not busy)

    def shutdown(self) -> None:
        """Keep unsaved edits and stop running rows (they come back as interrupted)."""
        self.view.commit_edits()
        self._tick.stop()
        self.queue.shutdown()
        self.player.stop()
        self.record_control.recorder.shutdown()

    # -- adding inputs ---------------------------------------------------------------------

    def current_options(self) -> dict[str, Any]:
        return build_options(self.model_combo.current_model_id(), self.options.choices())

    def _model_or_notice(self) -> str:
        model = self.model_combo.current_model_id()
        if not model:
            self.message_bar.show_notice("Pick a speech-to-text model first.")
        return model

    @async_slot
    async def add_files(self, paths: list[str | Path]) -> None:
        """Queue files (and the media files in folders); refuse the others with the reason."""
        model = self._model_or_notice()
        files = media_files_in(paths)
        if not model or not files:
            if model and paths:
                self.message_bar.show_notice("There are no audio or video files in what was given.")
            return
        added, refused = await self.queue.add_files(files, model, self.current_options())
        if refused:
            reasons = " ".join(r.reason for r in refused)
            self.message_bar.show_notice(reasons if len(refused) == 1 else f"Skipped: {reasons}")
        if added and self._shown_job is None:
            self.select_job(added[0].id)

    @async_slot
    async def add_url(self, url: str) -> None:
        model = self._model_or_notice()
        if not model:
            return
        job = self.queue.add_url(url, model, self.current_options())
        self.url_edit.clear()
        self.select_job(job.id)

    def _on_add_files_button_clicked(self) -> None:
        dialog = QFileDialog(self, "Add audio or video files", "", _file_dialog_filter())
        dialog.setObjectName("sttFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(self.add_files)
        dialog.open()

    def _on_record_control_recorded(self, path: Path) -> None:
        self.add_files([path])

    def _on_transcribe_button_clicked(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self.message_bar.show_notice("Type or paste the URL of a recording first.")
            return
        self.add_url(url)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.drop_zone.drag_entered(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_zone.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self.drop_zone.dropped_files(event)
        if paths:
            self.add_files(paths)

    # -- the queue -------------------------------------------------------------------------

    def _on_queue_changed(self, job_id: int) -> None:
        self.queue_model.job_changed(job_id)
        job = self.queue.job(job_id)
        status = job.status if job is not None else None
        previous = self._statuses.get(job_id)
        self._statuses[job_id] = status
        if status == "done" and previous != "done":
            notify_paid_request()
            if job_id == self._shown_job:
                self._show_job(job_id)
        if job_id == self._shown_job:
            self._update_title()
        self._update_row_buttons()

    def selected_job_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [row.data(JOB_ID_ROLE) for row in rows]

    def select_job(self, job_id: int) -> None:
        row = self.queue_model.row_of(job_id)
        if row < 0:
            return
        index = self.filter_model.mapFromSource(self.queue_model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())
        else:
            self._show_job(job_id)

    def _on_table_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        ids = self.selected_job_ids()
        self._update_row_buttons()
        if len(ids) == 1 and ids[0] != self._shown_job:
            self._show_job(ids[0])

    def _update_row_buttons(self) -> None:
        jobs = [j for j in (self.queue.job(i) for i in self.selected_job_ids()) if j is not None]
        self.cancel_button.setEnabled(any(j.running or j.status == "queued" for j in jobs))
        self.retry_button.setEnabled(any(j.retryable for j in jobs))
        self.remove_button.setEnabled(bool(jobs))

    def _on_cancel_button_clicked(self) -> None:
        for job_id in self.selected_job_ids():
            self.queue.cancel(job_id)

    @async_slot
    async def retry_selected(self) -> None:
        for job_id in self.selected_job_ids():
            self.queue.retry(job_id)

    def _on_retry_button_clicked(self) -> None:
        self.retry_selected()

    def _on_remove_button_clicked(self) -> None:
        for job_id in self.selected_job_ids():
            if job_id == self._shown_job:
                self._show_job(None)
            self.queue.remove(job_id)

    def _on_history_search_text_changed(self, text: str) -> None:
        self.filter_model.set_visible_ids(self.queue.search(text) if text.strip() else None)

    def _on_model_combo_model_changed(self, _text: str) -> None:
        self.options.set_model(self.model_combo.current_model_id())

    # -- the transcript --------------------------------------------------------------------

    def shown_job_id(self) -> int | None:
        return self._shown_job

    def _show_job(self, job_id: int | None) -> None:
        self.view.commit_edits()
        self._shown_job = job_id
        transcript = self.queue.transcript(job_id) if job_id is not None else None
        self.view.set_transcript(transcript)
        for button in (self.export_button, self.copy_button, self.send_button):
            button.setEnabled(transcript is not None)
        self._update_title()
        self._load_player(job_id)

    def _update_title(self) -> None:
        job = self.queue.job(self._shown_job) if self._shown_job is not None else None
        if job is None:
            self.title_label.setText("Add recordings to transcribe; pick one to read it.")
            return
        record = job.record
        parts = [f"<b>{_html(record.name)}</b>", _html(record.model)]
        if record.status != "done":
            parts.append(_html(record.error or f"{record.status.capitalize()}…"))
        elif record.edited:
            parts.append("edited")
        self.title_label.setText(" · ".join(parts))

    def _load_player(self, job_id: int | None) -> None:
        job = self.queue.job(job_id) if job_id is not None else None
        local = job is not None and job.record.source_kind == "file"
        self.player.setVisible(local)
        if not local or job is None:
            return
        if job.record.source != self._player_source:
            self._player_source = job.record.source
            if Path(job.record.source).is_file():
                self.player.load_file(job.record.source)

    def _on_view_play_requested(self, seconds: float) -> None:
        job = self.queue.job(self._shown_job) if self._shown_job is not None else None
        if job is None or job.record.source_kind != "file":
            self.message_bar.show_notice(
                "This transcript came from a URL; only local files can be played here."
            )
            return
        if not Path(job.record.source).is_file():
            self.message_bar.show_notice(f"The recording {job.record.source} is no longer there.")
            return
        self.player.play_from(seconds)

    def _on_player_load_failed(self, sentence: str) -> None:
        self._player_source = None
        log.info("source not playable: %s", sentence)

    def _on_view_transcript_edited(self, transcript: Transcript) -> None:
        if self._shown_job is not None:
            self.queue.save_edit(self._shown_job, transcript)

    def current_transcript(self) -> Transcript | None:
        """The shown transcript with any edits."""
        return self.view.transcript()

    # -- output ----------------------------------------------------------------------------

    def _suggested_name(self, fmt: str) -> str:
        job = self.queue.job(self._shown_job) if self._shown_job is not None else None
        is_file = job is not None and job.record.source_kind == "file"
        stem = Path(job.record.name).stem if job is not None and is_file else ""
        return f"{stem or 'transcript'}.{fmt}"

    def _on_export_button_clicked(self) -> None:
        if self.current_transcript() is None:
            return
        dialog = QFileDialog(self, "Export transcript", self._suggested_name("srt"))
        dialog.setObjectName("sttExportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(list(EXPORT_FILTERS.values()))
        dialog.selectNameFilter(EXPORT_FILTERS["srt"])
        dialog.setDefaultSuffix("srt")
        dialog.filterSelected.connect(
            lambda chosen: dialog.setDefaultSuffix(_format_of_filter(chosen))
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(
            lambda path: self.export_to(path, _format_for(path, dialog.selectedNameFilter()))
        )
        dialog.open()

    @async_slot
    async def export_to(self, path: str | Path, fmt: str | None = None) -> Path | None:
        """Write the shown transcript (with edits) as TXT, SRT, VTT or JSON, atomically."""
        transcript = self.current_transcript()
        if transcript is None:
            return None
        target = Path(path)
        chosen = (fmt or target.suffix.lstrip(".") or "txt").lower()
        try:
            text = render(transcript, chosen)
        except UserInputError as exc:
            self.message_bar.show_notice(describe(exc))
            return None
        written = await self.services.runner.run(write_text_atomic, target, text)
        self.message_bar.show_info(f"Saved {written}.")
        return written

    def _on_copy_button_clicked(self) -> None:
        transcript = self.current_transcript()
        if transcript is not None:
            QGuiApplication.clipboard().setText(to_txt(transcript).strip())
            self.message_bar.show_info("The transcript is on the clipboard.")

    def _on_send_button_clicked(self) -> None:
        transcript = self.current_transcript()
        if transcript is not None and transcript.text.strip():
            self.send_to_chat_requested.emit(to_txt(transcript).strip())


def _format_of_filter(name_filter: str) -> str:
    for fmt, text in EXPORT_FILTERS.items():
        if text == name_filter:
            return fmt
    return "txt"


def _format_for(path: str, name_filter: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in EXPORT_FILTERS else _format_of_filter(name_filter)


def _html(text: str) -> str:
    return html.escape(text)
