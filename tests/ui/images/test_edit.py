"""Editing in the Images tab against the stand-in: reference slots per model, references from
a file, the clipboard, a drop and the gallery, sent as data URLs or a multipart upload and
scaled down first; the mask editor; a refused mask and an oversize upload as sentences."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QToolButton

from app.services.image_edits import edit_of
from app.services.images import sidecar_path
from app.ui.images.mask_editor import MaskEditor
from tests.ui.images.conftest import choose, wait_done


def picture(path: Path, width: int, height: int, colour: str = "#3a7bd5") -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path), "PNG")
    return path


def wait_measured(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: tab.references.pending() == 0, timeout=5000)


def requests_to(fake_api, path: str):
    return [r for r in fake_api.requests if r.path == path]


def generated(qtbot, tab, model="flux/schnell", prompt="a lighthouse"):
    choose(tab, model, prompt)
    card = tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    return tab.result_view.records[0]


def test_slots_follow_what_the_model_takes(qtbot, image_tab, tmp_path):
    panel = image_tab.references
    choose(image_tab, "dall-e-3")
    assert "DALL·E 3" in panel.note.text() and "no reference" in panel.note.text()
    assert not panel.add_button.isVisible() and not panel.mask_button.isVisible()
    choose(image_tab, "flux/kontext-pro/image-to-image")
    assert panel.add_button.isVisible()
    first, second = (picture(tmp_path / f"{n}.png", 40, 30) for n in (1, 2))
    assert panel.add_files([str(first), str(second)]) == 1  # Kontext takes one
    assert not panel.add_button.isEnabled()
    assert not panel.mask_button.isEnabled()
    assert "mask" in panel.mask_note.text().lower()
    choose(image_tab, "google/gemini-2.5-flash-image")
    assert panel.room == 13 and panel.add_button.isEnabled()
    choose(image_tab, "openai/gpt-image-1")
    assert panel.mask_button.isEnabled()


def test_two_references_go_as_data_urls_scaled_down_with_the_size_shown(
    qtbot, image_tab, fake_api, tmp_path
):
    choose(image_tab, "google/gemini-2.5-flash-image", "put the cat on the sofa")
    panel = image_tab.references
    big = picture(tmp_path / "sofa.png", 3000, 2000)
    panel.add_files([str(big)])
    clip = QImage(120, 90, QImage.Format.Format_RGB32)
    clip.fill(QColor("#c0392b"))
    QApplication.clipboard().setImage(clip)
    qtbot.mouseClick(panel.paste_button, Qt.MouseButton.LeftButton)
    wait_measured(qtbot, image_tab)
    assert len(panel.slots) == 2
    assert panel.slots[0].summary.text().startswith("Sends 2048 × 1365")
    assert "(from 3000 × 2000)" in panel.slots[0].summary.text()
    assert panel.slots[1].summary.text().startswith("Sends 120 × 90")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    (sent,) = requests_to(fake_api, "/v1/images/generations")
    urls = sent.json["image_urls"]
    assert len(urls) == 2 and all(u.startswith("data:image/") for u in urls)
    first = QImage.fromData(base64.b64decode(urls[0].split(",", 1)[1]))
    assert (first.width(), first.height()) == (2048, 1365)
    record = image_tab.result_view.records[0]
    edit = edit_of(record)
    assert [r["width"] for r in edit["references"]] == [2048, 120]
    assert all(Path(r["path"]).exists() for r in edit["references"])
    assert "image_urls" not in record.request  # no base64 in the history
    side = json.loads(sidecar_path(Path(record.path)).read_text())
    assert side["edit"]["references"][0]["original"] == str(big)


def test_a_file_dropped_from_the_file_manager_becomes_a_reference(qtbot, image_tab, tmp_path):
    choose(image_tab, "bytedance/seedream-v4-edit")
    path = picture(tmp_path / "dropped.png", 64, 48)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    panel = image_tab.references
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    panel.dropEvent(drop)
    assert [r.path for r in panel.references] == [path]
    wait_measured(qtbot, image_tab)


def test_a_gallery_picture_dragged_onto_the_panel_keeps_its_place_in_the_chain(
    qtbot, image_tab, tmp_path
):
    original = generated(qtbot, image_tab, "flux/schnell", "a red kite")
    choose(image_tab, "google/gemini-2.5-flash-image", "a red kite over the sea")
    model = image_tab.gallery_model
    mime = model.mimeData([model.index(model.row_of(original.id))])
    assert [Path(u.toLocalFile()) for u in mime.urls()] == [Path(original.path).resolve()]
    panel = image_tab.references
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    panel.dropEvent(drop)
    assert [r.image_id for r in panel.references] == [original.id]
    # a file from the file manager next to it has no history id
    other = picture(tmp_path / "sea.png", 64, 48)
    files = QMimeData()
    files.setUrls([QUrl.fromLocalFile(str(other))])
    panel.add_from_mime(files)
    assert [r.image_id for r in panel.references] == [original.id, None]
    wait_measured(qtbot, image_tab)
    wait_done(qtbot, image_tab.generate())
    edit = image_tab.result_view.records[0]
    assert edit_of(edit)["source_id"] == original.id
    viewer = image_tab.open_viewer(model.row_of(edit.id))
    qtbot.waitUntil(viewer.has_image, timeout=3000)
    assert [r.id for r in viewer.chain] == [original.id, edit.id]
    viewer.close()


def _paint(qtbot, editor: MaskEditor, start: QPoint, end: QPoint) -> None:
    viewport = editor.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        point = start + (end - start) * step / 5
        qtbot.mouseMove(viewport, point)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def open_editor(qtbot, tab) -> MaskEditor:
    tab.open_mask_editor()
    qtbot.waitUntil(lambda: tab.mask_editor is not None and tab.mask_editor.isVisible(),
                    timeout=3000)  # fmt: skip
    editor = tab.mask_editor
    editor.resize(600, 500)
    editor.canvas.fit()
    return editor


def test_edit_with_a_painted_mask_uploads_image_and_mask_and_keeps_the_chain(
    qtbot, image_tab, fake_api
):
    source = generated(qtbot, image_tab, "flux/schnell", "a lighthouse at dusk")
    choose(image_tab, "openai/gpt-image-1", "")
    image_tab.edit_image(source)
    assert image_tab.prompt.toPlainText() == "a lighthouse at dusk"
    assert [r.image_id for r in image_tab.references.references] == [source.id]
    wait_measured(qtbot, image_tab)
    editor = open_editor(qtbot, image_tab)
    assert not editor.apply_button.isEnabled()
    centre = editor.canvas.mapFromScene(QPointF(source.width / 2, source.height / 2))
    _paint(qtbot, editor, centre - QPoint(20, 0), centre + QPoint(20, 0))
    painted = editor.fraction()
    assert 0 < painted < 0.9
    editor.undo_button.click()
    assert editor.fraction() == 0
    editor.redo_button.click()
    assert editor.fraction() == painted
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert image_tab.references.mask is not None
    assert "only the painted area" in image_tab.references.mask_note.text()
    image_tab.prompt.setPlainText("add a red boat in the water")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    (upload,) = requests_to(fake_api, "/v1/images/edits")
    assert upload.form["model"] == "openai/gpt-image-1"
    assert upload.form["prompt"] == "add a red boat in the water"
    names = [name for name, _file in upload.file_parts]
    assert names == ["image", "mask"]
    image = QImage.fromData(upload.files["image"][1])
    mask = QImage.fromData(upload.files["mask"][1])
    assert upload.files["mask"][2] == "image/png"
    assert (mask.width(), mask.height()) == (image.width(), image.height())
    middle = mask.pixelColor(mask.width() // 2, mask.height() // 2)
    corner = mask.pixelColor(0, 0)
    assert middle.alpha() == 0 and corner.alpha() == 255  # transparent where painted
    edited = image_tab.result_view.records[0]
    edit = edit_of(edited)
    assert edit["source_id"] == source.id
    assert Path(edit["mask"]["path"]).exists()
    side = json.loads(sidecar_path(Path(edited.path)).read_text())
    assert [link["id"] for link in side["chain"]] == [source.id]
    assert side["edit"]["mask"]["path"] == edit["mask"]["path"]


def test_mask_editor_tools(qtbot, image_tab):
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#777777"))
    editor = MaskEditor(image, None, image_tab)
    qtbot.addWidget(editor)
    editor.show()
    editor.resize(600, 400)
    editor.canvas.fit()
    editor.size_slider.setValue(30)
    assert editor.canvas.brush_size == 30 and editor.size_label.text() == "30 px"
    centre = editor.canvas.mapFromScene(QPointF(100, 50))
    _paint(qtbot, editor, centre - QPoint(30, 0), centre + QPoint(30, 0))
    painted = editor.fraction()
    assert painted > 0
    editor.eraser_button.click()
    assert editor.canvas.tool == "eraser"
    _paint(qtbot, editor, centre - QPoint(30, 0), centre + QPoint(30, 0))
    assert editor.fraction() < painted / 4
    editor.invert()
    assert editor.fraction() > 0.9
    editor.clear()
    assert editor.fraction() == 0
    editor.undo()
    assert editor.fraction() > 0.9
    before = editor.canvas.zoom
    editor.zoom_in()
    assert editor.canvas.zoom > before
    editor.canvas.fit()
    mask = editor.mask_image()
    assert (mask.width(), mask.height()) == (200, 100)


def test_a_refused_mask_and_an_oversize_upload_are_clear_sentences(
    qtbot, image_tab, fake_api, tmp_path
):
    choose(image_tab, "openai/gpt-image-1-mini", "make it night")
    path = picture(tmp_path / "day.png", 80, 60)
    image_tab.references.add_files([str(path)])
    wait_measured(qtbot, image_tab)
    mask = QImage(80, 60, QImage.Format.Format_ARGB32)
    mask.fill(QColor(0, 0, 0, 0))
    from app.ui.images.codec import encode

    image_tab.references.set_mask(encode(mask, "PNG"))
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "failed"
    text = card.status.text()
    assert text.startswith("The model openai/gpt-image-1-mini did not accept the mask")
    assert "Edit without the mask" in text
    assert not image_tab.references.mask_button.isEnabled()
    assert "refused a mask" in image_tab.references.mask_note.text()

    fake_api.options.upload_limit_bytes = 200
    card = image_tab.generate()  # the mask is no longer sent: only the image, too large
    wait_done(qtbot, card)
    assert card.state == "failed"
    assert card.status.text().startswith("The server refused the upload as too large (")
    assert "Use fewer or smaller reference images." in card.status.text()
    assert [name for name, _f in requests_to(fake_api, "/v1/images/edits")[-1].file_parts] == [
        "image"
    ]


def test_viewer_steps_back_and_forward_through_the_versions_of_an_edit(qtbot, image_tab):
    original = generated(qtbot, image_tab, "flux/schnell", "a quiet harbour")
    choose(image_tab, "google/gemini-2.5-flash-image")
    image_tab.edit_image(original)
    image_tab.prompt.setPlainText("a quiet harbour at night")
    wait_measured(qtbot, image_tab)
    wait_done(qtbot, image_tab.generate())
    first_edit = image_tab.result_view.records[0]
    image_tab.edit_image(first_edit)
    assert image_tab.prompt.toPlainText() == "a quiet harbour at night"
    image_tab.prompt.setPlainText("a quiet harbour at night, with fireworks")
    wait_measured(qtbot, image_tab)
    wait_done(qtbot, image_tab.generate())
    second_edit = image_tab.result_view.records[0]

    viewer = image_tab.open_viewer(image_tab.gallery_model.row_of(second_edit.id))
    qtbot.waitUntil(viewer.has_image, timeout=3000)
    assert [r.id for r in viewer.chain] == [original.id, first_edit.id, second_edit.id]
    assert viewer.version_label.text().startswith("Version 3 of 3 · edited with 1 reference")
    assert not viewer.child_button.isEnabled()
    strip = viewer.version_strip.findChildren(QToolButton, "imageViewerVersionItem")
    assert len(strip) == 3 and strip[2].isChecked()
    qtbot.mouseClick(viewer.parent_button, Qt.MouseButton.LeftButton)
    assert viewer.record.id == first_edit.id
    qtbot.keyClick(viewer, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert viewer.record.id == original.id
    assert viewer.version_label.text() == "Version 1 of 3 · the original"
    assert not viewer.parent_button.isEnabled()
    qtbot.mouseClick(viewer.child_button, Qt.MouseButton.LeftButton)
    assert viewer.record.id == first_edit.id
    # "Edit this image" in the viewer puts it back into the form as the source.
    qtbot.mouseClick(viewer.edit_button, Qt.MouseButton.LeftButton)
    assert [r.image_id for r in image_tab.references.references] == [first_edit.id]
    assert image_tab.prompt.toPlainText() == first_edit.prompt
    viewer.close()


def _masked_edit(qtbot, tab, tmp_path) -> object:
    from app.ui.images.codec import encode

    choose(tab, "openai/gpt-image-1", "paint the door red")
    tab.references.add_files([str(picture(tmp_path / "door.png", 80, 60))])
    wait_measured(qtbot, tab)
    mask = QImage(80, 60, QImage.Format.Format_ARGB32)
    mask.fill(QColor(0, 0, 0, 255))
    for x in range(20, 40):
        for y in range(10, 30):
            mask.setPixelColor(x, y, QColor(0, 0, 0, 0))
    tab.references.set_mask(encode(mask, "PNG"))
    card = tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    return tab.result_view.records[0]


def test_save_copy_and_reuse_carry_the_references_and_the_mask(qtbot, image_tab, tmp_path):
    edited = _masked_edit(qtbot, image_tab, tmp_path)
    image_tab.select_image(edited.id)
    target = tmp_path / "saved" / "door-edit.png"
    target.parent.mkdir()
    image_tab.save_record(edited, str(target))
    sidecar = target.with_suffix(".json")
    qtbot.waitUntil(sidecar.exists, timeout=3000)
    side = json.loads(sidecar.read_text())
    assert side["edit"]["references"][0]["path"] == "door-edit-ref1.png"
    assert side["edit"]["mask"]["path"] == "door-edit-mask.png"
    saved_mask = QImage(str(target.with_name("door-edit-mask.png")))
    assert saved_mask.pixelColor(30, 20).alpha() == 0 and saved_mask.pixelColor(0, 0).alpha() == 255
    assert target.with_name("door-edit-ref1.png").exists()

    QApplication.clipboard().clear()
    image_tab.copy_selected()

    def copied_urls() -> list:
        mime = QApplication.clipboard().mimeData()
        return mime.urls() if mime is not None else []

    qtbot.waitUntil(lambda: len(copied_urls()) == 3, timeout=3000)
    names = [Path(u.toLocalFile()).name for u in QApplication.clipboard().mimeData().urls()]
    assert names[1].endswith("-ref1.png") and names[2].endswith("-mask.png")
    assert not QApplication.clipboard().image().isNull()

    image_tab.references.clear()
    choose(image_tab, "dall-e-3", "something else")
    image_tab.reuse_selected()
    assert image_tab.model_combo.current_model_id() == "openai/gpt-image-1"
    assert image_tab.prompt.toPlainText() == "paint the door red"
    assert len(image_tab.references.references) == 1
    assert image_tab.references.mask is not None
    assert image_tab.references.inputs().mask == image_tab.references.mask


def test_dall_e_2_is_given_a_square_png_or_told_why_before_anything_is_paid(
    qtbot, image_tab, fake_api, tmp_path
):
    choose(image_tab, "dall-e-2", "add a boat")
    panel = image_tab.references
    wide = picture(tmp_path / "bay.png", 80, 60)
    panel.add_files([str(wide)])
    wait_measured(qtbot, image_tab)
    sentence = (
        "OpenAI DALL·E 2 edits only square images, and bay.png is 80 × 60: crop it to a square "
        "first, or pick a GPT Image model, which takes any shape."
    )
    assert panel.slots[0].summary.text() == sentence
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "failed" and card.status.text() == sentence
    assert not requests_to(fake_api, "/v1/images/edits")

    photo = tmp_path / "square.jpg"
    image = QImage(1500, 1500, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e86c1"))
    assert image.save(str(photo), "JPEG")
    panel.set_references([])
    panel.add_files([str(photo)])
    wait_measured(qtbot, image_tab)
    assert panel.slots[0].summary.text().startswith("Sends 1024 × 1024")
    card = image_tab.generate()  # no mask, and a photo has no transparent part to change
    wait_done(qtbot, card)
    assert card.state == "failed"
    assert card.status.text() == (
        "OpenAI DALL·E 2 changes only the transparent parts of an image, and square.jpg has "
        "none: paint or give a mask of the area to change, or use a PNG with transparent areas."
    )
    assert not requests_to(fake_api, "/v1/images/edits")
    from app.ui.images.codec import encode

    mask = QImage(1500, 1500, QImage.Format.Format_ARGB32)  # at the photo's size: scaled too
    mask.fill(QColor(0, 0, 0, 0))
    panel.set_mask(encode(mask, "PNG"))
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    (sent,) = requests_to(fake_api, "/v1/images/edits")
    (image_part, mask_part) = sent.file_parts
    name, (_file_name, data, content_type) = image_part
    assert name == "image" and content_type == "image/png"
    assert data.startswith(b"\x89PNG") and len(data) < 4 * 1024 * 1024
    assert data[25] == 6  # RGBA, as DALL·E 2 asks
    sent_mask = QImage.fromData(mask_part[1][1])
    assert mask_part[0] == "mask" and (sent_mask.width(), sent_mask.height()) == (1024, 1024)
