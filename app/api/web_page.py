"""Fetching one web page as text, for the built-in "fetch a web page" tool.

Only http and https; the body is read up to a byte cap and the rest is left unread; connect and
read timeouts are always set. Raises the API client's own errors with a sentence each.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from app.api.errors import ApiConnectionError, ApiError, ApiTimeoutError, InvalidInputError

DEFAULT_MAX_BYTES = 2_000_000
DEFAULT_TIMEOUT = (10.0, 20.0)
USER_AGENT = "aiml-desktop (fetch-page tool)"
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/xhtml+xml")


@dataclass(frozen=True)
class FetchedPage:
    url: str
    content_type: str
    text: str
    cut: bool


def _checked(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInputError(f"Only http:// and https:// addresses can be fetched, not “{url}”.")
    return url


def _decode(body: bytes, charset: str | None) -> str:
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def fetch_page(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    session: requests.Session | None = None,
) -> FetchedPage:
    """Downloads ``url`` (at most ``max_bytes`` of it) and decodes it as text.

    Raises:
        InvalidInputError: not an http(s) address.
        ApiTimeoutError, ApiConnectionError: the site could not be reached in time.
        ApiError: the site answered with an error status or something that is not text.
    """
    url = _checked(url)
    http = session or requests.Session()
    try:
        with http.get(url, stream=True, timeout=timeout, headers={"User-Agent": USER_AGENT}) as r:
            if r.status_code >= 400:
                raise ApiError(f"The page answered with HTTP status {r.status_code}.")
            content_type = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type and not content_type.startswith(_TEXT_TYPES):
                raise ApiError(f"The page is not text (it is “{content_type}”).")
            body = bytearray()
            for chunk in r.iter_content(chunk_size=65_536):
                body.extend(chunk)
                if len(body) >= max_bytes:
                    break
            cut = len(body) >= max_bytes
            charset = requests.utils.get_encoding_from_headers(r.headers)
            if charset == "ISO-8859-1" and "charset" not in r.headers.get("Content-Type", ""):
                charset = None  # requests' guess for text/* without a charset
            return FetchedPage(r.url, content_type, _decode(bytes(body[:max_bytes]), charset), cut)
    except requests.Timeout:
        raise ApiTimeoutError(f"{url} did not answer in time.") from None
    except requests.ConnectionError:
        raise ApiConnectionError(f"{url} could not be reached.") from None
    except requests.RequestException as exc:
        raise ApiConnectionError(f"{url} could not be fetched ({exc}).") from None
    finally:
        if session is None:
            http.close()
