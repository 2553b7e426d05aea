"""Tools that work without any MCP server: fetch a web page as text, the current date and time.

Both are off until the person switches them on in Settings → Tools.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.api.errors import ApiError
from app.services.runner import Runner
from app.services.tool_types import ToolSpec
from app.storage.tool_config import ToolConfig

BUILTIN_SOURCE = "builtin"
FETCH_PAGE = "fetch_web_page"
CURRENT_TIME = "current_date_time"


class BuiltinToolError(Exception):
    """The tool could not do its work; ``str()`` is the sentence sent back to the model."""


@dataclass(frozen=True)
class BuiltinTool:
    spec: ToolSpec
    label: str
    run: Callable[[dict[str, Any], Runner, ToolConfig], Awaitable[str]]


def html_to_text(html: str) -> str:
    """The readable text of an HTML page: no scripts or styles, one paragraph a line."""
    from app.services.html_text import page_text  # html.parser: loaded for a first page

    page = page_text(html)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in page.body.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return f"# {page.title}\n\n{text}" if page.title else text


async def _fetch_web_page(arguments: dict[str, Any], runner: Runner, config: ToolConfig) -> str:
    url = arguments.get("url")
    if not isinstance(url, str) or not url.strip():
        raise BuiltinToolError("The tool needs a “url” argument with the page's address.")
    from app.api.web_page import fetch_page  # requests, only when a page is fetched

    try:
        page = await runner.run(fetch_page, url, allow_local=config.fetch_local)
    except ApiError as exc:
        raise BuiltinToolError(exc.message) from None
    text = (
        html_to_text(page.text)
        if "html" in page.content_type or not page.content_type
        else page.text
    )
    if page.cut:
        text += "\n\n[the page was longer; only its beginning was read]"
    return f"{page.url}\n\n{text}"


async def _current_date_time(arguments: dict[str, Any], runner: Runner, config: ToolConfig) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # loaded on use, not at start-up

    zone_name = arguments.get("timezone")
    now = dt.datetime.now().astimezone()
    if isinstance(zone_name, str) and zone_name.strip():
        try:
            now = now.astimezone(ZoneInfo(zone_name.strip()))
        except (ZoneInfoNotFoundError, ValueError):
            raise BuiltinToolError(
                f"“{zone_name}” is not a time zone name such as Europe/Paris."
            ) from None
    return (
        f"{now.isoformat(timespec='seconds')} "
        f"({now:%A %d %B %Y, %H:%M:%S}, time zone {now.tzname() or 'local'})"
    )


BUILTIN_TOOLS: tuple[BuiltinTool, ...] = (
    BuiltinTool(
        ToolSpec(
            name=FETCH_PAGE,
            description=(
                "Fetches a web page (http or https) and returns its text, HTML reduced to "
                "plain text. Only the first 2 MB are read."
            ),
            parameters={
                "type": "object",
                "properties": {"url": {"type": "string", "description": "The page's address."}},
                "required": ["url"],
            },
            source=BUILTIN_SOURCE,
            title="Fetch a web page as text",
        ),
        "Fetch a web page as text",
        _fetch_web_page,
    ),
    BuiltinTool(
        ToolSpec(
            name=CURRENT_TIME,
            description=(
                "Returns the current date and time, in the computer's time zone or a named one."
            ),
            parameters={
                "type": "object",
                "properties": {
                    "timezone": {
                        "type": "string",
                        "description": "An IANA time zone such as Europe/Paris; optional.",
                    }
                },
            },
            source=BUILTIN_SOURCE,
            title="Current date and time",
        ),
        "Current date and time",
        _current_date_time,
    ),
)


def builtin_tool(name: str) -> BuiltinTool | None:
    return next((tool for tool in BUILTIN_TOOLS if tool.spec.name == name), None)
