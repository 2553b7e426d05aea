"""The Images tab in detail: the empty state, the newest batch shown large over a justified
gallery with the hover overlay, an edit in the form (reference slots and a mask), the mask
editor and the version chain of an edit in the viewer, light and dark."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QPointF
from screenshots_common import SCHEMES, Session, save, until
from screenshots_pictures import PROMPTS, keep_landscapes, paint_gateway_images

from app.ui.images.tab import ImagesTab
from app.ui.main_window import MainWindow

SHAPES = ((768, 512), (512, 768), (640, 640), (1024, 512), (768, 512), (576, 768))


def images_tab(window: MainWindow) -> ImagesTab:
    tab = window.findChild(ImagesTab, "imageTab")
    window.tabs.setCurrentWidget(tab)
    return tab


async def shoot_empty(window: MainWindow, out: Path) -> None:
    images_tab(window)
    for scheme in SCHEMES:
        window.set_theme(scheme)
        window.message_bar.hide()
        await asyncio.sleep(0.4)
        save(window, out / f"images-empty-{scheme}.png")


async def shoot_result(window: MainWindow, session: Session, out: Path) -> ImagesTab:
    tab = images_tab(window)
    tab.model_combo.set_current_model_id("flux/schnell")
    tab.prompt.setPlainText(PROMPTS[3])
    tab.params.field("num_images").set_value(3)
    tab.params.field("image_size").set_value("landscape_16_9")
    tab.generate()
    await until(lambda: not tab.running_generations())
    for card in list(tab.cards):
        card.dismissed.emit()
    await asyncio.sleep(0.5)
    hovered = tab.gallery.model().index(1, 0)
    rect = tab.gallery.visualRect(hovered)
    tab.gallery.hovered_row = 1
    tab.gallery.hover_point = rect.center()
    for scheme in SCHEMES:
        window.set_theme(scheme)
        window.message_bar.hide()
        await asyncio.sleep(0.5)
        save(window, out / f"images-result-{scheme}.png")
    return tab


async def _themed(window: MainWindow, scheme: str) -> None:
    window.set_theme(scheme)
    window.message_bar.hide()
    await asyncio.sleep(0.5)


async def shoot_edit(window: MainWindow, tab: ImagesTab, out: Path) -> None:
    source = tab.result_view.records[0]
    tab.model_combo.set_current_model_id("openai/gpt-image-1")
    tab.edit_image(source)
    await until(lambda: tab.references.pending() == 0)
    tab.open_mask_editor()
    await until(lambda: tab.mask_editor is not None and tab.mask_editor.isVisible())
    editor = tab.mask_editor
    editor.resize(860, 600)
    await asyncio.sleep(0.3)
    editor.canvas.fit()
    width, height = editor.image_size
    editor.size_slider.setValue(max(8, height // 7))  # the label follows
    editor._remember()
    editor.canvas.paint_stroke(
        QPointF(width * 0.18, height * 0.78), QPointF(width * 0.52, height * 0.74)
    )
    editor.canvas.paint_stroke(
        QPointF(width * 0.52, height * 0.74), QPointF(width * 0.6, height * 0.84)
    )
    editor._update_state()
    editor.canvas.pointer = QPointF(width * 0.3, height * 0.42)  # the brush outline shows
    for scheme in SCHEMES:
        await _themed(window, scheme)
        editor.canvas.refresh_overlay()
        await asyncio.sleep(0.2)
        save(editor, out / f"images-mask-editor-{scheme}.png")
    editor.apply()
    tab.prompt.setPlainText("a small red sailing boat on the lake, same light")
    tab.params.field("size").set_value("1536x1024")
    await asyncio.sleep(0.3)
    for scheme in SCHEMES:
        await _themed(window, scheme)
        save(window, out / f"images-edit-form-{scheme}.png")
    tab.generate()
    await until(lambda: not tab.running_generations())
    for card in list(tab.cards):
        card.dismissed.emit()
    edited = tab.result_view.records[0]
    viewer = tab.open_viewer(tab.gallery_model.row_of(edited.id))
    viewer.resize(820, 640)
    await until(viewer.has_image)
    for scheme in SCHEMES:
        await _themed(window, scheme)
        save(viewer, out / f"images-versions-{scheme}.png")
    viewer.close()


async def shoot(session: Session, out: Path) -> None:
    paint_gateway_images()
    session.api.options.image_max_side = 768
    keep_landscapes(session, 18, SHAPES)
    window = await session.open()
    await shoot_empty(window, out)
    tab = await shoot_result(window, session, out)
    await shoot_edit(window, tab, out)
