"""The months of a period, as the data-quality report and the trend checks count them; the report
in each language."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import quality, taxonomy
from analysis.quality import month_span


def test_a_span_runs_across_the_turn_of_the_year():
    assert month_span(["2024-02", "2023-11", "2023-12"]) == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert month_span(["2024-05"]) == ["2024-05"]
    assert month_span([]) == []


def test_a_month_written_otherwise_is_read_as_pandas_reads_it():
    assert month_span(["2024-01", "2024-3"]) == ["2024-01", "2024-02", "2024-03"]


@given(st.lists(st.tuples(st.integers(1990, 2040), st.integers(1, 12)), min_size=1, max_size=4))
def test_the_span_is_the_period_range(months):
    texts = [f"{year:04d}-{month:02d}" for year, month in months]
    expected = [str(p) for p in pd.period_range(min(texts), max(texts), freq="M")]
    assert month_span(texts) == expected


def test_a_rejected_row_belongs_to_the_month_its_file_is_named_after_or_the_one_month_its_kept_rows_name():
    from analysis.quality import rejected_by_month

    rejected = pd.DataFrame({"file": ["data/raw/incidents/2024-12.csv", "data/raw/incidents/2024-12.xlsx:2024-12",
                                      "data/raw/published/2024-10_review.csv", "data/raw/published/december.csv",
                                      "data/raw/published/published_counts.csv", "data/raw/case_stages/stages.csv"],
                             "line": [2, 3, 4, 5, 6, 7]})
    # kept rows name their file by its name, rejections by its path (`RawTable.name`, `.label`)
    published = pd.DataFrame({"source_file": ["december.csv", "december.csv", "published_counts.csv",
                                              "published_counts.csv"],
                              "month": ["2024-12", "2024-12", "2024-10", "2024-11"]})
    # a file of several months, and the stage coding, name no month: their rows are in rejected.csv alone
    assert rejected_by_month(rejected, published) == {"2024-10": 1, "2024-12": 3}
    assert rejected_by_month(rejected.iloc[0:0], published) == {}


def test_a_stated_figure_restated_in_several_reviews_is_one_line_with_its_words_and_whole_numbers():
    statement = {"period": "2022-01/2023-12", "metric_as_written": "attacks via judicial and/or economic means",
                 "target": "attack", "stated": 430.0, "computed": 1.0, "months_with_data": 1,
                 "months_in_period": 24, "explained_by_missing_months": True}
    report = {"package_version": "0", "files": {}, "file_errors": [], "unmapped_labels": [], "rejected_by_reason": {},
              "months_covered": [], "coverage_by_source": {}, "inconsistencies": [], "legacy_groups": [],
              "separate_series": [], "warnings": [], "log_vs_published": [],
              "stated_vs_computed": [{**statement, "source_url": "https://adilsoz.kz/a"},
                                     {**statement, "source_url": "https://adilsoz.kz/b"},
                                     {**statement, "metric_as_written": "physical attacks", "stated": 56.0}]}
    text = quality.render_markdown(report)
    rows = [line for line in text.splitlines() if line.startswith("| 2022-01/2023-12")]
    assert rows == [
        "| 2022-01/2023-12 | attacks via judicial and/or economic means | attack | 430 | 1 | 1 | 24 | True |",
        "| 2022-01/2023-12 | physical attacks | attack | 56 | 1 | 1 | 24 | True |"]


def test_the_report_names_the_logs_that_cover_no_month_because_they_hold_only_later_mentions(shipped_run):
    """The shipped logs of 2009-02, 2009-06, 2019-08, 2019-11 and 2022-11 mention cases first counted
    earlier: they are read and kept, yet the logs' coverage leaves their months out, and says why."""
    root, result = shipped_run
    later = result.report["logs_of_later_mentions"]
    assert later == ["2009-02.csv", "2009-06.csv", "2019-08.csv", "2019-11.csv", "2022-11.csv"]
    covered = set(result.report["coverage_by_source"]["incident_log"]["months_covered"])
    assert all(f"data/raw/incidents/{name}" in result.report["files"] for name in later)
    assert not covered & {name[:7] for name in later}
    text = (root / "reports" / "data_quality.md").read_text(encoding="utf-8")
    assert ("5 logs hold only later mentions of cases counted in an earlier month, so no month is covered "
            "by them: 2009-02.csv, 2009-06.csv, 2019-08.csv, 2019-11.csv, 2022-11.csv.") in text
    one = quality.render_markdown({**result.report, "logs_of_later_mentions": later[:1]})
    assert "1 log holds only later mentions" in one and "covered by it: 2009-02.csv." in one
    assert "only later mentions" not in quality.render_markdown({**result.report, "logs_of_later_mentions": []})


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_report_in_russian_or_kazakh_has_the_english_ones_tables_with_its_own_headings(shipped_run, lang):
    """The site's quality page in the reader's language: every heading, sentence and column heading
    translated (a stage by the stage vocabulary, a series by its label), the values and the English
    reasons as the cleaning wrote them, the same tables with the same rows."""
    from analysis.i18n import t
    from analysis.parsing import vocabulary_label

    _, result = shipped_run
    english = quality.render_markdown(result.report).splitlines()
    text = quality.render_markdown(result.report, lang)
    lines = text.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert len(headings) == len([line for line in english if line.startswith("#")])
    assert not set(headings) & set(line for line in english if line.startswith("#"))  # none left in English
    assert headings[0] == f"# {t('site_quality', lang)}" and t("quality_in_english", lang) in lines
    tables = [line for line in lines if line.startswith("|")]
    assert len(tables) == len([line for line in english if line.startswith("|")])
    rows_en = [line for line in english if line.startswith("| data/raw/")]
    assert rows_en and all(row in lines for row in rows_en)  # the files' rows as in English
    header = next(line for line in lines if line.startswith("| ") and vocabulary_label("stage", "pre_trial", lang)
                  in line)
    assert "complaint" not in header and t("quality_column_article", lang) in header
    assert taxonomy.category_label("court_rulings", lang) in text and "Court rulings" not in text
    assert t("quality_none", lang) in lines and "(none)" not in lines  # the empty tables
    assert "rows_read" not in text and t("quality_column_rows_read", lang) in text
