"""The `analysis` command: `analysis clean` and friends."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .config import Paths


def _clean(args: argparse.Namespace) -> int:
    from .pipeline import run_clean

    result = run_clean(Paths(args.root))
    report = result.report
    for error in result.file_errors:
        print(f"error: {error['file']}: {error['message']}", file=sys.stderr)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--root", type=Path, default=None,
                        help="project root holding data/ and reports/ (default: this checkout)")
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="raw data -> data/processed/ and reports/data_quality.*")
    clean.set_defaults(func=_clean)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
