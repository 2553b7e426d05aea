"""Each surface of the stand-in speaks the documented wire format, quirks included."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from tests.fake_api import FakeApi
from tests.fake_api.gateway import KEY_REQUIRED


def post(api: FakeApi, path: str, **kwargs: object) -> requests.Response:
    return requests.post(api.url + path, timeout=5, **kwargs)


def sse_payloads(response: requests.Response) -> list[str]:
    return [line[6:] for line in response.iter_lines(decode_unicode=True) if line]


# --- chat -------------------------------------------------------------------------------------


def test_chat_stream_with_reasoning_no_done_and_no_usage(fake_api: FakeApi) -> None:
    fake_api.options.reasoning = "Think first."
    fake_api.options.chat_reply = "Answer."
    fake_api.options.include_done = False
    fake_api.options.usage_chunk = False
    body = {"model": "o3-mini", "messages": [{"role": "user", "content": "q"}], "stream": True}
    events = [json.loads(p) for p in sse_payloads(post(fake_api, "/chat/completions", json=body))]
    deltas = [e["choices"][0]["delta"] for e in events]
    assert deltas[0]["role"] == "assistant"
    assert "".join(d.get("reasoning_content", "") for d in deltas) == "Think first."
    assert "".join(d.get("content", "") for d in deltas) == "Answer."
    assert events[-1]["choices"][0]["finish_reason"] == "stop"
    assert all(e["choices"] for e in events)


def test_chat_stream_usage_chunk_has_empty_choices_and_cost(fake_api: FakeApi) -> None:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    payloads = sse_payloads(post(fake_api, "/v1/chat/completions", json=body))
    assert payloads[-1] == "[DONE]"
    usage = json.loads(payloads[-2])
    assert usage["choices"] == []
    assert usage["usage"]["total_tokens"] > 0
    assert usage["meta"]["usage"]["credits_used"] > 0


def test_chat_status_201_and_length_limit(fake_api: FakeApi) -> None:
    fake_api.options.success_status = 201
    fake_api.options.chat_reply = "one two three four five"
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "max_tokens": 2}
    response = post(fake_api, "/v1/chat/completions", json=body)
    assert response.status_code == 201
    choice = response.json()["choices"][0]
    assert choice["message"]["content"] == "one two "
    assert choice["finish_reason"] == "length"


def test_chat_echoes_text_parts_of_multimodal_content(fake_api: FakeApi) -> None:
    content = [
        {"type": "text", "text": "Describe this."},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": content}]}
    reply = post(fake_api, "/v1/chat/completions", json=body).json()
    assert reply["choices"][0]["message"]["content"] == "Echo: Describe this."


def test_legacy_completions(fake_api: FakeApi) -> None:
    response = post(fake_api, "/v1/completions", json={"model": "gpt-4o", "prompt": "Say hi"})
    data = response.json()
    assert data["object"] == "text_completion"
    assert data["choices"][0]["text"] == "Echo: Say hi"
    assert data["usage"]["completion_tokens"] == 3


# --- images -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "shape"),
    [
        ({"model": "dall-e-3"}, "data_url"),
        ({"model": "dall-e-3", "response_format": "b64_json"}, "data_b64"),
        ({"model": "flux/schnell"}, "images"),
        ({"model": "flux/schnell", "sync_mode": True}, "data_uri"),
        ({"model": "stabilityai/stable-diffusion-xl-base-1.0"}, "legacy"),
    ],
)
def test_image_shape_follows_model_family(
    fake_api: FakeApi, body: dict[str, object], shape: str
) -> None:
    data = post(fake_api, "/v1/images/generations", json={**body, "prompt": "a cat"}).json()
    if shape == "images":
        assert data["images"][0]["url"].startswith(fake_api.url + "/files/")
    elif shape == "legacy":
        assert base64.b64decode(data["output"]["choices"][0]["image_base64"])[:4] == b"\x89PNG"
    else:
        item = data["data"][0]
        if shape == "data_b64":
            assert item["url"] is None
            assert base64.b64decode(item["b64_json"])[:4] == b"\x89PNG"
        elif shape == "data_uri":
            assert item["url"].startswith("data:image/jpeg;base64,")
        else:
            assert item["b64_json"] is None
            assert requests.get(item["url"], timeout=5).content[:4] == b"\x89PNG"


def test_image_shape_both_lists_the_same_files_twice(fake_api: FakeApi) -> None:
    fake_api.options.image_shape = "both"
    body = {"model": "bytedance/seedream-v4", "prompt": "p", "num_images": 2}
    data = post(fake_api, "/v1/images/generations", json=body).json()
    assert [i["url"] for i in data["images"]] == [d["url"] for d in data["data"]]
    assert len(data["images"]) == 2
    assert data["meta"]["usage"]["tokens_used"] > 0


def test_forced_url_shape_ignores_b64_request_and_expired_links_404(fake_api: FakeApi) -> None:
    fake_api.options.image_shape = "data_url"
    fake_api.options.image_format = "jpeg"
    body = {"model": "openai/gpt-image-1", "prompt": "p", "response_format": "b64_json"}
    item = post(fake_api, "/v1/images/generations", json=body).json()["data"][0]
    assert item["b64_json"] is None
    picture = requests.get(item["url"], timeout=5)
    assert picture.headers["Content-Type"] == "image/jpeg"
    fake_api.options.image_expired = True
    expired = requests.get(item["url"], timeout=5)
    assert expired.status_code == 404
    assert expired.json()["statusCode"] == 404


def test_image_request_needs_a_prompt(fake_api: FakeApi) -> None:
    response = post(fake_api, "/v1/images/generations", json={"model": "dall-e-3"})
    assert response.status_code == 400
    assert "prompt" in response.json()["message"]


# --- speech to text ---------------------------------------------------------------------------


def create_job(api: FakeApi, **kwargs: object) -> str:
    response = post(api, "/v1/stt/create", **kwargs)
    assert response.status_code == 200, response.text
    return response.json()["generation_id"]


def poll_until_done(api: FakeApi, generation_id: str) -> tuple[list[str], dict[str, object]]:
    statuses = []
    for _ in range(10):
        body = requests.get(f"{api.url}/v1/stt/{generation_id}", timeout=5).json()
        statuses.append(body["status"])
        if body["status"] in ("completed", "error"):
            return statuses, body
    raise AssertionError(statuses)


def test_stt_statuses_then_assemblyai_result_with_speakers(fake_api: FakeApi) -> None:
    fake_api.options.stt_statuses = ["waiting", "active", "active"]
    wav = b"RIFF" + bytes(4) + b"WAVEfmt " + bytes(24) + b"data" + bytes(4)
    generation_id = create_job(
        fake_api,
        data={"model": "aai/universal", "speaker_labels": "true"},
        files={"audio": ("talk.mp3", wav, "audio/mpeg")},
    )
    statuses, body = poll_until_done(fake_api, generation_id)
    assert statuses == ["waiting", "active", "active", "completed"]
    result = body["result"]
    assert result["text"] == fake_api.options.stt_text
    assert {w["speaker"] for w in result["words"]} == {"A", "B"}
    assert result["words"][-1]["end"] <= 8000
    assert [u["speaker"] for u in result["utterances"]] == ["A", "B"]


def test_stt_word_times_spread_over_uploaded_wav(fake_api: FakeApi) -> None:
    from tests.fake_api.media import wav_bytes

    fake_api.options.stt_statuses = []
    generation_id = create_job(
        fake_api,
        data={"model": "#g1_nova-2-general", "diarize": "true"},
        files={"audio": ("talk.wav", wav_bytes(3.0), "audio/wav")},
    )
    _, body = poll_until_done(fake_api, generation_id)
    result = body["result"]
    words = result["results"]["channels"][0]["alternatives"][0]["words"]
    assert result["metadata"]["duration"] == 3.0
    assert 2.5 < words[-1]["end"] <= 3.0
    assert {w["speaker"] for w in words} == {0, 1}


@pytest.mark.parametrize(
    ("model", "shape"),
    [("openai/gpt-4o-transcribe", "openai"), ("microsoft/mai-transcribe-1.5", "mai")],
)
def test_stt_text_shapes_with_output_envelope(fake_api: FakeApi, model: str, shape: str) -> None:
    fake_api.options.stt_envelope = "output"
    generation_id = create_job(fake_api, json={"model": model, "url": "https://example.com/a.mp3"})
    _, body = poll_until_done(fake_api, generation_id)
    assert body["id"] == generation_id
    assert body["output"]["text"] == fake_api.options.stt_text
    usage_key = "total_tokens" if shape == "openai" else "seconds"
    assert body["output"]["usage"][usage_key] > 0


def test_stt_openai_model_wants_file_field(fake_api: FakeApi) -> None:
    files_audio = {"audio": ("a.wav", b"RIFF", "audio/wav")}
    rejected = post(
        fake_api, "/v1/stt/create", data={"model": "openai/gpt-4o-transcribe"}, files=files_audio
    )
    accepted = post(
        fake_api,
        "/v1/stt/create",
        data={"model": "openai/gpt-4o-transcribe"},
        files={"file": ("a.wav", b"RIFF", "audio/wav")},
    )
    assert rejected.status_code == 400
    assert accepted.status_code == 200


def test_stt_rejects_both_and_neither_sources(fake_api: FakeApi) -> None:
    both = post(
        fake_api,
        "/v1/stt/create",
        data={"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"},
        files={"audio": ("a.mp3", b"ID3", "audio/mpeg")},
    )
    neither = post(fake_api, "/v1/stt/create", json={"model": "#g1_nova-2-general"})
    assert both.status_code == neither.status_code == 400
    assert both.json()["message"].startswith("Body validation error!")


def test_stt_error_path_and_unknown_id(fake_api: FakeApi) -> None:
    fake_api.options.stt_error = "Audio could not be decoded"
    generation_id = create_job(fake_api, json={"model": "#g1_nova-2-general", "url": "https://e/x"})
    statuses, body = poll_until_done(fake_api, generation_id)
    assert statuses[-1] == "error"
    assert body["error"]["message"] == "Audio could not be decoded"
    assert requests.get(fake_api.url + "/v1/stt/nope", timeout=5).status_code == 404


def test_stt_legacy_sync_returns_deepgram_body_unwrapped(fake_api: FakeApi) -> None:
    response = post(fake_api, "/v1/stt", json={"model": "#g1_nova-2-general", "url": "https://e/x"})
    alternative = response.json()["results"]["channels"][0]["alternatives"][0]
    assert alternative["transcript"] == fake_api.options.stt_text


@pytest.mark.parametrize("response_format", ["json", "text", "verbose_json", "srt", "vtt"])
def test_openai_dialect_transcription(fake_api: FakeApi, response_format: str) -> None:
    response = post(
        fake_api,
        "/v1/audio/transcriptions",
        data={"model": "whisper-1", "response_format": response_format},
        files={"file": ("a.wav", b"RIFF", "audio/wav")},
    )
    text = fake_api.options.stt_text
    if response_format in ("json", "verbose_json"):
        assert response.json()["text"] == text
    elif response_format == "text":
        assert response.text.strip() == text
    else:
        assert "00:00:00" in response.text
        assert response.text.startswith("WEBVTT" if response_format == "vtt" else "1\n")


# --- text to speech ---------------------------------------------------------------------------


def test_tts_length_follows_text(fake_api: FakeApi) -> None:
    short = post(fake_api, "/v1/tts", json={"model": "#g1_aura-asteria-en", "text": "Hi there"})
    long = post(fake_api, "/v1/tts", json={"model": "#g1_aura-asteria-en", "text": "Hi there" * 5})
    assert len(long.content) > 4 * len(short.content)


def test_tts_openai_model_answers_json_url_with_mp3_suffix_serving_wav(fake_api: FakeApi) -> None:
    fake_api.options.tts_url_suffix = ".mp3"
    data = post(fake_api, "/v1/tts", json={"model": "openai/tts-1", "text": "Hello"}).json()
    url = data["audio"]["url"]
    assert url.endswith(".mp3")
    audio = requests.get(url, timeout=5)
    assert audio.headers["Content-Type"] == "audio/mpeg"
    assert audio.content[:4] == b"RIFF"
    assert data["meta"]["usage"]["credits_used"] > 0


@pytest.mark.parametrize("mode", ["json_string", "json_base64", "json_data_uri"])
def test_tts_json_modes(fake_api: FakeApi, mode: str) -> None:
    fake_api.options.tts_mode = mode
    audio = post(fake_api, "/v1/tts", json={"model": "#g1_aura-asteria-en", "text": "Hi"}).json()[
        "audio"
    ]
    if mode == "json_string":
        data = requests.get(audio, timeout=5).content
    else:
        data = base64.b64decode(audio.removeprefix("data:audio/wav;base64,"))
    assert data[:4] == b"RIFF"


def test_tts_vibevoice_needs_script(fake_api: FakeApi) -> None:
    model = "microsoft/vibevoice-1.5b"
    refused = post(fake_api, "/v1/tts", json={"model": model, "text": "Hello"})
    answered = post(fake_api, "/v1/tts", json={"model": model, "script": "Speaker 1: Hello"})
    assert refused.status_code == 400
    assert answered.json()["sample_rate"] == 24000
    assert answered.json()["duration"] > 0


def test_openai_dialect_speech(fake_api: FakeApi) -> None:
    body = {"model": "tts-1", "input": "Hello there", "voice": "alloy"}
    response = post(fake_api, "/v1/audio/speech", json=body)
    assert response.content[:4] == b"RIFF"
    assert post(fake_api, "/v1/audio/speech", json={"model": "tts-1"}).status_code == 400


# --- models and billing -----------------------------------------------------------------------


def test_models_etag_and_not_modified(fake_api: FakeApi) -> None:
    first = requests.get(fake_api.url + "/v1/models", timeout=5)
    etag = first.headers["ETag"]
    again = requests.get(fake_api.url + "/models", headers={"If-None-Match": etag}, timeout=5)
    assert again.status_code == 304
    assert again.content == b""
    fake_api.options.models = first.json()["data"][:1]
    changed = requests.get(fake_api.url + "/v1/models", headers={"If-None-Match": etag}, timeout=5)
    assert changed.status_code == 200
    assert len(changed.json()["data"]) == 1


def test_default_catalog_covers_every_tab(fake_api: FakeApi) -> None:
    items = requests.get(fake_api.url + "/v1/models", timeout=5).json()["data"]
    by_type: dict[str, set[str]] = {}
    for item in items:
        assert {"id", "aliases", "type", "tags", "info"} <= item.keys()
        assert "modalities" not in item
        by_type.setdefault(item["type"], set()).add(item["id"])
    assert "gpt-4o" in next(i for i in items if i["id"] == "openai/gpt-4o")["aliases"]
    assert {"flux/schnell", "dall-e-3"} <= by_type["openai/image-generations"]
    assert "#g1_nova-2-general" in by_type["internal/speech-to-text/submit"]
    assert "#g1_aura-2-thalia-en" in by_type["internal/text-to-speech"]


@pytest.mark.parametrize(("shape", "key"), [("bare", None), ("models", "models")])
def test_models_older_shapes(fake_api: FakeApi, shape: str, key: str | None) -> None:
    fake_api.options.models_shape = shape
    body = requests.get(fake_api.url + "/v1/models", timeout=5).json()
    items = body if key is None else body[key]
    assert len(items) > 20


def test_models_filters_and_opt_in_sections(fake_api: FakeApi) -> None:
    query = {"type": "internal/text-to-speech", "include": "modalities,capabilities"}
    items = requests.get(fake_api.url + "/v1/models", params=query, timeout=5).json()["data"]
    assert items and all(i["modalities"]["output"] == ["audio"] for i in items)
    single = requests.get(fake_api.url + "/model/tts-1", timeout=5).json()
    assert single["data"]["id"] == "openai/tts-1"


def test_billing_and_required_key(fake_api: FakeApi) -> None:
    fake_api.options.balance = 3.25
    fake_api.options.require_key = "good"
    bad = requests.get(
        fake_api.url + "/v2/billing", headers={"Authorization": "Bearer bad"}, timeout=5
    )
    good = requests.get(
        fake_api.url + "/v2/billing", headers={"Authorization": "Bearer good"}, timeout=5
    )
    models = requests.get(fake_api.url + "/v1/models", timeout=5)
    assert bad.status_code == 401
    assert bad.json()["message"] == KEY_REQUIRED
    assert good.json() == {"current_balance": 3.25, "currency": "USD"}
    assert models.status_code == 200


def test_client_request_id_is_echoed(fake_api: FakeApi) -> None:
    response = requests.get(
        fake_api.url + "/v2/billing", headers={"X-Client-Request-Id": "run-1.a:b"}, timeout=5
    )
    assert response.headers["x-client-request-id"] == "run-1.a:b"


def test_stream_error_mid_reply_is_an_error_event(fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = "one two three four five"
    fake_api.options.stream_error_after = 2
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "stream": True}
    with requests.post(f"{fake_api.url}/v1/chat/completions", json=body, stream=True) as r:
        lines = [line for line in r.iter_lines() if line.startswith(b"data: {")]
    payloads = [json.loads(line[6:]) for line in lines]
    assert "error" in payloads[-1]
    contents = [p["choices"][0]["delta"].get("content", "") for p in payloads[:-1]]
    assert "".join(contents) == "one two "


def test_model_lookup_decodes_percent_encoded_ids(fake_api: FakeApi) -> None:
    r = requests.get(f"{fake_api.url}/model/%23g1_aura-asteria-en")
    assert r.status_code == 200
    assert r.json()["data"]["id"] == "#g1_aura-asteria-en"
