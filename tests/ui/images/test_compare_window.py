"""Compare image models: one prompt to three models side by side, a failure in its own column."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QPushButton

from app.ui.images.compare import ImageCompareWindow
from app.ui.images.result_view import FitImage
from tests.fake_api import Fault
from tests.ui.images.conftest import sent_bodies

MODELS = ("flux/schnell", "dall-e-3", "recraft-v3")


def _open(qtbot, image_tab) -> ImageCompareWindow:
    image_tab.prompt.setPlainText("a lighthouse at dusk")
    qtbot.mouseClick(
        image_tab.findChild(QPushButton, "imageCompareModels"), Qt.MouseButton.LeftButton
    )
    window = image_tab.findChild(ImageCompareWindow, "imageCompare")
    assert window.isVisible()
    assert window.findChild(QPlainTextEdit, "imageComparePrompt").toPlainText() == (
        "a lighthouse at dusk"
    )
    for number, model in enumerate(MODELS, start=1):
        window.findChild(QComboBox, f"imageCompareModel{number}").setCurrentText(model)
    return window


def _rows(window: ImageCompareWindow) -> list[str]:
    return [window.findChild(QLabel, f"imageCompareRow{n}").text() for n in (1, 2, 3)]


def test_three_models_fill_a_grid_and_the_gallery(qtbot, image_tab, fake_api):
    window = _open(qtbot, image_tab)
    qtbot.mouseClick(window.findChild(QPushButton, "imageCompareRun"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.cells()) == 3, timeout=10000)
    assert sorted(b["model"] for b in sent_bodies(fake_api)) == sorted(MODELS)
    assert {b["prompt"] for b in sent_bodies(fake_api)} == {"a lighthouse at dusk"}
    rows = _rows(window)
    for model, row in zip(MODELS, rows, strict=True):
        assert model in row and " s · $" in row and "1 image" in row
    assert {cell.record.model for cell in window.cells()} == set(MODELS)
    gallery = image_tab.gallery_model
    qtbot.waitUntil(lambda: gallery.total() == 3, timeout=3000)
    # Reuse puts the result's request into the form; Open shows it in the viewer.
    cell = next(c for c in window.cells() if c.record.model == "dall-e-3")
    cell.findChild(QPushButton, "imageCompareReuse").click()
    assert image_tab.model_combo.current_model_id() == "dall-e-3"
    cell.findChild(QPushButton, "imageCompareOpen").click()
    assert image_tab.viewer is not None and image_tab.viewer.isVisible()
    cell.findChild(QPushButton, "imageCompareSave").click()
    assert window.findChild(object, "imageCompareSaveDialog") is not None


def test_a_failing_model_shows_its_error_in_its_row_only(qtbot, image_tab, fake_api):
    fake_api.script("/v1/images/generations", Fault.error(500))
    window = _open(qtbot, image_tab)
    window.run()
    qtbot.waitUntil(lambda: len(window.outcomes) == 3, timeout=10000)
    rows = _rows(window)
    failed = [row for row in rows if "image" not in row.split("<br>")[-1]]
    assert len(failed) == 1 and "server" in failed[0].lower()
    qtbot.waitUntil(lambda: len(window.cells()) == 2, timeout=5000)


def test_fewer_than_two_models_is_one_sentence(qtbot, image_tab, fake_api):
    window = _open(qtbot, image_tab)
    for number in (2, 3):
        window.findChild(QComboBox, f"imageCompareModel{number}").setCurrentIndex(0)
    assert window.run() is None
    assert "Pick 2 to 4 different image models" in window.message_bar._text.text()
    assert sent_bodies(fake_api) == []


def test_the_models_stand_side_by_side_with_a_placeholder_until_each_answers(
    qtbot, image_tab, fake_api
):
    fake_api.script("/v1/images/generations", Fault.delay(1.5))
    window = _open(qtbot, image_tab)
    window.resize(1200, 700)
    window.run()
    qtbot.waitUntil(lambda: len(window.cells()) == 2, timeout=10000)
    pending = [p for p in window.findChildren(FitImage, "imageComparePending") if p.isVisible()]
    assert len(pending) == 1 and pending[0].placeholder_text == "Generating…"
    qtbot.waitUntil(lambda: len(window.cells()) == 3, timeout=10000)
    assert not [p for p in window.findChildren(FitImage, "imageComparePending") if p.isVisible()]
    qtbot.wait(50)  # one layout pass
    cells = sorted(window.cells(), key=lambda c: c.x())
    assert len({c.y() for c in cells}) == 1  # one row of columns
    assert cells[0].x() + cells[0].width() <= cells[1].x()
    shown = [c.picture.shown_rect() for c in cells]
    assert all(r.width() > 300 for r in shown), shown  # fit to a third of the window
