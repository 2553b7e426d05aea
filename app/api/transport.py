"""One ``requests`` session with base URL, auth, timeouts, proxy, retries and error mapping.

Every namespace of the client sends through :class:`Transport`. Non-2xx answers become the
``ApiStatusError`` subclass for their status; network failures become ``ApiConnectionError`` /
``ApiTimeoutError``; a 2xx body that is not the JSON we need becomes ``ResponseFormatError``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from app import APP_NAME, __version__
from app.api.cancel import cancellable_session
from app.api.errors import (
    AnswerCutError,
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    CancelledByUser,
    InvalidInputError,
    LinkExpiredError,
    ResponseFormatError,
    status_error,
)
from app.api.retry import RetryPolicy, parse_retry_after

log = logging.getLogger(__name__)

_VERSION_SUFFIX = re.compile(r"/v\d+$")
BAD_BASE_URL = (
    "The base URL must start with http:// or https:// and name a server, "
    "such as https://api.aimlapi.com."
)
_SENDABLE_KEY = re.compile(r"[\x21-\x7e]+")
UNSENDABLE_KEY = (
    "The API key contains characters that cannot be sent (a line break, a space or a letter "
    "outside plain ASCII). Paste the key again in Settings → API key."
)
DOWNLOAD_CHUNK = 64 * 1024
MAX_ANSWER_BYTES = 256 * 1024 * 1024
"""The largest answer body read into memory (above every per-kind cap: images, audio)."""
MAX_ERROR_BYTES = 1024 * 1024
EXPIRED_LINK_STATUSES = frozenset({403, 404, 410})


def api_root(base_url: str) -> str:
    """``https://api.aimlapi.com/v1/`` → ``https://api.aimlapi.com`` (trailing ``/vN`` stripped)."""
    root = base_url.strip().rstrip("/")
    return _VERSION_SUFFIX.sub("", root)


def check_base_url(base_url: str) -> str:
    """The root of ``base_url``; ``InvalidInputError`` unless it is http(s) with a server name."""
    root = api_root(base_url)
    parts = urlsplit(root)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(BAD_BASE_URL)
    return root


def quote_path_segment(value: str) -> str:
    """Percent-encode an id for use inside a URL path (``#`` → ``%23``; ``/`` kept)."""
    return quote(value, safe="/:@!$&'()*+,;=-._~")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to connect, and the longest silence allowed between bytes of an answer."""

    connect: float = 10.0
    read: float = 300.0


def _map_network_error(exc: requests.RequestException) -> ApiError:
    if isinstance(exc, requests.ConnectTimeout):
        return ApiConnectionError(f"Connecting timed out: {exc}")
    if isinstance(exc, requests.Timeout):
        return ApiTimeoutError(f"The server stopped answering: {exc}")
    if isinstance(exc, requests.ConnectionError):
        return ApiConnectionError(f"Connection failed: {exc}")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return ApiConnectionError(f"The connection dropped: {exc}")
    return ApiConnectionError(str(exc))


def _size_text(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes // (1024 * 1024)} MB"
    return f"{max(n_bytes // 1024, 1)} KB"


def _capped_chunks(response: requests.Response, max_bytes: int) -> Iterator[bytes]:
    """The body in pieces; ``ResponseFormatError`` as soon as it is longer than ``max_bytes``."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large("reply", max_bytes)
    total = 0
    for chunk in response.iter_content(DOWNLOAD_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise _too_large("reply", max_bytes)
        yield chunk


def read_answer(response: requests.Response) -> None:
    """Read a successful answer's body now, within MAX_ANSWER_BYTES, so ``response.content``
    is ready. A break once the answer has begun is ``AnswerCutError`` (or ``ApiTimeoutError``
    when the server went silent): the server has done the work, so it is not retried."""
    try:
        data = b"".join(_capped_chunks(response, MAX_ANSWER_BYTES))
    except requests.RequestException as exc:
        response.close()
        if _is_read_timeout(exc):
            raise ApiTimeoutError(f"The server stopped sending the reply: {exc}") from exc
        raise AnswerCutError(f"The answer was cut off: {exc}") from exc
    except ResponseFormatError:
        response.close()
        raise
    response._content = data  # what ``response.content`` returns from now on
    response._content_consumed = True  # type: ignore[attr-defined]  # not in the stubs


def _is_read_timeout(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, requests.Timeout | TimeoutError) or "timed out" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def error_from_response(response: requests.Response) -> ApiError:
    """Read a non-2xx response (up to MAX_ERROR_BYTES) and build its error."""
    raw_text = ""
    try:
        raw = b"".join(_capped_chunks(response, MAX_ERROR_BYTES))
        raw_text = raw.decode(response.encoding or "utf-8", errors="replace")
    except (requests.RequestException, ResponseFormatError, OSError):
        raw_text = ""
    try:
        body: Any = json.loads(raw_text) if raw_text.strip() else None
    except ValueError:
        body = None
    return status_error(
        response.status_code,
        body,
        raw_text,
        retry_after=parse_retry_after(response.headers),
    )


def decode_json(response: requests.Response) -> Any:
    """The JSON body of a 2xx response, or ``ResponseFormatError``."""
    try:
        content = response.content
    except requests.RequestException as exc:
        raise _map_network_error(exc) from exc
    if not content.strip():
        raise ResponseFormatError("The server sent an empty reply.")
    try:
        return json.loads(content)
    except ValueError as exc:
        kind = response.headers.get("content-type", "unknown type")
        raise ResponseFormatError(f"The reply was not valid JSON ({kind}).") from exc


class Transport:
    """Sends requests to the API root; knows nothing about what the bodies mean."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        timeouts: Timeouts,
        proxy: str | None,
        retry: RetryPolicy,
        session: requests.Session | None = None,
    ) -> None:
        self.root = api_root(base_url)
        self._api_key = api_key.strip() if api_key else None
        self.timeouts = timeouts
        self.retry = retry
        self.session = session or cancellable_session()
        self.session.headers["User-Agent"] = f"aiml-desktop/{__version__}"
        if proxy:
            self.session.proxies.update({"http": proxy, "https": proxy})

    def url(self, path: str) -> str:
        return check_base_url(self.root) + (path if path.startswith("/") else "/" + path)

    def api_headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"X-Title": APP_NAME, "Accept": "application/json"}
        if self._api_key:
            if not _SENDABLE_KEY.fullmatch(self._api_key):
                raise InvalidInputError(UNSENDABLE_KEY)
            headers["Authorization"] = f"Bearer {self._api_key}"
        headers.update(extra or {})
        return headers

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.timeouts.connect, self.timeouts.read)

    def send_once(
        self,
        method: str,
        path: str,
        *,
        ok: Callable[[int], bool] | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        **kwargs: Any,
    ) -> requests.Response:
        """One attempt; raises the mapped error for a network failure or an unwanted status.

        Unless ``stream`` is set, the body is read here (see ``read_answer``)."""
        try:
            response = self.session.request(
                method,
                self.url(path),
                headers=self.api_headers(headers),
                timeout=self.timeout,
                stream=True,
                **kwargs,
            )
        except requests.RequestException as exc:
            raise _map_network_error(exc) from exc
        accepted = ok(response.status_code) if ok else 200 <= response.status_code < 300
        if not accepted:
            error = error_from_response(response)
            response.close()
            raise error
        if not stream:
            read_answer(response)
        return response

    def send(
        self,
        method: str,
        path: str,
        *,
        retry: bool = True,
        per_attempt: Callable[[], dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """``send_once`` under the retry policy.

        ``per_attempt`` returns keyword arguments made fresh for each attempt (a streamed upload
        body cannot be sent twice); its ``headers`` are merged over the fixed ones.
        """

        def attempt() -> requests.Response:
            arguments = dict(kwargs)
            if per_attempt is not None:
                fresh = per_attempt()
                headers = {**(kwargs.get("headers") or {}), **(fresh.pop("headers", None) or {})}
                arguments.update(fresh, headers=headers)
            return self.send_once(method, path, **arguments)

        return self.retry.call(attempt) if retry else attempt()

    def send_json(self, method: str, path: str, **kwargs: Any) -> tuple[Any, requests.Response]:
        response = self.send(method, path, **kwargs)
        return decode_json(response), response

    def download(
        self,
        url: str,
        *,
        max_bytes: int,
        what: str = "file",
        cancel: threading.Event | None = None,
    ) -> tuple[bytes, str | None]:
        """Fetch a generated file (no API key sent) with a size cap; returns bytes and type."""

        def attempt() -> tuple[bytes, str | None]:
            return self._download_once(url, max_bytes=max_bytes, what=what, cancel=cancel)

        return self.retry.call(attempt)

    def _download_once(
        self, url: str, *, max_bytes: int, what: str, cancel: threading.Event | None
    ) -> tuple[bytes, str | None]:
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True)
        except requests.RequestException as exc:
            raise _map_network_error(exc) from exc
        with response:
            if response.status_code in EXPIRED_LINK_STATUSES:
                raise LinkExpiredError(
                    f"the {what} link expired or was removed (HTTP {response.status_code})",
                    status=response.status_code,
                )
            if not 200 <= response.status_code < 300:
                raise error_from_response(response)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(what, max_bytes)
            data = self._read_capped(response, max_bytes, what, cancel)
            return data, response.headers.get("content-type")

    @staticmethod
    def _read_capped(
        response: requests.Response, max_bytes: int, what: str, cancel: threading.Event | None
    ) -> bytes:
        parts: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_content(DOWNLOAD_CHUNK):
                if cancel is not None and cancel.is_set():
                    raise CancelledByUser()
                total += len(chunk)
                if total > max_bytes:
                    raise _too_large(what, max_bytes)
                parts.append(chunk)
        except requests.RequestException as exc:
            raise _map_network_error(exc) from exc
        return b"".join(parts)

    def close(self) -> None:
        self.session.close()


def _too_large(what: str, max_bytes: int) -> ResponseFormatError:
    return ResponseFormatError(
        f"The {what} is larger than the {_size_text(max_bytes)} this app accepts."
    )
