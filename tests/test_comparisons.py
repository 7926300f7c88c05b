"""Evidence levels, guardrails, derived months, series breaks, events and coverage.

Fixtures marked SYNTHETIC are made-up figures for these tests only; the other tests use the
shipped data.
"""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.text import Text

from analysis import comparisons, events, figures, trends
from analysis.config import DOMAIN_DIR, LANGUAGES
from analysis.i18n import t
from analysis.reviews import CUMULATIVE_COLUMNS

URL = "https://adilsoz.kz/en/262-violations/synthetic.html"  # SYNTHETIC: not a real page


def counts_frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """SYNTHETIC monthly counts: (month, group, category, count), all published."""
    columns = ["month", "group", "category", "unit", "count", "source", "source_url", "parent",
               "label_as_written", "note", "derived_from"]
    return pd.DataFrame([{"month": m, "group": g, "category": c, "unit": "count", "count": n,
                          "source": "published", "source_url": URL, "parent": "", "label_as_written": "",
                          "note": "SYNTHETIC", "derived_from": ""} for m, g, c, n in rows], columns=columns)


def cumulative_frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """SYNTHETIC cumulative statements: (start, end, metric, value)."""
    return pd.DataFrame([{"period": f"{s}/{e}", "start_month": s, "end_month": e, "metric_as_written": metric,
                          "value_as_written": str(v), "value": float(v), "unit": "count",
                          "comparison_start": None, "comparison_end": None, "comparison_value": float("nan"),
                          "source_url": URL, "note": "SYNTHETIC", "source_file": "published_cumulative.csv",
                          "source_line": i + 2} for i, (s, e, metric, v) in enumerate(rows)],
                        columns=CUMULATIVE_COLUMNS)


CLAIMS = "pre-trial and judicial claims and lawsuits"


# --- evidence levels -----------------------------------------------------------------------------

def test_stated_the_reviews_own_year_to_date_figure_wins(shipped_clean):
    counts, cumulative, _ = shipped_clean
    table = comparisons.year_to_date(counts, cumulative, "2024-07").set_index("code")
    claims = table.loc["legal_claims"]
    assert (claims["evidence"], claims["current"], claims["previous"]) == ("stated", 87, 55)
    # the monthly totals read here: February to July 2024, 9 + 6 + 20 + 10 + 13 + 14
    assert claims["computed_current"] == 72 and claims["months_with_data_current"] == 6
    assert claims["verdict"] == "more" and round(claims["percent"]) == 58  # base 55: a percentage


def test_complete_every_month_of_both_periods_has_a_count():
    counts = counts_frame([(f"{y}-{m:02d}", "legal_claims", "total", n)
                           for y, base in ((2023, 10), (2024, 20)) for m, n in zip((1, 2, 3), (base, base, base))])
    row = comparisons.year_to_date(counts, None, "2024-03").set_index("code").loc["legal_claims"]
    assert (row["evidence"], row["current"], row["previous"], row["months"]) == ("complete", 60, 30, 3)


def test_partial_only_months_with_data_in_both_years_and_they_are_named(shipped_clean):
    counts, cumulative, _ = shipped_clean
    row = comparisons.year_to_date(counts, cumulative, "2024-11").set_index("code").loc["rights_of_journalists"]
    # 2023 has group totals for April to June only
    assert (row["evidence"], row["current"], row["previous"]) == ("partial", 20 + 22 + 15, 14 + 13 + 15)
    assert row["months_list"] == "2024-04,2024-05,2024-06"
    assert row["previous_months_list"] == "2023-04,2023-05,2023-06"
    spec = figures.ytd_comparison(counts, "2024-11", cumulative)
    for lang in LANGUAGES:
        title = spec.texts(lang)["title"]
        assert "January–November" not in title and "январь–ноябрь" not in title and "қаңтар–қараша" not in title
    evidence = {e["code"]: e for e in spec.meta["evidence"]}
    assert evidence["rights_of_journalists"]["months"] == ["2024-04", "2024-05", "2024-06"]
    assert spec.data.set_index("code").loc["rights_of_journalists", "evidence"] == "partial"


def test_a_stated_figure_for_another_period_is_not_used():
    counts = counts_frame([("2023-01", "legal_claims", "total", 9), ("2024-01", "legal_claims", "total", 12)])
    cumulative = cumulative_frame([("2024-01", "2024-02", CLAIMS, 40)])
    row = comparisons.year_to_date(counts, cumulative, "2024-01").set_index("code").loc["legal_claims"]
    assert (row["evidence"], row["current"], row["previous"]) == ("complete", 12, 9)


# --- guardrails ----------------------------------------------------------------------------------

@pytest.mark.parametrize("current, previous, verdict", [
    (4, 4, "too_few"), (0, 4, "too_few"), (4, 5, "same"), (40, 10, "more"), (5, 30, "fewer"), (12, 10, "same")])
def test_verdicts(current, previous, verdict):
    assert comparisons.judge(current, previous).verdict == verdict


def test_no_percentage_from_a_base_under_20():
    assert comparisons.judge(40, 19).percent is None
    assert comparisons.judge(40, 20).percent == pytest.approx(100.0)


def test_too_few_is_said_with_both_numbers_in_three_languages():
    counts = counts_frame([("2023-01", "legal_claims", "total", 3), ("2024-01", "legal_claims", "total", 4)])
    from analysis.summary import review_summary

    text = {lang: review_summary(counts, "2024-01", lang) for lang in LANGUAGES}
    assert "4 against 3: too few to compare" in text["en"]
    assert ("за январь 2024: 4; за январь 2023: 3 (данные есть за каждый месяц): слишком мало для сравнения"
            in text["ru"])
    assert "салыстыруға тым аз" in text["kk"]


# --- derived months ------------------------------------------------------------------------------

def test_derived_month_from_two_consecutive_statements():
    counts = counts_frame([("2024-05", "legal_claims", "total", 8)])
    cumulative = cumulative_frame([("2024-01", "2024-06", CLAIMS, 50), ("2024-01", "2024-07", CLAIMS, 57)])
    rows, problems = comparisons.derive_months(counts, cumulative)
    assert problems == []
    assert rows[["month", "group", "category", "count", "source"]].values.tolist() == [
        ["2024-07", "legal_claims", "total", 7, "derived"]]
    assert "line 3" in rows["derived_from"].iloc[0] and "line 2" in rows["derived_from"].iloc[0]


def test_a_negative_difference_is_an_inconsistency_not_a_month():
    cumulative = cumulative_frame([("2024-01", "2024-06", CLAIMS, 50), ("2024-01", "2024-07", CLAIMS, 45)])
    rows, problems = comparisons.derive_months(counts_frame([]), cumulative)
    assert rows.empty
    assert [p["kind"] for p in problems] == ["derived month is negative"]
    assert "gives -5; not used" in problems[0]["message"]


def test_a_difference_that_contradicts_the_monthly_count_is_reported_and_not_used():
    counts = counts_frame([("2024-07", "legal_claims", "total", 3)])
    cumulative = cumulative_frame([("2024-01", "2024-06", CLAIMS, 50), ("2024-01", "2024-07", CLAIMS, 57)])
    rows, problems = comparisons.derive_months(counts, cumulative)
    assert rows.empty
    assert problems[0]["kind"] == "derived month contradicts the monthly count"
    assert "gives 7, the review of the month states 3" in problems[0]["message"]


def test_a_difference_below_a_figure_the_month_states_inside_it_is_reported_and_not_used():
    # SYNTHETIC: 3 criminal charges in January, 4 to February: February's 1 is below the 2 criminal
    # false-information cases (inside criminal proceedings) that February's review states
    counts = counts_frame([("2024-02", "legal_claims", "criminal_false_information", 2),
                           ("2024-02", "legal_claims", "civil_claims", 7), ("2024-02", "legal_claims", "total", 9)])
    cumulative = cumulative_frame([("2024-01", "2024-01", "criminal charges", 3),
                                   ("2024-01", "2024-02", "criminal charges", 4)])
    rows, problems = comparisons.derive_months(counts, cumulative)
    assert rows.empty and [p["kind"] for p in problems] == ["derived month below a figure inside it"]
    assert problems[0]["message"].endswith("gives 1, less than the 2 criminal_false_information the review of the "
                                           "month states inside it; not used")
    # a group's total below one of its categories, likewise
    cumulative = cumulative_frame([("2024-01", "2024-01", CLAIMS, 10), ("2024-01", "2024-02", CLAIMS, 15)])
    rows, problems = comparisons.derive_months(counts.iloc[:2], cumulative)  # February: 7 civil claims, no total
    assert rows.empty and problems[0]["message"].endswith("gives 5, less than the 7 civil_claims the review of the "
                                                          "month states inside it; not used")


def test_two_statements_of_one_category_that_count_different_things_give_no_month():
    complaints = "pre-trial complaints of protection of honour, dignity and business reputation"
    claims_and_suits = "since the beginning of the year: pre-trial claims and suits on protection of honour"
    cumulative = cumulative_frame([("2015-01", "2015-01", complaints, 3), ("2015-01", "2015-02", claims_and_suits, 22),
                                   ("2015-01", "2015-03", claims_and_suits, 30)])
    rows, problems = comparisons.derive_months(counts_frame([]), cumulative)
    assert rows[["month", "category", "count"]].values.tolist() == [["2015-03", "civil_claims", 8]]  # 30 - 22
    assert [p["kind"] for p in problems] == ["derived month of two measures"]
    assert problems[0]["message"].startswith("2015-02 civil_claims: 2015-01/2015-02: 22 (published_cumulative.csv "
                                             "line 3) minus 2015-01/2015-01: 3 (published_cumulative.csv line 2): ")
    assert problems[0]["message"].endswith("count different things; not used")


def test_where_a_category_s_figures_change_measure_its_series_has_a_break(shipped_clean):
    """Two months of one category whose figures name different measures ("pre-trial complaints", "pre-trial
    claims and suits": `measure` rows of statement_words.csv), with no month naming a measure between them,
    have an event between them that breaks the series (domain/events.csv), so that a chart marks the change
    and a comparison across it says so."""
    from analysis import events, taxonomy

    counts, _, _ = shipped_clean
    figures_ = counts[counts["source"].isin(["published", "derived"]) & ~counts["category"].isin(["total"])
                      & counts["unit"].eq("count")]
    checked = 0
    for code, part in figures_.groupby(figures_["category"].astype(str)):
        measured = part.sort_values("month").drop_duplicates("month", keep="last")
        named = [(m, w) for m, label in zip(measured["month"], measured["label_as_written"])
                 if (w := taxonomy.measure_words(label))]  # a wording that names no measure says nothing of it
        months, words = [m for m, _ in named], [w for _, w in named]
        for (before, a), (after, b) in zip(zip(months, words), zip(months[1:], words[1:])):
            if a != b:
                checked += 1
                assert len(events.breaks_between([code], before, after)), (code, before, after)
    assert checked == 2  # civil claims: July to November 2014, December 2014 to January 2015


def test_shipped_derived_months_are_in_monthly_counts(shipped_clean):
    counts, _, _ = shipped_clean
    derived = counts[counts["source"] == "derived"]
    july = derived[(derived["month"] == "2014-07") & (derived["category"] == "criminal_defamation")]
    assert july["count"].tolist() == [4]  # 13 in January-July 2014 minus 9 in January-June
    # January-February 2015's 22 "pre-trial claims and suits" less January's 3 "pre-trial complaints" (January
    # also had 4 suits filed): no February figure; the charges of those two statements give one
    february = derived[derived["month"] == "2015-02"]
    assert february[["category", "count"]].values.tolist() == [["criminal_defamation", 1]]
    assert (counts["derived_from"] != "").eq(counts["source"] == "derived").all()


def test_monthly_all_gives_each_measure_what_monthly_gives_it_alone(shipped_clean):
    counts, _, _ = shipped_clean
    measures = [("group", g) for g in ("rights_of_journalists", "access_to_information", "legal_claims", "nowhere")]
    measures += [("category", c) for c in sorted(set(counts["category"].astype(str))) if c != "total"]
    together = comparisons.monthly_all(counts, measures + measures[:3])  # a measure asked twice is one
    assert sorted(together) == sorted(measures)
    assert sum(len(series) for series, _ in together.values()) > 200
    groups = trends.group_totals(counts, sources=trends.WITH_DERIVED)  # the whole table, not the rows picked
    for kind, code in measures:
        alone, flags = comparisons.monthly(counts, kind, code)
        assert together[kind, code][0].to_dict() == alone.to_dict()
        assert together[kind, code][1].to_dict() == flags.to_dict()
        whole = groups if kind == "group" else trends.category_matrix(counts, [code], sources=trends.WITH_DERIVED)
        expected = whole[code].dropna().to_dict() if code in whole.columns else {}
        assert together[kind, code][0].to_dict() == expected, (kind, code)


def test_monthly_all_takes_nested_items_and_flags_derived_months():
    counts = counts_frame([("2024-01", "legal_claims", "total", 8), ("2024-03", "legal_claims", "total", 6),
                           ("2024-01", "legal_claims", "administrative_proceedings", 5),
                           ("2024-02", "legal_claims", "criminal_defamation", 2)])
    counts.loc[1, "source"] = "derived"
    counts.loc[3, "parent"] = "criminal_proceedings"  # stated only inside the criminal cases
    found = comparisons.monthly_all(counts, [("group", "legal_claims"), ("category", "criminal_defamation"),
                                             ("category", "civil_claims")])
    assert found["group", "legal_claims"][0].to_dict() == {"2024-01": 8, "2024-03": 6}
    assert found["group", "legal_claims"][1].to_dict() == {"2024-01": False, "2024-03": True}
    assert found["category", "criminal_defamation"][0].to_dict() == {"2024-02": 2}
    assert found["category", "civil_claims"][0].empty


# --- breaks and events ---------------------------------------------------------------------------

def test_a_comparison_across_a_break_refuses_unless_allowed():
    # June and August in both years: June 2023 lies before the 456-2 amendment of 2023-07-10
    counts = counts_frame([(f"{y}-{m:02d}", "legal_claims", "administrative_false_information", n)
                           for y in (2023, 2024) for m, n in ((6, 5), (8, 6), (9, 7))])
    stated = comparisons.statements(cumulative_frame([]))
    with pytest.raises(comparisons.SeriesBreak, match="456-2"):
        comparisons.compare(counts, stated, "category", "administrative_false_information",
                            ("2024-01", "2024-09"), ("2023-01", "2023-09"))
    comp = comparisons.compare(counts, stated, "category", "administrative_false_information",
                               ("2024-01", "2024-09"), ("2023-01", "2023-09"), allow_break=True)
    assert comp.breaks[0]["date"] == "2023-07-10" and comp.evidence == "partial"
    # the months compared decide, not the period named: August-September of both years lie after it
    after = counts[~counts["month"].str.endswith("-06")]
    comp = comparisons.compare(after, stated, "category", "administrative_false_information",
                               ("2024-01", "2024-09"), ("2023-01", "2023-09"))
    assert comp.breaks == [] and comp.months == ("2024-08", "2024-09")


def test_the_first_month_of_a_series_compares_with_the_same_month_a_year_later(shipped_clean):
    # June 2022 is the first month counted in the three present groups (a break at 2022-06): June
    # 2023 against June 2022 lies wholly after it, as the foundation's own review compares it (15 against 30)
    counts, cumulative, _ = shipped_clean
    table = comparisons.year_to_date(counts, cumulative, "2023-06")
    rights = table[table["code"] == "rights_of_journalists"].iloc[0]
    assert (rights["refused"], rights["months_list"], rights["previous_months_list"]) == ("", "2023-06", "2022-06")
    assert (rights["current"], rights["previous"], rights["verdict"]) == (15, 30, "fewer")


def test_a_year_to_date_chart_with_every_row_refused_at_a_break_says_so_not_that_no_month_has_data():
    counts = counts_frame([(m, "legal_claims", "administrative_false_information", 4) for m in ("2023-06", "2024-06")])
    spec = figures.ytd_comparison(counts, "2024-06")  # June of both years, across the amendment of 2023-07-10
    assert spec.data.empty and spec.meta["refused"] == [{"code": "administrative_false_information",
                                                         "refused": "2023-07-10"}]
    for lang in LANGUAGES:
        texts = spec.texts(lang)
        drawn = [x.get_text().replace("\n", " ") for x in spec.draw(lang).findobj(Text)]  # wrapped to fit
        notice = t("ytd_none_refused", lang, prev_year=2023, events=events.labelled("2023-07-10", lang))
        assert notice in drawn and notice in texts["alt_text"] and notice in texts["long_description"]
    assert "no month" not in spec.texts("en")["long_description"]


def test_every_event_has_a_source_and_three_labels():
    table = events.events()
    assert len(table) >= 5
    assert table["source_url"].str.match(r"^https?://\S+$").all()
    for lang in LANGUAGES:
        assert table[f"label_{lang}"].str.strip().ne("").all()


def test_an_event_without_a_source_is_refused_with_its_line(tmp_path):
    path = tmp_path / "events.csv"
    text = (DOMAIN_DIR / "events.csv").read_text(encoding="utf-8").splitlines()
    text.append("2025-01-01,law,false,,A law,Закон,Заң,")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"line {len(text)}: column source_url: expected the URL"):
        events.read_events(path)


# --- coverage and resolution ---------------------------------------------------------------------

def test_trend_figures_state_their_coverage_inside_the_image_and_in_the_json(shipped_clean, tmp_path):
    counts, cumulative, _ = shipped_clean
    spec = figures.false_information_trend(counts, "2022-06", "2024-11", 3, "2024-11", "month", cumulative)
    assert len(spec.meta["coverage"]["months"]) == 30
    assert spec.meta["coverage"]["months_with_data"] == ["2024-02", "2024-04", "2024-09", "2024-11"]
    assert len(spec.meta["coverage"]["months_missing"]) == 26
    for lang, words in (("en", "Months with data: 4 of 30"), ("ru", "Месяцев с данными: 4 из 30"),
                        ("kk", "Деректері бар айлар: 30 айдың 4-і")):
        fig = spec.draw(lang)
        assert any(f"· {words}" in text.get_text() for text in fig.texts)  # capitalised as each part of the footer
        plt.close(fig)
        assert spec.texts(lang)["alt_text"].endswith(f". {words}.")  # a sentence
    # the 456-2 break concerns this series, the law on mass media is context; the change of the
    # groups concerns group totals only
    assert [e["date"] for e in spec.meta["events"]] == ["2023-07-10", "2024-06-19"]
    figures.export(spec, tmp_path, ["en"], {})
    meta = json.loads((tmp_path / "false_information_trend.json").read_text(encoding="utf-8"))
    assert meta["coverage"]["months_with_data"] == spec.meta["coverage"]["months_with_data"]


def test_yearly_resolution_never_passes_a_year_with_missing_months_for_a_whole_one(shipped_clean):
    counts, cumulative, _ = shipped_clean
    spec = figures.groups_stacked(counts, "2022-06", "2024-11", "2024-11", "year", cumulative)
    table = spec.data.set_index(["year", "code"])
    assert table["evidence"].isin(["partial", "none"]).all()  # no year 2022-2024 has every month
    assert table.loc[("2024", "rights_of_journalists"), "months_in_period"] == 12  # a year has 12 months


def test_a_year_the_range_cuts_is_never_a_whole_year_even_with_every_month_of_the_cut(shipped_clean):
    counts, cumulative, _ = shipped_clean
    # January-July 2024: the foundation states 87 claims for it; the bar is no year's figure
    table = comparisons.yearly(counts, cumulative, "group", ["legal_claims"], "2022-06", "2024-07").set_index("year")
    assert (table.loc["2024", "value"], table.loc["2024", "evidence"]) == (87, "partial")
    assert (table.loc["2024", "months_with_data"], table.loc["2024", "months_in_period"]) == (7, 12)
    # SYNTHETIC: every month from June 2023 to December 2024 has data; June-December 2023 is 7 of 12
    rows = [(f"{y}-{m:02d}", "legal_claims", "total", 10) for y in (2023, 2024) for m in range(1, 13)
            if (y, m) >= (2023, 6)]
    table = comparisons.yearly(counts_frame(rows), None, "group", ["legal_claims"], "2023-06", "2024-12")
    assert table[["year", "evidence", "months_with_data"]].values.tolist() == [["2023", "partial", 7],
                                                                              ["2024", "complete", 12]]
    assert trends.resolve("auto", "2022-06", "2024-11") == "month"
    assert trends.resolve("auto", "2009-03", "2024-11") == "year"


def test_a_year_the_foundation_states_is_taken_as_stated(shipped_clean):
    counts, cumulative, _ = shipped_clean
    table = comparisons.yearly(counts, cumulative, "category", ["civil_claims"], "2014-01", "2014-12")
    assert table[["value", "evidence"]].values.tolist() == [[97, "stated"]]


def test_a_statement_of_part_of_a_category_or_of_an_outcome_beside_it_is_not_the_category_s_figure(shipped_clean):
    counts, cumulative, _ = shipped_clean
    table = comparisons.statements(cumulative)
    year = table[(table["start"] == "2019-01") & (table["end"] == "2019-12")]
    # 2019 (the foundation's page of the year): not "threats in the digital environment" as threats, not
    # "civil charges > claims and suits" (inside the 73) as a second civil figure, not the appellants as rulings
    assert sorted(year[["code", "value"]].itertuples(index=False, name=None)) == [
        ("civil_claims", 73), ("court_rulings", 76), ("court_rulings_appeal", 21), ("court_rulings_cassation", 4),
        ("court_rulings_for_media", 45)]
    threats = comparisons.yearly(counts, cumulative, "category", ["threat"], "2019-01", "2019-12")
    assert threats["evidence"].tolist() == ["none"]
    assert trends.cumulative_target("new court hearings of honour suits; amount (KZT)") is None  # a count, not tenge
    assert trends.cumulative_target("refusals to institute criminal cases") is None
    assert trends.cumulative_target("of these, restrictions originating from state bodies") is None
    assert trends.cumulative_target("judgments rendered > in the cassation") == ("category", "court_rulings_cassation")
    assert trends.cumulative_target("УГРОЗЫ журналистам и СМИ") == ("category", "threat")


def _overlaps(boxes) -> bool:
    boxes = [b for b in boxes if b.width > 0]
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_tick_or_cell_labels_overlap_at_the_default_range(shipped_clean, lang):
    counts, cumulative, _ = shipped_clean
    first = "2014-01"  # the longest range the shipped data gives: drawn by year by default
    for spec in (figures.category_heatmap(counts, None, first, "2024-11", "2024-11", "auto", cumulative),
                 figures.groups_stacked(counts, first, "2024-11", "2024-11", "auto", cumulative),
                 figures.false_information_trend(counts, "2022-06", "2024-11", 3, "2024-11", "auto", cumulative)):
        fig = spec.draw(lang)
        fig.draw_without_rendering()  # laid out and measured, not painted
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        cells = [t.get_window_extent(renderer) for t in ax.texts if t.get_text() and t.get_rotation() == 0]
        assert not _overlaps(ticks), spec.name
        assert not _overlaps(cells), spec.name
        plt.close(fig)


def test_an_unknown_resolution_is_refused_before_anything_runs(empty_project):
    from analysis.errors import ParameterError
    from analysis.report import run_report

    with pytest.raises(ParameterError, match="--resolution: expected one of auto, month, year; found 'weekly'"):
        run_report(empty_project, resolution="weekly")
    assert not empty_project.reports.exists()


def test_the_trends_notebook_gets_the_resolution(shipped_clean):
    from analysis.runs import plan

    counts, _, _ = shipped_clean
    runs = plan(counts, ["2024-11"], ["en"], "all", 3, resolution="year")
    assert [r.parameters["resolution"] for r in runs if r.notebook == "trends"] == ["year"]


def test_a_foundation_s_figure_against_a_sum_of_every_month_says_which_year_is_which():
    from analysis import describe

    # SYNTHETIC: January-March 2024 stated as 60 (one month counted), January-March 2023 every month counted
    counts = counts_frame([("2023-01", "legal_claims", "total", 10), ("2023-02", "legal_claims", "total", 10),
                           ("2023-03", "legal_claims", "total", 10), ("2024-01", "legal_claims", "total", 20)])
    table = comparisons.year_to_date(counts, cumulative_frame([("2024-01", "2024-03", CLAIMS, 60)]), "2024-03")
    row = table[table["code"] == "legal_claims"].iloc[0]
    assert (row["evidence_current"], row["evidence_previous"], row["current"], row["previous"]) == (
        "stated", "complete", 60, 30)
    sentence = describe.ytd_sentence(row, "2024-03", "en")
    assert sentence.startswith("January–March 2024 against January–March 2023: 60 against 30 (2024: the "
                               "foundation's own figure stated in its review; 2023: the monthly counts, every "
                               "month with data)"), sentence
    assert "every month with data: 60" not in sentence
    assert "2024 — собственные данные фонда" in describe.ytd_sentence(row, "2024-03", "ru")
    assert describe.evidence_label(row, "en") == "January–March 2024; 2024 stated by the foundation, 2023 every month"


def test_a_comparison_lists_only_the_derived_months_its_figures_sum(shipped_clean):
    counts, cumulative, _ = shipped_clean
    # November 2015: the slander charges are the foundation's own figures for both years: no month summed
    row = comparisons.year_to_date(counts, cumulative, "2015-11").set_index("code").loc["criminal_defamation"]
    assert (row["evidence"], row["derived_months"]) == ("stated", "")
    # December 2015: November of both years compared, each derived from two statements
    row = comparisons.year_to_date(counts, cumulative, "2015-12").set_index("code").loc["criminal_defamation"]
    assert (row["evidence"], row["months_list"], row["derived_months"]) == ("partial", "2015-11", "2014-11,2015-11")
