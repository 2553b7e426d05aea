"""The QPalette of a scheme, built from the design tokens."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from app.ui.style.tokens import Scheme

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup


def _roles(s: Scheme) -> dict[QPalette.ColorRole, str]:
    return {
        _Role.Window: s.window,
        _Role.WindowText: s.text,
        _Role.Base: s.base,
        _Role.AlternateBase: s.surface_alt,
        _Role.ToolTipBase: s.surface,
        _Role.ToolTipText: s.text,
        _Role.PlaceholderText: s.muted,
        _Role.Text: s.text,
        _Role.Button: s.surface,
        _Role.ButtonText: s.text,
        _Role.BrightText: s.danger,
        _Role.Light: s.surface,
        _Role.Midlight: s.surface_alt,
        _Role.Mid: s.border_strong,
        _Role.Dark: s.border_strong,
        _Role.Shadow: s.border_strong,
        _Role.Highlight: s.accent,
        _Role.HighlightedText: s.on_accent,
        _Role.Link: s.link,
        _Role.LinkVisited: s.link,
        _Role.Accent: s.accent,
    }


def build_palette(s: Scheme) -> QPalette:
    """The palette of scheme ``s``; disabled text takes the scheme's disabled colour."""
    palette = QPalette()
    for role, value in _roles(s).items():
        palette.setColor(role, QColor(value))
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.PlaceholderText):
        palette.setColor(_Group.Disabled, role, QColor(s.disabled))
    palette.setColor(_Group.Disabled, _Role.Highlight, QColor(s.border_strong))
    palette.setColor(_Group.Disabled, _Role.Button, QColor(s.surface_alt))
    return palette
