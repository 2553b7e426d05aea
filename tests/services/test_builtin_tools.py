"""The built-in tools: a web page as text from a local server, the date and time."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.api import web_page
from app.services.builtin_tools import CURRENT_TIME, FETCH_PAGE, html_to_text
from app.services.mcp_servers import McpHost
from app.services.mcp_toolbox import McpToolBox
from app.services.runner import Runner
from app.services.tool_types import ToolCall, ToolOutcome
from app.storage.tool_config import ToolConfig

PAGE = b"""<!doctype html><html><head><title>Tide  tables</title>
<style>body { color: red }</style><script>alert('no')</script></head>
<body><h1>High water</h1><p>At 06:12 and   18:40.</p><ul><li>Brest</li><li>Roscoff</li></ul>
</body></html>"""


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/tides":
            body, kind = PAGE, "text/html; charset=utf-8"
        elif self.path == "/huge":
            body, kind = b"a" * 3_000_000, "text/plain"
        elif self.path == "/picture":
            body, kind = b"\x89PNG....", "image/png"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def run_tool(
    name: str,
    builtins: dict[str, bool] | None = None,
    *,
    fetch_local: bool = True,
    **arguments: object,
) -> ToolOutcome:
    """Runs one built-in tool; the fetch tool may read the local test site unless
    ``fetch_local`` is False (as it is by default in the app)."""
    host, runner = McpHost(), Runner(max_workers=1)
    config = ToolConfig(
        builtins=builtins if builtins is not None else {name: True}, fetch_local=fetch_local
    )
    box = McpToolBox(host, config, runner=runner)

    async def go() -> ToolOutcome:
        await box.list_tools()
        return await box.call(ToolCall("c1", name, "{}", dict(arguments)))

    try:
        return asyncio.run(go())
    finally:
        runner.shutdown()
        host.close()


def test_built_in_tools_are_off_by_default() -> None:
    host, runner = McpHost(), Runner(max_workers=1)
    assert asyncio.run(McpToolBox(host, ToolConfig(), runner=runner).list_tools()) == []
    runner.shutdown()


def test_a_page_comes_back_as_its_text(site: str) -> None:
    outcome = run_tool(FETCH_PAGE, url=f"{site}/tides")
    assert not outcome.is_error
    assert outcome.content == (
        f"{site}/tides\n\n# Tide tables\n\n"
        "High water\n\nAt 06:12 and 18:40.\n\n• Brest\n\n• Roscoff"
    )


def test_only_the_beginning_of_a_huge_page_is_read(site: str) -> None:
    outcome = run_tool(FETCH_PAGE, url=f"{site}/huge")
    content = outcome.content
    assert "[result truncated" in content


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        (
            "file:///etc/passwd",
            "Only http:// and https:// addresses can be fetched, not “file:///etc/passwd”.",
        ),
        ("/picture", "The page is not text (it is “image/png”)."),
        ("/missing", "The page answered with HTTP status 404."),
    ],
)
def test_pages_that_cannot_be_read_are_one_sentence(site: str, url: str, sentence: str) -> None:
    outcome = run_tool(FETCH_PAGE, url=site + url if url.startswith("/") else url)
    assert outcome.is_error
    assert outcome.content == sentence


def test_the_date_and_time_in_a_named_zone() -> None:
    outcome = run_tool(CURRENT_TIME, timezone="Asia/Tokyo")
    stamp = outcome.content.split(" ")[0]
    parsed = dt.datetime.fromisoformat(stamp)
    assert parsed.utcoffset() == dt.timedelta(hours=9)
    assert abs((parsed - dt.datetime.now(dt.UTC)).total_seconds()) < 60
    wrong = run_tool(CURRENT_TIME, timezone="Mars/Olympus")
    assert wrong.content == "“Mars/Olympus” is not a time zone name such as Europe/Paris."


def test_html_without_a_title() -> None:
    assert html_to_text("<p>one</p><p>two &amp; three</p>") == "one\n\ntwo & three"


class _Redirects(BaseHTTPRequestHandler):
    """A public-looking page that sends the client on to ``target``."""

    target = ""

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:{port}/tides", "127.0.0.1"),
        ("http://localhost:{port}/tides", None),
        ("http://[::1]:{port}/tides", "::1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://10.1.2.3/", "10.1.2.3"),
        ("http://192.168.1.1/", "192.168.1.1"),
        ("http://100.64.0.1/", "100.64.0.1"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1"),
    ],
)
def test_local_and_private_addresses_are_refused(site: str, url: str, address: str | None) -> None:
    port = site.rsplit(":", 1)[1]
    outcome = run_tool(FETCH_PAGE, fetch_local=False, url=url.format(port=port))
    assert outcome.is_error
    host = url.split("//")[1].split("/")[0].rsplit(":", 1)[0] if "[" not in url else None
    assert "is on this computer or a local network (" in outcome.content
    assert outcome.content.endswith(
        "so the fetch tool does not read it. Settings → Tools can allow local addresses."
    )
    if address is not None:
        assert f"({address})" in outcome.content
    if host is not None:
        assert outcome.content.startswith(f"{host} is on this computer")


def test_a_redirect_to_a_local_address_is_refused(site: str) -> None:
    """The first address is checked as it resolves, and so is every address redirected to."""
    _Redirects.target = f"{site}/tides"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirects)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        start = f"http://127.0.0.1:{server.server_port}/go"
        followed = run_tool(FETCH_PAGE, url=start)  # allowed: the redirect is followed
        assert not followed.is_error
        assert followed.content.startswith(f"{site}/tides\n\n# Tide tables")
        hops: list[str] = []
        original = web_page.refuse_local

        def checked(url: str) -> None:
            hops.append(url)
            if len(hops) > 1:  # the first hop stands for a public site
                original(url)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(web_page, "refuse_local", checked)
            refused = run_tool(FETCH_PAGE, fetch_local=False, url=start)
        assert hops == [start, f"{site}/tides"]
        assert refused.is_error
        assert refused.content.startswith("127.0.0.1 is on this computer or a local network")
    finally:
        server.shutdown()
        server.server_close()


def test_a_name_that_does_not_resolve_is_one_sentence() -> None:
    outcome = run_tool(FETCH_PAGE, fetch_local=False, url="http://no-such-host.invalid/page")
    assert outcome.is_error
    assert outcome.content == (
        "http://no-such-host.invalid/page could not be reached (no address for "
        "no-such-host.invalid)."
    )


def test_public_addresses_pass_the_check() -> None:
    web_page.refuse_local("http://93.184.215.14/")  # an address on the internet: no error
    web_page.refuse_local("http://[2606:4700::1111]/")
