"""Start-up cost of the window and of the command line, as ratios against baselines.

(a) ``python main.py --self-test`` against ``bench/startup_baseline.py`` (a bare PySide6
    QMainWindow holding a four-tab QTabWidget, no qasync, nothing of the app), run alternately:
    - wall time from process start until the window is painted and the current (last-used)
      tab is built and usable, and the CPU time the process used by then (start-up is
      CPU-bound: on a shared machine this figure spreads less than the wall time),
    - peak RSS at that moment,
    - RSS after every tab has been opened once (each painted),
    read from the report lines both write when ``AIML_SELF_TEST_REPORT`` names a file.
(b) ``python main.py models --kind chat`` against the stand-in gateway (a cold model cache each
    run) against ``python -c "import requests"``: wall time and peak RSS.

Each command runs once to warm the disk cache, then ``--runs`` times alternately with its
baseline; the table shows medians with min and max. Every run gets fresh XDG folders, the
offscreen Qt platform and the null keyring. Both sides read cached bytecode, as an installed
app does (pip and the bundle ship compiled modules): ``PYTHONDONTWRITEBYTECODE`` is dropped and
``PYTHONPYCACHEPREFIX`` names a folder of this run, filled by the warm-up runs.

With ``--floor`` four more commands join the alternation, each shown against the bare window:
the same window run under a qasync event loop (``startup_baseline.py --with-loop``; asyncio
imports ``ssl`` with libcrypto); the same window using one value of Qt's namespace
(``--with-qt-names``: PySide6 makes the Python enums of all of ``Qt`` on its first use, as in
any app that aligns a label); the window under the loop using, after its paint, the
libraries the app is built on as the app does in its first second (``--with-libraries``:
a ``requests`` session, the keyring's backend, Qt Multimedia's sound devices); and the window
showing the widgets of the app's Chat tab, empty, with its menus, icons and stylesheet text
(``--with-chat-widgets``: what the Chat tab's look costs before any of its logic). They are
shares of the ratios that come before any code of the app.

    python bench/startup.py [--runs 9] [--tab chat|image|stt|tts] [--no-cli] [--floor]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.storage.paths import user_dirs_under  # noqa: E402
from tests.fake_api import FakeApi  # noqa: E402

PYTHON = sys.executable
PYCACHE = tempfile.mkdtemp(prefix="aiml-startup-pycache-")
BENCH_KEY = "bench-startup-key"
TAB_INDEX = {"chat": 0, "image": 1, "stt": 2, "tts": 3}
Sample = dict[str, float]


def _environment(scratch: Path, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update({variable: str(folder) for variable, folder in user_dirs_under(scratch).items()})
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["PYTHONPATH"] = str(REPO)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    env.pop("AIML_API_KEY", None)
    env.pop("AIML_API_BASE_URL", None)
    env.update(extra)
    return env


def _write_last_tab(scratch: Path, tab: str) -> None:
    folder = scratch / "config" / "aiml-desktop"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.json").write_text(json.dumps({"last_tab": TAB_INDEX[tab]}))


def run_window(command: list[str], expect: str, tab: str) -> Sample:
    """Run a window ``command`` in fresh folders; returns its report's figures."""
    with tempfile.TemporaryDirectory(prefix="aiml-startup-") as folder:
        scratch = Path(folder)
        _write_last_tab(scratch, tab)
        report = scratch / "report.jsonl"
        env = _environment(scratch, {"AIML_SELF_TEST_REPORT": str(report)})
        started = time.time()
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, timeout=120)
        output = done.stdout.decode(errors="replace")
        if done.returncode != 0 or expect not in output:
            error = done.stderr.decode(errors="replace")[-400:]
            raise SystemExit(f"{' '.join(command)} failed (exit {done.returncode}): {error}")
        stages = {}
        for line in report.read_text().splitlines():
            entry = json.loads(line)
            stages[entry["stage"]] = entry
    painted, all_tabs = stages["painted"], stages["all tabs"]
    return {
        "wall": painted["time"] - started,
        "cpu": painted["cpu_s"],
        "peak": painted["hwm_kb"] / 1024,
        "tabs": all_tabs["rss_kb"] / 1024,
    }


def run_command(command: list[str], expect: str, extra_env: dict[str, str]) -> Sample:
    with tempfile.TemporaryDirectory(prefix="aiml-startup-") as folder:
        started = time.perf_counter()
        child = subprocess.Popen(
            command,
            cwd=REPO,
            env=_environment(Path(folder), extra_env),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        output = child.stdout.read().decode(errors="replace") if child.stdout else ""
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or expect not in output:
        raise SystemExit(f"{' '.join(command)} failed (exit {code}): {output[:200]}")
    return {"wall": elapsed, "peak": usage.ru_maxrss / 1024}  # ru_maxrss is in KiB on Linux


def _spread(values: list[float], unit: str, digits: int) -> str:
    median = statistics.median(values)
    return f"{median:.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def table(
    title: str, app: list[Sample], base: list[Sample], rows: list[tuple[str, str, str, int]]
) -> list[str]:
    lines = [title]
    for key, label, unit, digits in rows:
        a = [s[key] for s in app]
        b = [s[key] for s in base]
        ratio = statistics.median(a) / statistics.median(b)
        ratios = sorted(x / y for x, y in zip(a, b, strict=True))
        lines.append(
            f"  {label:<34} app {_spread(a, unit, digits):<26} baseline "
            f"{_spread(b, unit, digits):<26} ratio {ratio:.2f}x "
            f"(per pair {ratios[0]:.2f}–{ratios[-1]:.2f})"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="measured runs of each (median)")
    parser.add_argument("--tab", choices=TAB_INDEX, default="chat", help="the last-used tab")
    parser.add_argument("--no-cli", action="store_true", help="measure only the window")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also the bare window under a qasync loop, using Qt's namespace, using the "
        "libraries the app is built on, and showing the Chat tab's widgets",
    )
    args = parser.parse_args()

    app_command = ([PYTHON, "main.py", "--self-test"], "self-test ok")
    base_command = ([PYTHON, str(REPO / "bench" / "startup_baseline.py")], "baseline ok")
    floors = {
        "--with-loop": "bare PySide6 window under a qasync loop",
        "--with-qt-names": "bare PySide6 window using Qt's namespace",
        "--with-libraries": "bare window under the loop using requests, keyring, Qt audio",
        "--with-chat-widgets": "bare window showing the Chat tab's widgets and stylesheet",
    }
    floor_commands = [([*base_command[0], flag], "baseline ok") for flag in floors]
    commands = [base_command, app_command, *(floor_commands if args.floor else [])]
    for command in commands:
        run_window(*command, args.tab)
    samples: list[list[Sample]] = [[] for _ in commands]
    for _ in range(args.runs):
        for command, taken in zip(commands, samples, strict=True):
            taken.append(run_window(*command, args.tab))
    base_samples, app_samples = samples[0], samples[1]
    window_rows = [
        ("wall", "first paint, tab usable", "s", 3),
        ("cpu", "CPU time by then", "s", 3),
        ("peak", "peak RSS at first paint", "MB", 1),
        ("tabs", "RSS after all four tabs opened", "MB", 1),
    ]
    lines = table(
        f"window: main.py --self-test (last-used tab {args.tab}) vs bare PySide6 window",
        app_samples,
        base_samples,
        window_rows,
    )
    if args.floor:
        for title, floor_samples in zip(floors.values(), samples[2:], strict=True):
            title = f"floor: {title} vs bare PySide6 window"
            lines += table(title, floor_samples, base_samples, window_rows)
    if not args.no_cli:
        api = FakeApi()
        api.options.require_key = BENCH_KEY
        api.start()
        try:
            env = {"AIML_API_KEY": BENCH_KEY, "AIML_API_BASE_URL": api.url}
            cli = ([PYTHON, "main.py", "models", "--kind", "chat"], "gpt-4o")
            bare = ([PYTHON, "-c", "import requests; print('requests ok')"], "requests ok")
            run_command(*cli, env)
            cli_samples, bare_samples = [], []
            for _ in range(args.runs):
                bare_samples.append(run_command(*bare, env))
                cli_samples.append(run_command(*cli, env))
        finally:
            api.stop()
        lines += table(
            "cli: main.py models --kind chat vs python -c 'import requests'",
            cli_samples,
            bare_samples,
            [("wall", "exit", "s", 3), ("peak", "peak RSS", "MB", 1)],
        )
    shutil.rmtree(PYCACHE, ignore_errors=True)
    load = os.getloadavg()[0]
    python = sys.version.split()[0]
    print(
        f"median (min–max) of {args.runs} runs each, alternating, {os.cpu_count()} CPUs, "
        f"Python {python}, load average {load:.1f} at the end"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
