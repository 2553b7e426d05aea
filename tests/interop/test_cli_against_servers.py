"""The command line against LiteLLM proxy and mock-ai-api (``--dialect openai``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import CliResult
from tests.fake_api.media import wav_bytes
from tests.interop.servers import Server

pytestmark = [pytest.mark.interop, pytest.mark.timeout(900)]

Cli = Callable[..., CliResult]


def _on(server: Server) -> list[str]:
    return ["--base-url", server.url, "--dialect", "openai"]


def test_model_kinds_come_from_litellm_modes(litellm: Server, keyed: str, cli: Cli) -> None:
    kinds = {}
    for kind in ("chat", "image", "stt", "tts"):
        result = cli("models", "--kind", kind, *_on(litellm))
        assert result.code == 0, result.err
        kinds[kind] = sorted(line.split("\t")[0] for line in result.out.splitlines())
    assert kinds == {
        "chat": ["chat-mock", "gpt-4o-mini", "text-complete"],
        "image": ["painter"],
        "stt": ["ears"],
        "tts": ["voice"],
    }


@pytest.mark.parametrize("mode", [[], ["--no-stream"]])
def test_chat_answered_by_litellm(litellm: Server, keyed: str, cli: Cli, mode: list[str]) -> None:
    result = cli("chat", "Hello", "--model", "chat-mock", *mode, *_on(litellm))
    assert result.code == 0, result.err
    assert result.out == "Hello from the mock model.\n"


def test_chat_forwarded_to_mock_ai_api(litellm: Server, keyed: str, cli: Cli) -> None:
    result = cli("chat", "Hello there", "--model", "gpt-4o-mini", *_on(litellm))
    assert result.code == 0, result.err
    assert len(result.out.strip()) > 5


def test_text_completion(litellm: Server, keyed: str, cli: Cli) -> None:
    result = cli("complete", "Once upon a time", "--model", "text-complete", *_on(litellm))
    assert result.code == 0, result.err
    assert result.out.strip()
    assert "chat message instead" not in result.err  # the completions route itself answered


def test_image_is_saved(litellm: Server, keyed: str, cli: Cli, tmp_path: Path) -> None:
    result = cli("image", "a red dot", "--model", "painter", "-o", tmp_path, *_on(litellm))
    assert result.code == 0, result.err
    (saved,) = [Path(line) for line in result.out.splitlines()]
    assert saved.suffix == ".png" and saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_speech_without_a_voice(litellm: Server, keyed: str, cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "speech.mp3"
    result = cli("tts", "Hello there", "--model", "voice", "-o", target, *_on(litellm))
    assert result.code == 0, result.err
    assert target.read_bytes().startswith(b"ID3")  # mock-ai-api's audio, passed through


def test_transcription_gives_one_cue_spanning_the_audio(
    mock_ai_api: Server, keyed: str, cli: Cli, tmp_path: Path
) -> None:
    clip = tmp_path / "call.wav"
    clip.write_bytes(wav_bytes(1.5))
    result = cli("stt", clip, "--model", "whisper-1", "--format", "srt", *_on(mock_ai_api))
    assert result.code == 0, result.err
    assert result.out.splitlines()[:3] == [
        "1",
        "00:00:00,000 --> 00:00:01,500",
        "Hello, thanks for calling support.",
    ]


def test_transcription_through_litellm_fails_with_one_sentence(
    litellm: Server, keyed: str, cli: Cli, tmp_path: Path
) -> None:
    # LiteLLM 1.108.7 cannot read mock-ai-api's transcription usage block and answers 500
    # with its own traceback in the message: the person still gets one clean sentence.
    clip = tmp_path / "call.wav"
    clip.write_bytes(wav_bytes(1.0))
    result = cli("stt", clip, "--model", "ears", *_on(litellm))
    sentence = result.assert_one_error(code=1)
    assert sentence.startswith("The server had a problem.")
    assert "Traceback" not in sentence and 'File "' not in sentence


def test_unknown_model_shows_litellms_words(litellm: Server, keyed: str, cli: Cli) -> None:
    result = cli("chat", "Hello", "--model", "no-such-model", *_on(litellm))
    sentence = result.assert_one_error(code=1)
    assert "Invalid model name passed in model=no-such-model" in sentence


def test_out_of_range_settings_never_reach_the_server(
    litellm: Server, keyed: str, cli: Cli
) -> None:
    result = cli("chat", "Hello", "--model", "chat-mock", "--max-tokens", "0", *_on(litellm))
    assert "Max tokens must be a whole number of at least 1" in result.assert_one_error(code=2)


@pytest.mark.parametrize(
    ("model", "mode"),
    [("gpt-4.1:mock-tool-stream", []), ("gpt-4.1:mock-tool-call", ["--no-stream"])],
)
def test_a_tool_call_only_reply_says_it_was_empty(
    mock_ai_api: Server, keyed: str, cli: Cli, model: str, mode: list[str]
) -> None:
    result = cli("chat", "Weather?", "--model", model, *mode, *_on(mock_ai_api))
    sentence = result.assert_one_error(code=1)
    assert sentence == (
        "The reply was empty: the model asked to call a tool, and this chat offers none "
        "(finish reason: tool_calls)."
    )


def test_doctor_routes_on_litellm(litellm: Server, keyed: str, cli: Cli) -> None:
    result = cli("doctor", "--routes", *_on(litellm))
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == "This server supports every tab."
    result = cli("doctor", "--routes", "--base-url", litellm.url, "--dialect", "aimlapi")
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == (
        "This server supports Chat and Images; not Speech to text and Text to speech."
    )
    assert "add --dialect openai on the command line" in result.out
