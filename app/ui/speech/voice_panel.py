"""Voice picker and the family's options for the Text to speech tab."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QWidget,
)

from app.services.voices import (
    VoiceFamily,
    VoiceOption,
    default_voice,
    family_for,
    voices_for,
)

VOICE_ID_ROLE = Qt.ItemDataRole.UserRole
DEFAULT_CHOICE_TEXT = "Server default"


class VoiceCombo(QComboBox):
    """The voices of one model's family, labelled with language and gender when known.

    Families with a closed list (OpenAI, Deepgram Aura) are pick-only; the others also
    accept a typed voice id (a custom or newer voice).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ttsVoice")
        self.setAccessibleName("Voice")
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(22)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.family: VoiceFamily | None = None
        self.model_id = ""

    def show_voices_of(self, model: str, listed_models: list[str], keep: str = "") -> None:
        """Fill in the voices of ``model``, keeping ``keep`` (or the current one) if it fits."""
        same_family = self.family is family_for(model)
        wanted = keep or (self.current_voice() if same_family else "")
        self.family = family_for(model)
        self.model_id = model
        self.blockSignals(True)
        self.clear()
        self.setEditable(not self.family.closed_voice_list)
        for voice in voices_for(model, listed_models):
            self.addItem(voice.label, voice.id)
            self.setItemData(self.count() - 1, voice.model or voice.id, Qt.ItemDataRole.ToolTipRole)
        self.blockSignals(False)
        if not self.select_voice(wanted):
            self.select_voice(default_voice(model))
        field = self.lineEdit() if self.isEditable() else None
        if field is not None:
            field.setPlaceholderText("Type a voice id")

    def select_voice(self, voice: str) -> bool:
        """Select ``voice``; a typed id is accepted when the list is open. False if not."""
        if not voice:
            return False
        for index in range(self.count()):
            if str(self.itemData(index, VOICE_ID_ROLE)).casefold() == voice.casefold():
                self.setCurrentIndex(index)
                return True
        if self.isEditable():
            self.setEditText(voice)
            return True
        return False

    def current_voice(self) -> str:
        index = self.currentIndex()
        text = self.currentText().strip()
        if index >= 0 and self.itemText(index) == text:
            return str(self.itemData(index, VOICE_ID_ROLE) or "")
        return text if self.isEditable() else ""

    def voice_ids(self) -> list[str]:
        return [str(self.itemData(i, VOICE_ID_ROLE)) for i in range(self.count())]

    def step(self, offset: int) -> bool:
        """Select the voice ``offset`` places away; False at either end of the list."""
        index = self.currentIndex() + offset
        if not 0 <= index < self.count():
            return False
        self.setCurrentIndex(index)
        return True


class OptionsRow(QWidget):
    """One control per option of the family (speed, format, sample rate …).

    Signals:
        options_changed(): a value changed.
    """

    options_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ttsOptions")
        self.setAccessibleName("Voice options")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._controls: dict[str, tuple[VoiceOption, QWidget]] = {}
        self._family_key = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def show_family(self, family: VoiceFamily) -> None:
        if family.key == self._family_key:
            return
        self._family_key = family.key
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._controls.clear()
        for option in family.options:
            label = QLabel(option.label, self)
            control = self._control(option)
            label.setBuddy(control)
            self._layout.addWidget(label)
            self._layout.addWidget(control)
            self._controls[option.name] = (option, control)
        if not family.options:
            note = QLabel("This model has no further options.", self)
            note.setProperty("role", "hint")
            self._layout.addWidget(note)
        self._layout.addStretch(1)

    def _control(self, option: VoiceOption) -> QWidget:
        if option.is_choice:
            combo = QComboBox(self)
            for choice in option.choices:
                combo.addItem(choice or DEFAULT_CHOICE_TEXT, choice)
            combo.currentIndexChanged.connect(lambda _i: self.options_changed.emit())
            widget: QWidget = combo
        else:
            spin = QDoubleSpinBox(self)
            spin.setRange(option.minimum, option.maximum)
            spin.setSingleStep(option.step)
            spin.setDecimals(2)
            spin.setValue(float(option.default))
            spin.valueChanged.connect(lambda _v: self.options_changed.emit())
            widget = spin
        widget.setObjectName(f"ttsOption_{option.name}")
        widget.setAccessibleName(option.label)
        return widget

    def values(self) -> dict[str, object]:
        """Values that differ from the server default (these go into the request)."""
        chosen: dict[str, object] = {}
        for name, (option, control) in self._controls.items():
            if isinstance(control, QComboBox):
                value = control.currentData()
                if value:
                    chosen[name] = value
            elif (
                isinstance(control, QDoubleSpinBox)
                and abs(control.value() - float(option.default)) > 1e-9
            ):
                chosen[name] = round(control.value(), 3)
        return chosen

    def set_values(self, values: dict[str, object]) -> None:
        for name, (option, control) in self._controls.items():
            value = values.get(name, option.default)
            if isinstance(control, QComboBox):
                index = control.findData(value if value is not None else "")
                control.setCurrentIndex(max(index, 0))
            elif isinstance(control, QDoubleSpinBox) and isinstance(value, int | float):
                control.setValue(float(value))
