"""The small per-conversation settings panel: system prompt, temperature, max tokens, top_p and
how many past messages are sent."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

DEFAULT_LABEL = "model default"
DEFAULT_CONTEXT = 20
FIELDS = ("system_prompt", "temperature", "max_tokens", "top_p", "context_messages")


class ConversationSettingsPanel(QGroupBox):
    """Edits one conversation's settings; a field left at its lowest value means "the model's
    default".

    Signals:
        changed(dict): a value was edited (all fields, ``None`` for "model default").
        save_defaults_requested(dict): "Use for new chats" was clicked.
    """

    changed = Signal(dict)
    save_defaults_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Conversation settings", parent)
        self.setObjectName("chatSettings")
        self._loading = False
        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setObjectName("chatSystemPrompt")
        self.system_prompt.setAccessibleName("System prompt")
        self.system_prompt.setPlaceholderText("System prompt (optional)")
        self.system_prompt.setMaximumHeight(90)
        self.temperature = self._double("chatTemperature", "Temperature", 0.0, 2.0, 0.1)
        self.top_p = self._double("chatTopP", "Top p", 0.0, 1.0, 0.05)
        self.max_tokens = QSpinBox(self)
        self.max_tokens.setObjectName("chatMaxTokens")
        self.max_tokens.setAccessibleName("Max tokens")
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSingleStep(256)
        self.max_tokens.setSpecialValueText(DEFAULT_LABEL)
        self.context = QSpinBox(self)
        self.context.setObjectName("chatContextMessages")
        self.context.setAccessibleName("Past messages sent")
        self.context.setRange(0, 10_000)
        self.context.setSpecialValueText("only the last message")
        self.context.setValue(DEFAULT_CONTEXT)
        self.save_defaults = QPushButton("Use for new chats", self)
        self.save_defaults.setObjectName("chatSaveDefaults")
        self.save_defaults.clicked.connect(
            lambda _checked=False: self.save_defaults_requested.emit(self.values())
        )

        form = QFormLayout(self)
        form.addRow(self.system_prompt)
        form.addRow("Temperature", self.temperature)
        form.addRow("Max tokens", self.max_tokens)
        form.addRow("Top p", self.top_p)
        form.addRow("Past messages sent", self.context)
        form.addRow(self.save_defaults)

        self.system_prompt.textChanged.connect(self._emit_changed)
        for box in (self.temperature, self.top_p, self.max_tokens, self.context):
            box.valueChanged.connect(self._emit_changed)

    def _double(
        self, name: str, label: str, low: float, high: float, step: float
    ) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setObjectName(name)
        box.setAccessibleName(label)
        box.setDecimals(2)
        box.setRange(low - step, high)
        box.setSingleStep(step)
        box.setSpecialValueText(DEFAULT_LABEL)
        box.setValue(box.minimum())
        return box

    @staticmethod
    def _optional(box: QDoubleSpinBox | QSpinBox) -> Any:
        return None if box.value() == box.minimum() else box.value()

    def values(self) -> dict[str, Any]:
        max_tokens = self.max_tokens.value()
        return {
            "system_prompt": self.system_prompt.toPlainText() or None,
            "temperature": self._optional(self.temperature),
            "max_tokens": max_tokens or None,
            "top_p": self._optional(self.top_p),
            "context_messages": self.context.value(),
        }

    def load(self, values: dict[str, Any]) -> None:
        """Show ``values`` without emitting ``changed``."""
        self._loading = True
        try:
            self.system_prompt.setPlainText(values.get("system_prompt") or "")
            for box, name in ((self.temperature, "temperature"), (self.top_p, "top_p")):
                value = values.get(name)
                box.setValue(box.minimum() if value is None else float(value))
            self.max_tokens.setValue(int(values.get("max_tokens") or 0))
            context = values.get("context_messages")
            self.context.setValue(DEFAULT_CONTEXT if context is None else int(context))
        finally:
            self._loading = False

    def _emit_changed(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit(self.values())
