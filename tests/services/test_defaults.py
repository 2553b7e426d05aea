"""Default models and the words for the key's source have one home that every front door uses."""

from __future__ import annotations

from app.services.context import Services
from app.services.defaults import DEFAULT_MODELS, key_source_heading, key_source_phrase
from app.storage.settings import Settings
from app.ui.dialogs.api_key import KEY_SOURCE_TEXTS


def test_every_kind_falls_back_to_the_built_in_model() -> None:
    services = Services(Settings(default_models={"chat": "my/chat-model"}))
    try:
        assert services.default_model("chat") == "my/chat-model"
        assert services.default_model("image") == DEFAULT_MODELS["image"]
        assert services.default_model("stt", "other/stt") == "other/stt"
        assert set(DEFAULT_MODELS) == {"chat", "image", "stt", "tts"}
    finally:
        services.close()


def test_the_key_source_reads_the_same_everywhere() -> None:
    assert key_source_phrase("keyring") == "stored in the system keyring"
    assert key_source_heading("env") == "From the AIML_API_KEY environment variable"
    assert KEY_SOURCE_TEXTS["keyring"] == "Stored in the system keyring."
    assert key_source_phrase("later") == "later"
