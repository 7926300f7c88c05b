"""Regenerating every month, and a run with nothing changed, against named baselines in one run.

    .venv/bin/python benchmarks/bench_report.py --lang en --jobs 2

1. `analysis report --all --force -j N` on a copy of the shipped data, against the same notebook
   code run as plain Python scripts one after another (jupytext converts each notebook; its
   parameters are set at the top), after the same `analysis clean`.
2. `analysis report --all` again with nothing changed, against `python -m analysis --help`
   (starting Python and importing the package).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANALYSIS = [sys.executable, "-m", "analysis"]


def timed(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def scripts_baseline(root: Path, lang: str) -> tuple[float, int]:
    """`analysis clean`, then every planned notebook as a plain script, one after another."""
    import jupytext

    sys.path.insert(0, str(ROOT / "src"))
    from analysis.config import Paths
    from analysis.load import load_monthly_counts
    from analysis.runs import choose_months, plan

    seconds = timed([*ANALYSIS, "--root", str(root), "clean"])
    counts = load_monthly_counts(Paths(root))
    runs = plan(counts, choose_months(counts, None, True), [lang], "all", 3)
    folder = root / "scripts"
    folder.mkdir()
    env = {**os.environ, "ANALYSIS_ROOT": str(root), "MPLBACKEND": "agg"}
    for n, run in enumerate(runs):
        code = jupytext.writes(jupytext.read(ROOT / "notebooks" / f"{run.notebook}.py"), fmt="py:light")
        code = code.replace("from IPython.display import Markdown, display", "display, Markdown = print, str")
        code = code.replace("from IPython.display import display", "display = print")
        end = code.index("\n\n", code.index('tags=["parameters"]'))  # the parameters cell holds defaults:
        params = "".join(f"{k} = {v!r}\n" for k, v in run.parameters.items())  # set the run's after it
        script = folder / f"run_{n}.py"
        script.write_text(code[:end + 1] + params + code[end + 1:], encoding="utf-8")
        seconds += timed([sys.executable, str(script)], cwd=root, env=env)
    return seconds, len(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name in ("a", "b"):
            shutil.copytree(ROOT / "data" / "raw", base / name / "data" / "raw")
            shutil.copytree(ROOT / "notebooks", base / name / "notebooks")
        scripts_s, runs = scripts_baseline(base / "b", args.lang)
        report_s = timed([*ANALYSIS, "--root", str(base / "a"), "report", "--all", "--force",
                          "--lang", args.lang, "-j", str(args.jobs)])
        noop_s = min(timed([*ANALYSIS, "--root", str(base / "a"), "report", "--all", "--lang", args.lang])
                     for _ in range(3))
        startup_s = min(timed([*ANALYSIS, "--help"]) for _ in range(3))
    print(json.dumps({
        "notebook_runs": runs, "jobs": args.jobs, "cores": os.cpu_count(),
        "report_all_s": round(report_s, 1), "scripts_one_after_another_s": round(scripts_s, 1),
        "regenerate_ratio": round(report_s / scripts_s, 2),
        "nothing_changed_s": round(noop_s, 2), "python_and_import_s": round(startup_s, 2),
        "nothing_changed_ratio": round(noop_s / startup_s, 2)}, indent=2))


if __name__ == "__main__":
    main()
