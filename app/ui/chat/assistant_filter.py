"""The sidebar's "conversations of one assistant" picker; hidden until an assistant was used."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from app.services.assistants import conversation_assistant
from app.services.chat_history import Conversation

ALL = "All conversations"


class AssistantFilter(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationAssistantFilter")
        self.setAccessibleName("Show conversations of")
        self.addItem(ALL, None)
        self.setVisible(False)

    def offer(self, conversations: list[Conversation]) -> None:
        """List the assistants ``conversations`` came from, keeping the choice if it is there."""
        found: dict[str, str] = {}
        for conversation in conversations:
            assistant = conversation_assistant(conversation)
            if assistant is not None:
                label = f"{assistant['icon']} {assistant['name']}".strip()
                found.setdefault(assistant["id"], label)
        chosen = self.currentData()
        self.blockSignals(True)
        try:
            self.clear()
            self.addItem(ALL, None)
            for assistant_id, label in sorted(found.items(), key=lambda item: item[1].casefold()):
                self.addItem(label, assistant_id)
            self.setCurrentIndex(max(self.findData(chosen), 0))
        finally:
            self.blockSignals(False)
        self.setVisible(bool(found))

    def shown(self, conversations: list[Conversation]) -> list[Conversation]:
        wanted = self.currentData()
        if wanted is None:
            return conversations
        return [c for c in conversations if (conversation_assistant(c) or {}).get("id") == wanted]
