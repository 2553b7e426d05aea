"""The window built before the stylesheet is set (as the app starts) looks exactly like the
window built with it set."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app.services.context import Services
from app.ui.main_window import MainWindow
from app.ui.theme import ThemeManager

SIZE = (1100, 720)


def _painted(qtbot: Any, qapp: QApplication, scheme: str, *, sheet_after: bool) -> QImage:
    services = Services()
    theme = ThemeManager(qapp, scheme)
    theme.apply()
    if sheet_after:
        with theme.style_sheet_after_building():
            window = MainWindow(services, theme=theme)
    else:
        window = MainWindow(services, theme=theme)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.painted, timeout=5000)
    qtbot.wait(50)
    image = window.grab().toImage()
    window.close()
    return image


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_sheet_set_after_building_paints_the_same_window(
    qtbot: Any, qapp: QApplication, qloop: Any, scheme: str
) -> None:
    qapp.setCursorFlashTime(0)  # a caret that does not blink between the two pictures
    before = _painted(qtbot, qapp, scheme, sheet_after=False)
    after = _painted(qtbot, qapp, scheme, sheet_after=True)
    assert before.size() == after.size()
    assert before == after
