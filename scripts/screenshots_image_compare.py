"""Screenshots of Compare image models, light and dark: one prompt, three models side by side."""

from __future__ import annotations

from pathlib import Path

from screenshots_common import SCHEMES, Session, save, settle, until

MODELS = ("flux/schnell", "dall-e-3", "recraft-v3")


async def shoot(session: Session, out: Path) -> None:
    window = await session.open()
    session.api.options.image_max_side = 256
    tab = window.tab_pages["image"]
    window.tabs.setCurrentWidget(tab)
    tab.prompt.setPlainText("a lighthouse on a cliff at dusk, oil painting")
    compare = tab.open_compare()
    compare.resize(1100, 640)
    for box, model in zip(compare.model_boxes, MODELS, strict=False):
        box.setCurrentText(model)
    compare.run()
    await until(lambda: len(compare.cells()) == len(MODELS))
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        await settle(0.4)
        save(compare, out / f"images-compare-{scheme}.png")
    compare.close()
