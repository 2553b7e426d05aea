"""The window's one message bar: non-modal, dismissable, with an optional action button."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from app.errors import describe
from app.ui.style.icons import icon
from app.ui.style.repolish import repolish

log = logging.getLogger(__name__)

LEVELS = ("error", "notice", "info")
# level → (icon purpose, palette role, what a screen reader says for the icon)
_MARKS = {
    "error": ("error", "danger", "Error"),
    "notice": ("error", "text", "Notice"),
    "info": ("info", "accent", "Information"),
}
MARK_SIZE = 18
INFO_TIMEOUT_MS = 8000


class MessageBar(QFrame):
    """Shows one sentence at a time in an error, notice or info style.

    Errors and notices stay until dismissed or replaced; info messages fade after a while.

    Signals:
        dismissed(): the person closed the bar.
        action_triggered(): the action button was clicked (the bar hides first).
    """

    dismissed = Signal()
    action_triggered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAccessibleName("Message bar")
        self.setProperty("level", "info")
        self._action: Callable[[], object] | None = None

        self._mark = QLabel(self)
        self._mark.setObjectName("messageIcon")
        self._mark.setFixedSize(MARK_SIZE, MARK_SIZE)
        self._text = QLabel(self)
        self._text.setObjectName("messageText")
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._text.setOpenExternalLinks(True)
        self._action_button = QPushButton(self)
        self._action_button.setObjectName("messageAction")
        self._action_button.setAccessibleName("Message action")
        self._action_button.setToolTip("Act on this message")
        self._action_button.hide()
        self._action_button.clicked.connect(self._on_action_button_clicked)
        self._close_button = QToolButton(self)
        self._close_button.setObjectName("messageClose")
        self._close_button.setIcon(icon("close"))
        self._close_button.setToolTip("Dismiss")
        self._close_button.setAccessibleName("Dismiss message")
        self._close_button.setAutoRaise(True)
        self._close_button.clicked.connect(self._on_close_button_clicked)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(8)
        layout.addWidget(self._mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self._close_button, 0, Qt.AlignmentFlag.AlignTop)

        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self.clear)
        self.hide()

    # -- showing -------------------------------------------------------------------------

    @property
    def level(self) -> str:
        return str(self.property("level"))

    @property
    def text(self) -> str:
        return self._text.text()

    @property
    def action_text(self) -> str:
        return self._action_button.text() if self._action_button.isVisibleTo(self) else ""

    def show_message(
        self,
        level: str,
        text: str,
        *,
        action_text: str = "",
        action: Callable[[], object] | None = None,
    ) -> None:
        """Show ``text`` in the ``level`` style, replacing whatever was shown."""
        if level not in LEVELS:
            level = "info"
        self.setProperty("level", level)
        purpose, role, spoken = _MARKS[level]
        self._mark.setPixmap(
            icon(purpose, role).pixmap(QSize(MARK_SIZE, MARK_SIZE), self.devicePixelRatioF())
        )
        self._mark.setAccessibleName(spoken)
        self._text.setText(text)
        self.setAccessibleDescription(text)
        self._action = action
        self._action_button.setText(action_text)
        self._action_button.setToolTip(action_text or "Act on this message")
        self._action_button.setVisible(bool(action_text and action))
        repolish(self, self._mark, self._text)
        self._expiry.stop()
        if level == "info":
            self._expiry.start(INFO_TIMEOUT_MS)
        self.show()

    def show_error(
        self,
        error: BaseException | str,
        *,
        retry: Callable[[], object] | None = None,
        action_text: str = "Retry",
    ) -> None:
        """Show an error; an exception is turned into its sentence by ``describe``."""
        text = error if isinstance(error, str) else describe(error)
        self.show_message("error", text, action_text=action_text if retry else "", action=retry)

    def show_notice(
        self, text: str, *, action_text: str = "", action: Callable[[], object] | None = None
    ) -> None:
        self.show_message("notice", text, action_text=action_text, action=action)

    def show_info(self, text: str) -> None:
        self.show_message("info", text)

    def clear_error(self) -> None:
        """Hide an error that a later success made stale (notices and info stay)."""
        if self.level == "error" and not self.isHidden():
            self.clear()

    def clear(self) -> None:
        self._expiry.stop()
        self._action = None
        self.hide()

    # -- slots ---------------------------------------------------------------------------

    def _on_action_button_clicked(self) -> None:
        action = self._action
        self.clear()
        self.action_triggered.emit()
        if action is not None:
            action()

    def _on_close_button_clicked(self) -> None:
        self.clear()
        self.dismissed.emit()
