"""Cleaning SYNTHETIC incident logs against a bare pyarrow read of the same files, side by side.

    .venv/bin/python benchmarks/bench_clean.py --rows 10000 100000 1000000 --months 120 --pairs 3
    git worktree add /tmp/cleanbase <commit>    # and the same code before, in the same rounds:
    .venv/bin/python benchmarks/bench_clean.py --rows 1000000 --pairs 3 --baseline /tmp/cleanbase
    .venv/bin/python benchmarks/bench_clean.py --rows 1000000 --steps     # where the time goes
    .venv/bin/python benchmarks/bench_clean.py --rows 1000000 --floors    # the least each step must do

For each size it writes the logs (`analysis synth`) into a temporary folder, then runs, in turns
and each in a fresh process:

- the bare read (baseline): `pyarrow.csv.read_csv` of every file, told each file's encoding and
  delimiter (found before the clock starts);
- the full run: `run_clean` (`analysis clean`), from the raw files to every output written (the
  package already imported, as pyarrow is for the bare read).

A pair is one bare read and one full run started one after the other, so that both see the same
load on a shared machine. The ratio is taken within each pair; the median over the pairs is
printed, with the wall times and the peak resident memory (ru_maxrss) of each process. With
`--baseline`, each round also runs the full run of that checkout (PYTHONPATH=<it>/src), the two
full runs taking turns to go first; `clean_over_before` is the median of their ratios by round.
"""

from __future__ import annotations

import argparse
import json
import os
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


# Where the time of one full run goes: every step of run_clean timed from inside, with the peak
# memory when each ends. A step's time leaves out the steps inside it (reading a file is not
# counted again in loading it), so that the steps add up to the whole run; what runs between the
# steps is "between the steps".
STEPS = textwrap.dedent("""
    import json, resource, sys, time
    from analysis import cases, clean, comparisons, incidents, reviews, schemas
    spent, peaks, inside = {}, {}, []
    def timed(owner, name, label):
        inner = getattr(owner, name)
        def step(*args, **kwargs):
            inside.append(0.0)
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                seconds = time.perf_counter() - start
                nested = inside.pop()
                if inside:
                    inside[-1] += seconds
                spent[label] = spent.get(label, 0) + seconds - nested
                peaks[label] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        setattr(owner, name, step)
    from analysis.config import Paths
    # files read and cleaned, and tables written, on threads (large logs): one step for each
    threaded = hasattr(clean, "_threads") and clean._threads(Paths(sys.argv[1])) > 1
    if threaded:
        timed(clean, "_clean_files", "read and clean each file (two threads)")
    else:  # one thread, or the code before the threads
        timed(clean, "read_table", "read each file (decode, find records, pyarrow.csv)")
        timed(incidents, "check_file_month", "check each file's month")
        timed(incidents, "clean_incident_log", "clean each log (parse, map, validate)")
        for name in ("clean_published", "clean_cumulative"):
            timed(reviews, name, "clean the published counts")
        timed(incidents, "stage_coding", "read the stage coding")
    timed(incidents, "combine", "put the logs together")
    timed(clean, "_release_unused", "give back Arrow's unused memory")
    timed(incidents, "drop_duplicates", "duplicates")
    timed(incidents, "mark_counted", "first mention of each case")
    timed(incidents, "finalise", "types and row order")
    timed(incidents, "apply_stage_coding", "stage coding")
    timed(clean, "incident_log_counts", "counts from the logs")
    for owner, name in ((reviews, "drop_duplicates"), (reviews, "add_other_unspecified"),
                        (reviews, "check_overall_totals"), (reviews, "check_repeated_categories"),
                        (reviews, "check_nested_items"), (reviews, "check_against_cumulative"),
                        (comparisons, "derive_months"), (clean, "_finalise_counts")):
        timed(owner, name, "published counts, checks between sources, derived months")
    timed(cases, "case_events", "case events")
    timed(cases, "ledger", "case ledger")
    timed(cases, "consistency", "case consistency checks")
    timed(clean, "_files", "account for every line")
    timed(clean, "unread_files", "files not read")
    timed(clean, "_quality_report", "data-quality report")
    timed(schemas.incidents, "validate", "check the incidents table (pandera)")
    timed(schemas.monthly_counts, "validate", "check the counts table (pandera)")
    if threaded:  # the counts by unit are made while the other tables are written
        timed(clean, "_save", "counts by unit, and writing parquet and CSV (two threads)")
    else:
        timed(cases, "counts_by_unit", "counts by unit (new, active cases, persons)")
        if hasattr(clean, "write_parquet_and_csv"):  # each table converted to Arrow once for both files
            timed(clean, "write_parquet_and_csv", "write parquet and CSV")
        else:  # the code before it
            timed(clean, "write_parquet", "write parquet")
        timed(clean, "write_csv", "write CSV")
    timed(clean, "write_atomic", "write the data-quality report")
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1  # more than one: warm runs, after one not counted
    if repeat > 1:
        clean.run_clean(Paths(sys.argv[1]))
        spent.clear()
    start = time.perf_counter()
    for _ in range(repeat):
        clean.run_clean(Paths(sys.argv[1]))
    whole = time.perf_counter() - start
    spent = {label: seconds / repeat for label, seconds in spent.items()}
    whole /= repeat
    spent["between the steps"] = whole - sum(spent.values())
    peaks["between the steps"] = max(peaks.values())
    spent["whole run"] = whole
    peaks["whole run"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({label: [round(seconds, 4), round(peaks[label])] for label, seconds in spent.items()}))
""")


# The least each step of a clean has to do to keep its guarantees, each done by one call of Arrow,
# NumPy or hashlib: on the same logs (parsed before any clock starts), and on the tables a clean
# of them wrote (read back before any clock starts).
FLOORS = textwrap.dedent("""
    import hashlib, json, sys, tempfile, time
    from pathlib import Path
    import numpy as np
    import pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as pacsv, pyarrow.parquet as pq
    from analysis.reading import decode, sniff_delimiter
    raw, processed = Path(sys.argv[1]), Path(sys.argv[2])
    files = sorted(raw.glob("*.csv"))
    spent = {}
    def timed(label, work):
        start = time.perf_counter()
        out = work()
        spent[label] = spent.get(label, 0) + time.perf_counter() - start
        return out
    # what the bare read is told, found before any clock starts (as in the bare read)
    datas = [path.read_bytes() for path in files]
    texts = [decode(data, path)[0] for data, path in zip(datas, files)]
    delimiters = [sniff_delimiter(text[:20000]) for text in texts]
    utf8 = [text.encode() for text in texts]
    tables = [pacsv.read_csv(pa.BufferReader(data), parse_options=pacsv.ParseOptions(delimiter=delimiter))
              for data, delimiter in zip(utf8, delimiters)]
    def utf8_or_not(data):
        try:
            return bool(data.decode("utf-8"))
        except UnicodeDecodeError:
            return False
    timed("read the bytes and hash them (sha256, for the report)",
          lambda: [hashlib.sha256(path.read_bytes()).digest() for path in files])
    timed("tell each file's encoding (validate it as UTF-8)", lambda: [utf8_or_not(data) for data in datas])
    timed("find the line of every record (one scan for line breaks)",
          lambda: [np.flatnonzero(np.frombuffer(data, np.uint8) == 10) for data in utf8])
    def each_value_once():
        for table in tables:
            for column in table.columns:
                if pa.types.is_string(column.type):
                    pc.dictionary_encode(pc.utf8_trim_whitespace(column))
    timed("strip every value and take each distinct value once (Arrow)", each_value_once)
    outputs = {path.stem: pq.read_table(path) for path in sorted(processed.glob("*.parquet"))}
    incidents = outputs["incidents"]
    timed("find repeated incident ids (hash each id once)", lambda: pc.value_counts(incidents["incident_id"]))
    keys = [("report_month", "ascending"), ("event_date", "ascending"), ("incident_id", "ascending")]
    timed("put the incidents in the published order (sort and take)",
          lambda: incidents.take(pc.sort_indices(incidents, sort_keys=keys)))
    timed("number the cases of their mentions (hash each case id once)",
          lambda: pc.dictionary_encode(outputs["case_events"]["case_id"]))
    with tempfile.TemporaryDirectory() as out:
        for stem, table in outputs.items():
            timed("write the outputs as parquet (pyarrow, snappy)",
                  lambda: pq.write_table(table, f"{out}/{stem}.parquet", compression="snappy"))
            timed("write the outputs as CSV (pyarrow)", lambda: pacsv.write_csv(table, f"{out}/{stem}.csv"))
    print(json.dumps(spent))
""")


def run(code: str, *args: str, src: Path | None = None) -> dict:
    """`code` in a fresh process; with `src`, the package imported from that checkout's src/."""
    env = {**os.environ, "PYTHONPATH": str(src / "src")} if src else None
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(rows: int, months: int, pairs: int, baseline: Path | None = None) -> dict:
    """Bare read and full run side by side, `pairs` times; with `baseline` (a checkout of other
    code), that code's full run too in each round, the two full runs taking turns to go first."""
    from analysis.synth import synthesise

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data" / "raw" / "published").mkdir(parents=True)
        synthesise(rows, months, root / "data" / "raw" / "incidents")
        size = sum(p.stat().st_size for p in (root / "data" / "raw" / "incidents").glob("*.csv"))
        measured = []
        for round_ in range(pairs):
            bare = run(BASELINE, str(root / "data" / "raw" / "incidents"))
            sides = [("clean", None), ("before", baseline)] if baseline else [("clean", None)]
            found = {side: run(CLEAN, str(root), src=src) for side, src in sides[::1 - 2 * (round_ % 2)]}
            measured.append({"bare": bare, **found})
    bare = [m["bare"]["seconds"] for m in measured]
    out = {"rows": rows, "files": months, "input_mb": round(size / 2**20, 1), "pairs": pairs,
           "bare_read_s": round(statistics.median(bare), 3), "bare_peak_mb": round(max(m["bare"]["peak_mb"]
                                                                                     for m in measured))}
    for side in ("before", "clean") if baseline else ("clean",):
        seconds = [m[side]["seconds"] for m in measured]
        out |= {f"{side}_s": round(statistics.median(seconds), 3),
                f"{side}_ratio": round(statistics.median(s / b for s, b in zip(seconds, bare)), 1),
                f"{side}_peak_mb": round(max(m[side]["peak_mb"] for m in measured))}
    out["clean_us_per_row"] = round(out["clean_s"] / rows * 1e6, 1)
    if baseline:
        out["clean_over_before"] = round(statistics.median(m["clean"]["seconds"] / m["before"]["seconds"]
                                                           for m in measured), 2)
    return out


def steps(rows: int, months: int) -> dict:
    """One full run timed step by step, between two bare reads: each step also as a multiple of
    the bare read (the mean of the two)."""
    from analysis.synth import synthesise

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data" / "raw" / "published").mkdir(parents=True)
        synthesise(rows, months, root / "data" / "raw" / "incidents")
        before = run(BASELINE, str(root / "data" / "raw" / "incidents"))
        found = run(STEPS, str(root))
        after = run(BASELINE, str(root / "data" / "raw" / "incidents"))
    bare = (before["seconds"] + after["seconds"]) / 2
    return {"rows": rows, "bare_read_s": round(bare, 3),
            "steps": {label: {"seconds": seconds, "x_bare_read": round(seconds / bare, 2), "peak_mb": peak}
                      for label, (seconds, peak) in found.items()}}


def floors(rows: int, months: int) -> dict:
    """The least each step of a clean must do, each done by one Arrow, NumPy or hashlib call on
    the same logs and on the outputs of a clean of them, beside two bare reads."""
    from analysis.synth import synthesise

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data" / "raw" / "published").mkdir(parents=True)
        synthesise(rows, months, root / "data" / "raw" / "incidents")
        whole = run(CLEAN, str(root))
        before = run(BASELINE, str(root / "data" / "raw" / "incidents"))
        found = run(FLOORS, str(root / "data" / "raw" / "incidents"), str(root / "data" / "processed"))
        after = run(BASELINE, str(root / "data" / "raw" / "incidents"))
    bare = (before["seconds"] + after["seconds"]) / 2
    least = sum(found.values())
    return {"rows": rows, "bare_read_s": round(bare, 3), "clean_s": round(whole["seconds"], 3),
            "clean_x_bare_read": round(whole["seconds"] / bare, 1),
            "floors": {label: {"seconds": round(seconds, 3), "x_bare_read": round(seconds / bare, 2)}
                       for label, seconds in found.items()},
            "floors_beyond_the_read_s": round(least, 3), "bare_read_plus_floors_x": round(1 + least / bare, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--pairs", type=int, default=3, help="bare read and full run side by side, this many times")
    parser.add_argument("--baseline", type=Path,
                        help="a checkout of other code (git worktree): its full run too, in each round")
    parser.add_argument("--steps", action="store_true",
                        help="instead: one full run, the seconds and peak MB at the end of each of its steps")
    parser.add_argument("--floors", action="store_true",
                        help="instead: one full run, and the least each of its steps must do, done by Arrow alone")
    args = parser.parse_args()
    for rows in args.rows:
        print(json.dumps(steps(rows, args.months) if args.steps else floors(rows, args.months) if args.floors
                         else measure(rows, args.months, args.pairs, args.baseline)),
              flush=True)


if __name__ == "__main__":
    main()
