"""The Chat tab's Knowledge button: which knowledge bases the open conversation answers from.

The choice is stored with the conversation by ``ChatSession.use_knowledge_bases`` (for a
conversation not started yet, when its first message is sent). The menu lists the knowledge
bases there are, each checkable, and opens the Knowledge window to make or fill one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from app.ui.style.controls import decorate

if TYPE_CHECKING:
    from app.services.conversation import ChatSession
    from app.services.knowledge import KnowledgeService


class KnowledgePicker(QToolButton):
    """A button with a menu of knowledge bases to turn on for the conversation."""

    def __init__(
        self,
        session: ChatSession,
        knowledge: Callable[[], KnowledgeService],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._knowledge = knowledge
        self.setObjectName("chatKnowledge")
        self.setAccessibleName("Knowledge bases for this conversation")
        self.setCheckable(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        decorate(self, "knowledge", flat=True)
        self.menu_ = QMenu(self)
        self.menu_.setObjectName("chatKnowledgeMenu")
        self.menu_.aboutToShow.connect(self.fill_menu)
        self.setMenu(self.menu_)
        self.show_choice()

    def names(self) -> list[str]:
        return [base.name for base in self._knowledge().bases()]

    def fill_menu(self) -> None:
        menu = self.menu_
        menu.clear()
        chosen = set(self.session.knowledge_bases)
        names = self.names()
        for name in names:
            action = QAction(name, menu)
            action.setObjectName(f"chatKnowledgeBase:{name}")
            action.setCheckable(True)
            action.setChecked(name in chosen)
            action.toggled.connect(lambda on, n=name: self.choose(n, on))
            menu.addAction(action)
        if not names:
            empty = menu.addAction("No knowledge bases yet")
            empty.setEnabled(False)
        menu.addSeparator()
        manage = menu.addAction("Knowledge bases…")
        manage.setObjectName("chatKnowledgeManage")
        manage.triggered.connect(self._open_knowledge_window)

    def choose(self, name: str, on: bool) -> None:
        """Turn knowledge base ``name`` on or off for the conversation."""
        names = [n for n in self.session.knowledge_bases if n != name]
        if on:
            names.append(name)
        self.session.use_knowledge_bases(names)
        self.show_choice()

    def show_choice(self) -> None:
        """Say on the button which knowledge bases the conversation uses."""
        names = self.session.knowledge_bases
        if not names:
            text, tip = "Knowledge", "Answer from a knowledge base, with citations"
        elif len(names) == 1:
            text, tip = f"Knowledge: {names[0]}", f"Answers come from {names[0]}, with citations"
        else:
            text = f"Knowledge: {len(names)}"
            tip = "Answers come from " + ", ".join(names) + ", with citations"
        self.setText(text)
        self.setToolTip(tip)
        self.setChecked(bool(names))

    def _open_knowledge_window(self) -> None:
        action = self.window().findChild(QAction, "actionKnowledge")
        if action is not None:
            action.trigger()
