"""Start-up cost of the window and of the command line, as ratios against baselines.

(a) ``python -m app --self-test`` (window shown, then closed) against ``bench/startup_baseline.py``
    (a bare QMainWindow with four empty tabs through qasync): wall time and peak RSS.
(b) ``python -m app models --kind chat`` against the stand-in gateway (a cold model cache each
    run) against ``python -c "import requests"``: wall time and peak RSS.

Each command runs once to warm the disk cache, then ``--runs`` times interleaved with its
baseline; the table shows medians. Every run gets fresh XDG folders, the offscreen Qt platform
and the null keyring. Peak RSS is the child's own ``ru_maxrss`` (``os.wait4``).

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fake_api import FakeApi  # noqa: E402

PYTHON = sys.executable
BENCH_KEY = "bench-startup-key"


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_mb: float


def _environment(scratch: Path, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        env[f"XDG_{name}_HOME"] = str(scratch / name.lower())
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["PYTHONPATH"] = str(REPO)
    env.pop("AIML_API_KEY", None)
    env.pop("AIML_API_BASE_URL", None)
    env.update(extra)
    return env


def run_once(command: list[str], expect: str, extra_env: dict[str, str]) -> Sample:
    """Run ``command`` in fresh folders; its stdout must contain ``expect``."""
    with tempfile.TemporaryDirectory(prefix="aiml-startup-") as folder:
        scratch = Path(folder)
        out_path = scratch / "stdout.txt"
        with out_path.open("wb") as out:
            started = time.perf_counter()
            child = subprocess.Popen(
                command,
                cwd=REPO,
                env=_environment(scratch, extra_env),
                stdout=out,
                stderr=subprocess.DEVNULL,
            )
            _pid, status, usage = os.wait4(child.pid, 0)
            elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        output = out_path.read_text(errors="replace")
    if child.returncode != 0 or expect not in output:
        raise SystemExit(f"{' '.join(command)} failed (exit {child.returncode}): {output[:200]}")
    return Sample(elapsed, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def compare(
    name: str,
    app: tuple[list[str], str],
    baseline: tuple[list[str], str],
    runs: int,
    extra_env: dict[str, str],
) -> list[str]:
    run_once(*app, extra_env)
    run_once(*baseline, extra_env)
    app_samples, base_samples = [], []
    for _ in range(runs):
        base_samples.append(run_once(*baseline, extra_env))
        app_samples.append(run_once(*app, extra_env))
    a_time = statistics.median(s.seconds for s in app_samples)
    b_time = statistics.median(s.seconds for s in base_samples)
    a_rss = statistics.median(s.peak_rss_mb for s in app_samples)
    b_rss = statistics.median(s.peak_rss_mb for s in base_samples)
    return [
        f"{name:<34} {a_time:>8.3f} s {b_time:>8.3f} s {a_time / b_time:>7.2f}x",
        f"{'':<34} {a_rss:>6.1f} MB {b_rss:>6.1f} MB {a_rss / b_rss:>7.2f}x  (peak RSS)",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each (median)")
    args = parser.parse_args()

    api = FakeApi()
    api.options.require_key = BENCH_KEY
    api.start()
    try:
        gateway_env = {"AIML_API_KEY": BENCH_KEY, "AIML_API_BASE_URL": api.url}
        rows = compare(
            "window: app --self-test",
            ([PYTHON, "-m", "app", "--self-test"], "self-test ok"),
            ([PYTHON, str(REPO / "bench" / "startup_baseline.py")], "baseline ok"),
            args.runs,
            {},
        )
        rows += compare(
            "cli: app models --kind chat",
            ([PYTHON, "-m", "app", "models", "--kind", "chat"], "gpt-4o"),
            ([PYTHON, "-c", "import requests; print('requests ok')"], "requests ok"),
            args.runs,
            gateway_env,
        )
    finally:
        api.stop()
    python = sys.version.split()[0]
    print(f"median of {args.runs} runs each, {os.cpu_count()} CPUs, Python {python}")
    print(f"{'':<34} {'app':>10} {'baseline':>10} {'ratio':>8}")
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
