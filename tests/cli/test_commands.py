"""The subcommands end to end against the stand-in gateway, in this process."""

from __future__ import annotations

import io
import json
import re
import struct
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import TEST_KEY, CliResult
from tests.fake_api import FakeApi

Cli = Callable[..., CliResult]


def _chat_requests(api: FakeApi) -> list:
    return [r for r in api.requests if r.path.endswith("/chat/completions")]


def test_chat_streams_the_reply_to_stdout(gateway: FakeApi, cli: Cli) -> None:
    gateway.options.chat_reply = "Streaming works, one piece at a time."
    result = cli("chat", "Say something", "--model", "gpt-4o-mini", "--temperature", "0.3")
    assert result.code == 0, result.err
    assert result.out == "Streaming works, one piece at a time.\n"
    sent = _chat_requests(gateway)[-1].json
    assert sent["stream"] is True
    assert sent["model"] == "gpt-4o-mini"
    assert sent["temperature"] == 0.3
    assert sent["messages"] == [{"role": "user", "content": "Say something"}]


def test_chat_no_stream_with_system_prompt(gateway: FakeApi, cli: Cli) -> None:
    result = cli("chat", "Ping", "--no-stream", "--system", "Be brief.", "--max-tokens", "20")
    assert result.code == 0, result.err
    assert result.out == "Echo: Ping\n"
    sent = _chat_requests(gateway)[-1].json
    assert not sent.get("stream")
    assert sent["model"] == "gpt-4o"
    assert sent["max_tokens"] == 20
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}


def test_chat_reads_the_prompt_from_stdin(
    gateway: FakeApi, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("From a pipe"))
    result = cli("chat", "-", "--no-stream")
    assert result.out == "Echo: From a pipe\n"


def test_chat_model_default_comes_from_settings(
    gateway: FakeApi, cli: Cli, write_settings: Callable[..., Path]
) -> None:
    write_settings(default_models={"chat": "claude-3-haiku"})
    assert cli("chat", "Hi", "--no-stream").code == 0
    assert _chat_requests(gateway)[-1].json["model"] == "claude-3-haiku"


def test_complete_uses_text_completion(gateway: FakeApi, cli: Cli) -> None:
    result = cli("complete", "Once upon a time", "--max-tokens", "16")
    assert result.code == 0, result.err
    assert result.out.strip()
    assert "note:" not in result.err
    assert re.search(r"^aiml-desktop: tokens: .*total \d+", result.err, re.M)
    sent = [r for r in gateway.requests if r.path == "/v1/completions"][-1].json
    assert sent["prompt"] == "Once upon a time"
    assert sent["max_tokens"] == 16


def test_complete_falls_back_to_chat_on_404(gateway: FakeApi, cli: Cli) -> None:
    from tests.fake_api import Fault

    gateway.script("/v1/completions", Fault.error(404))
    result = cli("complete", "Finish this")
    assert result.code == 0, result.err
    assert result.out == "Echo: Finish this\n"
    assert "sent as a chat message instead" in result.err
    assert _chat_requests(gateway)[-1].json["messages"] == [
        {"role": "user", "content": "Finish this"}
    ]


def test_image_saves_decodable_png_and_sidecar(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    gateway.options.image_format = "png"
    out_dir = tmp_path / "pictures"
    result = cli(
        "image", "A red square", "--model", "flux/schnell", "-n", "2", "--size", "256x192",
        "--seed", "7", "-o", str(out_dir),
    )  # fmt: skip
    assert result.code == 0, result.err
    paths = [Path(line) for line in result.out.splitlines()]
    assert len(paths) == 2 and len(set(paths)) == 2
    for path in paths:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", data[16:24])
        assert width > 0 and height > 0
        sidecar = json.loads(path.with_suffix(".json").read_text())
        assert sidecar["request"] == {
            "model": "flux/schnell",
            "prompt": "A red square",
            "num_images": 2,
            "image_size": {"width": 256, "height": 192},
            "seed": 7,
        }
    sent = [r for r in gateway.requests if r.path == "/v1/images/generations"][-1].json
    assert sent == json.loads(paths[0].with_suffix(".json").read_text())["request"]


def test_image_openai_family_uses_n_and_size(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    result = cli("image", "A cat", "--model", "dall-e-3", "--size", "1024x1024", "-o", tmp_path)
    assert result.code == 0, result.err
    sent = [r for r in gateway.requests if r.path == "/v1/images/generations"][-1].json
    assert sent["size"] == "1024x1024" and "image_size" not in sent


def _srt_blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.strip().split("\n\n")]


def test_stt_of_a_real_wav_as_srt(gateway: FakeApi, cli: Cli, speech_wav: Path) -> None:
    gateway.options.stt_statuses = []  # done at the first poll
    result = cli("stt", str(speech_wav), "--format", "srt", "--language", "en")
    assert result.code == 0, result.err
    blocks = _srt_blocks(result.out)
    assert blocks
    timing = re.compile(r"^(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})$")
    previous_end = -1.0
    for number, block in enumerate(blocks, start=1):
        assert block[0] == str(number)
        match = timing.match(block[1])
        assert match, block[1]
        parts = [int(p) for p in match.groups()]
        start = parts[0] * 3600 + parts[1] * 60 + parts[2] + parts[3] / 1000
        end = parts[4] * 3600 + parts[5] * 60 + parts[6] + parts[7] / 1000
        assert previous_end <= start < end
        previous_end = end
        assert len(block) >= 3 and block[2].strip()
    words = " ".join(" ".join(b[2:]) for b in blocks).split()
    assert words == gateway.options.stt_text.split()
    upload = [r for r in gateway.requests if r.path == "/v1/stt/create"][-1]
    assert upload.form.get("model") == "#g1_nova-2-general"
    assert upload.form.get("language") == "en"
    assert upload.files["audio"][1] == speech_wav.read_bytes()


def test_stt_writes_vtt_file_named_by_output(
    gateway: FakeApi, cli: Cli, speech_wav: Path, tmp_path: Path
) -> None:
    gateway.options.stt_statuses = []  # done at the first poll: no pause between polls
    target = tmp_path / "out" / "talk.vtt"
    result = cli("stt", str(speech_wav), "-o", str(target), "--progress")
    assert result.code == 0, result.err
    assert result.out.strip() == str(target)
    assert target.read_text().startswith("WEBVTT\n\n00:00:")
    assert "aiml-desktop: uploading 100%…" in result.err.splitlines()


def test_tts_writes_a_valid_wav(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "hello.wav"
    result = cli("tts", "Hello there", "-o", str(target))
    assert result.code == 0, result.err
    assert result.out.strip() == str(target)
    with wave.open(str(target), "rb") as audio:
        assert audio.getnframes() > 0
        assert audio.getframerate() > 0
        assert audio.getnchannels() in (1, 2)
    sent = [r for r in gateway.requests if r.path == "/v1/tts"][-1].json
    assert sent == {"model": "#g1_aura-asteria-en", "text": "Hello there"}


def test_models_of_one_kind(gateway: FakeApi, cli: Cli) -> None:
    result = cli("models", "--kind", "tts")
    assert result.code == 0, result.err
    rows = [line.split("\t") for line in result.out.splitlines()]
    assert rows
    assert all(row[1] == "tts" for row in rows)
    assert any(row[0] == "#g1_aura-asteria-en" for row in rows)


def test_models_json(gateway: FakeApi, cli: Cli) -> None:
    result = cli("models", "--json")
    kinds = {item["kind"] for item in json.loads(result.out)}
    assert {"chat", "image", "stt", "tts"} <= kinds


@pytest.mark.parametrize(
    "cached",
    [
        {"version": 1, "etag": "x", "fetched_at": "yesterday", "models": [{"id": "old"}]},
        {"version": 1, "etag": ["x"], "fetched_at": [1], "models": {"id": "old"}},
        {"version": 1, "fetched_at": 1e400, "models": [{"id": "old", "aliases": 5}]},
    ],
)
def test_models_with_a_damaged_cache_file_asks_the_server(
    gateway: FakeApi, cli: Cli, cached: dict
) -> None:
    from app.services.models import ModelCache

    cache = ModelCache(gateway.url)
    cache.path.write_text(json.dumps(cached), encoding="utf-8")
    result = cli("models", "--kind", "tts")
    assert result.code == 0, result.err
    assert "#g1_aura-asteria-en" in result.out.split()
    assert [r.path for r in gateway.requests] == ["/v1/models"]


def test_key_set_status_clear(
    fake_api: FakeApi, cli: Cli, monkeypatch: pytest.MonkeyPatch, memory_keyring
) -> None:
    assert "not set (source: none" in cli("key", "status").out
    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_KEY + "\n"))
    stored = cli("key", "set")
    assert stored.code == 0, stored.err
    assert memory_keyring.passwords[("aiml-desktop", "api-key")] == TEST_KEY
    status = cli("key", "status")
    assert "API key: set (source: keyring" in status.out
    assert TEST_KEY not in status.out + status.err + stored.out + stored.err
    monkeypatch.setenv("AIML_API_KEY", "sk-from-env-000000000000")
    assert "(source: env" in cli("key", "status").out
    monkeypatch.delenv("AIML_API_KEY")
    assert cli("key", "clear").code == 0
    assert memory_keyring.passwords == {}
    assert "not set (source: none" in cli("key", "status").out


def test_key_set_refuses_an_empty_key(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    cli("key", "set").assert_one_error(code=2)


def test_stored_key_is_used(
    fake_api: FakeApi, cli: Cli, monkeypatch: pytest.MonkeyPatch, memory_keyring
) -> None:
    fake_api.options.require_key = TEST_KEY
    memory_keyring.set_password("aiml-desktop", "api-key", TEST_KEY)
    result = cli("--base-url", fake_api.url, "chat", "Hi", "--no-stream")
    assert result.code == 0, result.err
    assert fake_api.requests[-1].headers.get("Authorization") == f"Bearer {TEST_KEY}"


def test_version_and_help(cli: Cli) -> None:
    from app import __version__

    assert cli("--version").out.strip() == f"aiml-desktop {__version__}"
    assert "stt" in cli("--help").out


def test_unknown_option_is_a_usage_error(cli: Cli) -> None:
    sentence = cli("chat", "x", "--bogus").assert_one_error(code=2)
    assert "--bogus" in sentence


def test_stt_of_a_url_sends_the_url(gateway: FakeApi, cli: Cli) -> None:
    gateway.options.stt_statuses = []
    url = "https://example.com/talk.mp3"
    result = cli("stt", url, "--model", "aai/universal", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["text"] == gateway.options.stt_text
    sent = [r for r in gateway.requests if r.path == "/v1/stt/create"][-1].json
    assert sent["url"] == url
    assert sent["model"] == "aai/universal"


def test_openai_dialect_flag_uses_the_openai_audio_route(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "voice.wav"
    result = cli("--dialect", "openai", "tts", "Hello", "--model", "openai/tts-1", "-o", target)
    assert result.code == 0, result.err
    assert [r.path for r in gateway.requests] == ["/v1/audio/speech"]
    with wave.open(str(target), "rb") as audio:
        assert audio.getnframes() > 0


def test_tts_converts_to_the_format_asked(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    from app.api.audio_format import sniff_audio_format

    target = tmp_path / "voice.flac"
    result = cli("tts", "Hello there", "-o", target)
    assert result.code == 0, result.err
    assert sniff_audio_format(target.read_bytes()) == "flac"


def test_tts_without_voice_sends_the_family_default(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    result = cli("tts", "Hello there", "--model", "openai/tts-1", "-o", tmp_path / "a.mp3")
    assert result.code == 0, result.err
    sent = [r for r in gateway.requests if r.path == "/v1/tts"][-1].json
    assert sent["voice"] == "alloy"


def test_tts_without_voice_in_the_openai_dialect_names_one(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "b.mp3"
    result = cli("tts", "Hello there", "--dialect", "openai", "--model", "voice", "-o", target)
    assert result.code == 0, result.err
    sent = [r for r in gateway.requests if r.path == "/v1/audio/speech"][-1].json
    assert sent == {"model": "voice", "input": "Hello there", "voice": "alloy"}
    assert target.stat().st_size > 0


def test_models_kind_trusts_the_servers_mode(gateway: FakeApi, cli: Cli) -> None:
    from tests.fake_api import Reply

    listed = {
        "object": "list",
        "data": [
            {"id": "voice", "object": "model", "mode": "audio_speech"},
            {"id": "chat-mock", "object": "model", "mode": "chat", "max_input_tokens": 128000},
        ],
    }
    gateway.script("/v1/models", Reply(json=listed))
    result = cli("models", "--kind", "tts")
    assert result.code == 0, result.err
    assert [line.split("\t")[0] for line in result.out.splitlines()] == ["voice"]
