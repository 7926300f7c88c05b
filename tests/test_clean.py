"""`analysis clean` end to end on the shipped data and on small realistic drops."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, ROOT, source_rows

from analysis import load_incidents, load_monthly_counts
from analysis.clean import run_clean
from analysis.config import Paths
from analysis.storage import read_csv


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def shipped(cleaned_project: Paths, shipped_run):
    """A copy of the shipped data cleaned once per session, its RunResult (never changed by a test)
    and the digests of the shipped raw files."""
    return cleaned_project, shipped_run[1], digests(ROOT / "data" / "raw")


def test_shipped_data_cleans_without_loss(shipped):
    project, result, _ = shipped
    assert result.ok and not result.file_errors
    assert result.report["unmapped_labels"] == []
    for name, stats in result.report["files"].items():
        assert stats["rows_kept"] + stats["rows_rejected"] + stats["rows_duplicate"] == stats["rows_read"], name
    assert result.report["totals"]["rows_rejected"] == 0


def test_every_published_group_total_equals_the_review(shipped):
    project, result, _ = shipped
    source = pd.read_csv(project.raw_published / "published_counts.csv", dtype=str, keep_default_na=False)
    totals = source[source["category_as_written"] == "TOTAL"]
    counts = result.counts[(result.counts["source"] == "published") & (result.counts["category"] == "total")]
    assert len(counts) == len(totals)
    written = read_csv(project.processed / "monthly_counts.csv", dtype={"count": "int64"}, keep_default_na=False)
    written = written[(written["source"] == "published") & (written["category"] == "total")]
    assert sorted(written["count"]) == sorted(totals["count"].astype(int))
    by_month = counts.set_index(["month", counts["group"].astype(str)])["count"]
    assert by_month[("2024-11", "rights_of_journalists")] == 10
    assert by_month[("2024-07", "access_to_information")] == 26
    assert by_month[("2023-04", "all")] == 49


def test_other_unspecified_is_total_minus_top_level_items(shipped):
    _, result, _ = shipped
    c = result.counts[result.counts["source"] == "published"].assign(
        group=lambda f: f["group"].astype(str), category=lambda f: f["category"].astype(str))
    nov = c[(c["month"] == "2024-11") & (c["group"] == "legal_claims")].set_index("category")["count"]
    # total 10 = civil 7 + administrative 3; the nested 456-2 cases (2) are inside the 3
    assert "other_unspecified" not in nov and nov["total"] == 10
    rights = c[(c["month"] == "2024-11") & (c["group"] == "rights_of_journalists")].set_index("category")["count"]
    assert rights["other_unspecified"] == 10 - (1 + 3 + 2)
    rulings = c[c["category"].str.startswith("court_rulings") | c["category"].str.startswith("moral_damage")]
    assert set(rulings["group"]) == {"legal_claims"}
    assert not ((c["month"] == "2017-03") & (c["category"] == "other_unspecified")).any()


def test_listed_items_above_their_total_are_reported_not_dropped(shipped):
    _, result, _ = shipped
    found = [i for i in result.report["inconsistencies"] if i["kind"] == "listed items exceed total"]
    assert {(i["month"], i["group"], i["total"], i["listed_sum"]) for i in found} == {
        ("2024-06", "rights_of_journalists", 15, 16)}
    c = result.counts
    june = c[(c["month"] == "2024-06") & (c["source"] == "published") & (c["group"] == "rights_of_journalists")]
    assert int(june.loc[june["category"] == "total", "count"].iloc[0]) == 15
    # May 2024's "including: a copyright dispute" (1) is inside its 6 civil claims, not an 11th item of 10
    may = c[(c["month"] == "2024-05") & (c["source"] == "published") & (c["group"] == "legal_claims")]
    assert may.loc[may["category"] == "civil_copyright_claim", "parent"].tolist() == ["civil_claims"]


def test_raw_files_are_untouched_and_runs_are_reproducible(shipped):
    project, _, before = shipped
    first = digests(project.processed)
    run_clean(project)
    assert digests(project.raw) == before
    assert digests(project.processed) == first
    assert set(first) >= {"incidents.parquet", "incidents.csv", "monthly_counts.parquet",
                          "monthly_counts.csv", "rejected.csv"}


def test_quality_report_lists_coverage_and_log_comparison(shipped):
    project, result, _ = shipped
    report = json.loads(project.quality_json.read_text(encoding="utf-8"))
    assert report["months_covered"][0] == "2009-01" and report["months_covered"][-1] == "2024-11"
    assert "2023-07" in report["months_missing"] and "2024-11" not in report["months_missing"]
    assert set(report["months_covered"]).isdisjoint(report["months_missing"])
    nov = [r for r in report["log_vs_published"] if r["month"] == "2024-11" and r["category"] == "attack"]
    assert nov == [{"month": "2024-11", "group": "rights_of_journalists", "category": "attack",
                    "published": 1.0, "incident_log": 1.0, "difference": 0.0}]
    markdown = project.quality_md.read_text(encoding="utf-8")
    records = len(source_rows(project.raw_published / "published_counts.csv"))
    assert f"| data/raw/published/published_counts.csv | published | utf-8 | {records} | {records} | 0 | 0 |" \
        in markdown.splitlines()
    unmapped = markdown.split("## Unmapped labels\n\n", 1)[1].split("\n", 1)[0]
    assert unmapped == "(none)"


def test_an_ongoing_case_is_counted_once(shipped):
    _, result, _ = shipped
    inc = result.incidents
    umarov = inc[inc["case_id"] == "CASE-umarov"]
    assert len(umarov) == 2 and umarov["counted"].sum() == 1
    matayev = inc[inc["case_id"] == "CASE-matayev"]
    assert matayev.loc[matayev["counted"], "report_month"].tolist() == ["2016-10"]


def test_new_published_file_with_unseen_wordings_maps_without_code_changes(small_raw):
    (small_raw.raw_published / "counts_2024-12.csv").write_text(
        "month;group_as_written;category_as_written;count;unit;source_url;note\n"
        "2024-12;Нарушения прав журналистов, СМИ и ньюсмейкеров;TOTAL;9;count;https://example.org/ru;\n"
        "2024-12;Нарушения прав журналистов, СМИ и ньюсмейкеров;угрозы журналистам и блогерам;4;count;;\n"
        "2024-12;Нарушения прав журналистов, СМИ и ньюсмейкеров;воспрепятствование работе журналистов;3;count;;\n"
        "2024-12;Ақпаратты еркін алу және тарату құқығы;TOTAL;11;count;;\n"
        "2024-12;Ақпаратты еркін алу және тарату құқығы;Қоғамдық маңызы бар ақпаратты беруден бас тарту;8;count;;\n"
        "2024-12;Досудебные и судебные претензии и иски;TOTAL;6;count;;\n"
        "2024-12;Досудебные и судебные претензии и иски;уголовные дела;2;count;;\n"
        "2024-12;Досудебные и судебные претензии и иски;уголовные дела > ст. 274 УК РК;2;count;;\n"
        "2024-12;Досудебные и судебные претензии и иски;гражданские иски;4;count;;\n",
        encoding="utf-8-sig")
    result = run_clean(small_raw)
    assert result.report["unmapped_labels"] == []
    dec = result.counts[result.counts["month"] == "2024-12"].assign(category=lambda f: f["category"].astype(str))
    got = {(r.category, r.parent): r.count for r in dec.itertuples() if r.category != "other_unspecified"}
    others = dec[dec["category"] == "other_unspecified"]
    other = dict(zip(others["group"].astype(str), others["count"]))
    assert got[("threat", "")] == 4 and got[("obstruction", "")] == 3
    assert other == {"rights_of_journalists": 2, "access_to_information": 3}
    assert got[("refusal_of_information", "")] == 8
    assert got[("criminal_false_information", "criminal_proceedings")] == 2
    assert "2024-12" in result.report["months_covered"]


def test_unmapped_label_is_rejected_and_reported_with_file_and_row(small_raw):
    (small_raw.raw_published / "extra.csv").write_text(
        "month,group_as_written,category_as_written,count\n2024-12,ALL,TOTAL,5\n"
        "2024-12,other counts (no group heading),visits by aliens,3\n", encoding="utf-8")
    result = run_clean(small_raw)
    assert result.report["unmapped_labels"] == [
        {"label": "visits by aliens", "file": "data/raw/published/extra.csv", "row": 3}]
    assert not (result.counts["label_as_written"] == "visits by aliens").any()


def test_a_log_s_label_as_written_that_no_rule_matches_is_named_with_its_column_and_words(small_raw):
    (small_raw.raw_incidents / "2024-12.csv").write_text(  # a log with the label as written only, as monitors type it
        "incident_id,event_date,category_as_written,place\n"
        "AS-2024-12-001,3 December 2024,Журналисту звонили по телефону,Almaty\n"
        "AS-2024-12-002,4 December 2024,угрозы журналистам,Almaty\n", encoding="utf-8")
    result = run_clean(small_raw)
    rejected = read_csv(small_raw.rejected, dtype=str, keep_default_na=False)
    row = rejected[rejected["file"] == "data/raw/incidents/2024-12.csv"]
    assert row[["line", "column", "value"]].values.tolist() == [
        ["2", "category_as_written", "Журналисту звонили по телефону"]]
    assert row["reason"].iloc[0].startswith("no category rule matches this label")
    assert result.report["unmapped_labels"] == [
        {"label": "Журналисту звонили по телефону", "file": "data/raw/incidents/2024-12.csv", "row": 2}]


def test_duplicates_and_conflicts_across_logs(empty_project):
    text = (ROOT / "data" / "raw" / "incidents" / "2024-11.csv").read_text(encoding="utf-8")  # the shipped log
    (empty_project.raw_incidents / "2024-11.csv").write_text(text, encoding="utf-8")
    new = "AS-2024-12-001,,2024-12,2024-12-03,day,,threat,,,,Almaty,y,journalist,,state,,,,,en"
    (empty_project.raw_incidents / "2024-12.csv").write_text(
        text.splitlines()[0] + "\nAS-2024-11-001,,2024-12,2024-12-02,day,,threat,,,,,x,journalist,,state,,,,,en\n"
        + new + "\n" + new + "\n", encoding="utf-8")
    result = run_clean(empty_project)
    files = result.report["files"]
    assert files["data/raw/incidents/2024-12.csv"]["rows_rejected"] == 1
    assert files["data/raw/incidents/2024-12.csv"]["rows_duplicate"] == 1
    assert files["data/raw/incidents/2024-12.csv"]["rows_kept"] == 1
    clash = result.rejected[result.rejected["file"] == "data/raw/incidents/2024-12.csv"]
    assert "already used with different content" in clash["reason"].iloc[0]
    for stats in files.values():
        assert stats["rows_kept"] + stats["rows_rejected"] + stats["rows_duplicate"] == stats["rows_read"]


def test_bad_file_does_not_stop_the_others_and_fails_the_run(small_raw):
    good = sum(len(source_rows(p)) for p in small_raw.raw.rglob("*.csv"))
    (small_raw.raw_incidents / "2024-12.csv").write_bytes(b"\x00\x01\x02 not a table")
    (small_raw.raw_incidents / "notes.csv").write_text("incident_id,event_date,category\n", encoding="utf-8")
    result = run_clean(small_raw)
    assert not result.ok
    messages = {e["file"]: e["message"] for e in result.file_errors}
    assert "not a text file" in messages["data/raw/incidents/2024-12.csv"]
    assert "YYYY-MM.csv" in messages["data/raw/incidents/notes.csv"]
    assert good > 0 and result.report["totals"]["rows_kept"] == good  # every good row, as without the bad files


def test_cli_reports_errors_in_one_line_each_without_traceback(small_raw):
    (small_raw.raw_incidents / "2024-12.csv").write_text("incident_id,category\nA1,threat\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analysis", "--root", str(small_raw.root), "clean"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: data/raw/incidents/2024-12.csv: line 1: required column(s) missing: event_date "
                      "('Date' in the template); "
                      "expected a header with incident_id, event_date, category or category_as_written "
                      "(found: incident_id, category)"]
    assert "rows read" in done.stdout
    summary = next(line for line in done.stdout.splitlines() if line.startswith("clean: "))
    assert " files read (1 more could not be read: see the error lines above), " in summary


def test_a_misspelled_category_heading_is_one_error_naming_it_not_every_row_empty(small_raw):
    (small_raw.raw_incidents / "2024-12.csv").write_text(
        "Идентификатор,Дата,Категоря\nSYN-1,03.12.2024,Угроза\nSYN-2,04.12.2024,Угроза\n", encoding="utf-8")
    result = run_clean(small_raw)
    assert [e["message"] for e in result.file_errors if e["file"].endswith("2024-12.csv")] == [
        "line 1: required column(s) missing: category or category_as_written ('Категория' in the template); "
        "expected a header with incident_id, event_date, category or category_as_written (found: Идентификатор, "
        "Дата, Категоря); column 3 'Категоря' is not a heading this project reads (did you mean 'категория', "
        "category?)"]
    assert not result.rejected["file"].str.endswith("2024-12.csv").any()


def test_messy_fixture_through_the_whole_pipeline(empty_project):
    source = FIXTURES / "messy" / "utf16_tab_kk" / "2024-11.csv"
    (empty_project.raw_incidents / "2024-11.csv").write_bytes(source.read_bytes())
    result = run_clean(empty_project)
    assert result.ok and len(result.incidents) == 5
    log = result.counts[(result.counts["source"] == "incident_log") & (result.counts["category"] == "total")]
    assert int(log.loc[log["group"] == "all", "count"].iloc[0]) == 5


def test_loaders_return_ordered_categoricals(shipped):
    project, _, _ = shipped
    incidents = load_incidents(project)
    counts = load_monthly_counts(project, source="published")
    assert incidents["category"].cat.ordered and counts["category"].cat.ordered
    assert list(counts["category"].cat.categories[:3]) == ["murder", "attack", "threat"]
    assert set(counts["source"]) == {"published"}
    assert pd.api.types.is_datetime64_any_dtype(incidents["event_date"])


def test_a_published_figure_restated_differently_is_rejected_and_an_equal_one_is_a_duplicate(small_raw):
    stated = '2024-11,"violations of the rights of journalists, media outlets, and newsmakers",TOTAL,10,'
    lines = (small_raw.raw_published / "published_counts.csv").read_text(encoding="utf-8").splitlines()
    (line,) = [number for number, text in enumerate(lines, start=1) if text.startswith(stated)]
    (small_raw.raw_published / "restated.csv").write_text(
        "month,group_as_written,category_as_written,count\n"
        "2024-11,pre-trial and judicial claims and lawsuits,TOTAL,10\n"
        "2024-11,\"violations of the rights of journalists, media outlets, and newsmakers\",TOTAL,12\n",
        encoding="utf-8")
    result = run_clean(small_raw)
    stats = result.report["files"]["data/raw/published/restated.csv"]
    assert (stats["rows_kept"], stats["rows_rejected"], stats["rows_duplicate"]) == (0, 1, 1)
    clash = result.rejected[result.rejected["file"] == "data/raw/published/restated.csv"]
    assert clash["reason"].tolist() == [
        f"the same figure is stated as 10 at published_counts.csv line {line}"]


# --- input in the wrong place or under the wrong name ---------------------------------------------

def test_a_log_saved_under_the_wrong_month_is_refused_naming_the_likely_month(empty_project):
    october = (FIXTURES / "messy" / "utf8_iso_dates" / "2024-11.csv").read_text(encoding="utf-8")
    (empty_project.raw_incidents / "2025-11.csv").write_text(october, encoding="utf-8")  # a year off
    result = run_clean(empty_project, today=date(2026, 1, 1))
    assert result.file_errors == [{"file": "data/raw/incidents/2025-11.csv", "message":
                                   "none of its 5 dated rows is in 2025-11, the month in the file name; most "
                                   "are in 2024-11: if this is the log of 2024-11, save it as 2024-11.csv"}]
    assert result.report["months_covered"] == [] and len(result.incidents) == 0


def test_a_log_named_after_a_month_that_has_not_begun_is_refused(empty_project):
    (empty_project.raw_incidents / "2026-02.csv").write_text(
        "incident_id,event_date,category\nA1,,threat\n", encoding="utf-8")
    result = run_clean(empty_project, today=date(2026, 1, 15))
    assert [e["message"] for e in result.file_errors] == [
        "the file name names 2026-02, a month that has not begun (today is 2026-01-15); expected the "
        "month the log covers"]


def test_a_log_may_report_incidents_of_the_month_before_but_not_only_them_unless_it_says_its_month(empty_project):
    """November's log saved as 2024-12.csv would count November's incidents in December: a log all of
    whose rows are dated in the month before is refused, unless its rows say they are December's."""
    log = empty_project.raw_incidents / "2024-12.csv"
    log.write_text("incident_id,event_date,category\nA1,2024-11-28,threat\nA2,2024-12-02,threat\n", encoding="utf-8")
    result = run_clean(empty_project, today=date(2026, 1, 1))
    assert result.file_errors == [] and result.incidents["report_month"].tolist() == ["2024-12"] * 2
    log.write_text("incident_id,event_date,category\nA1,2024-11-28,threat\n", encoding="utf-8")
    result = run_clean(empty_project, today=date(2026, 1, 1))
    assert [e["message"] for e in result.file_errors] == [
        "its one dated row is not in 2024-12, the month in the file name; it is in 2024-11: if this is the "
        "log of 2024-11, save it as 2024-11.csv; a log of 2024-12 that reports only incidents of 2024-11 says so in "
        "a report_month column of 2024-12"]
    log.write_text("incident_id,report_month,event_date,category\nA1,2024-12,2024-11-28,threat\n", encoding="utf-8")
    result = run_clean(empty_project, today=date(2026, 1, 1))
    assert result.file_errors == [] and result.incidents["report_month"].tolist() == ["2024-12"]
    # a row with no date is December's; one whose date cannot be read may be: beside either, a late report
    for other in ("A2,,threat", "A2,05.12.24,threat"):
        log.write_text(f"incident_id,event_date,category\nA1,2024-11-28,threat\n{other}\n", encoding="utf-8")
        assert run_clean(empty_project, today=date(2026, 1, 1)).file_errors == [], other


def test_a_date_a_year_or_more_before_the_log_s_month_is_kept_with_a_warning_and_only_on_a_kept_row(empty_project):
    """A clerk who types last year's year ("20.11.2023" in November 2024's log) is told so: the row is
    kept (an old incident may be reported late), with a warning naming its line; a date eleven months
    before is no warning, and a row rejected for another column is not warned as well."""
    (empty_project.raw_incidents / "2024-11.csv").write_text(
        "incident_id,event_date,category\nA1,20.11.2023,threat\nA2,01.12.2023,threat\nA3,2024-11-02,threat\n"
        "A4,30.11.2023,weather\n", encoding="utf-8")
    result = run_clean(empty_project, today=date(2026, 1, 1))
    assert result.incidents["incident_id"].tolist() == ["A1", "A2", "A3"]
    warnings = result.report["warnings"]
    assert [(w["line"], w["column"], w["value"]) for w in warnings] == [(2, "event_date", "20.11.2023")]
    assert warnings[0]["reason"].startswith("a year or more before 2024-11, the month of the log")
    assert result.rejected["line"].tolist() == [5]


def test_a_log_named_with_a_capital_extension_is_read_as_its_month(empty_project):
    (empty_project.raw_incidents / "2024-11.CSV").write_text("incident_id,event_date,category\nA1,2024-11-02,threat\n",
                                                             encoding="utf-8")
    result = run_clean(empty_project, today=date(2026, 1, 1))
    assert result.file_errors == [] and result.incidents["report_month"].tolist() == ["2024-11"]


@pytest.mark.parametrize("name, words", [
    ("0000-01.csv", "the file name names the year 0000"),
    ("0999-05.csv", "the file name names the year 0999"),
])
def test_a_file_name_with_an_impossible_year_is_one_error(empty_project, name, words):
    (empty_project.raw_incidents / name).write_text("incident_id,event_date\nA1,\n", encoding="utf-8")
    result = run_clean(empty_project)
    assert [(e["file"], e["message"][:len(words)]) for e in result.file_errors] == [
        (f"data/raw/incidents/{name}", words)]


def test_every_file_that_is_not_read_is_named_with_what_to_do(small_raw):
    (small_raw.raw_incidents / "2024-12.pdf").write_bytes(b"%PDF-1.4 a review saved as PDF")
    (small_raw.raw / "2024-12.csv").write_text("incident_id,event_date\n", encoding="utf-8")
    (small_raw.raw / "notes.txt").write_text("call the monitor in Shymkent\n", encoding="utf-8")
    (small_raw.raw_published / "old").mkdir()
    (small_raw.raw_published / "old" / "counts.csv").write_text("month\n", encoding="utf-8")
    (small_raw.raw_incidents / ".gitkeep").write_text("", encoding="utf-8")
    # the lock file Excel keeps beside a workbook open in it: no log, nothing to do (and no new data)
    (small_raw.raw_incidents / "~$2024-11.xlsx").write_bytes(b"\x0bOffice User" + bytes(150))
    from analysis.manifest import raw_hashes

    assert not any("~$" in name for name in raw_hashes(small_raw))
    done = subprocess.run([sys.executable, "-m", "analysis", "--root", str(small_raw.root), "clean"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    unread = json.loads(small_raw.quality_json.read_text(encoding="utf-8"))["unread_files"]
    named = {u["file"]: u["message"] for u in unread}
    assert set(named) == {"data/raw/incidents/2024-12.pdf", "data/raw/2024-12.csv", "data/raw/notes.txt",
                          "data/raw/published/old/counts.csv"}
    assert named["data/raw/incidents/2024-12.pdf"].startswith("only .csv, .ods, .tsv, .txt, .xls, .xlsm, .xlsx "
                                                              "files are read")
    assert named["data/raw/2024-12.csv"].startswith("files directly in data/raw/ are not read; move")
    assert named["data/raw/published/old/counts.csv"].startswith("files in sub-folders are not read")
    markdown = small_raw.quality_md.read_text(encoding="utf-8")
    assert "| data/raw/notes.txt | files directly in data/raw/ are not read;" in markdown
    # the command names each of them, with the same words as the report
    lines = [line for line in done.stderr.splitlines() if line.startswith("not read: ")]
    assert sorted(lines) == sorted(f"not read: {file}: {message}" for file, message in named.items())


# --- every row accounted for, from the rows -------------------------------------------------------

def test_a_row_that_vanishes_stops_the_run_before_anything_is_written(empty_project, monkeypatch):
    from analysis import clean, incidents

    (empty_project.raw_incidents / "2024-11.csv").write_bytes(
        (FIXTURES / "messy" / "utf8_iso_dates" / "2024-11.csv").read_bytes())
    real = incidents.drop_duplicates

    def losing(frame):  # a fault that drops the last incident without saying so
        kept, duplicates, clashes = real(frame)
        return kept.iloc[:-1], duplicates, clashes

    monkeypatch.setattr(incidents, "drop_duplicates", losing)
    with pytest.raises(clean.RowsLost, match=r"5 records read, 4 kept, 0 rejected and 0 duplicates; "
                                                r"records at lines 6 are lost"):
        run_clean(empty_project, today=date(2026, 1, 1))
    assert not empty_project.processed.exists() and not empty_project.quality_json.exists()


def test_lines_after_an_unbalanced_quote_are_split_as_the_csv_reader_splits_them(empty_project):
    # U+2028, NEL and a vertical tab inside cells: str.splitlines would break there, csv does not
    text = ("incident_id,event_date,category,summary\n"
            'A1,2024-11-02,threat,"unbalanced\n'
            "A2,2024-11-03,threat,first\u2028second\n"
            "A3,2024-11-04,threat,a\x85b\x0bc\n")
    (empty_project.raw_incidents / "2024-11.csv").write_text(text, encoding="utf-8")
    result = run_clean(empty_project, today=date(2026, 1, 1))
    stats = result.report["files"]["data/raw/incidents/2024-11.csv"]
    assert (stats["rows_read"], stats["rows_kept"], stats["rows_rejected"]) == (3, 2, 1)
    assert result.rejected["line"].tolist() == [2]
    assert sorted(result.incidents["source_line"]) == [3, 4]
    assert result.incidents.set_index("incident_id").loc["A2", "summary"] == "first\u2028second"


# --- input nobody planned for ---------------------------------------------------------------------

def test_absurd_numbers_and_years_are_rejected_rows_not_tracebacks(empty_project):
    (empty_project.raw_incidents / "2024-11.csv").write_text(
        "incident_id,event_date,category,amount_kzt\n"
        f"A1,2024-11-02,threat,{2**63}\nA2,1500-11-02,threat,\nA3,2024-11-03,threat,5000\n", encoding="utf-8")
    (empty_project.raw_published / "counts.csv").write_text(
        "month,group_as_written,category_as_written,count,unit\n"
        f"2024-11,ALL,TOTAL,{2**63},count\n0999-01,ALL,TOTAL,3,count\n0000-05,ALL,TOTAL,3,count\n"
        f"2024-11,судебные иски,moral_damage_claimed,{2**64},kzt\n2024-11,ALL,TOTAL,7,count\n", encoding="utf-8")
    result = run_clean(empty_project, today=date(2026, 1, 1))
    got = {(Path(r.file).name, r.line, r.column): r.reason for r in result.rejected.itertuples()}
    assert got == {
        ("2024-11.csv", 2, "amount_kzt"): "an absurd amount (more than 1,000,000,000,000 tenge)",
        ("2024-11.csv", 3, "event_date"): "the year 1500 is before 1900; expected the date of a monitored "
                                          "incident (a typing error?)",
        ("counts.csv", 2, "count"): "an absurd figure (more than 100,000 in a month)",
        ("counts.csv", 3, "month"): "expected the month covered as YYYY-MM",
        ("counts.csv", 4, "month"): "expected the month covered as YYYY-MM",
        ("counts.csv", 5, "count"): "an absurd figure (more than 1,000,000,000,000 in a month)",
    }
    assert result.incidents["amount_kzt"].tolist() == [5000]
    assert result.counts.loc[result.counts["source"] == "published", "count"].tolist() == [7]


def test_a_month_with_rejected_rows_says_so_under_its_summarys_heading_and_its_runs_know_it(small_raw):
    """A rejected row is left out of the month's counts: its summary, the review draft and the site
    say how many, so that no one takes the month's figures for the whole month."""
    from analysis.load import load_cumulative, load_rejected_by_month
    from analysis.manifest import DataHashes
    from analysis.outputs import Publication
    from analysis.runs import Run, run_record

    (small_raw.raw_incidents / "2024-12.csv").write_text(
        "incident_id,event_date,category,summary\nDEC-1,3 December 2024,threat,SYNTHETIC\n"
        "DEC-2,4 December 2024,thraet,SYNTHETIC\nDEC-3,5 December 2024,threat,SYNTHETIC\n", encoding="utf-8")
    result = run_clean(small_raw)
    assert result.report["rejected_by_month"] == {"2024-12": 1} == load_rejected_by_month(small_raw)
    assert "| 2024-12 | 1 |" in small_raw.quality_md.read_text(encoding="utf-8")
    counts = load_monthly_counts(small_raw, unit_of_count=None)
    for lang, words in (("en", "**Incomplete:** rows of this month's files the cleaning rejected: 1."),
                        ("ru", "**Неполные данные:** строк из файлов этого месяца, отклонённых при очистке: 1.")):
        text = Publication("2024-12", lang, paths=small_raw).summary(counts, load_cumulative(small_raw))
        assert text.splitlines()[1:3] == ["", words + text.splitlines()[2][len(words):]]
    assert words not in Publication("2024-11", "ru", paths=small_raw).summary(counts, load_cumulative(small_raw))

    shutil.copytree(ROOT / "notebooks", small_raw.notebooks)  # a run's record names its notebook's hash
    run = Run("monthly_review", "2024-12", "en", {"month": "2024-12"})
    incidents = load_incidents(small_raw)
    keys = [run_record(run, small_raw, DataHashes(counts, incidents, load_cumulative(small_raw), rejected))["key"]
            for rejected in ({"2024-12": 1}, {"2024-12": 2}, {"2024-12": 1, "2022-01": 3})]
    assert keys[0] != keys[1] and keys[0] == keys[2]  # a second rejected row reruns the review; another month's not


def test_a_row_rejected_from_a_counts_file_named_otherwise_is_of_the_month_its_kept_rows_name(small_raw):
    """A file of published counts may have any name: a rejected row of `december.csv` is December's,
    so December's summary opens with its "Incomplete" line (`load_rejected_by_month`)."""
    from analysis.load import load_rejected_by_month

    (small_raw.raw_published / "december.csv").write_text(
        "month,group_as_written,category_as_written,count\n"
        "2024-12,\"violations of the rights of journalists, media outlets, and newsmakers\",TOTAL,9\n"
        "2024-12,\"violations of the rights of journalists, media outlets, and newsmakers\",threat,many\n",
        encoding="utf-8")
    result = run_clean(small_raw)
    assert result.rejected["file"].tolist() == ["data/raw/published/december.csv"]
    assert result.report["rejected_by_month"] == {"2024-12": 1}
    assert load_rejected_by_month(small_raw) == {"2024-12": 1}
