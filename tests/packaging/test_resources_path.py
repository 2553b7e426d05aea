"""resources_path finds the resources folder in a checkout and in a PyInstaller bundle."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import resources_path
from tests.packaging.conftest import REPO_ROOT

pytestmark = pytest.mark.packaging


@pytest.fixture(autouse=True)
def fresh_lookup() -> Iterator[None]:
    resources_path.resources_dir.cache_clear()
    yield
    resources_path.resources_dir.cache_clear()


def test_source_checkout_uses_the_top_level_resources_folder() -> None:
    assert resources_path.resources_dir() == REPO_ROOT / "resources"
    assert resources_path.resource_path("icons", "aiml-desktop.svg").is_file()


def test_frozen_bundle_uses_meipass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tmp_path / "app" / "resources"
    (bundled / "icons").mkdir(parents=True)
    (bundled / "icons" / "aiml-desktop.svg").write_text("<svg/>", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_path.is_frozen()
    assert resources_path.resource_path("icons", "aiml-desktop.svg") == (
        bundled / "icons" / "aiml-desktop.svg"
    )
