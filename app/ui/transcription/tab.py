"""The Speech to text tab."""

from __future__ import annotations

from app.ui.widgets.placeholder_tab import PlaceholderTab


class TranscriptionTab(PlaceholderTab):
    OBJECT_NAME = "sttTab"
    ACCESSIBLE_NAME = "Speech to text"
    MODEL_KIND = "stt"
    MODEL_OBJECT_NAME = "sttModel"
    NOTE = "Turn audio files into text: the transcriber arrives here."
