"""Render the main window, each tab, the API key dialog and Settings to PNG, light and dark.

Runs offscreen against the local stand-in gateway (tests/fake_api) with throwaway user folders
and an in-memory keyring, so nothing real is touched:

    python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SCRATCH = tempfile.mkdtemp(prefix="aiml-shots-")
for _name in ("CONFIG", "DATA", "CACHE", "STATE"):
    os.environ[f"XDG_{_name}_HOME"] = os.path.join(_SCRATCH, _name.lower())
os.environ.pop("AIML_API_KEY", None)

import keyring  # noqa: E402
import keyring.backend  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget  # noqa: E402

import qasync  # noqa: E402  # isort: skip

from app.services.context import Services  # noqa: E402
from app.storage.settings import Settings  # noqa: E402
from app.ui.app import create_application  # noqa: E402
from app.ui.dialogs.api_key import ApiKeyDialog  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.theme import ThemeManager  # noqa: E402
from tests.fake_api import FakeApi  # noqa: E402

WINDOW_SIZE = (1100, 720)
TAB_FILES = ("chat", "images", "speech-to-text", "text-to-speech")


class _MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


async def _settle(seconds: float = 0.15) -> None:
    app = QApplication.instance()
    end = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < end:
        app.processEvents()
        await asyncio.sleep(0.02)


async def _until(condition, timeout: float = 10.0) -> None:
    end = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > end:
            raise TimeoutError("the window did not get ready in time")
        await asyncio.sleep(0.02)


def _save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


async def _shoot_scheme(window: MainWindow, theme: ThemeManager, scheme: str, out: Path) -> None:
    window.set_theme(scheme)
    await _settle()
    tabs: QTabWidget = window.tabs
    for index, name in enumerate(TAB_FILES):
        tabs.setCurrentIndex(index)
        await _settle()
        _save(window, out / f"main-{name}-{scheme}.png")

    dialog = ApiKeyDialog(window.services, key_source="none", first_run=True, parent=window)
    dialog.open()
    await _settle()
    _save(dialog, out / f"api-key-dialog-{scheme}.png")
    dialog.reject()
    dialog.deleteLater()

    window.open_settings()
    settings = window.findChild(QDialog, "settingsDialog")
    await _settle()
    _save(settings, out / f"settings-connection-{scheme}.png")
    settings.pages.setCurrentIndex(1)
    await _settle()
    _save(settings, out / f"settings-api-key-{scheme}.png")
    settings.pages.setCurrentIndex(2)
    await _settle()
    _save(settings, out / f"settings-models-{scheme}.png")
    settings.reject()
    await _settle()


CHAT_REASONING = (
    "The person wants a small, correct function. A generator keeps memory flat, and a "
    "running total shows progress without a second pass."
)
CHAT_REPLY = """Here is a generator that yields each line with a running character count:

```python
def lines_with_totals(path):
    total = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            total += len(line)
            yield line.rstrip("\\n"), total
```

- It reads **one line at a time**, so large files are fine.
- `total` counts characters, not bytes.

| Input size | Memory |
|---|---|
| 1 MB | constant |
| 1 GB | constant |
"""


async def _populate_chat(window: MainWindow, api: FakeApi) -> None:
    """A real exchange in the Chat tab: reasoning fold open, code block, reply details."""
    from app.ui.chat.tab import ChatTab

    tab = window.findChild(ChatTab, "chatTab")
    api.options.chat_reply = "Hello! How can I help you today?"
    tab.input.setPlainText("Hi there")
    await tab.send()
    api.options.reasoning = CHAT_REASONING
    api.options.chat_reply = CHAT_REPLY
    tab.input.setPlainText("Write a Python generator that reads a file line by line.")
    await tab.send()
    last = tab.transcript_model.messages()[-1]
    tab.delegate.toggle(last.id, "reasoning")
    tab.delegate.toggle(last.id, "details")
    tab.input.setPlainText("Can you add type hints?")
    await _settle()
    tab.transcript.follow_bottom()


async def _shoot(out: Path) -> None:
    api = FakeApi()
    api.start()
    api.options.balance = 18.4
    memory = _MemoryKeyring()
    memory.set_password("aiml-desktop", "api-key", "screenshot-key-0000")
    keyring.set_keyring(memory)
    app = QApplication.instance()
    services = Services(Settings(), base_url=api.url)
    theme = ThemeManager(app, "light")
    theme.apply()
    window = MainWindow(services, theme=theme)
    window.resize(*WINDOW_SIZE)
    window.show()
    window.start()
    try:
        await _until(lambda: window.model_combo("chat").model_ids())
        await _until(lambda: window.status.balance_button.text().startswith("Balance: $"))
        await _populate_chat(window, api)
        for scheme in ("light", "dark"):
            await _shoot_scheme(window, theme, scheme, out)
    finally:
        window.close()
        services.close()
        api.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
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
