"""Light and dark looks: Fusion style with the palette and stylesheet of app/ui/style.

``ThemeManager`` applies "system", "light" or "dark" and, for "system", follows the desktop's
colour scheme live through ``QStyleHints.colorSchemeChanged``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app.resources_path import resource_path
from app.ui.style import tokens
from app.ui.style.palette import build_palette as style_palette
from app.ui.style.sheet import stylesheet as style_sheet

log = logging.getLogger(__name__)

THEME_MODES = ("system", "light", "dark")
THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


def system_scheme() -> str:
    """ "dark" when the desktop asks for a dark look, else "light"."""
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def resolve_scheme(mode: str) -> str:
    if mode in ("light", "dark"):
        return mode
    return system_scheme()


def build_palette(scheme: str) -> QPalette:
    """The palette of the "light" or "dark" scheme."""
    return style_palette(tokens.scheme(scheme))


def stylesheet(scheme: str) -> str:
    """The application stylesheet of the "light" or "dark" scheme."""
    return style_sheet(tokens.scheme(scheme))


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

    @contextlib.contextmanager
    def style_sheet_after_building(self) -> Iterator[None]:
        """Widgets built inside the block are built without the stylesheet, which is set again
        when it ends; each widget then takes the sheet once, when it is first shown.

        With a stylesheet set, Qt works out the style of a widget and all its children again
        every time the widget moves to a new parent, and a layout moves most widgets it is
        given. Building the Chat tab does that for nearly all of its widgets: about 30 ms before
        the window's first paint, the whole cost of the sheet there. The palette (which the
        icons are drawn in) stays set throughout.
        """
        self._app.setStyleSheet("")
        try:
            yield
        finally:
            self._app.setStyleSheet(stylesheet(self._scheme) if self._scheme else "")

    def _on_hints_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._mode == "system":
            self.apply()
