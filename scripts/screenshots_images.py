"""Render the Images tab with a populated gallery and the image viewer, light and dark.

Offscreen against the stand-in gateway with throwaway folders (see screenshots.py):

    python scripts/screenshots_images.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import keyring
import qasync
import screenshots as shots
from PySide6.QtWidgets import QApplication

from app.services.context import Services
from app.storage.image_store import ImageRecord
from app.storage.paths import media_dir
from app.storage.settings import Settings
from app.ui.app import create_application
from app.ui.images.tab import ImagesTab
from app.ui.main_window import MainWindow
from app.ui.theme import ThemeManager
from tests.fake_api import FakeApi
from tests.fake_api.media import png_bytes

PROMPTS = (
    "a lighthouse at dusk, oil painting",
    "isometric city block at night, neon",
    "a fox curled up in fresh snow",
    "watercolour map of an imaginary island",
)


def _fill_gallery(services: Services, count: int = 30) -> None:
    store = services.images.store
    folder = media_dir("images")
    for n in range(count):
        path = folder / f"sample-{n}.png"
        path.write_bytes(png_bytes(320, 240, 40 + n * 7))
        prompt = PROMPTS[n % len(PROMPTS)]
        request = {"model": "flux/dev", "prompt": prompt, "num_images": 1, "seed": 40 + n}
        record = ImageRecord(model="flux/dev", prompt=prompt, request=request, path=str(path),
                             mime="image/png", width=320, height=240, seed=40 + n,
                             cost_usd=0.0125, created=time.time() - 3600 + n)  # fmt: skip
        store.add(record)


async def _generate(tab: ImagesTab) -> None:
    for model, prompt in (("flux/schnell", PROMPTS[0]), ("dall-e-3", PROMPTS[2])):
        tab.model_combo.set_current_model_id(model)
        tab.prompt.setPlainText(prompt)
        tab.generate()
    await shots._until(lambda: not tab.running_generations())
    tab.model_combo.set_current_model_id("stable-diffusion-v35-large")
    tab.prompt.setPlainText(PROMPTS[1])
    tab.negative_prompt.setPlainText("blurry, text")
    tab.params.field("seed").widget.setText("4242")
    tab.params.field("image_size").set_value({"width": 1024, "height": 640})


def _visible_thumbnails_loaded(tab: ImagesTab) -> bool:
    model, view = tab.gallery_model, tab.gallery
    ids = [model.record(row).id for row in range(model.rowCount())]
    shown = [image_id for image_id in ids if view.is_visible_id(image_id)]
    return bool(shown) and all(model.thumbnail(image_id) is not None for image_id in shown)


async def _shoot(out: Path) -> None:
    api = FakeApi()
    api.start()
    api.options.image_max_side = 256
    memory = shots._MemoryKeyring()
    memory.set_password("aiml-desktop", "api-key", "screenshot-key-0000")
    keyring.set_keyring(memory)
    services = Services(Settings(), base_url=api.url)
    _fill_gallery(services)
    theme = ThemeManager(QApplication.instance(), "light")
    theme.apply()
    window = MainWindow(services, theme=theme)
    window.resize(*shots.WINDOW_SIZE)
    window.show()
    window.start()
    try:
        tab = window.findChild(ImagesTab, "imageTab")
        window.tabs.setCurrentWidget(tab)
        await shots._until(lambda: tab.model_combo.model_ids())
        await _generate(tab)
        tab.gallery.setCurrentIndex(tab.gallery_model.index(2))
        await shots._until(lambda: _visible_thumbnails_loaded(tab))
        for scheme in ("light", "dark"):
            window.set_theme(scheme)
            await shots._settle(1.0)
            shots._save(window, out / f"images-gallery-{scheme}.png")
            viewer = tab.open_viewer(2)
            viewer.resize(820, 620)
            await shots._until(viewer.has_image)
            await shots._settle(0.3)
            shots._save(viewer, out / f"images-viewer-{scheme}.png")
            viewer.close()
    finally:
        window.close()
        services.close()
        api.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=shots.REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_application()
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(_shoot(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
