"""The voice family table: request bodies each family's server expects, voices, limits, cost."""

from __future__ import annotations

import asyncio
import io

import pytest
from pydub import AudioSegment

from app.api.errors import BadRequestError, InvalidInputError, ResponseFormatError
from app.services.context import Services
from app.services.speech import SpeechRequest, cached_preview, join_audio
from app.services.voices import (
    build_body,
    check_voice,
    default_voice,
    estimate_cost,
    family_for,
    voices_for,
)
from app.storage.paths import media_dir
from tests.fake_api import FakeApi, Fault, Reply


def run(coro):
    return asyncio.run(coro)


@pytest.mark.parametrize(
    ("model", "voice", "options", "expected"),
    [
        (
            "#g1_aura-asteria-en",
            "orion",
            {"encoding": "linear16", "sample_rate": "24000"},
            {
                "model": "#g1_aura-orion-en",
                "text": "Hi.",
                "encoding": "linear16",
                "sample_rate": "24000",
            },
        ),
        ("#g1_aura-2-thalia-en", "celeste", {}, {"model": "#g1_aura-2-celeste-es", "text": "Hi."}),
        (
            "deepgram/aura-2",
            "thalia",
            {},
            {"model": "deepgram/aura-2", "text": "Hi.", "voice": "thalia"},
        ),
        (
            "openai/gpt-4o-mini-tts",
            "ballad",
            {"speed": 1.5, "response_format": "wav"},
            {
                "model": "openai/gpt-4o-mini-tts",
                "text": "Hi.",
                "voice": "ballad",
                "speed": 1.5,
                "response_format": "wav",
            },
        ),
        (
            "elevenlabs/eleven_multilingual_v2",
            "Rachel",
            {"speed": 1.1, "output_format": "mp3_44100_128"},
            {
                "model": "elevenlabs/eleven_multilingual_v2",
                "text": "Hi.",
                "voice": "Rachel",
                "voice_settings": {"speed": 1.1},
                "output_format": "mp3_44100_128",
            },
        ),
        (
            "minimax/speech-2.6-hd",
            "Calm_Woman",
            {"speed": 0.8, "format": "mp3", "sample_rate": "32000"},
            {
                "model": "minimax/speech-2.6-hd",
                "text": "Hi.",
                "voice_setting": {"voice_id": "Calm_Woman", "speed": 0.8},
                "audio_setting": {"format": "mp3", "sample_rate": "32000"},
            },
        ),
        (
            "microsoft/vibevoice-1.5b",
            "Frank [EN]",
            {"cfg_scale": 1.0},
            {
                "model": "microsoft/vibevoice-1.5b",
                "script": "Speaker 1: Hi.",
                "speakers": [{"preset": "Frank [EN]"}],
                "cfg_scale": 1.0,
            },
        ),
    ],
)
def test_each_family_sends_its_own_body(
    services: Services,
    fake_api: FakeApi,
    model: str,
    voice: str,
    options: dict[str, object],
    expected: dict[str, object],
) -> None:
    request = SpeechRequest(model, "Hi.", voice, options)
    audio = run(services.speech.synthesize(request.body()))
    sent = [r for r in fake_api.requests if r.path == "/v1/tts"]
    assert [r.json for r in sent] == [expected]
    assert audio.format == "wav"


def test_default_options_stay_out_of_the_body() -> None:
    body = build_body("openai/tts-1", "Hi.", "nova", {"speed": 1.0, "response_format": ""})
    assert body == {"model": "openai/tts-1", "text": "Hi.", "voice": "nova"}


def test_voices_show_language_and_gender() -> None:
    aura = {v.id: v for v in voices_for("#g1_aura-asteria-en")}
    assert aura["asteria"].label == "asteria (English, female)"
    assert aura["orion"].label == "orion (English, male)"
    aura2 = {v.id: v for v in voices_for("#g1_aura-2-thalia-en")}
    assert aura2["nestor"].label == "nestor (Spanish, male)"
    minimax = {v.id: v for v in voices_for("minimax/speech-2.6-hd")}
    assert minimax["Deep_Voice_Man"].gender == "male"
    assert minimax["Wise_Woman"].gender == "female"
    vibe = {v.id: v for v in voices_for("microsoft/vibevoice-7b")}
    assert vibe["Bowen [ZH]"].language == "Chinese"
    assert [v.id for v in voices_for("openai/tts-1")][:3] == ["alloy", "ash", "ballad"]


def test_aura_voices_from_the_model_list_are_added() -> None:
    listed = ["#g1_aura-2-thalia-en", "#g1_aura-2-newvoice-de", "openai/tts-1"]
    voices = {v.id: v for v in voices_for("#g1_aura-2-thalia-en", listed)}
    assert voices["newvoice"].model == "#g1_aura-2-newvoice-de"
    assert voices["newvoice"].language == "German"


def test_defaults_and_families() -> None:
    assert default_voice("#g1_aura-2-helena-en") == "helena"
    assert default_voice("elevenlabs/eleven_turbo_v2_5") == "Rachel"
    assert default_voice("minimax/speech-2.8-hd") == "Wise_Woman"
    assert family_for("some/unknown-tts").key == "other"
    assert family_for("#g1_aura-2-thalia-en").text_limit == 2000


def test_a_voice_the_model_lacks_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="no voice called 'verse'"):
        check_voice("openai/tts-1", "verse")
    with pytest.raises(InvalidInputError, match="Rachel"):
        build_body("#g1_aura-asteria-en", "Hi", "Rachel")
    check_voice("openai/gpt-4o-mini-tts", "verse")
    check_voice("elevenlabs/eleven_multilingual_v2", "MyClonedVoice")


def test_cost_estimate_where_the_price_is_known() -> None:
    assert estimate_cost("openai/tts-1", 2000) == pytest.approx(0.03)
    assert estimate_cost("openai/tts-1-hd", 1000) == pytest.approx(0.03)
    assert estimate_cost("#g1_aura-2-thalia-en", 1000) == pytest.approx(0.03)
    assert estimate_cost("elevenlabs/eleven_multilingual_v2", 1000) is None


def test_json_url_with_mp3_suffix_serving_wav_is_wav(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.tts_url_suffix = ".mp3"
    audio = run(services.speech.synthesize(build_body("openai/tts-1", "Hello there.", "nova")))
    assert audio.source_url is not None and audio.source_url.endswith(".mp3")
    assert audio.format == "wav"
    assert AudioSegment.from_file(io.BytesIO(audio.data), format="wav").duration_seconds > 0.2


def test_a_body_that_is_not_audio_is_refused(services: Services, fake_api: FakeApi) -> None:
    fake_api.script("/v1/tts", Reply(body=b"<html>busy</html>" * 4, content_type="audio/wav"))
    with pytest.raises(ResponseFormatError, match="not audio"):
        run(services.speech.synthesize(build_body("#g1_aura-asteria-en", "Hi.")))


def test_parts_join_to_the_sum_of_their_lengths(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.tts_seconds_per_char = 0.0002
    sentence = "This sentence is one of many that make the text long enough to split. "
    request = SpeechRequest("#g1_aura-asteria-en", sentence * 70)
    texts = request.parts()
    assert len(texts) == 3
    assert all(len(t) <= 2000 and t.endswith("split.") for t in texts)
    seen: list[int] = []
    parts = run(services.speech.generate(request, on_part=lambda i, n, a: seen.append(i)))
    assert seen == [0, 1, 2]
    assert sorted(r.json["text"] for r in fake_api.requests if r.path == "/v1/tts") == sorted(texts)
    lengths = [AudioSegment.from_file(io.BytesIO(p.data)).duration_seconds for p in parts]
    joined = join_audio(parts)
    decoded = AudioSegment.from_file(io.BytesIO(joined.audio.data))
    assert decoded.duration_seconds == pytest.approx(sum(lengths), abs=0.05)
    assert joined.duration == pytest.approx(sum(lengths), abs=0.05)


def test_a_failing_part_fails_the_whole(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.tts_seconds_per_char = 0.0002
    fake_api.script("/v1/tts", Fault.error(400, "text: too long for this voice"))
    request = SpeechRequest("#g1_aura-asteria-en", "Short one. " * 300)
    with pytest.raises(BadRequestError, match="too long for this voice"):
        run(services.speech.generate(request))


def test_preview_is_cached_per_model_voice_and_options(
    services: Services, fake_api: FakeApi
) -> None:
    first = run(services.speech.preview("openai/tts-1", "nova", {}))
    count = len(fake_api.requests)
    again = run(services.speech.preview("openai/tts-1", "nova", {}))
    assert again == first
    assert len(fake_api.requests) == count
    assert first.parent == media_dir("previews")
    assert cached_preview("openai/tts-1", "onyx", {}) is None
    run(services.speech.preview("openai/tts-1", "nova", {"speed": 1.25}))
    assert len(fake_api.requests) > count
