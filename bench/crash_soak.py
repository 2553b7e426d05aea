"""Crash soak: the crash rounds of ``tests/reliability/test_crash_rounds.py``, 200 of them.

Each scenario (chat replies streaming, tool rounds, the real window's Chat tab, the command
line's chat, images being kept, a knowledge base indexing, the transcription queue, the
settings / MCP server list / assistant library files) runs its share of the rounds in fresh
throwaway folders against the stand-in gateway: a child process is killed with SIGKILL at a
random moment, then the same checks as in CI (integrity_check, every stored piece still there
and whole, every file parses, the next child carries on). Prints, per scenario, the rounds,
the time and any failure.

    python bench/crash_soak.py [--rounds 200] [--seed 22] [--only chat,images]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
import wave
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.storage.paths import user_dirs_under  # noqa: E402
from tests.fake_api.server import FakeApi  # noqa: E402
from tests.reliability import test_crash_rounds as rounds  # noqa: E402


def _speech(folder: Path) -> Path:
    """Two seconds of a quiet tone as WAV (the stand-in transcribes any audio alike)."""
    path = folder / "speech.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x10\x00\xf0" * 16000)
    return path


def _scenarios(scratch: Path) -> dict[str, Callable[[FakeApi], None]]:
    audio = _speech(scratch)
    return {
        "chat": lambda api: rounds.test_chat_and_tool_rounds_survive_a_kill(api, "chat"),
        "tools": lambda api: rounds.test_chat_and_tool_rounds_survive_a_kill(api, "tools"),
        "window": rounds.test_the_window_killed_mid_reply_keeps_the_history,
        "cli": rounds.test_the_cli_chat_killed_mid_stream_keeps_the_history,
        "images": rounds.test_images_being_kept_survive_a_kill,
        "kb": lambda api: rounds.test_a_knowledge_base_indexing_survives_a_kill(
            api, Path(tempfile.mkdtemp(dir=scratch))
        ),
        "stt": lambda api: rounds.test_the_transcription_queue_survives_a_kill(api, audio),
        "files": rounds.test_settings_tools_and_assistants_files_are_never_truncated,
    }


def _fresh_folders(scratch: Path, name: str) -> None:
    root = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=scratch))
    for variable, folder in user_dirs_under(root, create=True).items():
        os.environ[variable] = str(folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="aiml-crash-soak-"))
    os.environ["AIML_API_KEY"] = rounds.KEY
    scenarios = _scenarios(scratch)
    chosen = [n for n in scenarios if not args.only or n in args.only.split(",")]
    share, extra = divmod(args.rounds, len(chosen))
    failures = 0
    total = 0
    started = time.monotonic()
    for index, name in enumerate(chosen):
        count = share + (1 if index < extra else 0)
        rounds.ROUNDS = count
        rounds.SEED = f"{args.seed}-{name}"
        _fresh_folders(scratch, name)
        api = FakeApi()
        api.start()
        api.options.require_key = rounds.KEY
        began = time.monotonic()
        try:
            scenarios[name](api)
            outcome = "ok"
        except AssertionError:
            failures += 1
            outcome = "FAILED\n" + traceback.format_exc()
        finally:
            api.stop()
        total += count
        print(f"{name:7} {count:4d} rounds  {time.monotonic() - began:6.1f} s  {outcome}")
    print(f"{total} rounds in {time.monotonic() - started:.1f} s, {failures} scenario(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
