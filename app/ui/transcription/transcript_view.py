"""The transcript: timed paragraphs with speakers, editable, searchable, times clickable."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.api.audio_types import Segment, Transcript
from app.ui.transcription.document import clock, label_for, rebuild, shown_segments

ANCHOR_PREFIX = "cue:"
EDIT_SAVE_DELAY_MS = 700


class _TranscriptEdit(QTextEdit):
    """A rich text editor whose time links can be clicked while the text stays editable.

    Signals:
        cue_clicked(int): the time in front of paragraph ``index`` was clicked.
    """

    cue_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)

    def _cue_at(self, event: QMouseEvent) -> int | None:
        anchor = self.anchorAt(event.position().toPoint())
        if anchor.startswith(ANCHOR_PREFIX):
            try:
                return int(anchor.removeprefix(ANCHOR_PREFIX))
            except ValueError:
                return None
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        shape = Qt.CursorShape.PointingHandCursor if self._cue_at(event) is not None else None
        self.viewport().setCursor(shape or Qt.CursorShape.IBeamCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        cue = self._cue_at(event)
        if (
            cue is not None
            and event.button() == Qt.MouseButton.LeftButton
            and not self.textCursor().hasSelection()
        ):
            self.cue_clicked.emit(cue)


class TranscriptView(QWidget):
    """Shows one transcript; keeps a person's corrections.

    Signals:
        play_requested(float): play the source from this many seconds (a time was clicked).
        transcript_edited(object): the edited ``Transcript``, a moment after typing stops.
    """

    play_requested = Signal(float)
    transcript_edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._original: Transcript | None = None
        self._shown: list[Segment] = []
        self._loading = False

        self.find_edit = QLineEdit(self)
        self.find_edit.setObjectName("sttFind")
        self.find_edit.setAccessibleName("Find in transcript")
        self.find_edit.setPlaceholderText("Find in transcript (Enter: next, Shift+Enter: previous)")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.textChanged.connect(self._on_find_edit_text_changed)
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_edit.installEventFilter(self)
        self.find_previous_button = QToolButton(self)
        self.find_previous_button.setText("▲")
        self.find_previous_button.setAccessibleName("Previous match")
        self.find_previous_button.clicked.connect(self.find_previous)
        self.find_next_button = QToolButton(self)
        self.find_next_button.setText("▼")
        self.find_next_button.setAccessibleName("Next match")
        self.find_next_button.clicked.connect(self.find_next)
        self.match_label = QLabel(self)
        self.match_label.setObjectName("sttFindMatches")
        self.match_label.setProperty("role", "hint")

        self.editor = _TranscriptEdit(self)
        self.editor.setObjectName("sttTranscript")
        self.editor.setAccessibleName("Transcript")
        self.editor.setAcceptRichText(False)
        self.editor.setPlaceholderText("Pick a finished transcription to see its text here.")
        self.editor.cue_clicked.connect(self._on_editor_cue_clicked)
        self.editor.textChanged.connect(self._on_editor_text_changed)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(EDIT_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.commit_edits)

        find_row = QHBoxLayout()
        find_row.setContentsMargins(0, 0, 0, 0)
        find_row.addWidget(self.find_edit, 1)
        find_row.addWidget(self.find_previous_button)
        find_row.addWidget(self.find_next_button)
        find_row.addWidget(self.match_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(find_row)
        layout.addWidget(self.editor, 1)

    # -- contents --------------------------------------------------------------------------

    def transcript(self) -> Transcript | None:
        """The transcript as shown now, with any edits."""
        if self._original is None:
            return None
        if not self.editor.document().isModified():
            return self._original
        return rebuild(self._original, self._shown, self._paragraphs())

    def set_transcript(self, transcript: Transcript | None) -> None:
        """Show ``transcript`` (None clears the view)."""
        self._save_timer.stop()
        self._original = transcript
        self._shown = shown_segments(transcript) if transcript is not None else []
        self._loading = True
        try:
            self.editor.clear()
            if transcript is not None:
                self._fill()
            self.editor.document().setModified(False)
            self.editor.moveCursor(QTextCursor.MoveOperation.Start)
        finally:
            self._loading = False
        self._highlight_matches()

    def _fill(self) -> None:
        cursor = QTextCursor(self.editor.document())
        plain = QTextCharFormat()
        link = QTextCharFormat()
        link.setAnchor(True)
        link.setForeground(self.palette().color(QPalette.ColorRole.Link))
        link.setToolTip("Play from here")
        speaker = QTextCharFormat()
        speaker.setFontWeight(700)
        if not self._shown and self._original is not None:
            cursor.insertText(self._original.text, plain)
        for index, segment in enumerate(self._shown):
            if index:
                cursor.insertBlock()
            link.setAnchorHref(f"{ANCHOR_PREFIX}{index}")
            cursor.insertText(clock(segment.start), link)
            cursor.insertText(" ", plain)
            label = label_for(segment, self._shown)
            if label:
                cursor.insertText(f"{label}: ", speaker)
            cursor.insertText(" ".join(segment.text.split()), plain)

    def _paragraphs(self) -> list[tuple[int | None, str]]:
        paragraphs: list[tuple[int | None, str]] = []
        block = self.editor.document().begin()
        while block.isValid():
            index: int | None = None
            text: list[str] = []
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                fmt = fragment.charFormat()
                href = fmt.anchorHref()
                if fmt.isAnchor() and href.startswith(ANCHOR_PREFIX):
                    index = int(href.removeprefix(ANCHOR_PREFIX)) if index is None else index
                else:
                    text.append(fragment.text())
                fragments += 1
            paragraphs.append((index, self._without_label(index, "".join(text))))
            block = block.next()
        return paragraphs

    def _without_label(self, index: int | None, text: str) -> str:
        text = text.lstrip()
        known = index is not None and 0 <= index < len(self._shown)
        label = label_for(self._shown[index], self._shown) if known else None  # type: ignore[index]
        prefix = f"{label}: " if label else ""
        return text.removeprefix(prefix) if prefix else text

    def plain_text(self) -> str:
        return self.editor.toPlainText()

    # -- edits -----------------------------------------------------------------------------

    def _on_editor_text_changed(self) -> None:
        if not self._loading and self._original is not None:
            self._save_timer.start()
        self._highlight_matches()

    def commit_edits(self) -> None:
        """Send the edited transcript now (otherwise sent a moment after typing stops)."""
        self._save_timer.stop()
        if self._original is None or not self.editor.document().isModified():
            return
        self.transcript_edited.emit(self.transcript())

    # -- playing ---------------------------------------------------------------------------

    def _on_editor_cue_clicked(self, index: int) -> None:
        if 0 <= index < len(self._shown):
            self.play_requested.emit(self._shown[index].start)

    def play_cue(self, index: int) -> None:
        """Act as if the time of paragraph ``index`` was clicked."""
        self._on_editor_cue_clicked(index)

    # -- finding ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.find_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.find_previous()
            return True
        return super().eventFilter(watched, event)

    def _on_find_edit_text_changed(self, _text: str) -> None:
        self._highlight_matches()
        cursor = self.editor.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self.editor.setTextCursor(cursor)
        if self.find_edit.text():
            self.find_next()

    def find_next(self) -> bool:
        return self._find(QTextDocument.FindFlag(0))

    def find_previous(self) -> bool:
        return self._find(QTextDocument.FindFlag.FindBackward)

    def _find(self, flags: QTextDocument.FindFlag) -> bool:
        needle = self.find_edit.text()
        if not needle:
            return False
        if self.editor.find(needle, flags):
            return True
        cursor = self.editor.textCursor()
        backward = bool(flags & QTextDocument.FindFlag.FindBackward)
        cursor.movePosition(
            QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
        )
        self.editor.setTextCursor(cursor)
        return self.editor.find(needle, flags)

    def match_count(self) -> int:
        needle = self.find_edit.text()
        if not needle:
            return 0
        return self.editor.toPlainText().casefold().count(needle.casefold())

    def _highlight_matches(self) -> None:
        needle = self.find_edit.text()
        selections = []
        if needle:
            colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            colour.setAlpha(70)
            document = self.editor.document()
            cursor = document.find(needle)
            while not cursor.isNull():
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format.setBackground(colour)
                selections.append(selection)
                cursor = document.find(needle, cursor)
        self.editor.setExtraSelections(selections)
        count = len(selections)
        self.match_label.setText("" if not needle else f"{count} match{'es' * (count != 1)}")
