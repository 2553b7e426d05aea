"""Which tab a model belongs to: the one name the window, the command line and the model list
share. It has a module of its own so that naming a kind makes none of the API's values."""

from __future__ import annotations

from enum import StrEnum


class ModelKind(StrEnum):
    """Which tab a model belongs to."""

    CHAT = "chat"
    IMAGE = "image"
    STT = "stt"
    TTS = "tts"
    OTHER = "other"
