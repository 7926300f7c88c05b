"""Spreadsheets as monitors keep them (.xlsx, .ods): read like CSV exports, rejected with
file:sheet:row, every row accounted for; bad workbooks explained (tests/fixtures/make_workbooks.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import sys
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, ROOT
from openpyxl import load_workbook

from analysis import taxonomy
from analysis.clean import run_clean
from analysis.config import Paths
from analysis.storage import read_csv
from analysis.template import choices, template_columns, write_template

sys.path.insert(0, str(FIXTURES))
import make_workbooks  # noqa: E402

INC = "data/raw/incidents/"
TODAY = date(2026, 1, 1)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    paths = Paths(tmp_path_factory.mktemp("workbooks"))
    paths.raw_incidents.mkdir(parents=True)
    paths.raw_published.mkdir(parents=True)
    for name, data in make_workbooks.workbooks().items():
        (paths.raw_incidents / name).write_bytes(data)
    before = _digests(paths.raw_incidents)
    result = run_clean(paths, today=TODAY)
    rejected = read_csv(paths.rejected, dtype=str, keep_default_na=False)
    return paths, result, rejected, before


WORKBOOK_ERRORS = [
    ("1993-01.xlsx", "is not a readable .xlsx workbook (ZipError"),
    ("1993-02.xlsx", "is password-protected (encrypted); expected a workbook saved without a password"),
    ("1993-03.xlsx", "sheet 'Sheet' is empty; expected a header row and the month's incidents"),
    ("1993-04.xlsx", "has no worksheet (only chart or macro sheets)"),
    ("1993-10.xls", "is a text file (a CSV export?) under a .xls name; expected a workbook: name it .csv"),
    ("1993-11.xls", "is an XML or HTML page under a .xls name, which this project does not read; expected a "
                    "workbook: open it in a spreadsheet program and save it as .xlsx"),
]


@pytest.mark.parametrize(("name", "message"), WORKBOOK_ERRORS)
def test_a_workbook_that_cannot_be_read_is_one_clear_error(corpus, name, message):
    _, result, _, _ = corpus
    errors = {Path(e["file"]).name: e["message"] for e in result.file_errors}
    assert message in errors[name]
    assert "Traceback" not in errors[name]


def test_a_misspelled_heading_is_named_with_the_columns_missing_not_only_the_first_row(tmp_path):
    from openpyxl import Workbook

    paths = Paths(tmp_path)
    paths.raw_incidents.mkdir(parents=True)
    paths.raw_published.mkdir(parents=True)
    book = Workbook()
    book.active.title = "2024-12"
    for row in (["Журнал за декабрь"], ["Идентификатор", "Дата", "Категоря", "Описание"],
                ["DEC-1", "03.12.2024", "Угроза", "SYNTHETIC"]):
        book.active.append(row)
    book.save(paths.raw_incidents / "2024-12.xlsx")
    result = run_clean(paths, today=TODAY)
    assert [e["message"] for e in result.file_errors] == [
        "sheet '2024-12': no header row with the required columns among its first 10 rows; row 2: required "
        "column(s) missing: category or category_as_written ('Категория' in the template); expected a header with "
        "incident_id, event_date, category or category_as_written (found: Идентификатор, Дата, Категоря, Описание); "
        "column 3 'Категоря' is not a heading this project reads (did you mean 'категория', category?)"]


def test_the_same_month_twice_is_an_error_naming_both_files_not_a_double_count(corpus):
    paths, result, _, _ = corpus
    twice = [e for e in result.file_errors if "1993-08" in e["file"]]
    assert twice and all("1993-08.csv" in e["message"] and "1993-08.xlsx" in e["message"] for e in twice)
    assert not (result.incidents["report_month"] == "1993-08").any()


def test_the_large_workbook_is_the_sheet_openpyxl_writes_row_by_row():
    """`make_workbooks.many_rows` copies its first row's XML for the others: the sheet must be what
    openpyxl writes when given every row."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("1993-05")
    sheet.append(make_workbooks.HEADER)
    for i in range(60):  # past the 28 days of the dates' cycle, and row numbers of two digits
        sheet.append([f"1993-05-A{i}", dt.date(1993, 5, 1 + i % 28), "угрозы журналисту", "Алматы", None,
                      "SYNTHETIC"])
    sheet_xml = "xl/worksheets/sheet1.xml"
    assert zipfile.ZipFile(io.BytesIO(make_workbooks.many_rows(60))).read(sheet_xml) == \
        zipfile.ZipFile(io.BytesIO(make_workbooks._save(book))).read(sheet_xml)


def test_nothing_else_is_lost_and_the_raw_files_are_untouched(corpus):
    paths, result, _, before = corpus
    assert _digests(paths.raw_incidents) == before
    months = result.incidents.groupby("report_month").size().to_dict()
    assert months == {"1993-05": 50_000, "1993-06": 4, "1993-09": 1}
    assert {Path(name).stem for name in result.report["files"]} >= set(months)  # each month's workbook is listed
    for name, stats in result.report["files"].items():
        assert stats["rows_kept"] + stats["rows_rejected"] + stats["rows_duplicate"] == stats["rows_read"], name


def test_a_sheet_as_kept_reads_right(corpus):
    _, result, rejected, _ = corpus
    june = result.incidents[result.incidents["report_month"] == "1993-06"].set_index("incident_id")
    # dates as dates, as text, and as a number formatted as a date
    assert june["event_date"].dt.strftime("%Y-%m-%d").to_dict() == {
        "1993-06-A1": "1993-06-02", "1993-06-A2": "1993-06-03", "1993-06-A3": "1993-06-05",
        "1993-06-A4": "1993-06-07"}
    assert june.loc["1993-06-A1", "amount_kzt"] == 150_000
    assert june.loc["1993-06-A3", "amount_kzt"] == 5_000  # a formula: its cached value
    assert june.loc["1993-06-A4", "category"] == "threat"  # a formula giving text
    assert june.loc["1993-06-A1", "region_iso"] == "KZ-75"  # from a hidden column
    assert june.loc["1993-06-A1", "victim"] == "SYNTHETIC А."  # the heading merged over two sub-headings
    assert june.loc["1993-06-A1", "victim_type"] == "journalist"
    assert june["source_line"].tolist() == [4, 5, 6, 7]  # the rows the spreadsheet shows
    (future,) = rejected[rejected["file"].str.contains("1993-06")].to_dict(orient="records")
    assert future["file"].endswith("1993-06.xlsx:Лист1") and future["line"] == "8"
    assert future["column"] == "event_date" and "a date in the future" in future["reason"]


def test_the_sheet_named_after_the_month_wins(corpus):
    _, result, _, _ = corpus
    assert result.incidents.loc[result.incidents["report_month"] == "1993-09", "incident_id"].tolist() == \
        ["1993-09-A1"]


# --- the same month as CSV, .xlsx and .ods ----------------------------------------------------------

HOLDOUT = "2014-11"  # a real month whose log is in Russian


def _as_workbook(frame: pd.DataFrame, target: Path) -> None:
    """The log as a monitor would keep it: dates as dates, amounts as numbers, everything else text."""
    typed = frame.assign(event_date=[dt.date.fromisoformat(d) if len(d) == 10 else d for d in frame["event_date"]],
                         amount_kzt=[int(a) if a else None for a in frame["amount_kzt"]])
    typed.to_excel(target, index=False, sheet_name=HOLDOUT, engine="odf" if target.suffix == ".ods" else "openpyxl")


def _clean_holdout(root: Path, kind: str, shipped: pd.DataFrame) -> pd.DataFrame:
    paths = Paths(root)
    paths.raw_incidents.mkdir(parents=True)
    paths.raw_published.mkdir(parents=True)
    target = paths.raw_incidents / f"{HOLDOUT}{kind}"
    if kind == ".csv":  # a Windows export: cp1251 and semicolons
        target.write_bytes(shipped.to_csv(index=False, sep=";").encode("cp1251", errors="strict"))
    else:
        _as_workbook(shipped, target)
    result = run_clean(paths, today=TODAY)
    assert result.report["totals"]["rows_rejected"] == 0, kind
    return result.incidents.drop(columns=["source_file", "source_line"])


@pytest.fixture(scope="module")
def holdout(tmp_path_factory):
    """The shipped log of HOLDOUT and the rows a clean of it as a CSV export keeps (one clean for both
    spreadsheet formats)."""
    shipped = pd.read_csv(ROOT / INC / f"{HOLDOUT}.csv", dtype=str, keep_default_na=False)
    return shipped, _clean_holdout(tmp_path_factory.mktemp("holdout"), ".csv", shipped)


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_the_same_month_as_csv_xlsx_and_ods_gives_the_same_rows(holdout, tmp_path, suffix):
    shipped, from_csv = holdout
    assert len(from_csv) == len(shipped)
    pd.testing.assert_frame_equal(from_csv, _clean_holdout(tmp_path, suffix, shipped))


# --- a filled-in template ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_filled_in_template_reads_back_with_no_rejection(tmp_path, lang):
    paths = Paths(tmp_path)
    paths.raw_published.mkdir(parents=True)
    path = write_template(paths, "2025-01", lang)
    book = load_workbook(path)
    log = book["2025-01"]
    columns = template_columns()["column"].tolist()
    categories = taxonomy.categories().set_index(f"label_{lang}")
    group_label = dict(zip(taxonomy.groups()["code"], taxonomy.groups()[f"label_{lang}"]))
    for i, category in enumerate(choices("categories", lang)):
        values = {"incident_id": f"T-{i:03d}", "case_id": "", "event_date": dt.date(2025, 1, 1 + i % 28),
                  "group": group_label[categories.loc[category, "group"]], "category": category,
                  "place_as_written": "", "region": choices("regions", lang)[i % 20],
                  "victim": "SYNTHETIC", "victim_type": choices("victim_type", lang)[i % 8], "outlet": "",
                  "perpetrator_type": choices("perpetrator_type", lang)[i % 3], "legal_code": "", "legal_article": "",
                  "stage": choices("stage", lang)[i % 7], "amount_kzt": 1000 * i or None, "outcome": "",
                  "source_url": "https://example.org", "summary": "SYNTHETIC"}
        for j, column in enumerate(columns, start=1):
            log.cell(row=2 + i, column=j, value=values[column])
    book.save(path)
    result = run_clean(paths, today=TODAY)
    assert result.file_errors == []
    assert result.report["totals"]["rows_rejected"] == 0
    assert result.report["warnings"] == []
    kept = result.incidents.sort_values("incident_id")
    assert kept["category"].tolist() == [categories.loc[c, "code"] for c in choices("categories", lang)]
    assert kept["stage"].tolist() == [["complaint", "pre_trial", "trial", "verdict", "appeal", "closed",
                                       "unknown"][i % 7] for i in range(len(kept))]
