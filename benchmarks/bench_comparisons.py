"""The year-to-date comparisons and the month's summaries: this code against a baseline, in turns.

    git worktree add /tmp/cmpbase <commit>
    .venv/bin/python benchmarks/bench_comparisons.py --baseline /tmp/cmpbase --rounds 5

Each round starts, for each side in turn (the first side alternates from round to round), one fresh
process that imports the package from that side's src/ through PYTHONPATH and cleans a copy of the
shipped data (not timed). It then times, in CPU seconds of the process: `year_to_date` of the newest
month (the median of `--repeat` calls), `year_to_date` of every month with data, and
`review_summary` of the newest month in the three languages. The tables and summaries of both
sides are compared: the script stops if any differs. Prints the median of each side and the median
of the ratios taken within each round (candidate / baseline).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import turns

ROOT = turns.ROOT
MEASURES = ("ytd_newest", "ytd_every_month", "summaries")


def worker(repeat: int) -> None:
    """In this process: the cleaned shipped data, then each measure; prints JSON."""
    from analysis import comparisons, summary
    from analysis.clean import run_clean
    from analysis.config import LANGUAGES, Paths

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "data" / "raw", Path(tmp) / "data" / "raw")
        result = run_clean(Paths(Path(tmp)), today=date(2026, 1, 1))
    counts, cumulative = result.counts, result.cumulative
    newest = max(counts.loc[counts["source"] == "published", "month"])
    digest = hashlib.sha256()
    comparisons.year_to_date(counts, cumulative, newest)  # anything cached on first use
    times = []
    for _ in range(repeat):
        start = time.process_time()
        comparisons.year_to_date(counts, cumulative, newest)
        times.append(time.process_time() - start)
    seconds = {"ytd_newest": statistics.median(times)}
    start = time.process_time()
    tables = [comparisons.year_to_date(counts, cumulative, month) for month in sorted(set(counts["month"]))]
    seconds["ytd_every_month"] = time.process_time() - start
    start = time.process_time()
    texts = [summary.review_summary(counts, newest, lang, cumulative, result.incidents) for lang in LANGUAGES]
    seconds["summaries"] = time.process_time() - start
    for table in tables:
        digest.update(table.to_csv(index=False).encode())
    for text in texts:
        digest.update(text.encode())
    print(json.dumps({"seconds": seconds, "digest": digest.hexdigest()}))


def main() -> None:
    args = turns.arguments(__doc__, rounds=5, repeat=5, worker=worker)
    found = turns.in_turns(__file__, args.baseline, args.rounds, args.repeat)
    digests = {run["digest"] for runs in found.values() for run in runs}
    if len(digests) != 1:
        raise SystemExit(f"the two sides' tables or summaries differ: {sorted(digests)}")
    print(f"load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds; the tables and summaries are the same")
    print("measure | baseline CPU | candidate CPU | ratio (median of the rounds')")
    for measure in MEASURES:
        base = [run["seconds"][measure] for run in found["baseline"]]
        cand = [run["seconds"][measure] for run in found["candidate"]]
        ratio = statistics.median(c / b for b, c in zip(base, cand))
        print(f"{measure} | {statistics.median(base):.3f} s | {statistics.median(cand):.3f} s | {ratio:.2f}x")


if __name__ == "__main__":
    main()
