"""Steps a notebook run repeats, this checkout against a baseline commit, side by side.

    .venv/bin/python benchmarks/bench_steps.py --baseline c651214 --rounds 5

On the shipped data (cleaned once into a temporary project), each step is timed in a fresh
process for each side, the sides taking turns (baseline first) so that each round shares the
machine's load; the ratio is taken within each round and the median is shown. The baseline is a
clone of the named commit imported through PYTHONPATH; both use this checkout's virtual
environment. Each step runs once untimed (first-use imports and caches), then timed:

- `yearly`: the trends notebook's yearly table of every category, 2009-01 to 2024-11
  (`comparisons.yearly`, which the heat map by year and the data tables read);
- `release`: what the processed data change against the latest release (`release.changes_since_release`,
  the monthly review's first cell and the release step of `analysis report`);
- `export`: two figures of the monthly review in three languages, one export per language as a
  notebook run makes it (`figures.export`, default variant: PNG, SVG and PDF, light and dark).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_kit import ROOT, baseline_checkout

STEP = """
import sys, tempfile, time
from pathlib import Path
from analysis import comparisons, figures, load, taxonomy
from analysis.config import Paths
from analysis.release import changes_since_release

paths = Paths(sys.argv[1])
counts, cumulative = load.load_monthly_counts(paths), load.load_cumulative(paths)
out = Path(tempfile.mkdtemp())


def step(n):
    if sys.argv[2] == "yearly":
        comparisons.yearly(counts, cumulative, "category", taxonomy.category_codes() + ["false_information"],
                           "2009-01", "2024-11")
    elif sys.argv[2] == "release":
        changes_since_release(paths)
    else:
        for spec in (figures.month_categories(counts, "2024-11"), figures.groups_stacked(counts, "2023-01",
                                                                                           "2024-11", "2024-11")):
            for lang in ("en", "ru", "kk"):
                figures.export(spec, out / str(n) / lang, [lang], {})


step(0)
began = time.perf_counter()
step(1)
print(time.perf_counter() - began)
"""


def project(tmp: Path) -> Path:
    """The shipped raw data and releases, cleaned once by this checkout."""
    root = tmp / "project"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    shutil.copytree(ROOT / "releases", root / "releases", symlinks=True)
    subprocess.run([sys.executable, "-m", "analysis", "--root", str(root), "clean"], check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return root


def timed(code: Path, root: Path, step: str) -> float:
    done = subprocess.run([sys.executable, "-c", STEP, str(root), step], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(code / "src")})
    if done.returncode:
        raise SystemExit(f"{step} failed ({code}):\n{done.stderr[-3000:]}")
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="main", help="the commit or branch to compare with (default main)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", nargs="+", default=["yearly", "release", "export"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-steps-") as tmp:
        base = Path(tmp) / "baseline"
        baseline_checkout(args.baseline, base)
        root = project(Path(tmp))
        print("step | baseline (median) | candidate (median) | ratio (median of the rounds' ratios)")
        for step in args.steps:
            pairs = [(timed(base, root, step), timed(ROOT, root, step)) for _ in range(args.rounds)]
            ratio = statistics.median(c / b for b, c in pairs)
            print(f"{step} | {statistics.median(b for b, _ in pairs):.3f} s | "
                  f"{statistics.median(c for _, c in pairs):.3f} s | {ratio:.2f}x", flush=True)


if __name__ == "__main__":
    main()
