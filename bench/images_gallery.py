"""How long the Images gallery takes to open and to scroll to the end with 500 stored images.

Offscreen, throwaway folders; 500 real 512×384 PNG files with history rows. Prints the time to
the first page with its thumbnails shown, to scroll to the last image with its thumbnail, the
number of thumbnails decoded, and a second open when the thumbnails come from the disk cache.

    python bench/images_gallery.py [--count 500]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SCRATCH = tempfile.mkdtemp(prefix="aiml-bench-")
from app.storage.paths import user_dirs_under  # noqa: E402

os.environ.update({variable: str(folder) for variable, folder in user_dirs_under(_SCRATCH).items()})

import asyncio  # noqa: E402

import qasync  # noqa: E402
from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.context import Services  # noqa: E402
from app.storage.image_store import ImageRecord  # noqa: E402
from app.storage.paths import media_dir  # noqa: E402
from app.storage.settings import Settings  # noqa: E402
from app.ui.asyncutils import running_tasks  # noqa: E402
from app.ui.images import decode  # noqa: E402
from app.ui.images.gallery import GalleryModel, GalleryView  # noqa: E402
from tests.fake_api.media import png_bytes  # noqa: E402


def fill(services: Services, count: int) -> None:
    folder = media_dir("images")
    picture = png_bytes(512, 384, 7)
    for n in range(count):
        path = folder / f"bench-{n}.png"
        path.write_bytes(picture)
        services.images.store.add(
            ImageRecord(model="flux/dev", prompt=f"picture {n}", request={"model": "flux/dev"},
                        path=str(path), width=512, height=384, created=time.time() + n)
        )  # fmt: skip


async def until(condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("gave up waiting")
        await asyncio.sleep(0.005)


def visible_loaded(view: GalleryView, model: GalleryModel) -> bool:
    rows = [r for r in range(model.rowCount()) if view.is_visible_id(model.record(r).id)]
    return bool(rows) and all(model.thumbnail(model.record(r).id) is not None for r in rows)


async def open_and_scroll(services: Services) -> dict[str, float]:
    started = time.perf_counter()
    decoded_before = decode.decodes.count
    view = GalleryView()
    view.resize(900, 600)
    model = GalleryModel(services.images.store, services.runner, view)
    view.setModel(model)
    view.show()
    await until(lambda: visible_loaded(view, model))
    opened = time.perf_counter() - started
    started = time.perf_counter()
    while model.rowCount() < model.total() or not visible_loaded(view, model):
        view.scrollToBottom()
        await asyncio.sleep(0.01)
    scrolled = time.perf_counter() - started
    rows = model.rowCount()
    view.close()
    view.deleteLater()
    await until(lambda: not running_tasks())
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return {"open_s": opened, "scroll_to_end_s": scrolled,
            "decoded": decode.decodes.count - decoded_before, "rows": rows}  # fmt: skip


async def run(count: int) -> None:
    services = Services(Settings())
    started = time.perf_counter()
    fill(services, count)
    print(f"stored {count} images in {time.perf_counter() - started:.2f} s")
    for label in ("cold (decoding)", "warm (disk cache)"):
        figures = await open_and_scroll(services)
        print(f"{label}: open {figures['open_s'] * 1000:.0f} ms, scroll to end "
              f"{figures['scroll_to_end_s'] * 1000:.0f} ms, rows {figures['rows']:.0f}, "
              f"thumbnails decoded {figures['decoded']:.0f}")  # fmt: skip
    services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(run(args.count))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
