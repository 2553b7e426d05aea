"""Before/after: one chat benchmark run alternately from an older copy of the project and from
this one, in the same minutes, so both sides meet the same load.

    git archive COMMIT | tar -x -C /tmp/before
    python bench/alternate.py --before /tmp/before --rounds 5 chat_compare.py --runs 3

Each round runs the script once from each tree (the order flips every round) and reads its
``median:`` line. Printed per side: every round's figures, then the median and min–max over
the rounds of the longest UI gap of a round, the median gap of a round's runs (where the
script gives it), the worst p99 gap and the time ratio against the script's own baseline.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

FIGURES = {
    "longest gap": re.compile(r"(?:longest|worst) UI gap ([\d.]+) ms"),
    "median of runs' longest": re.compile(r"median of runs ([\d.]+) ms"),
    "worst p99 gap": re.compile(r"worst p99 gap ([\d.]+) ms"),
    "ratio": re.compile(r"ratio ([\d.]+)"),
    "all laid out": re.compile(r"all laid out ([\d.]+) ms"),
    "most UI work in a gap": re.compile(r"most UI work in a gap ([\d.]+) ms"),
    "formulas on screen drawn": re.compile(r"formulas on screen drawn ([\d.]+) ms"),
    "UI thread CPU": re.compile(r"UI thread CPU ([\d.]+) ms"),
    "longest gap while streaming": re.compile(r"worst UI gap while streaming ([\d.]+) ms"),
    "most UI work in a gap while streaming": re.compile(
        r"most UI work in a gap while streaming ([\d.]+) ms"
    ),
}


def run_once(tree: Path, script: str, args: list[str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(tree / "bench" / script), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("median:")]
    if result.returncode or not lines:
        raise SystemExit(f"{tree / 'bench' / script} failed:\n{result.stdout}\n{result.stderr}")
    figures = {}
    for name, pattern in FIGURES.items():
        found = pattern.search(lines[-1])
        if found:
            figures[name] = float(found.group(1))
    return figures


def summary(rounds: list[dict[str, float]]) -> str:
    parts = []
    for name in FIGURES:
        values = [r[name] for r in rounds if name in r]
        if values:
            unit = "" if name == "ratio" else " ms"
            parts.append(
                f"{name} {statistics.median(values):g}{unit} ({min(values):g}–{max(values):g})"
            )
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True, help="the older tree")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("script", help="a benchmark in bench/, e.g. chat_compare.py")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    options = parser.parse_args()
    trees = {"before": options.before.resolve(), "after": HERE.parent}
    results: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for number in range(options.rounds):
        order = ["before", "after"] if number % 2 == 0 else ["after", "before"]
        for side in order:
            figures = run_once(trees[side], options.script, options.args)
            results[side].append(figures)
            print(f"round {number + 1} {side:6}: {figures}", flush=True)
    for side in ("before", "after"):
        print(f"{side:6} ({options.rounds} rounds): {summary(results[side])}")


if __name__ == "__main__":
    main()
