"""A local stand-in for the AI/ML API gateway, scriptable to misbehave."""

from __future__ import annotations

from tests.fake_api.options import FakeOptions
from tests.fake_api.records import Recorded
from tests.fake_api.scripting import Fault, Reply
from tests.fake_api.server import FakeApi

__all__ = ["FakeApi", "FakeOptions", "Fault", "Recorded", "Reply"]
