"""Which tabs a server can serve: each tab's route tried with an empty request.

Used by Settings → Provider → Test connection and by ``aiml-desktop doctor --routes``; the
window remembers the last report per server, so a tab the server cannot serve says so before
the person tries it.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.api.client import ApiClient, ClientConfig
    from app.services.service_context import ServiceContext

TAB_NAMES = {"chat": "Chat", "image": "Images", "stt": "Speech to text", "tts": "Text to speech"}
OTHER_DIALECT = {"aimlapi": "openai", "openai": "aimlapi"}
DIALECT_NAMES = {"aimlapi": "AI/ML API routes", "openai": "OpenAI routes"}
MISSING = frozenset({404, 405, 501})
KEY_REFUSED = frozenset({401, 403})

YES, NO, KEY, UNKNOWN = "yes", "no", "key", "unknown"


def state_for(status: int) -> str:
    """What a status to an empty request says about the route."""
    if status in MISSING:
        return NO
    if status in KEY_REFUSED:
        return KEY
    if status >= 500:
        return UNKNOWN
    return YES  # 2xx, or the empty body refused (400, 413, 415, 422), or 429: the route is there


@dataclass(frozen=True)
class TabSupport:
    """One tab on one server: ``state`` is yes, no, key (refused) or unknown."""

    tab: str
    path: str
    status: int
    state: str
    other_dialect: str | None = None  # set when the other routes would serve this tab

    @property
    def name(self) -> str:
        return TAB_NAMES.get(self.tab, self.tab)

    @property
    def sentence(self) -> str:
        route = f"POST {self.path} answered {self.status}"
        if self.state == YES:
            return f"{self.name}: available ({route})."
        if self.state == KEY:
            return f"{self.name}: not checked, the server refused the API key ({route})."
        if self.state == UNKNOWN:
            return f"{self.name}: not checked, the server had a problem ({route})."
        if self.other_dialect:
            return (
                f"{self.name}: not with these routes ({route}); this server has the "
                f"{DIALECT_NAMES[self.other_dialect]}: pick them in Settings → Connection → "
                f"Routes, or add --dialect {self.other_dialect} on the command line."
            )
        return f"{self.name}: not available on this server ({route})."


@dataclass(frozen=True)
class RouteReport:
    base_url: str
    dialect: str
    tabs: tuple[TabSupport, ...]

    def tab(self, tab: str) -> TabSupport | None:
        return next((t for t in self.tabs if t.tab == tab), None)

    def names(self, state: str) -> list[str]:
        return [t.name for t in self.tabs if t.state == state]

    @property
    def summary(self) -> str:
        """One sentence: which tabs this server supports and which it does not."""
        yes, no = self.names(YES), self.names(NO)
        if not no and len(yes) == len(self.tabs):
            return "This server supports every tab."
        if not yes:
            unchecked = self.names(KEY) or self.names(UNKNOWN)
            if unchecked and not no:
                return "The tabs could not be checked: " + self.tabs[0].sentence.split(": ", 1)[1]
            return "This server supports none of the tabs."
        text = f"This server supports {_join(yes)}"
        return text + (f"; not {_join(no)}." if no else ".")


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def probe_tabs(client: ApiClient) -> RouteReport:
    """Try each tab's route on ``client``'s server (blocking; run on a worker)."""
    from app.api.routes import tab_routes  # the HTTP layer loads with the first check

    dialect = client.config.dialect
    tabs = []
    for tab, path in tab_routes(dialect).items():
        status = client.routes.probe(path)
        state = state_for(status)
        other = None
        if state == NO and tab in ("stt", "tts"):
            other_dialect = OTHER_DIALECT.get(dialect, "aimlapi")
            alternative = tab_routes(other_dialect)[tab]
            if state_for(client.routes.probe(alternative)) == YES:
                other = other_dialect
        tabs.append(TabSupport(tab, path, status, state, other))
    return RouteReport(client.config.base_url, dialect, tuple(tabs))


class RouteService:
    """Checks servers and remembers the last report per server and routes for this run."""

    def __init__(self, services: ServiceContext) -> None:
        self._services = services
        self._reports: dict[tuple[str, str], RouteReport] = {}
        self._lock = threading.Lock()

    def _config(
        self, key: str | None, base_url: str | None, dialect: str | None, proxy: str | None
    ) -> ClientConfig:
        config = self._services.client_config(key)
        return dataclasses.replace(
            config,
            max_retries=0,
            base_url=base_url or config.base_url,
            dialect=dialect or config.dialect,
            proxy=config.proxy if proxy is None else proxy.strip() or None,
        )

    async def check(
        self,
        *,
        base_url: str | None = None,
        dialect: str | None = None,
        proxy: str | None = None,
        api_key: str | None = None,
    ) -> RouteReport:
        """Probe the given server (default: the current one) and remember the report.

        Raises:
            ApiConnectionError: the server could not be reached.
        """

        def run() -> RouteReport:
            from app.api.client import ApiClient

            key = api_key if api_key else self._services.keystore.get()
            with ApiClient(self._config(key, base_url, dialect, proxy)) as client:
                return probe_tabs(client)

        report = await self._services.runner.run(run)
        with self._lock:
            self._reports[(report.base_url, report.dialect)] = report
        return report

    def known(self) -> RouteReport | None:
        """The last report for the server and routes in use now, if it was checked (asked on
        every change of tab: nothing is loaded while no server was checked)."""
        with self._lock:
            if not self._reports:
                return None
        config = self._services.client_config(None)
        with self._lock:
            return self._reports.get((config.base_url, config.dialect))

    def missing(self, tab: str) -> TabSupport | None:
        """The tab's entry when the current server is known not to serve it."""
        report = self.known()
        found = report.tab(tab) if report is not None else None
        return found if found is not None and found.state == NO else None
