"""Screenshots of the first-run API key dialog (after a successful test) and the Settings
pages, light and dark (not Files: it would show the throwaway folders of this run)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel
from screenshots_common import SCHEMES, SCREENSHOT_KEY, Session, save, settle, until

from app.ui.dialogs.api_key import ApiKeyDialog
from app.ui.main_window import MainWindow

SETTINGS_PAGES = ("connection", "api-key", "models", "general")


async def _key_dialog(window: MainWindow, scheme: str, out: Path) -> None:
    dialog = ApiKeyDialog(window.services.keys, key_source="none", first_run=True, parent=window)
    dialog.open()
    dialog.form.field.line_edit.setText(SCREENSHOT_KEY)
    dialog.form.test_button.click()
    result = dialog.findChild(QLabel, "apiKeyResult")
    await until(lambda: "works" in result.text())
    await settle(0.3)
    save(dialog, out / f"api-key-dialog-{scheme}.png")
    dialog.reject()
    dialog.deleteLater()


async def _settings(window: MainWindow, scheme: str, out: Path) -> None:
    window.open_settings()
    settings = window.findChild(QDialog, "settingsDialog")
    for index, name in enumerate(SETTINGS_PAGES):
        settings.pages.setCurrentIndex(index)
        await settle(0.2)
        save(settings, out / f"settings-{name}-{scheme}.png")
    settings.reject()
    await settle()


async def shoot(session: Session, out: Path) -> None:
    window = await session.open()
    for scheme in SCHEMES:
        window.set_theme(scheme)
        await settle(0.3)
        await _key_dialog(window, scheme, out)
        await _settings(window, scheme, out)
