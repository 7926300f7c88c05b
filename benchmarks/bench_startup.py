"""Start-up of the command line: `analysis --help` against starting Python alone, side by side.

    .venv/bin/python benchmarks/bench_startup.py --runs 20

Runs `python -c pass` and `python -m analysis --help` in turns, each in a fresh process, and
prints the median wall time of each, the difference (what importing the command line costs), and
whether pandas, pyarrow, numpy or matplotlib were imported (`python -X importtime`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

HEAVY = ("pandas", "pyarrow", "numpy", "matplotlib")


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def heavy_imports() -> list[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "analysis", "--help"],
                          check=True, capture_output=True, text=True)
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    return sorted(name for name in HEAVY if name in modules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    bare, help_ = [], []
    for _ in range(args.runs):
        bare.append(timed(["-c", "pass"]))
        help_.append(timed(["-m", "analysis", "--help"]))
    print(json.dumps({"python_s": round(statistics.median(bare), 3),
                      "analysis_help_s": round(statistics.median(help_), 3),
                      "difference_s": round(statistics.median(h - b for h, b in zip(help_, bare)), 3),
                      "heavy_modules_imported": heavy_imports()}))


if __name__ == "__main__":
    main()
