"""One thread against two in `analysis clean`, on the same input in one process, taking turns.

    .venv/bin/python benchmarks/bench_threads.py --shipped --rounds 7
    .venv/bin/python benchmarks/bench_threads.py --rows 10000 100000 --months 120 --rounds 7
    .venv/bin/python benchmarks/bench_threads.py --rows 100000 250000 500000 1000000 --files-only --rounds 3

`analysis clean` uses config.THREADS threads only when the incident logs average
config.THREADED_FILE_BYTES or more; here both sides are forced, whatever the size: one thread
(THREADS = 1) and two (THREADS = 2, no threshold). By default each round times a whole clean
(`run_clean`) on each side; with `--files-only`, reading and cleaning the files alone
(`clean._clean_files`), the step the threads share out. The logs are SYNTHETIC (`analysis synth`,
in a temporary folder), or the shipped data (`--shipped`, copied). Prints, per input, the median
wall and CPU seconds of each side.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _once(paths, threads: int, files_only: bool) -> tuple[float, float]:
    from analysis import clean

    clean.THREADS, clean.THREADED_FILE_BYTES = threads, 0
    wall, cpu = time.perf_counter(), time.process_time()
    if files_only:
        jobs = [(path, "incidents") for path in clean._inputs(paths.raw_incidents)]
        clean._clean_files(clean._Reader(paths.root, date.today()), jobs, threads)
    else:
        clean.run_clean(paths)
    return time.perf_counter() - wall, time.process_time() - cpu


def compare(paths, name: str, rounds: int, files_only: bool) -> dict:
    sizes = [p.stat().st_size for p in paths.raw_incidents.iterdir()]
    _once(paths, 1, files_only)  # not counted: the first run reads the files from disk and fills caches
    found: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
    for round_ in range(rounds):
        for threads in (1, 2) if round_ % 2 == 0 else (2, 1):
            found[threads].append(_once(paths, threads, files_only))
    out = {"input": name, "what": "read and clean the files" if files_only else "whole clean",
           "files": len(sizes), "kb_a_file": round(sum(sizes) / len(sizes) / 1024), "rounds": rounds}
    for threads, runs in found.items():
        out[f"threads_{threads}"] = {"wall_s": round(statistics.median(w for w, _ in runs), 3),
                                     "cpu_s": round(statistics.median(c for _, c in runs), 3)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="*", default=[])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--shipped", action="store_true", help="the shipped data (data/raw/), copied")
    parser.add_argument("--files-only", action="store_true", help="reading and cleaning the files alone")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from analysis.config import Paths
    from analysis.synth import synthesise

    inputs = (["shipped"] if args.shipped else []) + args.rows
    for what in inputs:
        with tempfile.TemporaryDirectory(prefix="bench-threads-") as tmp:
            paths = Paths(Path(tmp))
            if what == "shipped":
                shutil.copytree(ROOT / "data" / "raw", paths.raw)
            else:
                (paths.raw / "published").mkdir(parents=True)
                synthesise(what, args.months, paths.raw_incidents)
            name = "shipped data" if what == "shipped" else f"{what:,} SYNTHETIC rows"
            print(json.dumps(compare(paths, name, args.rounds, args.files_only)), flush=True)


if __name__ == "__main__":
    main()
