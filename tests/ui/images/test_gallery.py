"""The gallery: paging with hundreds of stored images (only visible thumbnails decoded),
viewer, save in three formats with a sidecar, clipboard, drag out, reuse and delete."""

from __future__ import annotations

import functools
import gc
import json
import time
import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app.storage.image_store import ImageRecord
from app.storage.paths import cache_dir, media_dir
from app.ui.images import decode
from app.ui.images.gallery import GalleryModel, GalleryView
from tests.fake_api.media import png_bytes
from tests.ui.images.conftest import choose, wait_done


def _generate(qtbot, tab, model="flux/dev", prompt="a red fox in snow"):
    choose(tab, model, prompt)
    card = tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    return card


def _store_many(tab, count: int) -> None:
    folder = media_dir("images")
    store = tab.services.images.store
    for n in range(count):
        path = folder / f"stored-{n}.png"
        path.write_bytes(png_bytes(48, 32, n))
        request = {"model": "flux/dev", "prompt": f"picture {n}", "num_images": 1}
        store.add(ImageRecord(model="flux/dev", prompt=f"picture {n}", request=request,
                              path=str(path), mime="image/png", width=48, height=32,
                              created=time.time() - count + n))  # fmt: skip


def test_500_images_page_in_and_only_visible_thumbnails_are_decoded(qtbot, image_tab):
    _store_many(image_tab, 500)
    image_tab._gallery_model = None  # reopen over the filled history
    model = image_tab.gallery_model
    view = image_tab.gallery
    view.resize(700, 400)
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=2000)
    assert model.total() == 500 and model.rowCount() < 500
    qtbot.waitUntil(lambda: model.thumbnail(model.record(0).id) is not None, timeout=3000)

    seen: set[int] = set()

    def note_visible() -> None:
        seen.update(
            r.id for r in map(model.record, range(model.rowCount())) if view.is_visible_id(r.id)
        )

    before = decode.decodes.count
    note_visible()
    for _ in range(40):
        view.scrollToBottom()
        qtbot.wait(30)
        note_visible()
        if model.rowCount() == 500:
            break
    view.scrollToBottom()
    assert model.rowCount() == 500
    last = model.record(499)
    assert last.prompt == "picture 0"
    qtbot.waitUntil(lambda: model.thumbnail(last.id) is not None, timeout=3000)
    note_visible()
    qtbot.wait(200)
    loaded = model.loaded_ids()
    assert loaded <= seen, sorted(loaded - seen)
    assert decode.decodes.count - before <= len(loaded) < 150
    assert len(list((cache_dir() / "thumbnails").glob("*.png"))) == len(loaded)


def test_viewer_zooms_pans_and_steps_through_images(qtbot, image_tab):
    _generate(qtbot, image_tab, prompt="first")
    _generate(qtbot, image_tab, prompt="second")
    view = image_tab.gallery
    index = image_tab.gallery_model.index(0)
    view.setCurrentIndex(index)
    view.doubleClicked.emit(index)
    viewer = image_tab.viewer
    qtbot.waitUntil(viewer.has_image, timeout=3000)
    assert "second" in viewer.caption.text()
    qtbot.mouseClick(viewer.findChild(type(image_tab.save_button), "imageViewerActual"),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert viewer.view.zoom == pytest.approx(1.0)
    wheel = QWheelEvent(QPoint(10, 10).toPointF(), QPoint(10, 10).toPointF(), QPoint(0, 0),
                        QPoint(0, 240), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(viewer.view.viewport(), wheel)
    assert viewer.view.zoom == pytest.approx(1.25**2)
    viewer.show_next()
    qtbot.waitUntil(lambda: "first" in viewer.caption.text(), timeout=2000)
    viewer.view.fit()
    assert viewer.view.zoom > 1.25**2  # a 64 px picture fills the window


@pytest.mark.parametrize(("name", "fmt", "magic"), [
    ("saved.png", "PNG", b"\x89PNG"), ("saved.jpg", "JPEG", b"\xff\xd8\xff"),
    ("saved", "WebP", b"RIFF"),
])  # fmt: skip
def test_save_as_png_jpeg_webp_with_sidecar(qtbot, image_tab, tmp_path, name, fmt, magic):
    _generate(qtbot, image_tab, model="flux/dev")
    image_tab.gallery.setCurrentIndex(image_tab.gallery_model.index(0))
    dialog = image_tab.save_selected()
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    filters = [f for f in dialog.nameFilters() if f.startswith(fmt)]
    dialog.selectNameFilter(filters[0])
    dialog.selectFile(str(tmp_path / name))
    dialog.accept()
    target = tmp_path / (name if "." in name else name + ".webp")
    qtbot.waitUntil(target.exists, timeout=3000)
    data = target.read_bytes()
    assert data.startswith(magic)
    picture = QImage(str(target))
    assert not picture.isNull() and picture.width() == 64
    sidecar = json.loads(target.with_suffix(".json").read_text())
    assert sidecar["request"] == image_tab.gallery_model.record(0).request
    assert sidecar["request"]["model"] == "flux/dev"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_jpeg_of_a_transparent_image_has_a_white_background(qtbot, image_tab, tmp_path):
    picture = QImage(40, 20, QImage.Format.Format_ARGB32)
    picture.fill(Qt.GlobalColor.transparent)
    for x in range(20, 40):
        for y in range(20):
            picture.setPixelColor(x, y, Qt.GlobalColor.red)
    source = media_dir("images") / "cut-out.png"
    assert picture.save(str(source))
    request = {"model": "openai/gpt-image-1", "prompt": "a cut-out", "background": "transparent"}
    record = image_tab.services.images.store.add(
        ImageRecord(model="openai/gpt-image-1", prompt="a cut-out", request=request,
                    path=str(source), mime="image/png", width=40, height=20)
    )  # fmt: skip
    target = tmp_path / "cut-out.jpg"
    image_tab.save_record(record, str(target))
    qtbot.waitUntil(target.exists, timeout=3000)
    saved = QImage(str(target))
    assert saved.size() == picture.size()
    for colour in (saved.pixelColor(5, 10), saved.pixelColor(15, 3)):
        assert min(colour.red(), colour.green(), colour.blue()) > 240
    red = saved.pixelColor(30, 10)
    assert red.red() > 200 and red.green() < 60 and red.blue() < 60


def test_copy_puts_the_image_on_the_clipboard(qtbot, image_tab):
    _generate(qtbot, image_tab)
    QApplication.clipboard().clear()
    image_tab.gallery.setCurrentIndex(image_tab.gallery_model.index(0))
    qtbot.mouseClick(image_tab.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not QApplication.clipboard().image().isNull(), timeout=3000)
    copied = QApplication.clipboard().image()
    original = QImage(image_tab.gallery_model.record(0).path)
    assert copied.size() == original.size()
    assert copied.pixelColor(5, 5) == original.pixelColor(5, 5)


def test_drag_out_carries_file_url_and_image(qtbot, image_tab):
    _generate(qtbot, image_tab)
    model = image_tab.gallery_model
    mime = model.mimeData([model.index(0)])
    (url,) = mime.urls()
    assert Path(url.toLocalFile()) == Path(model.record(0).path).resolve()
    assert mime.hasImage() and not QImage(mime.imageData()).isNull()


def test_reuse_restores_prompt_model_and_parameters(qtbot, image_tab):
    choose(image_tab, "flux/dev", "reuse me")
    image_tab.params.field("image_size").set_value({"width": 512, "height": 768})
    image_tab.params.field("seed").widget.setText("77")
    image_tab.params.field("num_inference_steps").set_value(12)
    wait_done(qtbot, image_tab.generate())
    choose(image_tab, "dall-e-3", "something else")
    image_tab.gallery.setCurrentIndex(image_tab.gallery_model.index(0))
    qtbot.mouseClick(image_tab.reuse_button, Qt.MouseButton.LeftButton)
    assert image_tab.model_combo.current_model_id() == "flux/dev"
    assert image_tab.prompt.toPlainText() == "reuse me"
    assert image_tab.current_body() == image_tab.gallery_model.record(0).request


def test_delete_asks_then_removes_file_and_row(qtbot, image_tab):
    _generate(qtbot, image_tab)
    record = image_tab.gallery_model.record(0)
    image_tab.gallery.setCurrentIndex(image_tab.gallery_model.index(0))
    image_tab.delete_selected()
    qtbot.waitUntil(lambda: image_tab.findChild(QMessageBox) is not None, timeout=2000)
    box = image_tab.findChild(QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: image_tab.gallery_model.rowCount() == 0, timeout=3000)
    assert not Path(record.path).exists()
    assert image_tab.services.images.store.count() == 0


class _OpenedUrls(QObject):
    """Takes the place of the file manager for ``file:`` URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened_urls():
    handler = _OpenedUrls()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler.urls
    QDesktopServices.unsetUrlHandler("file")


def test_open_folder_opens_the_folder_of_the_selected_image(qtbot, image_tab, tmp_path,
                                                           opened_urls):  # fmt: skip
    qtbot.mouseClick(image_tab.folder_button, Qt.MouseButton.LeftButton)
    assert [Path(url.toLocalFile()) for url in opened_urls] == [media_dir("images")]

    elsewhere = tmp_path / "moved"
    elsewhere.mkdir()
    path = elsewhere / "kept.png"
    path.write_bytes(png_bytes(16, 16, 2))
    image_tab.services.images.store.add(
        ImageRecord(model="flux/dev", prompt="kept elsewhere", request={"model": "flux/dev"},
                    path=str(path), mime="image/png", width=16, height=16)
    )  # fmt: skip
    image_tab._gallery_model = None  # reopen over the history with this image
    qtbot.waitUntil(lambda: image_tab.gallery_model.rowCount() == 1, timeout=2000)
    image_tab.gallery.setCurrentIndex(image_tab.gallery_model.index(0))
    assert image_tab.selected_record().path == str(path)
    qtbot.mouseClick(image_tab.folder_button, Qt.MouseButton.LeftButton)
    assert opened_urls[-1].isLocalFile()
    assert Path(opened_urls[-1].toLocalFile()) == elsewhere


def _has_thumbnails(model: GalleryModel, count: int) -> bool:
    return len(model.loaded_ids()) == count


def test_a_dropped_gallery_is_freed_at_once_not_left_to_the_collector(qtbot, image_tab):
    """A view and model kept alive by a reference cycle are freed by the garbage collector
    at some later time, possibly after the application, which crashes at exit."""
    _store_many(image_tab, 3)
    services = image_tab.services
    collecting = gc.isenabled()
    gc.disable()
    try:
        view = GalleryView()
        model = GalleryModel(services.images.store, services.runner)
        view.setModel(model)
        view.resize(700, 400)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(functools.partial(_has_thumbnails, model, 3), timeout=3000)
        dropped = weakref.ref(view), weakref.ref(model)
        view.close()
        del view, model
        assert [ref() for ref in dropped] == [None, None]
    finally:
        if collecting:
            gc.enable()
