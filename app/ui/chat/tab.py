"""The Chat tab."""

from __future__ import annotations

from app.ui.widgets.placeholder_tab import PlaceholderTab


class ChatTab(PlaceholderTab):
    OBJECT_NAME = "chatTab"
    ACCESSIBLE_NAME = "Chat"
    MODEL_KIND = "chat"
    MODEL_OBJECT_NAME = "chatModel"
    NOTE = "Chat with any model: the conversation view arrives here."
