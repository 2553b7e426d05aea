"""Styling a widget again once a property that the stylesheet selects on has changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def repolish(*widgets: QWidget) -> None:
    """Apply the stylesheet to ``widgets`` again after a change of a property it selects on
    (``role``, ``variant``, ``focused``…).

    A widget that has not been polished yet (not shown since it was made) is left alone: its
    first polish reads the property anyway, so styling it now would be work done twice.
    """
    for widget in widgets:
        if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            style = widget.style()
            style.unpolish(widget)
            style.polish(widget)
