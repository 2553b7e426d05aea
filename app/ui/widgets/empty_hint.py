"""A sentence shown in the middle of an item view while it has no rows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyHint(QLabel):
    """Says what belongs in ``view`` and how to get it there, until the first row arrives.

    The label lives on the view's viewport, follows its size, and hides itself whenever the
    watched model has rows (it watches inserts, removals and resets). ``model`` is the view's
    own by default; pass the source model behind a filter so that a search with no matches
    does not read as an empty list.
    """

    def __init__(
        self, view: QAbstractItemView, text: str, model: QAbstractItemModel | None = None
    ) -> None:
        super().__init__(text, view.viewport())
        self.setObjectName(f"{view.objectName() or 'view'}EmptyHint")
        self.setProperty("role", "hint")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setContentsMargins(24, 24, 24, 24)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._view = view
        self._model = model if model is not None else view.model()
        view.viewport().installEventFilter(self)
        if self._model is not None:
            model = self._model
            for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
                signal.connect(self.refresh)
            model.layoutChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        empty = self._model is None or self._model.rowCount() == 0
        self.setVisible(empty)
        if empty:
            self.setGeometry(self._view.viewport().rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.viewport().rect())
        return False
