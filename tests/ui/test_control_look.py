"""Tick boxes, radio buttons and sliders stand out in both schemes: an empty box has an outline a
person can see on the window, a chosen one is filled with the accent and shows its mark, a
slider's handle has a visible edge. Spin boxes, drop-downs and date fields have the frame of a
text field and arrows a person can see."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from app.ui.style import sheet, tokens
from app.ui.style.sheet import MARK_COLOURS, mark_path
from app.ui.theme import ThemeManager

# WCAG 2.1, 1.4.11: the parts of a control a person needs to see have a contrast of 3:1.
NON_TEXT_CONTRAST = 3.0


@pytest.fixture(params=["light", "dark"])
def scheme(request, qapp: QApplication) -> Iterator[tokens.Scheme]:
    sheet, palette = qapp.styleSheet(), qapp.palette()
    ThemeManager(qapp, request.param).apply()
    try:
        yield tokens.scheme(request.param)
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)


def _pixels(widget: QWidget, qtbot) -> Iterator[QColor]:
    widget.show()
    qtbot.waitExposed(widget)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    for y in range(image.height()):
        for x in range(image.width()):
            yield QColor(image.pixel(x, y))


def _best_contrast(widget: QWidget, background: str, qtbot) -> float:
    return max(tokens.contrast_ratio(p.name(), background) for p in _pixels(widget, qtbot))


def _near(colour: QColor, wanted: str, tolerance: int = 12) -> bool:
    target = QColor(wanted)
    return all(
        abs(a - b) <= tolerance
        for a, b in zip(colour.getRgb()[:3], target.getRgb()[:3], strict=True)
    )


def _slider() -> QSlider:
    """At its minimum: no accent fill beside the handle, so only the handle can stand out."""
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setValue(0)
    return slider


@pytest.mark.parametrize(
    "make",
    [lambda: QCheckBox(""), lambda: QRadioButton(""), _slider],
    ids=["check", "radio", "slider"],
)
def test_an_empty_box_and_a_slider_handle_have_an_outline_that_stands_out(scheme, make, qtbot):
    control = make()
    qtbot.addWidget(control)
    assert _best_contrast(control, scheme.window, qtbot) >= NON_TEXT_CONTRAST


@pytest.mark.parametrize("make", [QCheckBox, QRadioButton], ids=["check", "radio"])
def test_a_chosen_box_is_filled_with_the_accent_and_shows_its_mark(scheme, make, qtbot):
    box = make("")
    box.setChecked(True)
    qtbot.addWidget(box)
    filled, mark = _chosen_box_pixels(box, scheme, qtbot)
    assert filled >= 30, "the chosen box is not filled with the accent colour"
    assert mark >= 4, "the chosen box shows no mark"


def _chosen_box_pixels(box: QWidget, scheme: tokens.Scheme, qtbot) -> tuple[int, int]:
    """How many pixels of ``box`` (shown) are the accent, and how many inside the accent's
    square, away from its rounded edge, are the mark's colour."""
    box.show()
    qtbot.waitExposed(box)
    image = box.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    filled = [
        (x, y)
        for y in range(image.height())
        for x in range(image.width())
        if _near(QColor(image.pixel(x, y)), scheme.accent)
    ]
    if not filled:
        return 0, 0
    left, right = min(x for x, _ in filled) + 3, max(x for x, _ in filled) - 3
    top, bottom = min(y for _, y in filled) + 3, max(y for _, y in filled) - 3
    mark = sum(
        _near(QColor(image.pixel(x, y)), scheme.on_accent, tolerance=24)
        for y in range(top, bottom + 1)
        for x in range(left, right + 1)
    )
    return len(filled), mark


def test_an_unticked_row_of_a_list_shows_its_box(scheme, qtbot):
    rows = QListWidget()
    rows.setFrameShape(QListWidget.Shape.NoFrame)
    rows.resize(120, 40)
    item = QListWidgetItem("")
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    rows.addItem(item)
    qtbot.addWidget(rows)
    assert _best_contrast(rows, scheme.base, qtbot) >= NON_TEXT_CONTRAST


@pytest.mark.parametrize("chosen", [tokens.LIGHT, tokens.DARK], ids=["light", "dark"])
@pytest.mark.parametrize("mark", sorted(MARK_COLOURS))
def test_each_mark_is_drawn_in_its_colour_of_the_scheme(chosen, mark):
    with open(mark_path(mark, chosen), encoding="utf-8") as drawing:
        colours = set(re.findall(r'(?:stroke|fill)="(#[0-9a-fA-F]{6})"', drawing.read()))
    assert colours == {getattr(chosen, MARK_COLOURS[mark])}


def _left_edge(widget: QWidget, qtbot) -> str:
    widget.resize(160, 30)
    widget.show()
    qtbot.waitExposed(widget)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return QColor(image.pixel(0, image.height() // 2)).name()


def _editable_combo() -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItem("GPT-4o · openai/gpt-4o")
    return combo


def _date_field() -> QDateEdit:
    field = QDateEdit()
    field.setCalendarPopup(True)
    return field


@pytest.mark.parametrize(
    "make",
    [QSpinBox, QDoubleSpinBox, _editable_combo, QComboBox, _date_field],
    ids=["spin", "double-spin", "editable-combo", "combo", "date"],
)
def test_a_field_has_the_frame_of_a_text_field_and_arrows_that_stand_out(scheme, make, qtbot):
    control, field = make(), QLineEdit()
    qtbot.addWidget(control)
    qtbot.addWidget(field)
    assert _left_edge(control, qtbot) == _left_edge(field, qtbot) == scheme.border_strong
    arrows = control.grab().toImage().copy(control.width() - 18, 0, 18, control.height())
    best = 0.0
    for y in range(arrows.height()):
        for x in range(arrows.width()):
            colour = QColor(arrows.pixel(x, y)).name()
            best = max(best, tokens.contrast_ratio(colour, scheme.base))
    assert best >= NON_TEXT_CONTRAST


def test_marks_are_drawn_when_the_app_lives_in_a_folder_with_spaces(
    qapp, qtbot, tmp_path, monkeypatch
):
    installed = tmp_path / "AIML Desktop (test)" / "resources"
    (installed / "icons" / "ui").mkdir(parents=True)
    for chosen in (tokens.LIGHT, tokens.DARK):
        for mark in MARK_COLOURS:
            source = mark_path(mark, chosen)
            shutil.copy(source, installed / "icons" / "ui" / os.path.basename(source))
    monkeypatch.setattr(sheet, "resource_path", lambda *parts: installed.joinpath(*parts))
    assert " " in mark_path("check", tokens.DARK)
    before, palette = qapp.styleSheet(), qapp.palette()
    ThemeManager(qapp, "dark").apply()
    try:
        box = QCheckBox("")
        box.setChecked(True)
        qtbot.addWidget(box)
        _filled, mark = _chosen_box_pixels(box, tokens.DARK, qtbot)
        assert mark >= 4, "the check mark is missing"
    finally:
        qapp.setStyleSheet(before)
        qapp.setPalette(palette)
