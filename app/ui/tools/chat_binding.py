"""Tools in a chat tab: a toolbox that follows the open conversation's choice, the Tools button
that makes the choice, and approvals that remember "Always allow".

A conversation's choice is kept in its settings (``ToolChoice``). A choice made before the
first message of a new conversation is written into the conversation when it is created.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from app.services.tool_settings import (
    TOOL_CHOICE_KEY,
    ChosenToolBox,
    RememberingApprover,
    ToolChoice,
    ToolSettings,
    unknown_tools_sentence,
)
from app.ui.asyncutils import start_task
from app.ui.events import after_first_paint
from app.ui.tools.conversation_menu import ConversationToolsButton

if TYPE_CHECKING:
    from app.services.tool_types import Approver

# The chat session (``app.services.conversation.ChatSession``): ``conversation``,
# ``set_tools(toolbox, approver)`` and ``update_settings(settings=…)`` are what is used.
ChatSession = Any


class ConversationTools(QObject):
    """Gives ``session`` the saved tools and keeps the Tools button in step with it.

    Args:
        session: the chat tab's session.
        tool_settings: the app's saved tools.
        ask: the approver that asks the person (the approval dialog).
        on_problem: shown a sentence when a server cannot be used.
    """

    def __init__(
        self,
        session: ChatSession,
        tool_settings: ToolSettings,
        ask: Approver,
        on_problem: Callable[[str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.tool_settings = tool_settings
        self.pending = ToolChoice()
        self._on_problem = on_problem
        self.button = ConversationToolsButton(tool_settings)
        self.button.choice_changed.connect(self._on_button_choice_changed)
        self.toolbox = ChosenToolBox(
            tool_settings,
            self.current_choice,
            on_problem=on_problem,
        )
        session.set_tools(self.toolbox, RememberingApprover(ask, tool_settings))
        if not tool_settings.loaded:
            after_first_paint(self._start_loading)  # the event loop runs by then

    def _start_loading(self) -> None:
        start_task(self._load(), owner=self, name="chat-tools-load")

    async def _load(self) -> None:
        await self.tool_settings.load()
        self.refresh()

    def current_choice(self) -> ToolChoice:
        """The open conversation's choice; one made before it existed is written into it."""
        conversation = self.session.conversation
        if conversation is None:
            return self.pending
        if TOOL_CHOICE_KEY not in conversation.settings and self.pending != ToolChoice():
            self._store(self.pending)
        self.pending = ToolChoice()
        choice = ToolChoice.from_settings(conversation.settings)
        if choice.named is not None and self.tool_settings.loaded:
            # an assistant's tools by name: kept as servers and built-ins from now on, so
            # the Tools menu shows them and can change them
            choice, unknown = choice.resolved(self.tool_settings.config)
            self._store(choice)
            if unknown and self._on_problem is not None:
                self._on_problem(unknown_tools_sentence(unknown))
        return choice

    def refresh(self) -> None:
        """Shows the choice of the conversation now open (call after opening or a new chat)."""
        self.button.set_choice(self.current_choice())

    def _store(self, choice: ToolChoice) -> None:
        conversation = self.session.conversation
        if conversation is None:
            self.pending = choice
            return
        settings = {k: v for k, v in conversation.settings.items() if k != TOOL_CHOICE_KEY}
        if choice != ToolChoice():
            settings[TOOL_CHOICE_KEY] = choice.to_settings()
        self.session.update_settings(settings=settings)

    def _on_button_choice_changed(self, choice: ToolChoice) -> None:
        self._store(choice)
