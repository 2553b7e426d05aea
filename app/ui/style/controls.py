"""Giving a button its look: an icon from the set, the primary or flat variant, icon-only."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton, QToolButton

from app.ui.style.icons import icon
from app.ui.style.tokens import ICON


def decorate(
    button: QAbstractButton,
    purpose: str,
    *,
    primary: bool = False,
    icon_only: bool = False,
    flat: bool = False,
) -> QAbstractButton:
    """Gives ``button`` the icon for ``purpose`` and its variant; returns it.

    An icon-only button keeps what its text said as its tooltip and accessible name, so a
    screen reader and a hovering pointer still learn what it does.
    """
    label = button.text().replace("&", "").rstrip("…").strip()
    button.setIcon(icon(purpose, "on-accent" if primary else "text"))
    button.setIconSize(QSize(ICON["s"], ICON["s"]))
    if primary:
        button.setProperty("variant", "primary")
    elif flat or icon_only:
        button.setProperty("variant", "flat")
    if icon_only:
        button.setText("")
        if isinstance(button, QToolButton):
            button.setAutoRaise(True)
    if label and not button.accessibleName():
        button.setAccessibleName(label)
    if label and not button.toolTip():
        button.setToolTip(label)
    return button
