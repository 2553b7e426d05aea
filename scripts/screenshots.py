"""Render the documentation screenshots of AIML Desktop, light and dark, to docs/screenshots.

Runs offscreen against the local stand-in gateway (tests/fake_api) with throwaway user folders
and an in-memory keyring, so nothing real is touched. Parts (all by default):

- ``tabs``: one window filled the way a person would fill it (chats with reasoning and code,
  a gallery, a transcription queue, spoken text in the history) and shot on every tab
  (``main-*``), plus the image viewer and the transcript panel.
- ``dialogs``: the first-run API key dialog after a successful test, and every Settings page.
- ``usage``: the Usage window over two weeks of recorded spend.
- ``tools``: Settings → Tools with the test MCP server of tests/mcp_server running and failing.
- ``tool_calls``: a chat that calls tools: the approval prompt and the folded tool-call
  blocks.
- ``assistants``: the Assistants window with the starter assistants.
- ``image_compare``: Compare image models with three models' results.
- ``documents``: a reply with rendered math, the Knowledge window over a folder of real
  PDF, Word and Markdown files with a search, and a chat grounded in it: a reply with
  citations, a citation's passage, and document chips in the composer.
- ``look``: a first run without a key, the conversation list grouped by day, the drop zone.
- ``chat_compare``: Compare models in Chat, three columns answered.
- ``voice``: recording in the Speech to text tab and voice mode in the Chat tab
  (``scripts/screenshots_voice.py``, run in its own process).

The Text to speech shot plays audio and ``voice`` listens to a microphone, so both need a
PulseAudio server with a null sink named ``nullsink`` (see HEADLESS.md); without one the
player is shown stopped and ``voice`` fails with a reason. Needs espeak-ng and ffmpeg.

    python scripts/screenshots.py [--out docs/screenshots] [--only PART ...]
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("AIML_API_KEY", None)
os.environ.pop("AIML_API_BASE_URL", None)

from screenshots_common import run_offscreen  # noqa: E402

PARTS = (
    "tabs", "images", "dialogs", "usage", "tools", "tool_calls", "assistants", "image_compare",
    "documents", "look", "chat_compare", "voice",
)  # fmt: skip
VOICE_SCRIPT = Path(__file__).resolve().with_name("screenshots_voice.py")


async def run_part(part: str, out: Path) -> None:
    from screenshots_common import Session

    shoot = importlib.import_module(f"screenshots_{part}").shoot
    session = Session(part)
    try:
        await shoot(session, out)
    finally:
        session.close()


def run_voice(out: Path) -> int:
    done = subprocess.run([sys.executable, str(VOICE_SCRIPT), "--out", str(out)], check=False)
    if done.returncode != 0:
        print(f"voice: not rendered (exit status {done.returncode})", file=sys.stderr)
    return int(done.returncode != 0)


async def run_parts(parts: list[str], out: Path) -> int:
    failures = 0
    for part in parts:
        if part == "voice":
            failures += run_voice(out)
            continue
        try:
            await run_part(part, out)
        except (OSError, RuntimeError, TimeoutError) as exc:
            failures += 1
            print(f"{part}: not rendered: {exc}", file=sys.stderr)
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    failures = run_offscreen(lambda: run_parts(args.only, args.out))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
