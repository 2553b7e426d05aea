"""Light and dark looks: Fusion style, a palette per scheme and a small stylesheet.

``ThemeManager`` applies "system", "light" or "dark" and, for "system", follows the desktop's
colour scheme live through ``QStyleHints.colorSchemeChanged``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app.resources_path import resource_path

log = logging.getLogger(__name__)

THEME_MODES = ("system", "light", "dark")
THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup

_LIGHT = {
    _Role.Window: "#f4f5f7",
    _Role.WindowText: "#1f2328",
    _Role.Base: "#ffffff",
    _Role.AlternateBase: "#eef0f3",
    _Role.ToolTipBase: "#ffffff",
    _Role.ToolTipText: "#1f2328",
    _Role.PlaceholderText: "#868e96",
    _Role.Text: "#1f2328",
    _Role.Button: "#fbfbfc",
    _Role.ButtonText: "#1f2328",
    _Role.BrightText: "#d32f2f",
    _Role.Light: "#ffffff",
    _Role.Midlight: "#e9ebee",
    _Role.Mid: "#d0d4da",
    _Role.Dark: "#a9afb7",
    _Role.Shadow: "#7c838c",
    _Role.Highlight: "#3d6ef5",
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#2f62d8",
    _Role.LinkVisited: "#7548c9",
    _Role.Accent: "#3d6ef5",
}
_LIGHT_DISABLED = {
    _Role.WindowText: "#a0a6ad",
    _Role.Text: "#a0a6ad",
    _Role.ButtonText: "#a0a6ad",
    _Role.Highlight: "#b9c3d6",
}

_DARK = {
    _Role.Window: "#1f2125",
    _Role.WindowText: "#e4e6e9",
    _Role.Base: "#17191c",
    _Role.AlternateBase: "#262930",
    _Role.ToolTipBase: "#2b2e35",
    _Role.ToolTipText: "#e4e6e9",
    _Role.PlaceholderText: "#7f868f",
    _Role.Text: "#e4e6e9",
    _Role.Button: "#2a2d33",
    _Role.ButtonText: "#e4e6e9",
    _Role.BrightText: "#ff6e6e",
    _Role.Light: "#3a3e46",
    _Role.Midlight: "#30333a",
    _Role.Mid: "#3b3f47",
    _Role.Dark: "#141518",
    _Role.Shadow: "#0b0c0d",
    _Role.Highlight: "#4c7dff",
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#79a4ff",
    _Role.LinkVisited: "#b08cff",
    _Role.Accent: "#4c7dff",
}
_DARK_DISABLED = {
    _Role.WindowText: "#6b7079",
    _Role.Text: "#6b7079",
    _Role.ButtonText: "#6b7079",
    _Role.Highlight: "#3a4252",
}


def build_palette(scheme: str) -> QPalette:
    """The palette of the "light" or "dark" scheme."""
    colours, disabled = (_DARK, _DARK_DISABLED) if scheme == "dark" else (_LIGHT, _LIGHT_DISABLED)
    palette = QPalette()
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    for role, value in disabled.items():
        palette.setColor(_Group.Disabled, role, QColor(value))
    return palette


def system_scheme() -> str:
    """ "dark" when the desktop asks for a dark look, else "light"."""
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def resolve_scheme(mode: str) -> str:
    if mode in ("light", "dark"):
        return mode
    return system_scheme()


def _read_theme_file(name: str) -> str:
    try:
        return resource_path("themes", name).read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("theme file %s unreadable (%s); the look falls back to the palette", name, exc)
        return ""


def stylesheet(scheme: str) -> str:
    return _read_theme_file("base.qss") + "\n" + _read_theme_file(f"{scheme}.qss")


def app_icon() -> QIcon:
    try:
        return QIcon(str(resource_path("icons", "aiml-desktop.svg")))
    except OSError:
        return QIcon()


class ThemeManager(QObject):
    """Applies the chosen theme to the application and keeps "system" in step with the desktop.

    Signals:
        scheme_changed(str): the effective scheme ("light" or "dark") after a change.
    """

    scheme_changed = Signal(str)

    def __init__(self, app: QApplication, mode: str = "system") -> None:
        super().__init__(app)
        self._app = app
        self._mode = mode if mode in THEME_MODES else "system"
        self._scheme = ""
        app.setStyle("Fusion")
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_hints_color_scheme_changed)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def scheme(self) -> str:
        return self._scheme

    def apply(self, mode: str | None = None) -> str:
        """Switch to ``mode`` (or re-apply the current one); returns the effective scheme."""
        if mode is not None:
            self._mode = mode if mode in THEME_MODES else "system"
        scheme = resolve_scheme(self._mode)
        if scheme != self._scheme:
            self._app.setPalette(build_palette(scheme))
            self._app.setStyleSheet(stylesheet(scheme))
            self._scheme = scheme
            log.info("theme: %s (%s)", scheme, self._mode)
            self.scheme_changed.emit(scheme)
        return scheme

    def _on_hints_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode == "system":
            self.apply()
