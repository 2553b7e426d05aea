"""The parameter form of the Images tab, built from the family table (``image_families``).

One small field class per parameter kind; ``ParamForm.set_family`` lays out the fields the
family accepts, ``values()`` reads them, ``set_values()`` puts stored values back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.image_families import (
    CUSTOM_SIZE,
    FAL_SIZE_PRESETS,
    Family,
    ParamSpec,
)

DEFAULT_TEXT = "model default"


def _object_name(spec: ParamSpec) -> str:
    words = spec.key.replace("-", "_").split("_")
    return "imageParam" + "".join(word.capitalize() for word in words)


class ParamField:
    """A control for one parameter: ``widget``, ``value()``, ``set_value()``."""

    def __init__(self, spec: ParamSpec, parent: QWidget) -> None:
        self.spec = spec
        self.widget = self._build(parent)
        self.widget.setObjectName(_object_name(spec))
        self.widget.setAccessibleName(spec.label)
        if spec.hint:
            self.widget.setToolTip(spec.hint)
        self.set_value(spec.default)

    def _build(self, parent: QWidget) -> QWidget:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class IntField(ParamField):
    widget: QSpinBox

    def _build(self, parent: QWidget) -> QWidget:
        box = QSpinBox(parent)
        low, high = int(self.spec.minimum or 0), int(self.spec.maximum or 2**31 - 1)
        box.setRange(low - 1 if self.spec.optional else low, high)
        box.setSingleStep(int(self.spec.step))
        if self.spec.optional:
            box.setSpecialValueText(DEFAULT_TEXT)
        return box

    def value(self) -> Any:
        if self.spec.optional and self.widget.value() == self.widget.minimum():
            return None
        return self.widget.value()

    def set_value(self, value: Any) -> None:
        self.widget.setValue(self.widget.minimum() if value is None else int(value))


class FloatField(ParamField):
    widget: QDoubleSpinBox

    def _build(self, parent: QWidget) -> QWidget:
        box = QDoubleSpinBox(parent)
        box.setDecimals(1)
        low, high = float(self.spec.minimum or 0), float(self.spec.maximum or 1e6)
        box.setRange(low - self.spec.step if self.spec.optional else low, high)
        box.setSingleStep(self.spec.step)
        if self.spec.optional:
            box.setSpecialValueText(DEFAULT_TEXT)
        return box

    def value(self) -> Any:
        if self.spec.optional and self.widget.value() <= self.widget.minimum():
            return None
        return self.widget.value()

    def set_value(self, value: Any) -> None:
        self.widget.setValue(self.widget.minimum() if value is None else float(value))


class ChoiceField(ParamField):
    widget: QComboBox

    def _build(self, parent: QWidget) -> QWidget:
        box = QComboBox(parent)
        box.addItems(list(self.spec.choices))
        return box

    def value(self) -> Any:
        return self.widget.currentText()

    def set_value(self, value: Any) -> None:
        index = self.widget.findText(str(value))
        self.widget.setCurrentIndex(max(index, 0))


class BoolField(ParamField):
    widget: QCheckBox

    def _build(self, parent: QWidget) -> QWidget:
        return QCheckBox(parent)

    def value(self) -> Any:
        return self.widget.isChecked()

    def set_value(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


class TextField(ParamField):
    """Free text (seed, WIDTHxHEIGHT): checked by the family table when the body is built."""

    widget: QLineEdit

    def _build(self, parent: QWidget) -> QWidget:
        edit = QLineEdit(parent)
        edit.setClearButtonEnabled(True)
        if self.spec.kind == "seed":
            edit.setPlaceholderText("random")
        return edit

    def value(self) -> Any:
        text = self.widget.text().strip()
        if self.spec.kind == "seed" and text.lstrip("-").isdigit():
            return int(text)
        return text

    def set_value(self, value: Any) -> None:
        self.widget.setText("" if value is None else str(value))


class JsonField(ParamField):
    widget: QPlainTextEdit

    def _build(self, parent: QWidget) -> QWidget:
        edit = QPlainTextEdit(parent)
        edit.setPlaceholderText('{"key": "value"}')
        edit.setFixedHeight(64)
        return edit

    def value(self) -> Any:
        return self.widget.toPlainText()

    def set_value(self, value: Any) -> None:
        self.widget.setPlainText("" if value is None else str(value))


class FalSizeField(ParamField):
    """A preset, or "custom" with width and height spin boxes (multiples of 32)."""

    def _build(self, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.preset = QComboBox(box)
        self.preset.setObjectName("imageSizePreset")
        for name in self.spec.choices:
            width, height = FAL_SIZE_PRESETS.get(name, (0, 0))
            label = f"{name}  ({width}×{height})" if width else "custom…"
            self.preset.addItem(label, name)
        self.width_box, self.height_box = QSpinBox(box), QSpinBox(box)
        for side, name in ((self.width_box, "imageWidth"), (self.height_box, "imageHeight")):
            side.setObjectName(name)
            side.setAccessibleName("Width" if name == "imageWidth" else "Height")
            side.setRange(int(self.spec.minimum or 64), int(self.spec.maximum or 4096))
            side.setSingleStep(int(self.spec.step))
            side.setValue(1024)
        column.addWidget(self.preset)
        row.addWidget(self.width_box, 1)
        row.addWidget(QLabel("×", box))
        row.addWidget(self.height_box, 1)
        column.addLayout(row)
        self.preset.currentIndexChanged.connect(self._on_preset_current_index_changed)
        return box

    def _custom(self) -> bool:
        return self.preset.currentData() == CUSTOM_SIZE

    def _on_preset_current_index_changed(self, _index: int) -> None:
        self.width_box.setEnabled(self._custom())
        self.height_box.setEnabled(self._custom())

    def value(self) -> Any:
        if self._custom():
            return {"width": self.width_box.value(), "height": self.height_box.value()}
        return self.preset.currentData()

    def set_value(self, value: Any) -> None:
        if isinstance(value, dict):
            self.preset.setCurrentIndex(self.preset.findData(CUSTOM_SIZE))
            self.width_box.setValue(int(value.get("width", 1024)))
            self.height_box.setValue(int(value.get("height", 1024)))
        else:
            self.preset.setCurrentIndex(max(self.preset.findData(value), 0))
        self._on_preset_current_index_changed(self.preset.currentIndex())


FIELD_CLASSES: dict[str, type[ParamField]] = {
    "int": IntField,
    "float": FloatField,
    "choice": ChoiceField,
    "bool": BoolField,
    "seed": TextField,
    "wxh": TextField,
    "text": TextField,
    "json": JsonField,
    "fal_size": FalSizeField,
}


class ParamForm(QWidget):
    """The controls of one family's parameters.

    Signals:
        family_changed(str): a different family's controls are now shown.
    """

    family_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageParams")
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, ParamField] = {}
        self.family: Family | None = None

    def set_family(self, family: Family) -> None:
        """Show ``family``'s controls at their defaults (nothing changes for the same family)."""
        if self.family is not None and family.name == self.family.name:
            return
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self.fields = {}
        self.family = family
        for spec in family.form_params:
            field = FIELD_CLASSES[spec.kind](spec, self)
            self.fields[spec.key] = field
            self._layout.addRow(spec.label, field.widget)
        self.family_changed.emit(family.name)

    def values(self) -> dict[str, Any]:
        return {key: field.value() for key, field in self.fields.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        for key, field in self.fields.items():
            if key in values:
                field.set_value(values[key])

    def field(self, key: str) -> ParamField | None:
        return self.fields.get(key)
