"""A small real ToolBox for tests: plain Python functions run as tools, with the time limit
and error handling the contract asks for (until the MCP toolbox is the real thing)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from typing import Any

from app.services.tool_types import DEFAULT_CALL_TIMEOUT, ToolCall, ToolOutcome, ToolSpec

WEATHER = {"Paris": "18 °C, sunny", "Tokyo": "22 °C, light rain"}


def get_weather(city: str) -> str:
    """The current weather in a city: temperature and sky."""
    if city not in WEATHER:
        raise ValueError(f"no weather station in {city}")
    return WEATHER[city]


def add(a: float, b: float) -> str:
    """The sum of two numbers."""
    return str(a + b)


def explode() -> str:
    """A tool whose database is always locked."""
    raise RuntimeError("the tool's database is locked")


async def slow(seconds: float = 30.0) -> str:
    """Waits, then answers."""
    await asyncio.sleep(seconds)
    return "finally"


def huge() -> str:
    """A listing of 5,000 lines."""
    return "".join(f"line {i:06d} of a very long listing\n" for i in range(5000))


SCHEMAS: dict[str, dict[str, Any]] = {
    "get_weather": {"type": "object", "properties": {"city": {"type": "string"}}},
    "add": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}},
    "explode": {"type": "object", "properties": {}},
    "slow": {"type": "object", "properties": {"seconds": {"type": "number"}}},
    "huge": {"type": "object", "properties": {}},
}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "get_weather": get_weather,
    "add": add,
    "explode": explode,
    "slow": slow,
    "huge": huge,
}


class LocalToolBox:
    """Runs the functions above; ``calls`` lists what ran (name, arguments)."""

    def __init__(self, names: list[str] | None = None, *, source: str = "tests") -> None:
        self.names = names or list(FUNCTIONS)
        self.source = source
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.listed = 0

    async def list_tools(self) -> list[ToolSpec]:
        self.listed += 1
        return [
            ToolSpec(name, (FUNCTIONS[name].__doc__ or name).strip(), SCHEMAS[name], self.source)
            for name in self.names
        ]

    async def call(self, call: ToolCall, *, timeout: float = DEFAULT_CALL_TIMEOUT) -> ToolOutcome:
        started = time.monotonic()
        function = FUNCTIONS.get(call.name)
        if function is None or call.name not in self.names:
            return ToolOutcome(f"No tool named {call.name}.", is_error=True)
        self.calls.append((call.name, dict(call.arguments or {})))
        try:
            result = function(**(call.arguments or {}))
            if inspect.isawaitable(result):
                result = await asyncio.wait_for(result, timeout)
        except TimeoutError:
            return ToolOutcome(
                f"The tool {call.name} took longer than {timeout:g} s.",
                is_error=True,
                seconds=time.monotonic() - started,
            )
        except Exception as exc:
            return ToolOutcome(
                f"The tool {call.name} failed: {exc}",
                is_error=True,
                seconds=time.monotonic() - started,
            )
        return ToolOutcome(str(result), seconds=time.monotonic() - started)
