"""Fetching one web page as text, for the built-in "fetch a web page" tool.

Only http and https; the body is read up to a byte cap and the rest is left unread; connect and
read timeouts are always set. Addresses on this computer or a local network (loopback,
private, link-local, carrier-grade NAT …) are refused after the name is resolved, for the
first address and for every redirect, unless ``allow_local`` is set. Raises the API client's
own errors with a sentence each.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from app.api.errors import ApiConnectionError, ApiError, ApiTimeoutError, InvalidInputError

DEFAULT_MAX_BYTES = 2_000_000
DEFAULT_TIMEOUT = (10.0, 20.0)
USER_AGENT = "aiml-desktop (fetch-page tool)"
MAX_REDIRECTS = 5
LOCAL_REFUSED = (
    "{host} is on this computer or a local network ({address}), so the fetch tool does not "
    "read it. Settings → Tools can allow local addresses."
)
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


def _is_local(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def refuse_local(url: str) -> None:
    """Raises InvalidInputError when the host of ``url`` resolves to an address on this
    computer or a local network (any of its addresses).

    Raises:
        InvalidInputError: a local address (the sentence names it).
        ApiConnectionError: the name cannot be resolved.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise ApiConnectionError(f"{url} could not be reached (no address for {host}).") from None
    for _family, _kind, _proto, _name, sockaddr in found:
        address = str(sockaddr[0])
        if _is_local(address):
            raise InvalidInputError(LOCAL_REFUSED.format(host=host, address=address))


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
    allow_local: bool = False,
) -> FetchedPage:
    """Downloads ``url`` (at most ``max_bytes`` of it) and decodes it as text, following up
    to ``MAX_REDIRECTS`` redirects.

    Raises:
        InvalidInputError: not an http(s) address, or (without ``allow_local``) one on this
            computer or a local network, at first or after a redirect.
        ApiTimeoutError, ApiConnectionError: the site could not be reached in time.
        ApiError: the site answered with an error status or something that is not text.
    """
    url = _checked(url)
    http = session or requests.Session()
    try:
        with _follow(http, url, timeout, allow_local) as r:
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


def _follow(
    http: requests.Session, url: str, timeout: tuple[float, float], allow_local: bool
) -> requests.Response:
    """The response at the end of ``url``'s redirects, each address checked before it is
    asked."""
    for _hop in range(MAX_REDIRECTS + 1):
        if not allow_local:
            refuse_local(url)
        response = http.get(
            url,
            stream=True,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            allow_redirects=False,
        )
        location = response.headers.get("Location")
        if not response.is_redirect or not location:
            return response
        response.close()
        url = _checked(urljoin(url, location))
    raise ApiError(f"The page redirected more than {MAX_REDIRECTS} times, so it was not read.")
