"""The cleaning's fixed cost: `run_clean` on small inputs, this code against a baseline, in turns.

    git worktree add /tmp/cleanbase <commit>
    .venv/bin/python benchmarks/bench_clean_fixed.py --baseline /tmp/cleanbase --rounds 5

Two inputs: the shipped data (data/raw/) and the tests' small project (two months of published
counts and one SYNTHETIC log, `small_project` in tests/conftest.py). Each round starts, for each
side in turn (the first side alternates from round to round), one fresh process per input that
imports the package from that side's src/ through PYTHONPATH, then cleans a fresh copy of the
input once ("cold": the first clean in the process, imports done before the clock starts) and
then `--warm` more times ("warm": the median of those), each timed on the wall clock and in CPU
seconds of the process (which the other loads of a shared machine disturb less). Both sides use
this checkout's virtual environment and the same fixed "today". The digests of every file the
last clean of each side wrote (data/processed/ and reports/, the package version left out, as
tests/test_clean_outputs.py does) are compared: the script stops if any differs.

Prints, per input, the median seconds of each side, cold and warm, and the median of the ratios
taken within each round (candidate / baseline).

    .venv/bin/python benchmarks/bench_clean_fixed.py --steps --warm 20

instead prints, per input, where a warm clean's time goes with this code: the steps of
`bench_clean.py --steps`, each the mean over `--warm` cleans in one process (after one not counted).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 1, 1)
INPUTS = ("shipped", "small")


def _project(kind: str, root: Path):
    """A fresh project root holding the input `kind`."""
    from analysis.config import Paths

    if kind == "small":
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import small_project

        return small_project(root, notebooks=False)
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    return Paths(root)


def worker(kind: str, warm: int) -> None:
    """In this process: one cold clean and `warm` warm ones of fresh copies; prints JSON."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from clean_outputs import normalised

    import analysis.clean

    wall, cpu = [], []
    with tempfile.TemporaryDirectory(prefix="bench-fixed-") as tmp:
        for run in range(1 + warm):
            paths = _project(kind, Path(tmp) / str(run))
            start, start_cpu = time.perf_counter(), time.process_time()
            analysis.clean.run_clean(paths, today=TODAY)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        print(json.dumps({"code": analysis.clean.__file__, "cold": wall[0], "warm": statistics.median(wall[1:]),
                          "cold CPU": cpu[0], "warm CPU": statistics.median(cpu[1:]),
                          "digests": digests(paths.root, normalised)}))


def digests(root: Path, normalised) -> dict[str, str]:
    """sha256 of every file the clean wrote (data/processed/, reports/), the package version left out."""
    written = sorted(p for folder in ("data/processed", "reports") for p in (root / folder).rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(normalised(p)).hexdigest() for p in written}


def measure(src: Path, kind: str, warm: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, __file__, "--worker", kind, "--warm", str(warm)], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"the clean failed ({src}):\n{done.stderr[-3000:]}")
    found = json.loads(done.stdout.splitlines()[-1])
    if not found["code"].startswith(str(src)):
        raise SystemExit(f"{src}: the package was imported from {found['code']}")
    return found


def steps(kind: str, warm: int) -> dict[str, float]:
    """Milliseconds of a warm clean of `kind` by step, largest first (`bench_clean.STEPS`)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_clean import STEPS, run

    with tempfile.TemporaryDirectory(prefix="bench-fixed-") as tmp:
        paths = _project(kind, Path(tmp) / "project")
        found = run(STEPS, str(paths.root), str(max(warm, 2)))
    return dict(sorted(((label, round(seconds * 1000, 1)) for label, (seconds, _) in found.items()),
                       key=lambda item: -item[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="a checkout of the baseline commit")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warm", type=int, default=3, help="warm cleans per process (default 3)")
    parser.add_argument("--worker", choices=INPUTS, help=argparse.SUPPRESS)
    parser.add_argument("--steps", action="store_true", help="instead: where a warm clean's time goes, by step")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.warm)
    if args.steps:
        for kind in INPUTS:
            print(json.dumps({"input": kind, "warm_cleans": max(args.warm, 2), "ms": steps(kind, args.warm)},
                             ensure_ascii=False), flush=True)
        return None
    if args.baseline is None:
        parser.error("--baseline is required")
    sides = {"baseline": args.baseline.resolve() / "src", "candidate": ROOT / "src"}
    for kind in INPUTS:
        found: dict[str, list[dict]] = {side: [] for side in sides}
        for round_ in range(args.rounds):
            order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
            for side in order:
                found[side].append(measure(sides[side], kind, args.warm))
        if found["baseline"][-1]["digests"] != found["candidate"][-1]["digests"]:
            raise SystemExit(f"{kind}: the outputs differ between the two sides")
        print(f"{kind} ({args.rounds} rounds, {args.warm} warm cleans per process; outputs identical)")
        for when in ("cold", "warm", "cold CPU", "warm CPU"):
            base = [r[when] for r in found["baseline"]]
            cand = [r[when] for r in found["candidate"]]
            ratio = statistics.median(c / b for b, c in zip(base, cand))
            print(f"  {when}: baseline {statistics.median(base):.3f} s, candidate {statistics.median(cand):.3f} s, "
                  f"ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
