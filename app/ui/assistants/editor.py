"""The form that edits one assistant: name, icon, description, model, prompt, parameters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.storage.assistants import NAME_LIMIT, Assistant
from app.ui.style.tokens import SPACE

DEFAULT_TEXT = "Default"


def _spin(box: QSpinBox | QDoubleSpinBox, name: str, label: str) -> None:
    box.setObjectName(name)
    box.setAccessibleName(label)
    box.setSpecialValueText(DEFAULT_TEXT)  # the minimum means "the model's default"


class AssistantEditor(QWidget):
    """Signals:
    changed(): the person edited a field.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assistantEditor")
        self.assistant: Assistant | None = None
        self._loading = False
        self.name = QLineEdit(self)
        self.name.setObjectName("assistantName")
        self.name.setAccessibleName("Name")
        self.name.setMaxLength(NAME_LIMIT)
        self.icon = QLineEdit(self)
        self.icon.setObjectName("assistantIcon")
        self.icon.setAccessibleName("Icon or emoji")
        self.icon.setMaxLength(8)
        self.icon.setPlaceholderText("An emoji, e.g. 🌐")
        self.description = QLineEdit(self)
        self.description.setObjectName("assistantDescription")
        self.description.setAccessibleName("Description")
        self.model = QComboBox(self)
        self.model.setObjectName("assistantModel")
        self.model.setAccessibleName("Model")
        self.model.setEditable(True)
        field = self.model.lineEdit()
        assert field is not None  # the combo is editable
        field.setPlaceholderText("The default chat model")
        self.prompt = QPlainTextEdit(self)
        self.prompt.setObjectName("assistantPrompt")
        self.prompt.setAccessibleName("System prompt")
        self.prompt.setPlaceholderText("What the assistant is and how it answers")
        self.temperature = QDoubleSpinBox(self)
        self.temperature.setRange(-0.1, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(1)
        _spin(self.temperature, "assistantTemperature", "Temperature")
        self.top_p = QDoubleSpinBox(self)
        self.top_p.setRange(-0.05, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setDecimals(2)
        _spin(self.top_p, "assistantTopP", "Top p")
        self.max_tokens = QSpinBox(self)
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSingleStep(256)
        _spin(self.max_tokens, "assistantMaxTokens", "Max tokens")
        self.tools = QLineEdit(self)
        self.tools.setObjectName("assistantTools")
        self.tools.setAccessibleName("Tools")
        self.tools.setPlaceholderText("Built-in tools or MCP servers by name, separated by commas")
        self.knowledge = QLineEdit(self)
        self.knowledge.setObjectName("assistantKnowledge")
        self.knowledge.setAccessibleName("Knowledge bases")
        self.knowledge.setPlaceholderText("Names, separated by commas (used once they exist)")

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(SPACE["m"])
        for label, widget in (
            ("Name", self.name),
            ("Icon", self.icon),
            ("Description", self.description),
            ("Model", self.model),
            ("System prompt", self.prompt),
            ("Temperature", self.temperature),
            ("Top p", self.top_p),
            ("Max tokens", self.max_tokens),
            ("Tools", self.tools),
            ("Knowledge", self.knowledge),
        ):
            form.addRow(label, widget)
        for line in (self.name, self.icon, self.description, self.tools, self.knowledge):
            line.textEdited.connect(self._on_edited)
        self.model.editTextChanged.connect(self._on_edited)
        self.prompt.textChanged.connect(self._on_edited)
        for box in (self.temperature, self.top_p, self.max_tokens):
            box.valueChanged.connect(self._on_edited)

    def set_models(self, models: Iterable[str]) -> None:
        text = self.model.currentText()
        self._loading = True
        try:
            self.model.clear()
            self.model.addItems(list(models))
            self.model.setEditText(text)
        finally:
            self._loading = False

    def load(self, assistant: Assistant | None) -> None:
        """Show ``assistant`` (None: an empty, disabled form)."""
        self._loading = True
        try:
            self.assistant = assistant
            shown = assistant or Assistant(name="")
            self.name.setText(shown.name)
            self.icon.setText(shown.icon)
            self.description.setText(shown.description)
            self.model.setEditText(shown.model)
            self.prompt.setPlainText(shown.system_prompt)
            params = shown.parameters
            self.temperature.setValue(params.get("temperature", self.temperature.minimum()))
            self.top_p.setValue(params.get("top_p", self.top_p.minimum()))
            self.max_tokens.setValue(params.get("max_tokens", self.max_tokens.minimum()))
            self.tools.setText(", ".join(shown.tools))
            self.knowledge.setText(", ".join(shown.knowledge_bases))
            self.setEnabled(assistant is not None)
        finally:
            self._loading = False

    def _on_edited(self, *_args: Any) -> None:
        if not self._loading:
            self.changed.emit()

    def parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.temperature.value() > self.temperature.minimum():
            params["temperature"] = round(self.temperature.value(), 2)
        if self.top_p.value() > self.top_p.minimum():
            params["top_p"] = round(self.top_p.value(), 2)
        if self.max_tokens.value() > self.max_tokens.minimum():
            params["max_tokens"] = self.max_tokens.value()
        if self.assistant and "context_messages" in self.assistant.parameters:
            params["context_messages"] = self.assistant.parameters["context_messages"]
        return params

    def edited(self) -> Assistant | None:
        """The shown assistant with the form's values, or None when nothing is shown."""
        if self.assistant is None:
            return None
        return replace(
            self.assistant,
            name=self.name.text().strip(),
            icon=self.icon.text().strip(),
            description=self.description.text().strip(),
            model=self.model.currentText().strip(),
            system_prompt=self.prompt.toPlainText(),
            parameters=self.parameters(),
            tools=_names(self.tools.text()),
            knowledge_bases=_names(self.knowledge.text()),
        )


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())
