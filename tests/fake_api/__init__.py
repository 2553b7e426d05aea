"""A local stand-in for the AI/ML API gateway, scriptable to misbehave.

Usage::

    api = FakeApi().start()                 # or the ``fake_api`` fixture
    api.url                                 # "http://127.0.0.1:PORT" (routes carry /v1, /v2)
    api.options.chat_reply = "Hello"        # see FakeOptions for every switch
    api.script("/v1/chat", Fault.error(429, retry_after=2), Fault.drop())
    api.requests[-1].json                   # what the client sent
    api.stop()

Routes: ``/v1/chat/completions`` (JSON and SSE), ``/v1/completions``,
``/v1/images/generations``, ``/v1/stt/create``, ``/v1/stt/{id}``, ``/v1/stt``,
``/v1/audio/transcriptions``, ``/v1/tts``, ``/v1/audio/speech``, ``/v1/models`` (also
``/models``, ``/api/v1/models``, ETag/304), ``/model/{id}``, ``/v2/billing``,
``/v2/billing/transactions`` (every charge it booked) and ``/files/<name>`` (downloads of
the image and audio URLs it handed out). Most ``/v1`` routes also answer without ``/v1``, as
the gateway does.
"""

from __future__ import annotations

from tests.fake_api.options import FakeOptions
from tests.fake_api.records import Recorded
from tests.fake_api.scripting import Fault, Reply
from tests.fake_api.server import FakeApi

__all__ = ["FakeApi", "FakeOptions", "Fault", "Recorded", "Reply"]
