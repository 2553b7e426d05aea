"""Screenshots of the Assistants window, light and dark, with the starter assistants."""

from __future__ import annotations

from pathlib import Path

from screenshots_common import SCHEMES, Session, save, settle, until


async def shoot(session: Session, out: Path) -> None:
    window = await session.open()
    library = window.open_assistants()
    library.resize(980, 640)
    await until(lambda: library.list.count() > 0)
    library.list.setCurrentRow(1)
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        await settle(0.4)
        save(library, out / f"assistants-{scheme}.png")
    library.close()
