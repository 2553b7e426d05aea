"""Screenshots of Compare models in Chat, light and dark: three models answered one prompt."""

from __future__ import annotations

from pathlib import Path

from screenshots_common import SCHEMES, Session, save, settle, until

MODELS = ("gpt-4o", "deepseek-chat", "o1")
REPLY = (
    "DNS turns a name such as example.com into the address of a server. Your computer asks a "
    "resolver, which asks the root, then the .com servers, then the domain's own name server, "
    "and caches the answer for as long as its time to live allows."
)


async def shoot(session: Session, out: Path) -> None:
    window = await session.open()
    session.api.options.chat_reply = REPLY
    session.api.options.stream_delay = 0.02
    compare = window.open_compare()
    compare.resize(1200, 640)
    compare.add_column()
    for column, model in zip(compare.columns, MODELS, strict=False):
        column.model.setCurrentText(model)
    compare.columns[1].temperature.setValue(0.7)
    compare.input.setPlainText("Explain DNS in three sentences")
    compare.send()
    await until(lambda: not compare.busy and all(c.status == "complete" for c in compare.columns))
    compare.input.setPlainText("And what is a TTL?")
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        await settle(0.4)
        save(compare, out / f"chat-compare-{scheme}.png")
    compare.close()
