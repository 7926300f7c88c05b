"""The test suite's wall and CPU time, this checkout against a baseline commit, side by side.

    .venv/bin/python benchmarks/bench_suite.py --baseline 66ed3ab --pairs 2

Each side runs what `make test` runs after ruff: `python -m pytest -q` with the project's
settings (two xdist workers), from its own checkout. The baseline is a clone of the named commit
whose `src/` is imported through PYTHONPATH (the notebook kernels and subprocesses inherit it);
both use this checkout's virtual environment. `CI=1`, so that hypothesis tries the same examples
on both sides. The sides alternate, baseline first, so that each pair shares the machine's load;
the ratio is taken within each pair. CPU time is that of pytest and every process it started
(workers, kernels, subprocesses), user plus system.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from bench_kit import ROOT, baseline_checkout, timed  # the same baseline clone and timing as `make report`'s


def suite(code: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, pytest's last line) of the suite of the checkout at `code`."""
    wall, cpu, done = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            {**os.environ, "PYTHONPATH": str(code / "src"), "CI": "1"}, cwd=code)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
    if done.returncode:
        raise SystemExit(f"the suite failed ({code}): {last}")
    return wall, cpu, re.sub(r"=+", "", last).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="main", help="the commit or branch to compare with (default main)")
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        base = Path(tmp) / "baseline"
        baseline_checkout(args.baseline, base)
        print("pair | baseline wall | baseline CPU | candidate wall | candidate CPU | wall ratio | CPU ratio")
        ratios = []
        for pair in range(1, args.pairs + 1):
            (bw, bc, bl), (cw, cc, cl) = suite(base), suite(ROOT)
            ratios.append((cw / bw, cc / bc))
            print(f"{pair} | {bw:.1f} s | {bc:.1f} s | {cw:.1f} s | {cc:.1f} s | {cw / bw:.2f}x | {cc / bc:.2f}x"
                  f"   ({bl}; {cl})", flush=True)
        walls, cpus = sorted(r[0] for r in ratios), sorted(r[1] for r in ratios)
        print(f"median ratios: wall {walls[len(walls) // 2]:.2f}x, CPU {cpus[len(cpus) // 2]:.2f}x; "
              f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
