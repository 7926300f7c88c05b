"""`analysis clean` end to end on the shipped data and on small realistic drops."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_incidents, load_monthly_counts
from analysis.config import Paths
from analysis.pipeline import run_clean
from analysis.tables import read_csv
from conftest import FIXTURES, ROOT


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def shipped(project: Paths):
    before = digests(project.raw)
    result = run_clean(project)
    return project, result, before


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
        ("2024-05", "legal_claims", 10, 11), ("2024-06", "rights_of_journalists", 15, 16)}
    c = result.counts
    may = c[(c["month"] == "2024-05") & (c["source"] == "published") & (c["group"] == "legal_claims")]
    assert int(may.loc[may["category"] == "total", "count"].iloc[0]) == 10


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
    assert "Unmapped labels" in project.quality_md.read_text(encoding="utf-8")


def test_an_ongoing_case_is_counted_once(shipped):
    _, result, _ = shipped
    inc = result.incidents
    umarov = inc[inc["case_id"] == "CASE-umarov"]
    assert len(umarov) == 2 and umarov["counted"].sum() == 1
    matayev = inc[inc["case_id"] == "CASE-matayev"]
    assert matayev.loc[matayev["counted"], "report_month"].tolist() == ["2016-10"]


def test_new_published_file_with_unseen_wordings_maps_without_code_changes(project):
    (project.raw_published / "counts_2024-12.csv").write_text(
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
    result = run_clean(project)
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


def test_unmapped_label_is_rejected_and_reported_with_file_and_row(project):
    (project.raw_published / "extra.csv").write_text(
        "month,group_as_written,category_as_written,count\n2024-12,ALL,TOTAL,5\n"
        "2024-12,other counts (no group heading),visits by aliens,3\n", encoding="utf-8")
    result = run_clean(project)
    assert result.report["unmapped_labels"] == [
        {"label": "visits by aliens", "file": "data/raw/published/extra.csv", "row": 3}]
    assert not (result.counts["label_as_written"] == "visits by aliens").any()


def test_duplicates_and_conflicts_across_logs(project):
    log = project.raw_incidents / "2024-11.csv"
    text = log.read_text(encoding="utf-8")
    new = "AS-2024-12-001,,2024-12,2024-12-03,day,,threat,,,,Almaty,y,journalist,,state,,,,,en"
    (project.raw_incidents / "2024-12.csv").write_text(
        text.splitlines()[0] + "\nAS-2024-11-001,,2024-12,2024-12-02,day,,threat,,,,,x,journalist,,state,,,,,en\n"
        + new + "\n" + new + "\n", encoding="utf-8")
    result = run_clean(project)
    files = result.report["files"]
    assert files["data/raw/incidents/2024-12.csv"]["rows_rejected"] == 1
    assert files["data/raw/incidents/2024-12.csv"]["rows_duplicate"] == 1
    assert files["data/raw/incidents/2024-12.csv"]["rows_kept"] == 1
    clash = result.rejected[result.rejected["file"] == "data/raw/incidents/2024-12.csv"]
    assert "already used with different content" in clash["reason"].iloc[0]
    for stats in files.values():
        assert stats["rows_kept"] + stats["rows_rejected"] + stats["rows_duplicate"] == stats["rows_read"]


def test_bad_file_does_not_stop_the_others_and_fails_the_run(project):
    (project.raw_incidents / "2024-12.csv").write_bytes(b"\x00\x01\x02 not a table")
    (project.raw_incidents / "notes.csv").write_text("incident_id,event_date,category\n", encoding="utf-8")
    result = run_clean(project)
    assert not result.ok
    messages = {e["file"]: e["message"] for e in result.file_errors}
    assert "not a text file" in messages["data/raw/incidents/2024-12.csv"]
    assert "YYYY-MM.csv" in messages["data/raw/incidents/notes.csv"]
    assert result.report["totals"]["rows_kept"] > 400


def test_cli_reports_errors_in_one_line_each_without_traceback(project):
    (project.raw_incidents / "2024-12.csv").write_text("incident_id,category\nA1,threat\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analysis", "--root", str(project.root), "clean"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: data/raw/incidents/2024-12.csv: line 1: required column(s) missing: "
                      "event_date; expected a header with incident_id, event_date (found: incident_id, category)"]
    assert "rows read" in done.stdout


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


def test_a_published_figure_restated_differently_is_rejected_and_an_equal_one_is_a_duplicate(project):
    (project.raw_published / "restated.csv").write_text(
        "month,group_as_written,category_as_written,count\n"
        "2024-11,pre-trial and judicial claims and lawsuits,TOTAL,10\n"
        "2024-11,\"violations of the rights of journalists, media outlets, and newsmakers\",TOTAL,12\n",
        encoding="utf-8")
    result = run_clean(project)
    stats = result.report["files"]["data/raw/published/restated.csv"]
    assert (stats["rows_kept"], stats["rows_rejected"], stats["rows_duplicate"]) == (0, 1, 1)
    clash = result.rejected[result.rejected["file"] == "data/raw/published/restated.csv"]
    assert clash["reason"].tolist() == [
        "the same figure is stated as 10 at published_counts.csv line 243"]
