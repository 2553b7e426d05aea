"""Fixtures for running the command line against the stand-in gateway."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from tests.fake_api import FakeApi

TEST_KEY = "sk-cli-test-9f8e7d6c5b4a39281706"
REPO_ROOT = Path(__file__).resolve().parents[2]


def write_png(
    path: Path,
    width: int,
    height: int,
    colour: tuple[int, int, int],
    *,
    alpha: bool = True,
    hole: bool = False,
) -> Path:
    """A real PNG of one colour; ``hole``: a clear square in its upper left quarter (a mask)."""
    from PySide6.QtGui import QColor, QImage

    image_format = QImage.Format.Format_ARGB32 if alpha else QImage.Format.Format_RGB32
    image = QImage(width, height, image_format)
    image.fill(QColor(*colour, 255))
    if hole:
        for x in range(width // 4, width // 2):
            for y in range(height // 4, height // 2):
                image.setPixelColor(x, y, QColor(0, 0, 0, 0))
    assert image.save(str(path), "PNG")
    return path


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def assert_one_error(self, *, code: int | None = None) -> str:
        """Exactly one ``aiml-desktop: error:`` line on stderr, no traceback, no key."""
        assert self.code != 0
        if code is not None:
            assert self.code == code, self
        assert len(self.err_lines) == 1, self.err
        line = self.err_lines[0]
        assert line.startswith("aiml-desktop: error: "), line
        assert "Traceback" not in self.err
        assert TEST_KEY not in self.err + self.out
        sentence = line.removeprefix("aiml-desktop: error: ")
        assert len(sentence) > 15 and sentence[0].isupper() and sentence.rstrip(")").endswith(".")
        return sentence


@pytest.fixture
def gateway(fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    """The stand-in, requiring TEST_KEY, with the key and base URL in the environment."""
    fake_api.options.require_key = TEST_KEY
    monkeypatch.setenv("AIML_API_KEY", TEST_KEY)
    monkeypatch.setenv("AIML_API_BASE_URL", fake_api.url)
    return fake_api


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``main([...])`` in this process and capture what it printed."""

    def run(*argv: object) -> CliResult:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_settings(isolated_user_dirs: dict[str, Path]) -> Callable[..., Path]:
    """Write settings.json with the given fields into the test's config folder."""

    def write(**fields: object) -> Path:
        folder = isolated_user_dirs["config"] / "aiml-desktop"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "settings.json"
        path.write_text(json.dumps(fields), encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli_process() -> Callable[..., CliResult]:
    """Run ``python -m app ...`` as a real process with the test's environment.

    The child gets the null keyring backend, so it can never reach a real keyring.
    """

    def run(*argv: str, stdin: str | None = None, timeout: float = 60.0) -> CliResult:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO_ROOT)
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        completed = subprocess.run(
            [sys.executable, "-m", "app", *argv],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO_ROOT,
            timeout=timeout,
            check=False,
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def speech_wav(tmp_path: Path) -> Path:
    """A short real recording of speech made with espeak-ng (or a sox tone as a fallback)."""
    path = tmp_path / "hello.wav"
    for command in (
        ["espeak-ng", "-w", str(path), "Hello from the command line test."],
        ["sox", "-n", "-r", "16000", "-c", "1", str(path), "synth", "1.5", "sine", "440"],
    ):
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        if path.exists() and path.stat().st_size > 44:
            return path
    pytest.skip("neither espeak-ng nor sox is installed to make a test recording")
