"""The `analysis` command: `analysis clean` and friends."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .config import Paths


MAX_SHOWN = 20  # rejected rows printed; the rest are in data/processed/rejected.csv


def _clean(args: argparse.Namespace) -> int:
    from .pipeline import run_clean

    result = run_clean(Paths(args.root))
    report = result.report
    for error in result.file_errors:
        print(f"error: {error['file']}: {error['message']}", file=sys.stderr)
    for row in result.rejected.head(MAX_SHOWN).itertuples():
        where = f"{row.file}:{row.line}" + (f": column {row.column}" if row.column else "")
        print(f"rejected: {where}: {row.reason} (found {str(row.value)[:60]!r})", file=sys.stderr)
    if len(result.rejected) > MAX_SHOWN:
        print(f"rejected: ... and {len(result.rejected) - MAX_SHOWN} more rows; all are in "
              "data/processed/rejected.csv", file=sys.stderr)
    t = report["totals"]
    print(f"clean: {len(report['files'])} files, {t['rows_read']} rows read, {t['rows_kept']} kept, "
          f"{t['rows_rejected']} rejected, {t['rows_duplicate']} duplicates")
    print(f"  {len(report['unmapped_labels'])} unmapped labels, {len(report['inconsistencies'])} "
          f"inconsistencies in the sources, {len(report['warnings'])} warnings")
    print(f"  months with data: {len(report['months_covered'])} "
          f"({report['months_covered'][0] if report['months_covered'] else '-'} to "
          f"{report['months_covered'][-1] if report['months_covered'] else '-'}), "
          f"{len(report['months_missing'])} months between them without data")
    paths = Paths(args.root)
    print(f"  wrote {paths.processed.relative_to(paths.root)}/ and "
          f"{paths.quality_md.relative_to(paths.root)}; rejected rows: "
          f"{paths.rejected.relative_to(paths.root)}")
    return 0 if result.ok else 1


def _report(args: argparse.Namespace) -> int:
    from .runner import ParameterError, run_report

    paths = Paths(args.root)
    try:
        result = run_report(paths, month=args.month, every=args.all, langs=args.lang,
                            categories=args.categories, rolling=args.rolling, timeout=args.timeout,
                            start=args.start, jobs=args.jobs, force=args.force, resolution=args.resolution)
    except (ParameterError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for error in result.clean_errors:
        print(f"error: {error['file']}: {error['message']}", file=sys.stderr)
    for run, problem in result.failures.items():
        print(f"error: notebooks/{run.notebook}.py for {run.month} ({run.lang}) failed: {problem}",
              file=sys.stderr)
    log = result.log.relative_to(paths.root) if result.log else "-"
    if result.nothing_to_do:
        print(f"report: nothing to do: every output is up to date (log: {log})")
    else:
        done = len(result.executed) - len(result.failures)
        months = sorted({r.month for r in result.runs})
        print(f"report: {'cleaned the raw data; ' if result.cleaned else ''}{done} of "
              f"{len(result.executed)} notebook runs succeeded ({len(result.runs) - len(result.executed)} "
              f"up to date) for {', '.join(months)}; figures in reports/figures/, summaries and HTML in "
              f"reports/<month>/, executed notebooks in reports/notebooks/; log: {log}")
    return 0 if result.ok else 1


def _synth(args: argparse.Namespace) -> int:
    from .synth import synthesise

    try:
        paths = synthesise(args.rows, args.months, args.out, seed=args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"synth: {args.rows} SYNTHETIC incidents in {len(paths)} monthly logs in {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--root", type=Path, default=None,
                        help="project root holding data/ and reports/ (default: this checkout)")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long for another run to finish (default: refuse at once)")
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="raw data -> data/processed/ and reports/data_quality.*")
    clean.set_defaults(func=_clean)
    report = sub.add_parser("report", help="run the notebooks: figures, summaries, HTML")
    which = report.add_mutually_exclusive_group()
    which.add_argument("--month", help="the month to report on, YYYY-MM")
    which.add_argument("--latest", action="store_true", help="the newest month with data (default)")
    which.add_argument("--all", action="store_true", help="every month with data")
    report.add_argument("--lang", default="en,ru,kk", help="languages, comma-separated (default: en,ru,kk)")
    report.add_argument("--categories", default="all",
                        help="category codes for the trend charts, comma-separated, or 'all'")
    report.add_argument("--start", help="first month of the trend charts, YYYY-MM (default: the first "
                                            "month with a published group total)")
    report.add_argument("--rolling", type=int, default=3, help="months in the rolling mean (default 3)")
    report.add_argument("--resolution", default="auto", help="trend charts by 'month', by 'year', or 'auto' "
                                                                "(default: by month up to 36 months, by year beyond)")
    report.add_argument("--timeout", type=int, default=600, help="seconds a notebook cell may take")
    report.add_argument("-j", "--jobs", type=int, default=None,
                        help="notebooks run side by side (default: the number of cores)")
    report.add_argument("--force", action="store_true", help="redo everything, changed or not")
    report.set_defaults(func=_report)
    synth = sub.add_parser("synth", help="write SYNTHETIC messy incident logs (benchmarks, tests)")
    synth.add_argument("--rows", type=int, required=True, help="incidents in all")
    synth.add_argument("--months", type=int, required=True, help="number of monthly logs")
    synth.add_argument("--out", type=Path, required=True, help="folder to write (never data/raw/)")
    synth.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    synth.set_defaults(func=_synth)
    return parser


EXIT_BUSY = 3


def main(argv: list[str] | None = None) -> int:
    from .lock import Busy, project_lock

    args = build_parser().parse_args(argv)
    try:
        with project_lock(Paths(args.root), wait=args.wait):
            return args.func(args)
    except Busy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
