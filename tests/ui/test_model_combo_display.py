"""A long model name in the picker: its start stays in view, the whole id is in the tooltip,
and the list is wide enough for the longest entry."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.api.types import ModelInfo, ModelKind
from app.ui.widgets.model_combo import ModelCombo

LONG_ID = "google/imagen-4.0-ultra-generate-001-with-a-very-long-suffix"
LONG_NAME = "Google Imagen 4.0 Ultra Generate"


def _combo(qtbot) -> ModelCombo:
    combo = ModelCombo("image")
    qtbot.addWidget(combo)
    combo.set_models(
        [
            ModelInfo("flux/schnell", ModelKind.IMAGE, name="FLUX.1 schnell", developer="Flux"),
            ModelInfo(LONG_ID, ModelKind.IMAGE, name=LONG_NAME, developer="Google"),
        ]
    )
    combo.resize(220, combo.sizeHint().height())
    combo.show()
    qtbot.waitExposed(combo)
    return combo


def _shows_the_start(line: QLineEdit) -> bool:
    return line.cursorPosition() == 0 and line.cursorRect().left() < 12


def test_a_long_model_shows_its_start_and_the_full_id_in_the_tooltip(qtbot):
    combo = _combo(qtbot)
    combo.set_current_model_id(LONG_ID)
    line = combo.lineEdit()
    assert line.fontMetrics().horizontalAdvance(line.text()) > line.width()
    assert _shows_the_start(line)
    assert LONG_ID in combo.toolTip() and LONG_NAME in combo.toolTip()

    combo.set_current_model_id("flux/schnell")
    assert LONG_ID not in combo.toolTip() and "flux/schnell" in combo.toolTip()

    row = combo.findText(f"{LONG_NAME} · {LONG_ID}")
    combo.setCurrentIndex(row)
    combo.activated.emit(row)
    assert _shows_the_start(line)
    assert LONG_ID in combo.toolTip()


def test_a_typed_id_shows_its_start_once_the_field_is_left(qtbot):
    combo = _combo(qtbot)
    line = combo.lineEdit()
    line.setFocus()
    line.clear()
    qtbot.keyClicks(line, "vendor/some-brand-new-model-with-a-long-and-winding-name")
    assert line.cursorPosition() == len(line.text())
    line.editingFinished.emit()
    assert _shows_the_start(line)
    assert "vendor/some-brand-new-model-with-a-long-and-winding-name" in combo.toolTip()


def test_the_list_is_wide_enough_for_the_longest_entry(qtbot):
    combo = _combo(qtbot)
    view = combo.view()
    longest = view.fontMetrics().horizontalAdvance(f"{LONG_NAME} · {LONG_ID}")
    combo.showPopup()
    qtbot.waitUntil(view.isVisible, timeout=2000)
    assert view.viewport().width() >= longest
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    combo.hidePopup()
