"""Cleaning SYNTHETIC incident logs against a bare pyarrow read of the same files, side by side.

    .venv/bin/python benchmarks/bench_clean.py --rows 10000 100000 1000000 --months 120 --pairs 3

For each size it writes the logs (`analysis synth`) into a temporary folder, then runs, in turns
and each in a fresh process:

- the bare read (baseline): `pyarrow.csv.read_csv` of every file, told each file's encoding and
  delimiter (found before the clock starts);
- the full run: `run_clean` (`analysis clean`), from the raw files to every output written (the
  package already imported, as pyarrow is for the bare read).

A pair is one bare read and one full run started one after the other, so that both see the same
load on a shared machine. The ratio is taken within each pair; the median over the pairs is
printed, with the wall times and the peak resident memory (ru_maxrss) of each process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

BASELINE = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    import pyarrow.csv as pacsv
    from analysis.reading import sniff_delimiter
    files = sorted(Path(sys.argv[1]).glob("*.csv"))
    # what a bare read needs told: each file's encoding and delimiter (found before the clock starts)
    formats = []
    for path in files:
        data = path.read_bytes()
        encoding = "utf-16" if data[:2] in (b"\\xff\\xfe", b"\\xfe\\xff") else "utf-8"
        try:
            data.decode("utf-8-sig") if encoding == "utf-8" else None
        except UnicodeDecodeError:
            encoding = "cp1251"
        text = data[:20000].decode(encoding, errors="ignore")
        formats.append((encoding, sniff_delimiter(text)))
    start = time.perf_counter()
    rows = 0
    for path, (encoding, delimiter) in zip(files, formats):
        rows += pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=encoding),
                               parse_options=pacsv.ParseOptions(delimiter=delimiter)).num_rows
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rows": rows,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")

CLEAN = textwrap.dedent("""
    import json, resource, sys, time
    from analysis.config import Paths
    from analysis.clean import run_clean
    start = time.perf_counter()
    result = run_clean(Paths(sys.argv[1]))
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rows": int(result.report["totals"]["rows_kept"]),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def run(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(rows: int, months: int, pairs: int) -> dict:
    from analysis.synth import synthesise

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data" / "raw" / "published").mkdir(parents=True)
        synthesise(rows, months, root / "data" / "raw" / "incidents")
        size = sum(p.stat().st_size for p in (root / "data" / "raw" / "incidents").glob("*.csv"))
        measured = [(run(BASELINE, str(root / "data" / "raw" / "incidents")), run(CLEAN, str(root)))
                    for _ in range(pairs)]
    bare = [b["seconds"] for b, _ in measured]
    clean = [c["seconds"] for _, c in measured]
    return {"rows": rows, "files": months, "input_mb": round(size / 2**20, 1), "pairs": pairs,
            "bare_read_s": round(statistics.median(bare), 3), "clean_s": round(statistics.median(clean), 3),
            "ratio": round(statistics.median(c / b for c, b in zip(clean, bare)), 1),
            "clean_us_per_row": round(statistics.median(clean) / rows * 1e6, 1),
            "clean_peak_mb": round(max(c["peak_mb"] for _, c in measured)),
            "bare_peak_mb": round(max(b["peak_mb"] for b, _ in measured))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--pairs", type=int, default=3, help="bare read and full run side by side, this many times")
    args = parser.parse_args()
    for rows in args.rows:
        print(json.dumps(measure(rows, args.months, args.pairs)), flush=True)


if __name__ == "__main__":
    main()
