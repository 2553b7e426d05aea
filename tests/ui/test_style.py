"""The design system: contrast of the palette in both schemes, icons, accessible names."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QMenuBar, QTabBar, QWidget

from app.ui.style import tokens
from app.ui.style.icons import ICON_FILES, icon
from app.ui.theme import ThemeManager, build_palette, stylesheet

R = QPalette.ColorRole
G = QPalette.ColorGroup

# Text roles and the background role they are drawn on.
TEXT_PAIRS = [
    (R.WindowText, R.Window),
    (R.Text, R.Base),
    (R.Text, R.AlternateBase),
    (R.ButtonText, R.Button),
    (R.PlaceholderText, R.Base),
    (R.PlaceholderText, R.Window),
    (R.HighlightedText, R.Highlight),
    (R.Link, R.Base),
    (R.Link, R.Window),
    (R.ToolTipText, R.ToolTipBase),
    (R.BrightText, R.Window),
]


def _hex(colour: QColor) -> str:
    return colour.name()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS, ids=lambda r: str(r).split(".")[-1])
def test_palette_text_roles_keep_a_contrast_of_4_5(qapp, scheme, text, background):
    palette = build_palette(scheme)
    ratio = tokens.contrast_ratio(_hex(palette.color(text)), _hex(palette.color(background)))
    assert ratio >= 4.5, f"{scheme}: {text} on {background} is {ratio:.2f}:1"


@pytest.mark.parametrize("scheme", [tokens.LIGHT, tokens.DARK], ids=["light", "dark"])
def test_state_colours_and_message_bars_keep_a_contrast_of_4_5(scheme):
    pairs = {
        "warning on window": (scheme.warning, scheme.window),
        "danger on window": (scheme.danger, scheme.window),
        "success on window": (scheme.success, scheme.window),
        "muted on surface": (scheme.muted, scheme.surface),
        "muted on sidebar": (scheme.muted, scheme.surface_alt),
        "text on error bar": (scheme.text, scheme.danger_soft),
        "text on notice bar": (scheme.text, scheme.warning_soft),
        "text on info bar": (scheme.text, scheme.info_soft),
        "text on selection": (scheme.text, scheme.accent_soft),
        "on-accent on accent hover": (scheme.on_accent, scheme.accent_hover),
    }
    low = {
        name: round(tokens.contrast_ratio(fg, bg), 2)
        for name, (fg, bg) in pairs.items()
        if tokens.contrast_ratio(fg, bg) < 4.5
    }
    assert not low


def test_contrast_ratio_matches_known_values():
    assert tokens.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert tokens.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert tokens.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


def _darkest_opaque_pixel(image: QImage) -> QColor | None:
    best: QColor | None = None
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() == 255 and (best is None or colour.lightness() < best.lightness()):
                best = colour
    return best


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_icons_take_the_text_colour_of_the_scheme(qapp, scheme):
    previous = QApplication.palette()
    QApplication.setPalette(build_palette(scheme))
    try:
        image = icon("copy").pixmap(QSize(24, 24), 1.0).toImage()
        window = _hex(QApplication.palette().color(R.Window))
        ink = _darkest_opaque_pixel(image) if scheme == "light" else None
        if scheme == "dark":
            opaque = [
                image.pixelColor(x, y)
                for y in range(image.height())
                for x in range(image.width())
                if image.pixelColor(x, y).alpha() == 255
            ]
            ink = max(opaque, key=lambda c: c.lightness())
        assert ink is not None, "the icon drew nothing"
        assert tokens.contrast_ratio(_hex(ink), window) >= 4.5
        assert _hex(ink) == _hex(QApplication.palette().color(R.WindowText))
    finally:
        QApplication.setPalette(previous)


def test_icons_are_drawn_at_the_device_pixel_ratio(qapp):
    pixmap = icon("send").pixmap(QSize(16, 16), 2.0)
    assert (pixmap.width(), pixmap.height()) == (32, 32)
    assert pixmap.devicePixelRatio() == 2.0
    opaque = sum(
        1 for y in range(32) for x in range(32) if pixmap.toImage().pixelColor(x, y).alpha() > 0
    )
    assert opaque > 40, "the 2× icon is empty"


def test_disabled_icons_use_the_disabled_colour(qapp):
    QApplication.setPalette(build_palette("light"))
    image = icon("delete").pixmap(QSize(24, 24), 1.0, QIcon.Mode.Disabled).toImage()
    ink = _darkest_opaque_pixel(image)
    assert ink is not None
    assert _hex(ink) == tokens.LIGHT.disabled


def test_every_named_icon_file_is_bundled(qapp):
    for purpose in ICON_FILES:
        assert not icon(purpose).isNull(), purpose
        assert not icon(purpose).pixmap(QSize(16, 16)).isNull(), purpose


def test_an_unknown_icon_is_empty_not_an_error(qapp):
    assert icon("no-such-purpose").isNull()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_stylesheet_uses_only_the_scheme_colours(scheme):
    sheet = stylesheet(scheme)
    chosen = tokens.scheme(scheme)
    colours = {value for value in vars(chosen).values() if str(value).startswith("#")}
    used = set(re.findall(r"#[0-9a-fA-F]{6}\b", sheet))
    assert used <= colours
    assert chosen.accent in used


def _made_by_qt(button: QAbstractButton) -> bool:
    """Buttons Qt adds inside its own widgets (line-edit actions, tab scrollers, corners)."""
    parent = button.parent()
    return button.objectName().startswith("qt_") or isinstance(
        parent, QLineEdit | QTabBar | QMenuBar
    )


def icon_only_buttons_without_names(root: QWidget) -> list[str]:
    """Our icon-only buttons under ``root`` that lack an accessible name or a tooltip."""
    missing = []
    for button in root.findChildren(QAbstractButton):
        if button.text().strip() or _made_by_qt(button):
            continue
        if not button.accessibleName().strip() or not button.toolTip().strip():
            missing.append(button.objectName() or f"{type(button).__name__} in {button.parent()}")
    return missing


def test_every_icon_only_button_in_the_window_has_a_name_and_a_tooltip(open_window, qtbot):
    window = open_window()
    tabs = window.findChild(QWidget, "tabs")
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.wait(20)
    assert icon_only_buttons_without_names(window) == []


def test_the_theme_manager_switches_palette_and_sheet(qapp):
    manager = ThemeManager(qapp, "light")
    assert manager.apply("dark") == "dark"
    assert QApplication.palette().color(R.Window).name() == tokens.DARK.window
    assert tokens.DARK.accent in qapp.styleSheet()
    manager.apply("light")
    assert QApplication.palette().color(R.Window).name() == tokens.LIGHT.window


def _unreachable_controls(root):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSlider,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QScrollBar,
        QTextEdit,
    )

    kinds = (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSlider,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds) or not widget.isVisible() or not widget.isEnabled():
            continue
        composite = QComboBox | QAbstractSlider | QLineEdit | QAbstractItemView
        if isinstance(widget.parent(), composite) or isinstance(widget, QScrollBar):
            continue  # parts of a composite control that takes the focus itself
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            missing.append(widget.objectName() or f"{type(widget).__name__} in {widget.parent()}")
    return missing


def test_every_visible_control_of_every_tab_is_reachable_with_tab(open_window, qtbot):
    window = open_window()
    tabs = window.findChild(QWidget, "tabs")
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        qtbot.wait(20)
        assert _unreachable_controls(tabs.widget(index)) == [], tabs.tabText(index)
