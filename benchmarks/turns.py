"""Two checkouts of the code side by side: the same worker script run in a fresh process for each,
taking turns (the first side alternates from round to round), so that each round's ratio sees the
same load. Shared by bench_comparisons.py and bench_draw.py."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parser(doc: str, rounds: int, repeat: int) -> argparse.ArgumentParser:
    """`--baseline` (a checkout), `--rounds`, `--repeat`, and the hidden `--worker` of the script."""
    found = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    found.add_argument("--baseline", type=Path, help="a checkout of the code to compare with")
    found.add_argument("--rounds", type=int, default=rounds)
    found.add_argument("--repeat", type=int, default=repeat)
    found.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return found


def arguments(doc: str, rounds: int, repeat: int, worker) -> argparse.Namespace:
    """The script's arguments (`parser`). In the worker process the script starts, `worker(repeat)`
    runs and the process ends; otherwise `--baseline` is required."""
    args = parser(doc, rounds, repeat).parse_args()
    if args.worker:
        worker(args.repeat)
        raise SystemExit(0)
    if args.baseline is None:
        raise SystemExit("--baseline is required")
    return args


def in_turns(script: str, baseline: Path, rounds: int, repeat: int) -> dict[str, list[dict]]:
    """Each side's results ("baseline", "candidate": this checkout), one a round: the JSON the
    script's worker prints last, run with that side's src/ on PYTHONPATH."""
    sides = {"baseline": baseline / "src", "candidate": ROOT / "src"}
    found: dict[str, list[dict]] = {name: [] for name in sides}
    for n in range(rounds):
        for name in (list(sides) if n % 2 == 0 else list(reversed(sides))):
            done = subprocess.run([sys.executable, script, "--worker", "--repeat", str(repeat)], capture_output=True,
                                  text=True, check=True,
                                  env={**os.environ, "PYTHONPATH": str(sides[name]), "MPLBACKEND": "agg"})
            found[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return found
