"""Fuzzing `analysis clean` with files nobody planned for (SYNTHETIC input, made up by hypothesis).

Random bytes, and random CSV text in the four encodings with random delimiters, quotes, NULs,
long cells, absurd numbers, impossible years and header names from `columns.csv`, dropped into
both raw folders under plausible and implausible names. Whatever comes in:

- the cleaning ends without a traceback (a bad file gets one `error:` line, a bad row a reason);
- every record read is kept, rejected or a duplicate, counted from the rows written out;
- every input file is either accounted for or named as unreadable;
- the raw files are unchanged.

The search is bounded (a few seconds) and derandomised when $CI is set, so CI runs the same
examples every time; locally each run tries new ones.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.clean import run_clean
from analysis.config import DOMAIN_DIR, Paths
from analysis.storage import read_csv

_SPEC = pd.read_csv(DOMAIN_DIR / "columns.csv", dtype=str, keep_default_na=False)
HEADERS = {kind: sorted({name for row in _SPEC[_SPEC["kind"] == kind].itertuples()
                         for name in [row.column, *filter(None, row.aliases.split("|"))]})
           for kind in ("incidents", "published", "cumulative")}
REQUIRED = {kind: _SPEC[(_SPEC["kind"] == kind) & (_SPEC["required"] == "true")]["column"].tolist()
            for kind in HEADERS}

AWKWARD = ["", " ", "2024-11-02", "02.11.2024", "2024-11", "0000-01", "0999-01", "1500-03-02",
           "2099-01-01", "45616", "threat", "TOTAL", "угрозы", "ст. 274 УК РК", "a > b > c",
           "2 млн тенге", "-5", str(2**63), str(2**64 + 1), "1e400", "nan", "=1+1", '"', '""',
           "a\nb", "a\rb", "x\x00y", "\u2028", "\x85", "\x0b", "Семей", "ALL", "kzt",
           "x" * 3000, "2024-01/2024-07"]
cell = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=12))
INCIDENT_NAMES = ["2024-11.csv", "2024-10.csv", "0000-01.csv", "0999-12.csv", "1500-02.csv",
                  "2099-01.csv", "2024-13.csv", "notes.txt", "2024-11.tsv"]
PUBLISHED_NAMES = ["counts.csv", "published_cumulative.csv", "more.tsv", "2024-11.csv"]


def render(header: list[str], rows: list[list[str]], delimiter: str, quoting: int, stray_quote: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, escapechar="\\", lineterminator="\n")
    for row in [header, *rows]:
        try:
            writer.writerow(row)
        except csv.Error:  # what the writer refuses, a careless export writes anyway
            out.write(delimiter.join(row) + "\n")
    text = out.getvalue()
    if stray_quote and "\n" in text:
        head, tail = text.split("\n", 1)
        text = head + "\n\"" + tail
    return text


@st.composite
def csv_file(draw, kind: str) -> bytes:
    # mostly a header with the required columns (so that rows get read), sometimes any names
    extra = draw(st.lists(st.sampled_from(HEADERS[kind]), max_size=5))
    header = draw(st.permutations(REQUIRED[kind] + extra)) if draw(st.integers(0, 4)) else extra
    rows = draw(st.lists(st.lists(cell, min_size=max(len(header) - 1, 0), max_size=len(header) + 1),
                         max_size=6))
    text = render(header, rows, draw(st.sampled_from([",", ";", "\t", "|"])),
                  draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE])),
                  draw(st.booleans()))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
    return text.encode(encoding, errors="replace")


def a_file(kind: str):
    return st.one_of(csv_file(kind), st.binary(max_size=200))


inputs = st.tuples(
    st.dictionaries(st.sampled_from(INCIDENT_NAMES), a_file("incidents"), max_size=3),
    st.dictionaries(st.sampled_from(PUBLISHED_NAMES[1:2]), a_file("cumulative"), max_size=1),
    st.dictionaries(st.sampled_from(PUBLISHED_NAMES[:1] + PUBLISHED_NAMES[2:]), a_file("published"), max_size=2),
)


# A log the checks of the test below must find read and kept (its example): they are seen to run on rows.
WELL_FORMED = b"incident_id,event_date,category,place\nF1,2024-11-02,threat,Almaty\n"


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@settings(max_examples=40, deadline=None, derandomize=bool(os.environ.get("CI")),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=inputs)
@example(files=({"2024-11.csv": WELL_FORMED, "2024-10.csv": b"\x00\x01"}, {}, {}))  # read beside a file refused
def test_clean_survives_any_input_and_accounts_for_every_row(files):
    incidents, cumulative, published = files
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        paths = Paths(root)
        paths.raw_incidents.mkdir(parents=True)
        paths.raw_published.mkdir(parents=True)
        for folder, group in ((paths.raw_incidents, incidents), (paths.raw_published, {**cumulative, **published})):
            for name, data in group.items():
                (folder / name).write_bytes(data)
        before = digests(paths.raw)

        result = run_clean(paths, today=date(2026, 1, 1))  # no traceback: any exception fails the test

        assert digests(paths.raw) == before
        named = set(result.report["files"]) | {e["file"] for e in result.file_errors}
        assert named == {f"data/raw/{name}" for name in before}
        rejected = read_csv(paths.rejected, dtype=str, keep_default_na=False)
        kept = pd.read_parquet(paths.incidents)
        for name, stats in result.report["files"].items():
            assert stats["rows_kept"] + stats["rows_rejected"] + stats["rows_duplicate"] == stats["rows_read"]
            mine = rejected[rejected["file"] == name]
            assert mine["line"].nunique() == len(mine) == stats["rows_rejected"], name
            assert mine["reason"].str.len().gt(0).all()
            if stats["kind"] == "incidents":
                lines = set(kept.loc[kept["source_file"] == Path(name).name, "source_line"])
                assert len(lines) == stats["rows_kept"] and not lines & set(mine["line"].astype(int))
        if incidents.get("2024-11.csv") == WELL_FORMED:
            read = result.report["files"].get("data/raw/incidents/2024-11.csv", {})
            assert read.get("rows_kept") == 1, result.file_errors
    finally:
        shutil.rmtree(root)
