"""A label whose ``role`` changes takes the stylesheet's colour for the new role, whether it is
on screen already or shown later."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from app.ui.style.repolish import repolish

SHEET = 'QLabel { color: #000000; } QLabel[role="error"] { color: #d00000; }'


def _text_colour(label: QLabel) -> QColor:
    return label.palette().color(label.foregroundRole())


def _host(qtbot: Any) -> tuple[QWidget, QLabel]:
    host = QWidget()
    host.setStyleSheet(SHEET)
    label = QLabel("Something happened", host)
    QVBoxLayout(host).addWidget(label)
    qtbot.addWidget(host)
    return host, label


def test_a_shown_label_takes_the_colour_of_its_new_role(qtbot: Any, qapp: QApplication) -> None:
    host, label = _host(qtbot)
    host.show()
    qtbot.waitExposed(host)
    assert _text_colour(label) == QColor("#000000")

    label.setProperty("role", "error")
    assert _text_colour(label) == QColor("#000000")  # Qt alone does not notice the property
    repolish(label)
    assert _text_colour(label) == QColor("#d00000")

    label.setProperty("role", None)
    repolish(label)
    assert _text_colour(label) == QColor("#000000")


def test_a_label_not_shown_yet_is_styled_once_when_it_is_shown(
    qtbot: Any, qapp: QApplication
) -> None:
    host, label = _host(qtbot)
    label.setProperty("role", "error")
    repolish(label)
    assert not label.testAttribute(Qt.WidgetAttribute.WA_WState_Polished)  # left for the show

    host.show()
    qtbot.waitExposed(host)
    assert _text_colour(label) == QColor("#d00000")
