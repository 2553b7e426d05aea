"""The Text to speech tab."""

from __future__ import annotations

from app.ui.widgets.placeholder_tab import PlaceholderTab


class SpeechTab(PlaceholderTab):
    OBJECT_NAME = "ttsTab"
    ACCESSIBLE_NAME = "Text to speech"
    MODEL_KIND = "tts"
    MODEL_OBJECT_NAME = "ttsModel"
    NOTE = "Turn text into speech: the voice studio arrives here."
