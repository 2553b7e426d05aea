"""Image generation (``POST /v1/images/generations``, JSON) and editing (``POST
/v1/images/edits``, a multipart upload of the images and the mask); linked images are
downloaded at once."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from app.api.cancel import raise_if_cancelled, watching
from app.api.errors import ApiError, CancelledByUser, ResponseFormatError
from app.api.image_parsing import (
    ImageRef,
    decode_base64,
    decode_data_uri,
    image_description,
    image_refs,
    image_seed,
    sniff_image_mime,
)
from app.api.image_types import GeneratedImage, ImageResult
from app.api.multipart import form_value
from app.api.transport import Transport, decode_json
from app.api.values import parse_cost

log = logging.getLogger(__name__)

T = TypeVar("T")

IMAGES_PATH = "/v1/images/generations"
EDITS_PATH = "/v1/images/edits"
UploadPart = tuple[str, str, bytes, str]  # form field, file name, bytes, content type
DEFAULT_MAX_IMAGE_BYTES = 50 * 1024 * 1024


class NoImageError(ResponseFormatError):
    """The reply held no usable image; ``body`` is the decoded reply, for the reason why."""

    def __init__(self, message: str, *, body: Any = None) -> None:
        super().__init__(message)
        self.body = body


class ImagesApi:
    """Generates images and returns their bytes (links expire, so nothing is left as a URL)."""

    def __init__(
        self, transport: Transport, *, max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES
    ) -> None:
        self._transport = transport
        self.max_image_bytes = max_image_bytes

    def generate(
        self, body: dict[str, Any], *, cancel: threading.Event | None = None
    ) -> ImageResult:
        """Send ``body`` (``model``, ``prompt`` and family parameters) and fetch every image.

        ``cancel`` is checked before each request; when it is an
        :class:`app.api.cancel.CancelEvent`, setting it from another thread also closes the
        request in flight. Cancelled → ``CancelledByUser``.
        """
        with watching(cancel):
            response = self._post(IMAGES_PATH, cancel, json=body)
            return self._result(response, cancel)

    def edit(
        self,
        fields: dict[str, Any],
        files: list[UploadPart],
        *,
        cancel: threading.Event | None = None,
    ) -> ImageResult:
        """Send an edit as ``multipart/form-data``: ``fields`` (``model``, ``prompt`` and the
        family's parameters, as text) and ``files`` (``image`` or ``image[]`` parts, and
        ``mask``). The answer has the same shapes as a generation."""
        data = {key: form_value(value) for key, value in fields.items()}
        parts = [(field, (name, content, mime)) for field, name, content, mime in files]
        with watching(cancel):
            response = self._post(EDITS_PATH, cancel, data=data, files=parts)
            return self._result(response, cancel)

    def _result(self, response: requests.Response, cancel: threading.Event | None) -> ImageResult:
        """The reply read and every image in it fetched (inside the caller's ``watching``)."""
        data = decode_json(response)
        images = []
        for ref in _refs_of(data):
            raise_if_cancelled(cancel)
            images.append(_cancellable(cancel, functools.partial(self._materialise, ref, cancel)))
        raise_if_cancelled(cancel)
        return ImageResult(
            images=tuple(images),
            cost=parse_cost(data, response.headers),
            seed=image_seed(data),
            description=image_description(data),
            raw=data if isinstance(data, dict) else {"data": data},
        )

    def _post(self, path: str, cancel: threading.Event | None, **payload: Any) -> requests.Response:
        def attempt() -> requests.Response:
            raise_if_cancelled(cancel)
            return _cancellable(cancel, lambda: self._transport.send_once("POST", path, **payload))

        return self._transport.retry.call(attempt)

    def _materialise(self, ref: ImageRef, cancel: threading.Event | None) -> GeneratedImage:
        declared = ref.mime_type
        source_url = None
        if ref.b64 is not None:
            payload = ref.b64
            if payload.lstrip().startswith("data:"):
                content, declared = decode_data_uri(payload)
            else:
                content = decode_base64(payload)
        elif ref.url is not None and ref.url.startswith("data:"):
            content, declared = decode_data_uri(ref.url)
        else:
            source_url = ref.url
            content, header_type = self._transport.download(
                source_url or "", max_bytes=self.max_image_bytes, what="image", cancel=cancel
            )
            declared = declared or header_type
        if len(content) > self.max_image_bytes:
            raise ResponseFormatError(
                f"The image is larger than the {self.max_image_bytes // (1024 * 1024)} MB "
                "this app accepts."
            )
        if not content:
            raise ResponseFormatError("The server sent an empty image.")
        mime = sniff_image_mime(content) or _clean_mime(declared) or "application/octet-stream"
        return GeneratedImage(
            data=content,
            mime_type=mime,
            source_url=source_url,
            width=ref.width,
            height=ref.height,
            revised_prompt=ref.revised_prompt,
        )


def _refs_of(data: Any) -> list[ImageRef]:
    try:
        return image_refs(data)
    except ResponseFormatError as exc:
        raise NoImageError(exc.message, body=data) from exc


def _cancellable(cancel: threading.Event | None, step: Callable[[], T]) -> T:
    """Run ``step``; a failure caused by cancelling (a closed socket) is ``CancelledByUser``."""
    try:
        return step()
    except ApiError as exc:
        if cancel is not None and cancel.is_set() and not isinstance(exc, CancelledByUser):
            raise CancelledByUser() from exc
        raise


def _clean_mime(declared: str | None) -> str | None:
    if not declared:
        return None
    mime = declared.split(";", 1)[0].strip().lower()
    return mime if mime.startswith("image/") else None
