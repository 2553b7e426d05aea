"""What an empty list or view says until it has rows: an icon, one friendly line, one action."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.style.icons import icon
from app.ui.style.repolish import repolish
from app.ui.style.tokens import ICON, SPACE

# The hint never grows wider than this, so its line wraps into a readable block.
MAX_WIDTH = 420


class EmptyState(QFrame):
    """An icon, a sentence and an optional button, centred in ``host`` while shown.

    It sizes itself to its contents and follows ``host``'s size, so clicks and drops outside it
    still reach the view underneath.
    """

    def __init__(
        self,
        host: QWidget,
        text: str,
        *,
        purpose: str = "info",
        action: tuple[str, Callable[[], None]] | None = None,
        name: str = "",
    ) -> None:
        super().__init__(host)
        self.setObjectName(name or f"{host.objectName() or 'view'}EmptyHint")
        self.setProperty("role", "empty-state")
        self._host = host
        self.icon_label = QLabel(self)
        self.icon_label.setObjectName(f"{self.objectName()}Icon")
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon_label.setPixmap(
            icon(purpose, "muted").pixmap(QSize(ICON["xl"], ICON["xl"]), self.devicePixelRatioF())
        )
        self.label = QLabel(text, self)
        self.label.setObjectName(f"{self.objectName()}Text")
        self.label.setProperty("role", "hint")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE["xxl"], SPACE["xxl"], SPACE["xxl"], SPACE["xxl"])
        layout.setSpacing(SPACE["l"])
        layout.addWidget(self.icon_label)
        layout.addWidget(self.label)
        self._layout = layout
        self.action_button: QPushButton | None = None
        self._slot: Callable[[], None] | None = None
        self.set_action(action)
        for child in (self.icon_label, self.label):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        host.installEventFilter(self)
        self.place()

    def text(self) -> str:
        return self.label.text()

    def set_action(
        self, action: tuple[str, Callable[[], None]] | None, *, primary: bool = False
    ) -> None:
        """Offers the button ``(caption, slot)``, or no button for None; ``primary`` gives it
        the accent look of the one thing to do next."""
        self._slot = action[1] if action is not None else None
        if action is None:
            if self.action_button is not None:
                self.action_button.hide()
            self.place()
            return
        button = self.action_button
        if button is None:
            button = self.action_button = QPushButton(self)
            button.setObjectName(f"{self.objectName()}Action")
            button.clicked.connect(self._on_action_button_clicked)
            self._layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        button.setText(action[0])
        button.setProperty("variant", "primary" if primary else None)
        repolish(button)
        button.show()
        self.place()

    def _on_action_button_clicked(self) -> None:
        if self._slot is not None:
            self._slot()

    def setText(self, text: str) -> None:
        self.label.setText(text)
        self.place()

    def place(self) -> None:
        """Centres the hint in its host, as wide as the host allows up to ``MAX_WIDTH``. In a
        host too short for the icon and the margins, the sentence is shown alone."""
        area = self._host.rect()
        width = max(0, min(MAX_WIDTH, area.width() - 2 * SPACE["l"]))
        self._set_compact(False)
        height = self._height_for(width)
        if height > area.height():
            self._set_compact(True)
            height = self._height_for(width)
        height = min(height, area.height())
        self.setGeometry(
            area.x() + (area.width() - width) // 2,
            area.y() + max(0, (area.height() - height) // 2),
            width,
            height,
        )

    def _set_compact(self, compact: bool) -> None:
        margin = SPACE["xs"] if compact else SPACE["xxl"]
        self._layout.setContentsMargins(margin, margin, margin, margin)
        self.icon_label.setHidden(compact)

    def _height_for(self, width: int) -> int:
        """The hint's height at ``width`` as it is laid out now (compact or not)."""
        self._layout.activate()
        height = self._layout.heightForWidth(width) if self._layout.hasHeightForWidth() else -1
        return height if height >= 0 else self.sizeHint().height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.place()
        return False


class EmptyHint(EmptyState):
    """An ``EmptyState`` on an item view, shown until the watched model has rows.

    It watches inserts, removals and resets. ``model`` is the view's own by default; pass the
    source model behind a filter so that a search with no matches does not read as an empty list.
    """

    def __init__(
        self,
        view: QAbstractItemView,
        text: str,
        model: QAbstractItemModel | None = None,
        *,
        purpose: str = "info",
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        super().__init__(
            view.viewport(),
            text,
            purpose=purpose,
            action=action,
            name=f"{view.objectName() or 'view'}EmptyHint",
        )
        self._model = model if model is not None else view.model()
        if self._model is not None:
            watched = self._model
            for signal in (watched.rowsInserted, watched.rowsRemoved, watched.modelReset):
                signal.connect(self.refresh)
            watched.layoutChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        empty = self._model is None or self._model.rowCount() == 0
        self.setVisible(empty)
        if empty:
            self.place()
