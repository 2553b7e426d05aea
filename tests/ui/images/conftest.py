"""The Images tab in a real main window against the stand-in gateway."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.ui.images.tab import ImagesTab
from tests.fake_api import FakeApi
from tests.ui.conftest import use_server


@pytest.fixture
def image_tab(
    qtbot: Any, open_window: Callable[..., Any], fake_api: FakeApi, monkeypatch
) -> ImagesTab:
    monkeypatch.setenv("AIML_API_KEY", "test-key")
    use_server(fake_api.url)
    window = open_window()
    tab = window.findChild(ImagesTab, "imageTab")
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: bool(tab.model_combo.model_ids()), timeout=5000)
    return tab


def choose(tab: ImagesTab, model: str, prompt: str = "a red fox in snow") -> None:
    tab.model_combo.set_current_model_id(model)
    tab.prompt.setPlainText(prompt)


def sent_bodies(fake_api: FakeApi) -> list[dict]:
    return [r.json for r in fake_api.requests if r.path == "/v1/images/generations"]


def wait_done(qtbot: Any, card: Any, timeout: int = 8000) -> None:
    qtbot.waitUntil(lambda: card.state != "running", timeout=timeout)
