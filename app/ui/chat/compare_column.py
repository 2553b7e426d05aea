"""One column of Compare: its model and parameters, the answer as it streams, and the figures
(time to first token, tokens per second, total time, tokens, cost). Its error stays in it.

Text that arrives is buffered; the window shows every column's new text at once, at most
``FLUSH_MS`` apart (``CompareWindow``), so four columns streaming at full speed cost the window
one short paint a frame, not one per column.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.compare import ReplyMeter
from app.ui.style.controls import decorate
from app.ui.style.tokens import SPACE

FLUSH_MS = 33


def unbroken_figures(summary: str) -> str:
    """``summary``'s figures ("0.04 s", "47 tokens/s") each kept on one line: the text wraps
    only at the dots between them."""
    return " · ".join(part.replace(" ", "\u00a0") for part in summary.split(" · "))


class CompareColumn(QFrame):
    """Signals:
    stop_requested(): Stop on this column.
    chosen(): "Continue with this answer".
    """

    stop_requested = Signal()
    chosen = Signal()

    def __init__(self, number: int, models: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.setObjectName(f"compareColumn{number}")
        self.setProperty("surface", "card")
        self.meter: ReplyMeter | None = None
        self.status = "idle"
        self.error_text = ""  # the sentence of a failed reply, shown when it ends
        self._pending: list[str] = []

        self.model = QComboBox(self)
        self.model.setObjectName(f"compareModel{number}")
        self.model.setAccessibleName(f"Model of column {number}")
        self.model.setEditable(True)
        self.model.addItems(models)
        self.temperature = QDoubleSpinBox(self)
        self.temperature.setObjectName(f"compareTemperature{number}")
        self.temperature.setAccessibleName(f"Temperature of column {number}")
        self.temperature.setRange(-0.1, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(1)
        self.temperature.setSpecialValueText("Default")
        self.temperature.setValue(self.temperature.minimum())
        self.temperature.setToolTip("Temperature (Default: the model's own)")
        self.max_tokens = QSpinBox(self)
        self.max_tokens.setObjectName(f"compareMaxTokens{number}")
        self.max_tokens.setAccessibleName(f"Max tokens of column {number}")
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSingleStep(256)
        self.max_tokens.setSpecialValueText("Default")
        self.max_tokens.setToolTip("Max tokens (Default: the model's own)")
        self.answer = QPlainTextEdit(self)
        self.answer.setObjectName(f"compareAnswer{number}")
        self.answer.setAccessibleName(f"Answer of column {number}")
        self.answer.setReadOnly(True)
        self.error = QLabel(self)
        self.error.setObjectName(f"compareError{number}")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.stats = QLabel("", self)
        self.stats.setObjectName(f"compareStats{number}")
        self.stats.setProperty("role", "hint")
        self.stats.setWordWrap(True)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName(f"compareStop{number}")
        decorate(self.stop_button, "stop", icon_only=True)
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_requested)
        self.choose_button = QPushButton("Continue with this", self)
        self.choose_button.setObjectName(f"compareChoose{number}")
        self.choose_button.setToolTip("Continue the conversation from this answer")
        self.choose_button.setEnabled(False)
        self.choose_button.clicked.connect(self.chosen)

        head = QHBoxLayout()
        head.setSpacing(SPACE["s"])
        head.addWidget(self.model, 1)
        head.addWidget(self.stop_button)
        knobs = QHBoxLayout()
        knobs.setSpacing(SPACE["s"])
        knobs.addWidget(QLabel("Temp.", self))
        knobs.addWidget(self.temperature)
        knobs.addWidget(QLabel("Max", self))
        knobs.addWidget(self.max_tokens)
        foot = QHBoxLayout()
        foot.addWidget(self.stats, 1)
        foot.addWidget(self.choose_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(SPACE["m"], SPACE["m"], SPACE["m"], SPACE["m"])
        column.setSpacing(SPACE["s"])
        column.addLayout(head)
        column.addLayout(knobs)
        column.addWidget(self.answer, 1)
        column.addWidget(self.error)
        column.addLayout(foot)

    # -- what the column asks for ------------------------------------------------------------

    def model_id(self) -> str:
        return self.model.currentText().strip()

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.temperature.value() > self.temperature.minimum():
            params["temperature"] = round(self.temperature.value(), 2)
        if self.max_tokens.value() > self.max_tokens.minimum():
            params["max_tokens"] = self.max_tokens.value()
        return params

    # -- a reply -----------------------------------------------------------------------------

    def begin(self, prompt: str, *, keep: bool = False) -> None:
        """A new reply starts; ``keep`` leaves the thread so far on show (a follow-up)."""
        self.flush()
        if keep and self.answer.toPlainText():
            self._append(f"\n\n— You: {prompt}\n\n")
        else:
            self.answer.clear()
        self.error.hide()
        self.meter = ReplyMeter()
        self.status = "streaming"
        self.stats.setText("waiting for the first token…")
        self.stop_button.setEnabled(True)
        self.choose_button.setEnabled(False)

    def add(self, text: str) -> None:
        if text:
            if self.meter is not None:
                self.meter.add(text)
            self._pending.append(text)

    def flush(self) -> None:
        """Show the text that arrived since the last flush, and the figures so far."""
        if self._pending:
            text, self._pending = "".join(self._pending), []
            self._append(text)
        if self.meter is not None and self.status == "streaming":
            self.stats.setText(unbroken_figures(self.meter.summary()))

    def _append(self, text: str) -> None:
        cursor = QTextCursor(self.answer.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        bar = self.answer.verticalScrollBar()
        bar.setValue(bar.maximum())

    def finish(self, status: str, details: dict[str, Any] | None = None, error: str = "") -> None:
        """The reply ended: ``details`` are the stored reply's tokens and cost."""
        self.flush()
        self.status = status
        meter = self.meter
        if meter is not None:
            from app.api.types import Cost, Usage

            details = details or {}
            meter.finish(
                Usage(
                    completion_tokens=details.get("completion_tokens"),
                    total_tokens=details.get("total_tokens"),
                ),
                Cost(credits=details.get("cost_credits"), usd=details.get("cost_usd")),
            )
            suffix = {"stopped": " · stopped", "error": " · failed"}.get(status, "")
            self.stats.setText(unbroken_figures(meter.summary() + suffix))
        if error:
            self.show_error(error)
        self.stop_button.setEnabled(False)
        self.choose_button.setEnabled(status in ("complete", "stopped") and bool(self.text()))

    def show_error(self, sentence: str) -> None:
        self.status = "error"
        self.error.setText(sentence)
        self.error.show()
        self.choose_button.setEnabled(False)

    def text(self) -> str:
        return self.answer.toPlainText()
