from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.storage import paths
from app.storage.settings import Settings, load_settings, save_settings


def test_missing_file_gives_defaults() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.base_url == "https://api.aimlapi.com"
    assert settings.stt_parallel == 2


def test_round_trip_keeps_every_field() -> None:
    settings = Settings(
        provider="custom",
        base_url="http://127.0.0.1:1234/v1",
        dialect="openai",
        proxy="http://proxy:3128",
        connect_timeout=3.5,
        read_timeout=600,
        max_retries=0,
        theme="dark",
        default_models={"chat": "gpt-4o", "image": "flux/schnell"},
        last_models={"tts": "aura"},
        window_geometry="AdnQywADAAAAAA==",
        last_tab=3,
        send_with_enter=True,
        stt_parallel=4,
        stt_upload_limit_mb=100,
        extra={"chat": {"font_size": 13}},
    )
    save_settings(settings)
    assert paths.settings_path().is_file()
    assert load_settings() == settings


def test_corrupt_file_gives_defaults(caplog: pytest.LogCaptureFixture) -> None:
    paths.settings_path().write_text("{ not json", encoding="utf-8")
    assert load_settings() == Settings()
    assert "using the defaults" in caplog.text


def test_non_object_json_gives_defaults() -> None:
    paths.settings_path().write_text("[1, 2]", encoding="utf-8")
    assert load_settings() == Settings()


def test_bad_values_fall_back_field_by_field(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "theme": "purple",
                "max_retries": "three",
                "read_timeout": -1,
                "send_with_enter": 1,
                "stt_parallel": True,
                "default_models": {"chat": 5},
                "base_url": "https://example.test",
                "last_tab": 2,
            }
        ),
        encoding="utf-8",
    )
    settings = load_settings(path)
    defaults = Settings()
    assert settings.theme == defaults.theme
    assert settings.max_retries == defaults.max_retries
    assert settings.read_timeout == defaults.read_timeout
    assert settings.send_with_enter is False
    assert settings.stt_parallel == defaults.stt_parallel
    assert settings.default_models == {}
    assert settings.base_url == "https://example.test"
    assert settings.last_tab == 2


def test_unknown_keys_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"future_option": {"a": 1}, "theme": "light"}), encoding="utf-8")
    settings = load_settings(path)
    settings.last_tab = 1
    save_settings(settings, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["future_option"] == {"a": 1}
    assert written["theme"] == "light"
    assert written["last_tab"] == 1


def test_a_key_in_the_settings_file_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"api_key": "sk-should-not-stay"}), encoding="utf-8")
    save_settings(load_settings(path), path)
    assert "sk-should-not-stay" not in path.read_text(encoding="utf-8")


def test_settings_have_no_key_field() -> None:
    assert not any(name == "key" or name == "api_key" for name in Settings().to_dict())


@pytest.mark.parametrize(
    "content",
    [
        b'{"theme": "dark", "last_tab": 2, "base_url": "https://api.aiml',  # cut off mid-write
        b"\x00" * 4096,  # a block of zeros left by a crash
        b"\xff\xfe{\x00}",
        b'{"last_tab": ' + b"9" * 5000 + b"}",  # longer than Python will turn into an int
        b"[" * 100_000,  # nested deeper than the parser's recursion limit
    ],
    ids=["truncated", "zeros", "utf16", "huge-number", "deep-nesting"],
)
def test_garbage_file_gives_defaults(content: bytes) -> None:
    paths.settings_path().write_bytes(content)
    assert load_settings() == Settings()


@pytest.mark.parametrize("value", ["Infinity", "1e400", "NaN", "-Infinity"])
def test_timeouts_must_be_finite(value: str) -> None:
    paths.settings_path().write_text(
        f'{{"read_timeout": {value}, "connect_timeout": {value}, "theme": "dark"}}',
        encoding="utf-8",
    )
    settings = load_settings()
    assert (settings.read_timeout, settings.connect_timeout) == (300.0, 10.0)
    assert settings.theme == "dark"
