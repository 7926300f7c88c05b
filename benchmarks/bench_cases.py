"""The case ledger on SYNTHETIC incident logs against `analysis clean` of the same logs, in one run.

    .venv/bin/python benchmarks/bench_cases.py --rows 1000000 --months 120

Writes the logs into a temporary folder, then times, each in a fresh process:
- the baseline: `analysis clean` (`run_clean`) of the logs;
- the ledger: from the cleaned incidents, `cases.case_events`, `cases.ledger`, `cases.consistency`
  and `cases.counts_by_unit` (what the clean stage adds to write the ledger and the counts by unit).
Prints both, their ratio, and the peak memory of each process.
"""

from __future__ import annotations

import argparse
import tempfile
import textwrap
from pathlib import Path

from bench_clean import CLEAN, run  # the same clean run, timed the same way

LEDGER = textwrap.dedent("""
    import json, resource, sys, time
    from analysis import cases
    from analysis.config import Paths
    from analysis.load import load_incidents, load_monthly_counts
    paths = Paths(sys.argv[1])
    incidents, counts = load_incidents(paths), load_monthly_counts(paths)
    start = time.perf_counter()
    events = cases.case_events(incidents)
    ledger = cases.ledger(incidents, events)
    problems = cases.consistency(ledger, events)
    by_unit = cases.counts_by_unit(incidents, counts, events=events)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "cases": len(ledger), "events": len(events), "problems": len(problems),
                      "count_rows": len(by_unit),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=120)
    args = parser.parse_args()
    from analysis.synth import synthesise

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        synthesise(args.rows, args.months, root / "data" / "raw" / "incidents")
        (root / "data" / "raw" / "published").mkdir(parents=True)
        clean = run(CLEAN, str(root))
        ledger = run(LEDGER, str(root))
    print(f"rows kept: {clean['rows']:,}; cases in the ledger: {ledger['cases']:,} ({ledger['events']:,} mentions)")
    print(f"analysis clean (baseline): {clean['seconds']:.1f} s, peak {clean['peak_mb']:.0f} MB")
    print(f"case ledger:               {ledger['seconds']:.1f} s, peak {ledger['peak_mb']:.0f} MB")
    print(f"ratio ledger / clean: {ledger['seconds'] / clean['seconds']:.2f}")


if __name__ == "__main__":
    main()
