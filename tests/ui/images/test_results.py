"""The newest result shown large with its batch as a strip, the empty state's example
prompts, and the gallery as a justified grid with a hover overlay of actions."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QPushButton, QToolButton

from app.storage.image_store import ImageRecord
from app.storage.paths import media_dir
from app.ui.images.gallery import overlay_buttons
from app.ui.images.justified import justified_sizes
from tests.fake_api import Fault
from tests.fake_api.media import png_bytes
from tests.ui.images.conftest import choose, wait_done


def _hover(viewport, point: QPoint) -> None:
    """A pointer moving with no button held (qtbot.mouseMove sends whatever buttons an earlier
    test left pressed, and a held button over the gallery starts a drag)."""
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(point),
        QPointF(viewport.mapToGlobal(point)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def test_empty_state_offers_example_prompts_that_fill_the_prompt(qtbot, image_tab):
    view = image_tab.result_view
    assert view.showing_empty_state and view.isVisible()
    examples = view.findChildren(QPushButton, "imageExamplePrompt")
    assert len(examples) >= 2
    qtbot.mouseClick(examples[1], Qt.MouseButton.LeftButton)
    assert image_tab.prompt.toPlainText() == examples[1].text()
    assert image_tab.prompt.hasFocus()


def test_newest_batch_fills_the_view_with_a_strip_and_a_placeholder_first(
    qtbot, image_tab, fake_api
):
    image_tab.window().resize(1200, 900)
    fake_api.script("/v1/images/generations", Fault.delay(0.6))
    choose(image_tab, "flux/schnell", "three foxes")
    image_tab.params.field("num_images").set_value(3)
    image_tab.params.field("image_size").set_value("landscape_16_9")
    card = image_tab.generate()
    view = image_tab.result_view
    # While it runs: a placeholder of the requested 16:9 shape, never an empty frame.
    assert not view.showing_empty_state
    assert not view.large.has_image() and view.large.placeholder_text == "Generating…"
    shown = view.large.shown_rect()
    assert shown.width() / shown.height() == pytest.approx(16 / 9, rel=0.02)
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    assert view.large.has_image()
    strip = view.findChildren(QToolButton, "imageStripItem")
    assert len(strip) == 3 and strip[0].isChecked()
    # The large picture uses the room it has: most of the view's width or height.
    shown = view.large.shown_rect()
    room = view.large.rect()
    assert shown.width() > 0.9 * room.width() or shown.height() > 0.9 * room.height()
    assert shown.width() > 3 * 128  # far larger than the old thumbnail
    qtbot.mouseClick(strip[2], Qt.MouseButton.LeftButton)
    assert view.current.id == card_records(image_tab)[2].id
    assert strip[2].isChecked() and not strip[0].isChecked()


def card_records(tab) -> list[ImageRecord]:
    return list(tab.result_view.records)


def test_justified_rows_fill_the_width_and_keep_each_shape():
    aspects = [1.5, 0.75, 1.0, 2.0, 1.5, 1.0, 0.5]
    sizes = justified_sizes(aspects, 600, 160, gap=0)
    rows: dict[int, list[tuple[int, int]]] = {}
    for width, height in sizes:
        rows.setdefault(height, []).append((width, height))
    full = [row for height, row in rows.items() if height != 160]
    assert full, "at least one row was scaled to fit"
    for row in full:
        assert sum(w for w, _h in row) == 600
    for (width, height), aspect in zip(sizes, aspects, strict=True):
        assert width / height == pytest.approx(aspect, rel=0.05)


def _store(tab, shapes) -> None:
    folder = media_dir("images")
    for n, (width, height) in enumerate(shapes):
        path = folder / f"shape-{n}.png"
        path.write_bytes(png_bytes(width, height, n))
        request = {"model": "flux/dev", "prompt": f"shape {n}", "num_images": 1}
        record = ImageRecord(model="flux/dev", prompt=f"shape {n}", request=request,
                             path=str(path), mime="image/png", width=width, height=height,
                             created=time.time() - 100 + n)  # fmt: skip
        tab.services.images.store.add(record)


def test_gallery_is_a_justified_grid_with_hover_actions(qtbot, open_window, fake_api, image_tab):
    image_tab.window().resize(1200, 900)
    _store(image_tab, [(96, 64), (64, 96), (80, 80), (128, 64), (96, 64), (64, 64)] * 3)
    model = image_tab.gallery_model
    model.fetchMore()
    view = image_tab.gallery
    qtbot.waitUntil(lambda: model.rowCount() == 18, timeout=2000)
    view.doItemsLayout()
    rects = [view.visualRect(model.index(row)) for row in range(model.rowCount())]
    first_row = [r for r in rects if r.top() == rects[0].top()]
    assert len(first_row) >= 3
    width = view.viewport().width()
    assert sum(r.width() for r in first_row) >= width - 4  # the row fills the width
    record = model.record(1)
    assert rects[1].width() / rects[1].height() == pytest.approx(
        record.width / record.height, rel=0.08
    )
    # Hover the first picture: the overlay's Reuse button restores its request.
    cell = rects[0]
    _hover(view.viewport(), cell.center())
    qtbot.waitUntil(lambda: view.hovered_row == 0, timeout=1000)
    buttons = dict(overlay_buttons(cell.adjusted(2, 2, -2, -2)))
    assert {"open", "reuse", "copy", "save", "delete"} <= set(buttons)
    choose(image_tab, "dall-e-3", "something else")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=buttons["reuse"].center())
    assert image_tab.prompt.toPlainText() == model.record(0).prompt
    assert image_tab.model_combo.current_model_id() == "flux/dev"
    assert image_tab.selected_record().id == model.record(0).id
    _hover(view.viewport(), QPoint(-5, -5))
