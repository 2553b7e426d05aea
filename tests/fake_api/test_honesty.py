"""Real clients work against the stand-in: the official ``openai`` SDK and the docs' examples."""

from __future__ import annotations

import openai
import requests

from tests.fake_api import FakeApi


def sdk_client(api: FakeApi) -> openai.OpenAI:
    return openai.OpenAI(api_key="test-key", base_url=api.url + "/v1", max_retries=0)


def test_openai_sdk_non_streaming_chat(fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = "Paris is the capital of France."
    with sdk_client(fake_api) as client:
        completion = client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": "What is the capital of France?"}],
        )
    assert completion.choices[0].message.content == "Paris is the capital of France."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 6  # one token per word
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    assert fake_api.requests[-1].bearer == "test-key"


def test_openai_sdk_streaming_chat(fake_api: FakeApi) -> None:
    with sdk_client(fake_api) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o-mini",
            messages=[{"role": "user", "content": "stream these five words"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Echo: stream these five words"
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) == 5
    finish = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finish[-1] == "stop"
    usage = [c.usage for c in chunks if c.usage is not None]
    assert len(usage) == 1
    assert usage[0].completion_tokens == 5


def test_docs_chat_example_with_system_message(fake_api: FakeApi) -> None:
    body = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You are a travel agent. Be descriptive and helpful."},
            {"role": "user", "content": "Tell me about San Francisco"},
        ],
        "temperature": 0.7,
        "max_tokens": 512,
    }
    response = requests.post(
        fake_api.url + "/v1/chat/completions",
        json=body,
        headers={"Authorization": "Bearer test-key"},
        timeout=5,
    )
    assert response.status_code in (200, 201)
    data = response.json()
    assert data["choices"][0]["message"]["content"] == "Echo: Tell me about San Francisco"
    assert data["meta"]["usage"]["credits_used"] == int(response.headers["x-aimlapi-credits-used"])
    assert response.headers["x-inference-id"]
    assert fake_api.requests[-1].json == body


def test_docs_image_example_returns_downloadable_picture(fake_api: FakeApi) -> None:
    body = {
        "model": "flux/schnell",
        "prompt": "A T-Rex relaxing on a beach",
        "image_size": {"width": 1024, "height": 768},
        "num_images": 1,
        "seed": 42,
    }
    response = requests.post(fake_api.url + "/v1/images/generations", json=body, timeout=5)
    assert response.status_code in (200, 201)
    (image,) = response.json()["images"]
    picture = requests.get(image["url"], timeout=5)
    assert picture.headers["Content-Type"] == image["content_type"] == "image/jpeg"
    assert picture.content.startswith(b"\xff\xd8") and picture.content.endswith(b"\xff\xd9")
    assert image["width"] / image["height"] == 1024 / 768


def test_docs_stt_example_with_url_completes_after_polling(fake_api: FakeApi) -> None:
    body = {
        "model": "#g1_whisper-large",
        "url": "https://audio-samples.github.io/samples/mp3/blizzard_primed/sample-0.mp3",
        "language": "en",
        "punctuate": True,
        "smart_format": True,
        "diarize": False,
    }
    created = requests.post(fake_api.url + "/v1/stt/create", json=body, timeout=5).json()
    generation_id = created["generation_id"]
    statuses = [created["status"]]
    for _ in range(10):
        polled = requests.get(f"{fake_api.url}/v1/stt/{generation_id}", timeout=5).json()
        statuses.append(polled["status"])
        if polled["status"] not in ("waiting", "active", "queued", "generating"):
            break
    assert statuses[-1] == "completed"
    assert len(statuses) > 2
    transcript = polled["result"]["results"]["channels"][0]["alternatives"][0]["transcript"]
    assert transcript == fake_api.options.stt_text


def test_docs_tts_example_returns_audio_bytes(fake_api: FakeApi) -> None:
    body = {"model": "#g1_aura-2-helena-en", "text": "Cities of the future...", "encoding": "mp3"}
    response = requests.post(fake_api.url + "/v1/tts", json=body, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("audio/")
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"
    assert len(response.content) > 10_000


def test_openai_sdk_image_edit_with_mask_and_a_refused_mask(fake_api: FakeApi) -> None:
    from tests.fake_api.media import png_bytes
    from tests.fake_api.routes.images import picture_size

    image = ("room.png", png_bytes(48, 32, 1), "image/png")
    mask = ("mask.png", png_bytes(48, 32, 2), "image/png")
    with sdk_client(fake_api) as client:
        result = client.images.edit(
            model="openai/gpt-image-1", image=image, mask=mask, prompt="add a window"
        )
        assert result.data[0].url.startswith(fake_api.url + "/files/")
        several = client.images.edit(
            model="openai/gpt-image-1", image=[image, image], prompt="both rooms"
        )
        assert len(several.data) == 1
        try:
            client.images.edit(model="openai/gpt-image-1-mini", image=image, mask=mask, prompt="x")
        except openai.BadRequestError as exc:
            assert "mask" in str(exc)
        else:
            raise AssertionError("the mask should have been refused")
        fake_api.options.upload_limit_bytes = 100
        try:
            client.images.edit(model="openai/gpt-image-1", image=image, prompt="x")
        except openai.APIStatusError as exc:
            assert exc.status_code == 413
        else:
            raise AssertionError("the upload should have been too large")
    (first, second, *_rest) = fake_api.requests_to("/v1/images/edits")
    assert [name for name, _f in first.file_parts] == ["image", "mask"]
    assert [name for name, _f in second.file_parts] == ["image[]", "image[]"]
    assert picture_size(first.files["image"][1]) == (48, 32)


def test_openai_sdk_embeddings(fake_api: FakeApi) -> None:
    with sdk_client(fake_api) as client:
        result = client.embeddings.create(
            model="text-embedding-3-small", input=["apple harvest", "cherry trees"]
        )

    assert [item.index for item in result.data] == [0, 1]
    assert all(len(item.embedding) == 64 for item in result.data)
    assert result.model == "text-embedding-3-small" and result.usage.total_tokens == 4
    assert fake_api.requests[-1].json["input"] == ["apple harvest", "cherry trees"]
