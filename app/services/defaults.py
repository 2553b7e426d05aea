"""Facts with one home: the model each kind of request uses when nothing else is chosen, and
the words for where the API key comes from.

The CLI, the tabs and the diagnostics import them from here, so a new default or a reworded
source is changed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

DEFAULT_MODELS: Mapping[str, str] = MappingProxyType(
    {
        "chat": "gpt-4o",
        "image": "flux/schnell",
        "stt": "#g1_nova-2-general",
        "tts": "#g1_aura-asteria-en",
    }
)
"""The built-in model per kind ("chat", "image", "stt", "tts"); Settings can override each."""

KEY_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "env": "from the AIML_API_KEY environment variable",
        "keyring": "stored in the system keyring",
        "session": "kept for this session only",
        "none": "none set",
    }
)
"""Where the key comes from ("env", "keyring", "session", "none"), as a phrase."""


def key_source_phrase(source: str) -> str:
    """The phrase for a key source; an unknown source is named as it is."""
    return KEY_SOURCES.get(source, source)


def key_source_heading(source: str) -> str:
    """The phrase for a key source, starting with a capital: the start of a sentence."""
    phrase = key_source_phrase(source)
    return phrase[:1].upper() + phrase[1:]
