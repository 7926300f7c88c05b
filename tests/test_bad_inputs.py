"""The corpus of bad inputs (tests/fixtures/make_bad.py): explained, nothing lost, nothing unsafe."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, ROOT, small_project, source_rows

from analysis.storage import read_csv

sys.path.insert(0, str(FIXTURES))
import make_bad  # noqa: E402

INC, PUB = "data/raw/incidents/", "data/raw/published/"


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The corpus dropped among good files (the published counts of two months and one log) and
    cleaned by the command. The shipped data with the corpus are cleaned in test_clean_outputs.py."""
    root = tmp_path_factory.mktemp("bad")
    paths = small_project(root, notebooks=False)
    good = {str(path.relative_to(root)): len(source_rows(path)) for path in paths.raw.rglob("*.csv")}
    for folder, files in ((paths.raw_incidents, make_bad.incidents()), (paths.raw_published, make_bad.published())):
        for name, data in files.items():
            (folder / name).write_bytes(data)
    before = digests(paths.raw)
    done = subprocess.run([sys.executable, "-m", "analysis", "--root", str(root), "clean"],
                          capture_output=True, text=True, cwd=ROOT)
    report = json.loads(paths.quality_json.read_text(encoding="utf-8"))
    rejected = read_csv(paths.rejected, dtype=str, keep_default_na=False)
    return paths, done, report, rejected, before, good


def test_the_corpus_has_at_least_25_files():
    assert len(make_bad.incidents()) + len(make_bad.published()) >= 25


def test_no_traceback_nonzero_exit_and_raw_files_untouched(run):
    paths, done, _, _, before, _ = run
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert digests(paths.raw) == before


def test_the_rejected_rows_keep_their_columns_in_order_whatever_was_refused_first(run):
    """A record refused at reading (its number of fields) is written as every other rejection is:
    file, line, column, value, reason (the release's rejected table has that order)."""
    from analysis.verdicts import REJECTED_COLUMNS

    _, _, _, rejected, _, _ = run
    assert list(rejected.columns) == REJECTED_COLUMNS
    assert (rejected["reason"].str.startswith("expected 6 fields")).any()


def test_every_file_adds_up(run):
    _, _, report, rejected, _, _ = run
    for name, stats in report["files"].items():
        assert stats["rows_kept"] + stats["rows_rejected"] + stats["rows_duplicate"] == stats["rows_read"], name
        assert (rejected["file"] == name).sum() == stats["rows_rejected"], name


def test_the_good_files_are_still_processed(run):
    _, _, report, _, _, good = run
    assert len(good) == 2 and all(good.values())
    assert {name: report["files"][name]["rows_kept"] for name in good} == good


FILE_ERRORS = [
    (INC + "1990-01.csv", "the file is empty; expected a header line and rows"),
    (INC + "1990-03.csv", "is not a text file"),
    (INC + "1990-09.csv", "line 1: columns 2 and 4 both hold 'event_date'; expected each column once"),
    (INC + "1990-10.csv", "line 1: required column(s) missing: event_date ('Date' in the template); expected"),
    (INC + "notes.csv", "the file name must be the month it covers, YYYY-MM.csv"),
    (PUB + "p_empty.csv", "the file is empty"),
    (PUB + "p_binary.csv", "is not a text file"),
    (PUB + "p_missing_columns.csv", "required column(s) missing: group_as_written, category_as_written"),
    (INC + "1991-09.csv", "none of its 2 dated rows is in 1991-09, the month in the file name; most are in 1991-08: "
                          "if this is the log of 1991-08, save it as 1991-08.csv; a log of 1991-09 that reports only "
                          "incidents of 1991-08 says so in a report_month column of 1991-09"),
]


@pytest.mark.parametrize("file, words", FILE_ERRORS, ids=[f for f, _ in FILE_ERRORS])
def test_unreadable_files_get_one_line_naming_them(run, file, words):
    _, done, report, _, _, _ = run
    messages = {e["file"]: e["message"] for e in report["file_errors"]}
    assert words in messages[file]
    lines = [line for line in done.stderr.splitlines() if line.startswith(f"error: {file}:")]
    assert len(lines) == 1 and words in lines[0]


ROWS = [  # file, kept, rejected, duplicate, (line, column, words) of each rejection
    (INC + "1990-02.csv", 0, 0, 0, []),
    (INC + "1990-04.csv", 1, 1, 0, [(3, "", "expected 6 fields separated by ',' as in the header, found 2")]),
    (INC + "1990-05.csv", 2, 0, 0, []),
    (INC + "1990-06.csv", 2, 0, 0, []),
    (INC + "1990-07.csv", 2, 1, 0, [(3, "", "expected quotes to come in pairs")]),
    (INC + "1990-08.csv", 1, 1, 0, [(2, "summary", "the cell holds 10,485,760 characters; expected at most 100,000")]),
    (INC + "1990-11.csv", 1, 0, 0, []),
    (INC + "1990-12.csv", 1, 1, 0, [(2, "event_date", "no such day: 1990-02-31")]),
    (INC + "1991-01.csv", 1, 1, 0, [(2, "event_date", "a date in the future")]),
    (INC + "1991-02.csv", 1, 1, 0, [(2, "event_date", "after the end of the file's month 1991-02")]),
    (INC + "1991-03.csv", 1, 1, 0, [(2, "amount_kzt", "a negative amount")]),
    (INC + "1991-04.csv", 0, 1, 0, [(2, "amount_kzt", "an absurd amount")]),
    (INC + "1991-05.csv", 1, 1, 0, [(2, "category", "no category rule matches this label")]),
    (INC + "1991-06.csv", 1, 0, 0, []),
    (INC + "1991-07.csv", 1, 1, 0,
     [(3, "incident_id", "incident_id already used with different content at 1991-07.csv line 2")]),
    (INC + "1991-08.csv", 2, 0, 0, []),
    (INC + "1991-10.csv", 3, 0, 0, []),
    (INC + "1991-11.csv", 1, 1, 0, [(2, "category", "no category rule matches this label")]),
    (INC + "1991-12.csv", 1, 0, 1, []),
    (INC + "1992-01.csv", 1, 1, 0, [(3, "event_date", "no such day: 1992-13-01")]),
    (PUB + "p_items_exceed_total.csv", 3, 0, 0, []),
    (PUB + "p_items_exceed_total_again.csv", 0, 0, 3, []),
    (PUB + "p_unknown_label.csv", 0, 1, 0, [(2, "category_as_written", "no category rule matches this label")]),
    (PUB + "p_bad_count.csv", 0, 2, 0, [(2, "count", "expected a whole number"), (3, "count", "a negative number")]),
    (PUB + "p_bad_month.csv", 0, 1, 0, [(2, "month", "expected the month covered as YYYY-MM")]),
    (PUB + "p_total_without_group.csv", 0, 1, 0, [(2, "group_as_written", "a TOTAL needs a group heading")]),
    (PUB + "p_formula.csv", 0, 1, 0, [(2, "category_as_written", "no category rule matches this label")]),
]


@pytest.mark.parametrize("file, kept, rejected_rows, duplicate, reasons", ROWS, ids=[r[0] for r in ROWS])
def test_each_bad_row_is_explained_with_file_line_and_column(run, file, kept, rejected_rows, duplicate, reasons):
    _, _, report, rejected, _, _ = run
    stats = report["files"][file]
    assert (stats["rows_kept"], stats["rows_rejected"], stats["rows_duplicate"]) == (kept, rejected_rows, duplicate)
    mine = rejected[rejected["file"] == file].sort_values("line", key=lambda s: s.astype(int))
    assert len(mine) == len(reasons)
    for (_, got), (line, column, words) in zip(mine.iterrows(), reasons):
        assert (int(got["line"]), got["column"]) == (line, column)
        assert words in got["reason"]


def test_notes_explain_what_was_read_differently(run):
    _, _, report, _, _, _ = run
    notes = {name: " ".join(stats["notes"]) for name, stats in report["files"].items()}
    assert "cp1251" in notes[INC + "1990-05.csv"]
    assert "unbalanced quote" in notes[INC + "1990-07.csv"]
    assert "'colour' is not one this project reads" in notes[INC + "1990-11.csv"]
    assert "identical to data/raw/published/p_items_exceed_total.csv" in notes[PUB + "p_items_exceed_total_again.csv"]
    warnings = pd.DataFrame(report["warnings"])
    atlantis = warnings[warnings["file"] == INC + "1991-06.csv"].iloc[0]
    assert (atlantis["line"], atlantis["column"], atlantis["value"]) == (2, "place_as_written", "Atlantis")


def test_decimal_commas_and_inconsistent_totals_are_kept(run):
    paths, _, report, _, _, _ = run
    incidents = pd.read_parquet(paths.incidents)
    amounts = incidents[incidents["source_file"] == "1990-06.csv"]["amount_kzt"].tolist()
    assert amounts == [1234, 2_500_000]
    assert any(i["month"] == "1990-01" and i["kind"] == "listed items exceed total" for i in report["inconsistencies"])


def test_formulas_are_neutralised_in_every_csv_and_read_back_unchanged(run):
    paths, _, _, rejected, _, _ = run
    raw = pd.read_csv(paths.processed / "incidents.csv", dtype=str, keep_default_na=False)  # as a spreadsheet sees it
    mine = raw[raw["source_file"] == "1991-10.csv"]
    assert set(mine["summary"]) == {"'=HYPERLINK(\"http://example.org\")", "'-2+3", "'@SUM(A1:A9)"}
    assert "'+cmd" in set(mine["place_as_written"])
    back = read_csv(paths.processed / "incidents.csv", dtype=str, keep_default_na=False)
    assert set(back.loc[back["source_file"] == "1991-10.csv", "summary"]) == {
        '=HYPERLINK("http://example.org")', "-2+3", "@SUM(A1:A9)"}
    rejected_raw = pd.read_csv(paths.rejected, dtype=str, keep_default_na=False)
    assert "'=cmd|' /C calc'!A0" in set(rejected_raw["value"])
    assert "=cmd|' /C calc'!A0" in set(rejected["value"])


def test_markup_in_the_data_is_escaped_in_the_report(run):
    paths, _, _, _, _, _ = run
    text = paths.quality_md.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
