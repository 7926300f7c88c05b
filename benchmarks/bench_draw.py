"""Drawing the figures of a long period: this code against a baseline, in turns.

    git worktree add /tmp/drawbase <commit>
    .venv/bin/python benchmarks/bench_draw.py --baseline /tmp/drawbase --rounds 3

The figures a researcher draws for the whole span of the shipped data (January 2009 to November
2024, most of its months without a review read): the groups by month, the heat map of the
categories and the legal types by month, each drawn in English and laid out as the tests check it
(`plots.layout_problems`). Each round starts, for each side in turn (the first side alternating),
one fresh process that imports the package from that side's src/ through PYTHONPATH, cleans a copy
of the shipped data and draws each figure once (not timed), then times `--repeat` drawings of all
three in CPU seconds of the process. Prints the median of each side and the median of the ratios
taken within each round (candidate / baseline).
"""

from __future__ import annotations

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


def worker(repeat: int) -> None:
    """In this process: the cleaned shipped data, then the drawings; prints JSON."""
    import matplotlib.pyplot as plt

    from analysis import figures, plots
    from analysis.clean import run_clean
    from analysis.config import Paths

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "data" / "raw", Path(tmp) / "data" / "raw")
        counts = run_clean(Paths(Path(tmp)), today=date(2026, 1, 1)).counts
    first, end = min(counts["month"]), max(counts.loc[counts["source"] == "published", "month"])
    specs = [figures.groups_stacked(counts, first, end, end), figures.category_heatmap(counts, None, first, end, end),
             figures.legal_claims_by_type(counts, first, end, end)]

    def draw_all() -> None:
        for spec in specs:
            fig = spec.draw("en")
            plots.layout_problems(fig)
            plt.close(fig)

    draw_all()  # fonts, seaborn and anything cached on first use
    times = []
    for _ in range(repeat):
        start = time.process_time()
        draw_all()
        times.append(time.process_time() - start)
    print(json.dumps({"seconds": statistics.median(times)}))


def main() -> None:
    args = turns.arguments(__doc__, rounds=3, repeat=3, worker=worker)
    found = {side: [run["seconds"] for run in runs]
             for side, runs in turns.in_turns(__file__, args.baseline, args.rounds, args.repeat).items()}
    ratio = statistics.median(c / b for b, c in zip(found["baseline"], found["candidate"]))
    print(f"load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds of {args.repeat} drawings of the three figures")
    print(f"baseline {statistics.median(found['baseline']):.2f} s CPU | candidate "
          f"{statistics.median(found['candidate']):.2f} s CPU | ratio {ratio:.2f}x")


if __name__ == "__main__":
    main()
