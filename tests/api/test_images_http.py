from __future__ import annotations

import pytest

from app.api.client import ApiClient
from app.api.errors import LinkExpiredError, NotFoundError, ResponseFormatError, describe
from tests.api.conftest import KEY
from tests.fake_api import FakeApi, Fault, Reply

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@pytest.mark.parametrize(
    ("shape", "downloads"),
    [("data_url", 2), ("data_b64", 0), ("images", 2), ("both", 2), ("legacy", 0), ("data_uri", 0)],
)
def test_every_shape_gives_image_bytes(
    client: ApiClient, fake_api: FakeApi, shape: str, downloads: int
) -> None:
    fake_api.options.image_shape = shape
    result = client.images.generate(
        {"model": "flux/schnell", "prompt": "a red square", "num_images": 2, "n": 2}
    )
    assert len(result.images) == 2
    for image in result.images:
        assert image.data.startswith((PNG_MAGIC, JPEG_MAGIC))
        expected = "image/png" if image.data.startswith(PNG_MAGIC) else "image/jpeg"
        assert image.mime_type == expected
        assert (image.source_url is not None) == (downloads > 0)
    assert result.images[0].data != result.images[1].data or shape == "legacy"
    fetched = fake_api.requests_to("/files/")
    assert len(fetched) == downloads
    assert all(r.bearer is None for r in fetched)  # the key never goes to a download host
    (sent,) = fake_api.requests_to("/v1/images/generations")
    assert sent.bearer == KEY


def test_cost_is_read(client: ApiClient, fake_api: FakeApi) -> None:
    result = client.images.generate({"model": "dall-e-3", "prompt": "a cat"})
    assert result.cost.known


def test_cost_from_headers_when_body_has_none(client: ApiClient, fake_api: FakeApi) -> None:
    body = {"data": [{"url": "data:image/png;base64,iVBORw0KGgoAAAAA"}]}
    headers = {"x-aimlapi-credits-used": "2000", "x-aimlapi-usd-spent": "0.001"}
    fake_api.script("/v1/images/generations", Reply(json=body, headers=headers))
    result = client.images.generate({"model": "dall-e-3", "prompt": "a cat"})
    assert (result.cost.credits, result.cost.usd) == (2000, 0.001)
    assert result.images[0].mime_type == "image/png"


def test_expired_link_gives_a_clear_sentence(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.image_shape = "data_url"
    fake_api.options.image_expired = True
    with pytest.raises(LinkExpiredError) as caught:
        client.images.generate({"model": "dall-e-3", "prompt": "a cat"})
    assert isinstance(caught.value, NotFoundError)
    assert "expired" in describe(caught.value)
    assert "model or endpoint" not in describe(caught.value)


def test_oversized_download_is_refused(client: ApiClient, fake_api: FakeApi) -> None:
    client.images.max_image_bytes = 100_000
    fake_api.options.image_shape = "data_url"
    fake_api.script("/files/", Fault.oversized(300_000))
    with pytest.raises(ResponseFormatError, match="larger than"):
        client.images.generate({"model": "dall-e-3", "prompt": "a cat"})


def test_oversized_base64_is_refused(client: ApiClient, fake_api: FakeApi) -> None:
    client.images.max_image_bytes = 100_000
    fake_api.script("/v1/images/generations", Fault.oversized(400_000))
    with pytest.raises(ResponseFormatError, match="larger than"):
        client.images.generate({"model": "dall-e-3", "prompt": "a cat"})


def test_reply_without_images(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v1/images/generations", Reply(json={"data": []}))
    with pytest.raises(ResponseFormatError):
        client.images.generate({"model": "dall-e-3", "prompt": "a cat"})
