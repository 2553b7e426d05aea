"""The Images tab in detail: the empty state, the newest batch shown large over a justified
gallery, the mask editor and the version chain of an edit, light and dark."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from screenshots_common import SCHEMES, Session, save, until
from screenshots_pictures import landscape, paint_gateway_images

from app.storage.image_store import ImageRecord
from app.storage.paths import media_dir
from app.ui.images.tab import ImagesTab
from app.ui.main_window import MainWindow

SHAPES = ((768, 512), (512, 768), (640, 640), (1024, 512), (768, 512), (576, 768))
PROMPTS = (
    "a lighthouse at dusk, oil painting",
    "misty hills under a starry sky, long exposure",
    "rolling green hills at sunrise, watercolour",
    "a quiet lake between mountains at sunset",
)


def keep_landscapes(session: Session, count: int = 18) -> None:
    store = session.services.images.store
    folder = media_dir("images")
    for n in range(count):
        width, height = SHAPES[n % len(SHAPES)]
        path = folder / f"landscape-{n}.png"
        landscape(width, height, 40 + n).save(str(path))
        prompt = PROMPTS[n % len(PROMPTS)]
        request = {"model": "flux/dev", "prompt": prompt, "num_images": 1, "seed": 40 + n}
        record = ImageRecord(model="flux/dev", prompt=prompt, request=request, path=str(path),
                             mime="image/png", width=width, height=height, seed=40 + n,
                             cost_usd=0.0125, created=time.time() - 3600 + n)  # fmt: skip
        store.add(record)


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
    hovered = tab.gallery.model().index(4, 0)
    rect = tab.gallery.visualRect(hovered)
    tab.gallery.hovered_row = 4
    tab.gallery.hover_point = rect.center()
    for scheme in SCHEMES:
        window.set_theme(scheme)
        window.message_bar.hide()
        await asyncio.sleep(0.5)
        save(window, out / f"images-result-{scheme}.png")
    return tab


async def shoot(session: Session, out: Path) -> None:
    paint_gateway_images()
    session.api.options.image_max_side = 768
    keep_landscapes(session)
    window = await session.open()
    await shoot_empty(window, out)
    await shoot_result(window, session, out)
