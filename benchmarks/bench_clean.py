"""Cleaning SYNTHETIC incident logs against a bare pyarrow read of the same files, in one run.

    .venv/bin/python benchmarks/bench_clean.py --rows 1000000 --months 120

Prints wall time of `analysis clean` and of `pandas.read_csv(path, engine="pyarrow", dtype=str)`
(given each file's encoding and delimiter), their ratio, and the peak memory of the cleaning
process. Each measurement runs in a fresh process, so imports and caches are counted alike.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

BASELINE = textwrap.dedent("""
    import csv, json, resource, sys, time
    from pathlib import Path
    import pandas as pd
    from analysis.reading import decode, sniff_delimiter
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
    rows = sum(len(pd.read_csv(p, engine="pyarrow", dtype=str, encoding=e, sep=d)) for p, (e, d) in zip(files, formats))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=120)
    args = parser.parse_args()
    from analysis.synth import synthesise

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data" / "raw" / "published").mkdir(parents=True)
        synthesise(args.rows, args.months, root / "data" / "raw" / "incidents")
        size = sum(p.stat().st_size for p in (root / "data" / "raw" / "incidents").glob("*.csv"))
        bare = run(BASELINE, str(root / "data" / "raw" / "incidents"))
        clean = run(CLEAN, str(root))
    print(json.dumps({"rows": args.rows, "files": args.months, "input_mb": round(size / 2**20, 1),
                      "bare_read_s": round(bare["seconds"], 2), "clean_s": round(clean["seconds"], 2),
                      "ratio": round(clean["seconds"] / bare["seconds"], 2),
                      "clean_peak_mb": round(clean["peak_mb"]), "bare_peak_mb": round(bare["peak_mb"])}, indent=2))


if __name__ == "__main__":
    main()
