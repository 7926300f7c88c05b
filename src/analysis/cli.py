"""The `analysis` command: `analysis clean` and friends."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .config import Paths

MAX_SHOWN = 20  # rejected rows printed; the rest are in data/processed/rejected.csv


def print_unread(unread: list[dict]) -> None:
    for item in unread:
        print(f"not read: {item['file']}: {item['message']}", file=sys.stderr)


def print_rejected(rejected, headings: dict[str, dict[str, str]]) -> None:
    """The rows the cleaning rejected, each with its file, line, column (by its heading in the
    file), reason and the value found."""
    from .verdicts import rejection_line

    for row in rejected.head(MAX_SHOWN).itertuples():
        print(f"rejected: {rejection_line(row, headings)}", file=sys.stderr)
    if len(rejected) > MAX_SHOWN:
        print(f"rejected: ... and {len(rejected) - MAX_SHOWN} more rows; all are in "
              "data/processed/rejected.csv", file=sys.stderr)


def _clean(args: argparse.Namespace) -> int:
    from .clean import run_clean
    from .manifest import read_manifest, write_manifest
    from .report import clean_entry, clean_key
    from .verdicts import RowsLost

    paths = Paths(args.root)
    raw, key = clean_key(paths)
    try:
        result = run_clean(paths)
    except RowsLost as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    manifest = read_manifest(paths)  # recorded as a report's clean is: the report after it cleans no more
    manifest["clean"] = clean_entry(paths, raw, key, result)
    write_manifest(paths, manifest)
    report = result.report
    width = max((len(name) for name in report["files"]), default=0)
    for name, stats in report["files"].items():
        print(f"  {name:<{width}}  {stats['rows_read']:>6} read  {stats['rows_kept']:>6} kept  "
              f"{stats['rows_rejected']:>5} rejected  {stats['rows_duplicate']:>5} duplicates", flush=True)
    # what needs fixing after the table of files, next to the totals: the last lines a terminal shows
    for error in result.file_errors:
        print(f"error: {error['file']}: {error['message']}", file=sys.stderr)
    print_unread(result.unread)
    print_rejected(result.rejected, result.headings)
    sys.stderr.flush()
    t = report["totals"]
    unread = (f" ({len(result.file_errors)} more could not be read: see the error lines above)"
              if result.file_errors else "")
    files = len(report["files"])
    print(f"clean: {files} file{'s' * (files != 1)} read{unread}, {t['rows_read']} rows read, {t['rows_kept']} kept, "
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
    from .errors import ParameterError
    from .report import run_report
    from .verdicts import RowsLost

    paths = Paths(args.root)
    try:
        result = run_report(paths, month=args.month, every=args.all, langs=args.lang,
                            categories=args.categories, rolling=args.rolling, timeout=args.timeout,
                            start=args.start, jobs=args.jobs, force=args.force, resolution=args.resolution,
                            dry_run=args.dry_run, variants=args.variants)
    except (ParameterError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RowsLost as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for error in result.clean_errors:
        print(f"error: {error['file']}: {error['message']}", file=sys.stderr)
    print_unread(result.unread)
    if result.rejected is not None:
        print_rejected(result.rejected, result.headings)
    for run, problem in result.failures.items():
        print(f"error: notebooks/{run.notebook}.py for {run.month} ({run.lang}) failed: {problem}",
              file=sys.stderr)
    if result.release_error:
        print(f"error: {result.release_error}", file=sys.stderr)
    if result.released:
        print(f"report: released the changed data as {result.released} ({paths.releases / result.released})")
    if result.release_held:
        print(f"warning: no release made: {result.release_held}", file=sys.stderr)
    for month in result.logged_only:
        print(f"note: {month} has an incident log but no published counts yet, so the newest month with counts "
              f"was reported; its review, built from the log, runs with `analysis report --month {month}`",
              file=sys.stderr)
    log = result.log.relative_to(paths.root) if result.log else "-"
    if args.dry_run:
        for step, why in result.planned.items():
            print(f"would run {step}: {why}")
        if "clean" in result.planned:  # the runs are planned from the data as they were last cleaned
            print("then the release, the runs and the site as the cleaned data call for: a dry run plans them from "
                  "the data as they were last cleaned, so a new month's runs are not listed")
        steps = len(result.planned)
        print(f"report: dry run: {steps} step{'s' * (steps != 1)} would run, nothing was changed (log: {log})")
    elif result.nothing_to_do:
        print(f"report: nothing to do: every output is up to date (log: {log})")
    else:
        print(f"report: {report_line(result)}; log: {log}")
    return 0 if result.ok else 1


def report_line(result) -> str:
    """What a run did, in words: what was cleaned, run, failed, left as it was and removed."""
    from .i18n import plural

    rejected = 0 if result.rejected is None else len(result.rejected)
    rows = f"{rejected} {plural('rows', rejected, 'en')}"
    done: list[str] = ([f"cleaned the raw data ({rows} rejected: data/processed/rejected.csv)" if rejected
                        else "cleaned the raw data"] if result.cleaned else [])
    months = ", ".join(sorted({r.month for r in result.runs}))
    up_to_date = len(result.runs) - len(result.executed)
    if result.executed:
        ran = len(result.executed) - len(result.failures)
        failed = f", {len(result.failures)} failed" if result.failures else ""
        fresh = f" ({up_to_date} already up to date)" if up_to_date else ""
        done.append(f"ran {len(result.executed)} notebook runs for {months}: {ran} succeeded{failed}{fresh}")
    else:
        done.append(f"every notebook run for {months} was already up to date ({up_to_date})")
    if result.published:
        done.append("made " + ", ".join(result.published))
    if result.removed:
        done.append(f"removed {len(result.removed)} outputs of months without data or of earlier runs")
    where = ("figures in reports/figures/, summaries and HTML in reports/<month>/, executed notebooks in "
             "reports/notebooks/")
    return "; ".join(done) + ("; " + where if result.executed else "")


def _release(args: argparse.Namespace) -> int:
    from .datapackage import ReleaseError
    from .release import run_release
    from .verdicts import RowsLost

    paths = Paths(args.root)
    try:
        result = run_release(paths, args.to)
    except (ReleaseError, RowsLost) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if result.version is None:
        print(f"release: nothing to release: the data have not changed since {result.previous}")
    else:
        print(f"release: {result.version}" + (f" (after {result.previous})" if result.previous else "")
              + f" in {result.folder}; notes: {result.folder / 'NOTES.en.md'}")
    return 0


def _site(args: argparse.Namespace) -> int:
    from .site import run_site, site_folder

    paths = Paths(args.root)
    done = run_site(paths)
    print(f"site: made {', '.join(done)}: open {site_folder(paths).relative_to(paths.root)}/index.html")
    return 0


def _synth(args: argparse.Namespace) -> int:
    from .errors import ParameterError
    from .synth import synthesise

    try:
        paths = synthesise(args.rows, args.months, args.out, seed=args.seed)
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"synth: {args.rows} SYNTHETIC incidents in {len(paths)} monthly logs in {args.out}")
    return 0


def _whole(text: str) -> int:
    """A whole number, as the command line reads it; whether it is in range is checked where every
    caller's number is (`report.check_request`, `synth.synthesise`), so that the message is the same."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; found {text!r}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds; found {text!r}") from None
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number of seconds, 0 or more; found {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """A command line it cannot take is refused in one line, as every other parameter is: what was
    wrong, and where the command's options are listed (not the whole usage)."""

    def error(self, message: str):  # noqa: ANN201 (argparse's signature: it never returns)
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="analysis", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--root", type=Path, default=None,
                        help="project root holding data/ and reports/ (default: this checkout)")
    parser.add_argument("--wait", type=_seconds, default=0.0, metavar="SECONDS",
                        help="wait this long for another run to finish (default: refuse at once)")
    # --wait is accepted after the subcommand too (`analysis report --wait 60`); SUPPRESS keeps a
    # value given before the subcommand when none is given after it.
    after = _Parser(add_help=False)
    after.add_argument("--wait", type=_seconds, default=argparse.SUPPRESS, metavar="SECONDS",
                       help="wait this long for another run to finish (default: refuse at once)")
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", parents=[after],
                           help="raw data -> data/processed/ and reports/data_quality.*")
    clean.set_defaults(func=_clean)
    report = sub.add_parser("report", parents=[after], help="run the notebooks: figures, summaries, HTML")
    which = report.add_mutually_exclusive_group()
    which.add_argument("--month", help="the month to report on, YYYY-MM")
    which.add_argument("--latest", action="store_true", help="the newest month with published counts (default)")
    which.add_argument("--all", action="store_true", help="every month with data")
    report.add_argument("--lang", default="en,ru,kk", help="languages, comma-separated (default: en,ru,kk)")
    report.add_argument("--categories", default="all",
                        help="category codes for the trend charts, comma-separated, or 'all'")
    report.add_argument("--start", help="first month of the trend charts, YYYY-MM (default: the first "
                                            "month with a published group total)")
    report.add_argument("--rolling", type=_whole, default=3, help="months in the rolling mean (default 3)")
    report.add_argument("--resolution", default="auto", help="trend charts by 'month', by 'year', or 'auto' "
                                                                "(default: by month up to 36 months, by year beyond)")
    report.add_argument("--variants", default=None,
                        help="the figures' variants, comma-separated: default,dark,social,square,newsletter,print "
                             "(default: all of them for the newest month, the default figure for earlier months)")
    report.add_argument("--timeout", type=_whole, default=600,
                        help="seconds a notebook cell may take, 1 or more (default 600)")
    report.add_argument("-j", "--jobs", type=_whole, default=None,
                        help="notebooks run side by side (default: the number of cores)")
    report.add_argument("--force", action="store_true", help="redo everything, changed or not")
    report.add_argument("--dry-run", action="store_true",
                        help="say which steps would run and why; change nothing")
    report.set_defaults(func=_report)
    release = sub.add_parser("release", parents=[after],
                             help="clean, then release the data as releases/<version>/ if it changed")
    release.add_argument("--to", type=Path, default=None,
                         help="the folder of the releases (default: $ANALYSIS_RELEASES, else releases/ in the root)")
    release.set_defaults(func=_release)
    site = sub.add_parser("site", parents=[after],
                          help="the embed snippets and bundles of every month's figures, and reports/site/, "
                               "made again from what reports/ holds")
    site.set_defaults(func=_site)
    synth = sub.add_parser("synth", help="write SYNTHETIC messy incident logs (benchmarks, tests)")
    synth.add_argument("--rows", type=_whole, required=True, help="incidents in all")
    synth.add_argument("--months", type=_whole, required=True, help="number of monthly logs")
    synth.add_argument("--out", type=Path, required=True, help="folder to write (never data/raw/)")
    synth.add_argument("--seed", type=_whole, default=1, help="random seed (default 1)")
    synth.set_defaults(func=_synth)
    template = sub.add_parser("template", help="write an empty incident log for a month: "
                                               "data/raw/incidents/<month>.xlsx, in the analyst's language")
    template.add_argument("--month", required=True, help="the month, YYYY-MM")
    template.add_argument("--lang", default="ru", help="the language of its headings and lists: ru, kk or en "
                                                       "(default ru)")
    template.set_defaults(func=_template)
    return parser


EXIT_BUSY = 3


def _template(args: argparse.Namespace) -> int:
    from .errors import ParameterError
    from .template import write_template

    paths = Paths(args.root)
    try:
        path = write_template(paths, args.month, args.lang)
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"template: wrote {path.relative_to(paths.root)}: fill in the sheet {args.month}, one incident a row, "
          "then run `make report`")
    return 0


def elsewhere(root: Path, cwd: Path, chosen: bool) -> str | None:
    """A note when the command works on a project other than the folder it is run from, without
    being told to (no --root, no $ANALYSIS_ROOT): a copied checkout whose .venv still holds the
    package of the one it was copied from works on that one."""
    root, cwd = root.resolve(), cwd.resolve()
    if chosen or cwd == root or root in cwd.parents:
        return None
    return (f"note: working on the project at {root} (where this command's package is), not on the current "
            f"folder {cwd}; pass --root to choose the project")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # --help and a bad option end here, before the lock's imports
    from .errors import DomainError
    from .lock import Busy, project_lock

    paths = Paths(args.root)
    note = elsewhere(paths.root, Path.cwd(), args.root is not None or "ANALYSIS_ROOT" in os.environ)
    if note:
        print(note, file=sys.stderr)
    where = "(pass --root DIR before the command, or set ANALYSIS_ROOT)"
    if not paths.root.is_dir():
        print(f"error: no project folder at {paths.root}: expected a folder holding data/raw/ {where}",
              file=sys.stderr)
        return 2
    if args.func in (_clean, _report, _release) and not paths.raw.is_dir():  # nothing written into a wrong folder
        print(f"error: {paths.root} holds no data/raw/: expected a project folder, with the incident logs in "
              f"data/raw/incidents/ and the published counts in data/raw/published/ {where}", file=sys.stderr)
        return 2
    try:
        with project_lock(paths, wait=args.wait):
            return args.func(args)
    except Busy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except DomainError as exc:  # a table of src/analysis/domain/ edited by hand: nothing was written
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
