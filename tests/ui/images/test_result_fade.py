"""A new picture in the large result view fades in; with Reduce motion it shows at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from app.ui.images.result_view import FitImage
from app.ui.style import motion


def _red() -> QImage:
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor(Qt.GlobalColor.red))
    return image


def _centre(view: FitImage) -> QColor:
    return view.grab().toImage().pixelColor(view.width() // 2, view.height() // 2)


def test_a_new_picture_fades_in(qtbot: Any) -> None:
    motion.set_reduced(False)
    view = FitImage()
    qtbot.addWidget(view)
    view.resize(200, 200)
    view._fade._duration = 5.0
    view.set_image(_red())
    assert _centre(view) != QColor(Qt.GlobalColor.red)  # partly shown
    view._fade.stop()
    assert _centre(view) == QColor(Qt.GlobalColor.red)


def test_with_reduce_motion_the_picture_shows_at_once(qtbot: Any) -> None:
    motion.set_reduced(True)
    try:
        view = FitImage()
        qtbot.addWidget(view)
        view.resize(200, 200)
        view.set_image(_red())
        assert _centre(view) == QColor(Qt.GlobalColor.red)
    finally:
        motion.set_reduced(False)
