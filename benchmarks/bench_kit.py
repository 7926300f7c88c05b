"""What the figure variants cost: `make report` on a fresh copy, this code against a baseline commit.

    .venv/bin/python benchmarks/bench_kit.py --baseline main --pairs 2

Each side runs what `make report` runs after `make install` (`analysis --wait 3600 report`: the
cleaning, then every notebook for the newest month in three languages, two at a time) on a fresh
copy of the shipped data and its notebooks: nothing processed, no reports. The baseline is a clone
of the named commit, imported through PYTHONPATH (the notebook kernels inherit it); both use this
checkout's virtual environment. The two sides alternate, baseline first, so that each pair shares
the machine's load; the ratio is taken within each pair.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_copy(source: Path, target: Path) -> Path:
    """The raw data and notebooks of `source`, as a fresh clone has them."""
    shutil.copytree(source / "data" / "raw", target / "data" / "raw")
    shutil.copytree(source / "notebooks", target / "notebooks")
    return target


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None
          ) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the command and every process it started, its result)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def baseline_checkout(ref: str, target: Path) -> str:
    """A clone of this repository at `ref` in `target`; its short commit, said on the terminal
    with the load average."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "-q", ref], check=True)
    commit = subprocess.run(["git", "-C", str(target), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"baseline {ref} ({commit}); candidate: this checkout; load average at start {os.getloadavg()[0]:.1f}")
    return commit


def make_report(code: Path, root: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the run and its children, files under reports/figures/)."""
    wall, cpu, done = timed([sys.executable, "-m", "analysis", "--root", str(root), "--wait", "3600", "report"],
                            {**os.environ, "PYTHONPATH": str(code / "src")})
    if done.returncode:
        raise SystemExit(f"report failed ({code}):\n{done.stderr[-3000:]}")
    return wall, cpu, sum(1 for p in (root / "reports" / "figures").rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="main", help="the commit or branch to compare with (default main)")
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-kit-") as tmp:
        base = Path(tmp) / "baseline"
        baseline_checkout(args.baseline, base)
        print("pair | baseline wall | baseline CPU | files | candidate wall | candidate CPU | files | wall ratio")
        ratios = []
        for pair in range(1, args.pairs + 1):
            sides = []
            for name, code in (("baseline", base), ("candidate", ROOT)):
                root = fresh_copy(code, Path(tmp) / f"{name}-{pair}")
                sides.append(make_report(code, root))
                shutil.rmtree(root)
            ratio = sides[1][0] / sides[0][0]
            ratios.append(ratio)
            print(f"{pair} | {sides[0][0]:.1f} s | {sides[0][1]:.1f} s | {sides[0][2]} | {sides[1][0]:.1f} s | "
                  f"{sides[1][1]:.1f} s | {sides[1][2]} | {ratio:.2f}x", flush=True)
        print(f"median wall ratio {sorted(ratios)[len(ratios) // 2]:.2f}x; load average at the end "
              f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
