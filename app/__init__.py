"""AIML Desktop: chat, images, speech to text and text to speech through the AI/ML API."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "AIML Desktop"
APP_ID = "aiml-desktop"
DEFAULT_BASE_URL = "https://api.aimlapi.com"  # the AI/ML API gateway
