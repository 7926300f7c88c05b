"""Trend computations on the shipped published counts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import figures, trends


@pytest.fixture
def cleaned(shipped_clean):
    return shipped_clean


def test_months_without_data_are_gaps_not_zeros(cleaned):
    counts, _, _ = cleaned
    wide = trends.group_totals(counts, "2024-01", "2024-11")
    assert list(wide.index) == [f"2024-{m:02d}" for m in range(1, 12)]
    assert wide.loc["2024-01"].isna().all() and wide.loc["2024-06"].tolist() == [15, 16, 13]
    assert wide.loc["2024-11"].tolist() == [10, 12, 10]
    assert not (wide == 0).any().any()


def test_false_information_adds_456_2_and_274_including_nested_items(cleaned):
    counts, _, _ = cleaned
    series = trends.false_information(counts, "2024-01", "2024-11")
    assert series["2024-02"] == 2  # criminal 274, listed at top level
    assert series["2024-11"] == 2  # 456-2, nested inside administrative proceedings
    assert series["2024-09"] == 3
    assert math.isnan(series["2024-07"])


def test_a_false_information_month_whose_other_part_may_hide_in_unitemised_cases_is_stated_in_part(cleaned):
    """April 2024 states two 456-2 cases and three criminal cases without their article (274 cases may be
    among them): its 2 is a lower bound, hatched and named so. November 2024 itemises its claims to none
    criminal: its 2 is whole."""
    from conftest import shading

    counts, _, _ = cleaned
    in_part = trends.false_information_in_part(counts, "2024-01", "2024-11")
    assert sorted(in_part[in_part].index) == ["2024-04", "2024-09"]
    assert not in_part[["2024-02", "2024-11"]].any()  # 274 stated (February); no criminal case at all (November)
    spec = figures.false_information_trend(counts, "2024-01", "2024-11", 3, "2024-11")
    assert spec.data.loc[spec.data["stated_in_part"], "month"].tolist() == ["2024-04", "2024-09"]
    assert spec.data.set_index("month").loc[["2024-04", "2024-09"], "value"].tolist() == [2, 3]  # still drawn
    assert "Not all stated in the review (hatched): March–October 2024." in spec.texts("en")["long_description"]
    hatched = sorted(i for i, p in shading(spec.draw("kk").axes[0]).items() if p.get_hatch())
    assert hatched == list(range(2, 10))  # March to October: April and September among them
    assert trends.false_information_in_part(counts, "2022-06", "2023-12").eq(False).all()


def test_a_chart_by_year_is_described_by_year_and_names_the_months_its_part_years_have(cleaned):
    """The alt text of a trend drawn by year names the year of the highest bar, with its months where some
    are missing; each long description of a chart by year names every part year with its months."""
    counts, cumulative, _ = cleaned
    spec = figures.category_trend(counts, "refusal_of_information", "2009-01", "2024-11", 3, "2024-11",
                                  resolution="year", cumulative=cumulative)
    alt = {lang: spec.texts(lang)["alt_text"] for lang in ("en", "ru", "kk")}
    assert alt["en"].startswith("Bar chart by year. ") and "Highest 107, in 2024 (10 of 12 months)." in alt["en"]
    assert "Максимум 107: 2024 (10 из 12 мес.)." in alt["ru"] and "Ең жоғарысы 107, 2024 (12 айдың 10-ы)." in alt["kk"]
    assert "August 2010" not in alt["en"]  # the month of the highest monthly value, which the bars do not show
    assert ("Years with months missing (each figure sums only the months with data): 2010 (1 of 12 months), "
            "2023 (2 of 12 months), 2024 (10 of 12 months).") in spec.texts("en")["long_description"]
    groups = figures.groups_stacked(counts, "2009-01", "2024-11", "2024-11", resolution="year", cumulative=cumulative)
    assert "2022 (1 из 12 мес.), 2023 (3 из 12 мес.), 2024 (10 из 12 мес.)." in groups.texts("ru")["long_description"]
    assert "Highest total of a year: 438, in 2024 (10 of 12 months)." in groups.texts("en")["alt_text"]
    assert "Наибольшая сумма за год — 438, 2024 (10 из 12 мес.)." in groups.texts("ru")["alt_text"]
    heat = figures.category_heatmap(counts, ["refusal_of_information", "threat"], "2009-01", "2024-11", "2024-11",
                                    resolution="year", cumulative=cumulative)
    assert "Айлары толық емес жылдар" in heat.texts("kk")["long_description"]
    monthly = figures.category_trend(counts, "refusal_of_information", "2022-06", "2024-11", 3, "2024-11")
    assert monthly.texts("en")["alt_text"].startswith("Chart by month. ")
    assert "Years with months missing" not in monthly.texts("en")["long_description"]
    claims = figures.legal_claims_by_type(counts, "2022-06", "2024-11", "2024-11")
    assert claims.texts("en")["alt_text"].endswith("Months with data: 11 of 30.")


def test_a_heat_map_marks_each_derived_cell_and_names_it_in_its_description(cleaned):
    """A cell derived from two cumulative statements (0 for November 2014's defamation charges is 15 less
    15) is no figure a review stated: a diamond marks it, the legend names the mark, the description
    lists the cells."""
    counts, _, _ = cleaned
    spec = figures.category_heatmap(counts, ["criminal_defamation", "civil_claims", "court_rulings"],
                                    "2014-01", "2014-12", "2024-11")
    ax = spec.draw("en").axes[0]
    diamonds = [line for line in ax.lines if line.get_marker() == "D"]
    assert len(diamonds) == 1
    cells = sorted(zip(diamonds[0].get_xdata() - 0.8, diamonds[0].get_ydata() - 0.22))
    months = [f"2014-{m:02d}" for m in range(1, 13)]
    assert [(months[round(x)], ["criminal_defamation", "civil_claims", "court_rulings"][round(y)])
            for x, y in cells] == [("2014-07", "criminal_defamation"), ("2014-07", "civil_claims"),
                                   ("2014-11", "criminal_defamation"), ("2014-11", "civil_claims"),
                                   ("2014-12", "criminal_defamation"), ("2014-12", "civil_claims")]
    assert "derived from two cumulative statements" in [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert ("Derived from two cumulative statements (◆), not stated for the month: Criminal case for defamation: "
            "July and November–December 2014; Civil claim against media or journalists: July and November–December "
            "2014.") in spec.texts("en")["long_description"]
    assert "  " not in spec.texts("en")["long_description"]
    underived = figures.category_heatmap(counts[counts["source"] != "derived"], None, "2014-01", "2014-12", "2024-11")
    assert not [line for line in underived.draw("en").axes[0].lines if line.get_marker() == "D"]  # no such row at all
    later = figures.category_heatmap(counts, ["threat"], "2024-01", "2024-11", "2024-11")  # none derived
    assert not [line for line in later.draw("ru").axes[0].lines if line.get_marker() == "D" and len(line.get_xdata())]
    assert "◆" not in later.texts("ru")["long_description"]


def test_category_matrix_does_not_double_count_nested_details(cleaned):
    counts, _, _ = cleaned
    # "cyberattacks > ... accounts blocked after mass complaints" (3) is part of the 21 cyberattacks:
    # a detail of that figure, not a figure of blocking the review does not state
    dec = trends.category_matrix(counts, ["unauthorised_access_ddos", "blocking"], "2023-12", "2023-12")
    assert dec.loc["2023-12", "unauthorised_access_ddos"] == 21 and pd.isna(dec.loc["2023-12", "blocking"])
    # "discrediting > ... impersonated via fake accounts" (7) is inside discrediting (8), not misuse of image
    apr = trends.category_matrix(counts, ["discrediting", "misuse_of_image"], "2024-04", "2024-04")
    assert apr.loc["2024-04", "discrediting"] == 8 and pd.isna(apr.loc["2024-04", "misuse_of_image"])
    # 8 obstructions on referendum day (5 June 2022) are part of the month's obstruction, not its figure
    june = trends.month_breakdown(counts, "2022-06")
    assert june.loc[june["group"] == "rights_of_journalists", ["category", "count"]].values.tolist() \
        == [["other_unspecified", 30]]
    detail = counts[(counts["month"] == "2022-06") & (counts["source"] == "published") & (counts["count"] == 8)]
    assert detail[["category", "parent"]].values.tolist() == [["obstruction", "obstruction"]]


def test_legal_claims_by_type(cleaned):
    counts, _, _ = cleaned
    wide = trends.legal_claims_by_type(counts, "2024-01", "2024-11")
    assert wide.loc["2024-04"].tolist() == [3, 9, 8]
    # "including: a copyright dispute between bloggers" (1) is one of May's 6 civil claims: 1 + 6 + 3 = 10
    assert wide.loc["2024-05"].tolist() == [1, 6, 3]
    # November lists 7 civil and 3 administrative of its 10: no criminal case that month, not "not stated"
    assert wide.loc["2024-11", "criminal"] == 0
    # January 2015 lists 1 criminal and 3 civil and states no total: the administrative are not stated
    early = trends.legal_claims_by_type(counts, "2015-01", "2015-01")
    assert early.loc["2015-01", "criminal"] == 1 and pd.isna(early.loc["2015-01", "administrative"])
    assert wide.loc["2024-11", "civil"] == 7 and wide.loc["2024-11", "administrative"] == 3


@pytest.mark.parametrize("current, previous, verdict", [
    (10, 10, "same"), (40, 10, "more"), (5, 30, "fewer"), (3, 1, "same"), (0, 6, "fewer")])
def test_rate_ratio_only_calls_a_change_when_the_interval_excludes_none(current, previous, verdict):
    rr = trends.rate_ratio(current, previous)
    assert rr.verdict == verdict
    assert rr.low <= (current / previous) <= rr.high


def test_rate_ratio_of_nothing_is_undefined():
    assert trends.rate_ratio(0, 0) is None


def test_rate_ratio_interval_is_the_exact_binomial_one():
    """The interval is Clopper-Pearson's, as scipy's exact binomial test gives it (to the accuracy of
    the root finder scipy uses), for small and large counts, zeros and both levels."""
    from scipy.stats import binomtest

    pairs = [(c, p) for c in (0, 1, 2, 5, 17, 60, 301) for p in (0, 1, 4, 9, 42, 250) if c + p]
    for level in (0.95, 0.9):
        for current, previous in pairs:
            ci = binomtest(current, current + previous, 0.5).proportion_ci(level, method="exact")
            rr = trends.rate_ratio(current, previous, level)
            for got, p in ((rr.low, ci.low), (rr.high, ci.high)):
                want = np.inf if p >= 1 else p / (1 - p)
                assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (current, previous, level)


def test_the_reviews_cumulative_figures_agree_or_miss_months(cleaned):
    counts, cumulative, _ = cleaned
    check = trends.check_cumulative(counts, cumulative)
    reviews = check[check["source_url"].str.contains("adilsoz.kz", regex=False)]
    assert reviews["agrees"].sum() >= 40
    odd = reviews[~reviews["agrees"] & ~reviews["explained_by_missing_months"]]
    # a figure that is not a sum of monthly reports: rulings in obstruction cases (2000-2019)
    # against the honour-and-dignity rulings of the digests
    assert odd["metric_as_written"].tolist() == ["rulings in favor of media"]
    # figures of part of a category or of something beside it are not compared with the category
    assert not reviews["metric_as_written"].str.contains(
        "digital environment|reached court|appellants|refusals to institute|civil charges >").any()
    jan_jul = reviews[(reviews["period"] == "2024-01/2024-07") & (reviews["target"] == "legal_claims")]
    assert [87.0, 72.0, 6] in jan_jul[["stated", "computed", "months_with_data"]].values.tolist()


def test_incidents_by_region_lists_every_unit_of_the_period(cleaned):
    _, _, incidents = cleaned
    table = trends.incidents_by_region(incidents, "2009-01", "2024-11")
    assert len(table) == 20 and (table["incidents"] == 0).any()
    # Abai, Jetisu and Ulytau Regions were created on 8 June 2022: not drawn as 0 in a period before
    before = trends.incidents_by_region(incidents, "2019-01", "2019-08")
    assert set(table["iso_code"]) - set(before["iso_code"]) == {"KZ-10", "KZ-33", "KZ-62"}
    assert len(trends.incidents_by_region(incidents, "2019-01", "2022-06")) == 20  # created within the period
    assert table.set_index("iso_code").loc["KZ-75", "incidents"] == 25
    # every counted incident of the period is in a bar or among those the caption counts apart
    counted = int((incidents["counted"] & incidents["report_month"].between("2009-01", "2024-11")).sum())
    unplaced = trends.incidents_without_region(incidents, "2009-01", "2024-11")
    assert unplaced > 0 and table["incidents"].sum() + unplaced == counted
    spec = figures.incidents_by_region(incidents, "2009-01", "2024-11")
    assert spec.texts("ru")["caption"].endswith(f"Инциденты без указания региона (на диаграмме их нет): {unplaced}.")


def test_amounts_by_category_and_kind_count_each_case_once_for_each_kind(cleaned):
    from analysis.cases import amounts_by_kind

    _, _, incidents = cleaned
    assert amounts_by_kind(incidents, "2024-11", "2024-11").to_dict("records") == [
        {"category": "administrative_false_information", "kind": "fine", "amount_kzt": 184600, "cases": 1}]
    table = amounts_by_kind(incidents, "2009-01", "2024-11").set_index(["category", "kind"])
    # CASE-taszhargan: claimed 3 million, then 30 million twice as it was decided: one award of 30
    # million, not 63 million, and never added to the claims
    taszhargan = incidents[incidents["case_id"] == "CASE-taszhargan"]
    assert taszhargan["amount_kzt"].tolist() == [3_000_000, 30_000_000, 30_000_000]
    assert amounts_by_kind(taszhargan).to_dict("records") == [
        {"category": "civil_claims", "kind": "awarded", "amount_kzt": 30_000_000, "cases": 1}]
    civil = table.loc["civil_claims"]
    assert civil.loc["claimed", "cases"] + civil.loc["awarded", "cases"] >= 9
    assert civil["amount_kzt"].sum() < incidents.loc[incidents["category"] == "civil_claims", "amount_kzt"].sum()


def test_month_on_month_and_year_on_year_changes_with_intervals(cleaned):
    counts, _, _ = cleaned
    mom = trends.changes(counts, "2024-05", trends.previous_month("2024-05")).set_index("group")
    assert mom.loc["rights_of_journalists", ["current", "previous"]].tolist() == [22, 20]
    assert mom.loc["rights_of_journalists", "verdict"] == "same"
    assert mom.loc["legal_claims", ["current", "previous", "verdict"]].tolist() == [10, 20, "same"]
    yoy = trends.changes(counts, "2024-05", trends.same_month_last_year("2024-05")).set_index("group")
    # half as many, but from counts this small the interval still reaches "no change"
    assert yoy.loc["access_to_information", ["current", "previous", "verdict"]].tolist() == [13, 26, "same"]
    assert yoy.loc["access_to_information", "low"] < 1 <= yoy.loc["access_to_information", "high"]
    assert trends.changes(counts, "2024-02", trends.previous_month("2024-02")).empty  # January not read


def test_family_sums_add_the_categories_inside_one_only_where_one_is_stated():
    rows = [("2024-01", "criminal_proceedings", "", 3), ("2024-01", "criminal_defamation", "criminal_proceedings", 2),
            ("2024-02", "criminal_incitement", "criminal_proceedings", 4), ("2024-04", "criminal_proceedings", "", 1),
            ("2024-03", "criminal_proceedings", "", 2), ("2024-03", "criminal_false_information", "", 5),
            ("2024-04", "murder", "", 7)]  # SYNTHETIC
    counts = pd.DataFrame([{"month": m, "group": "legal_claims", "category": c, "parent": p, "unit": "count",
                            "count": n, "source": "published"} for m, c, p, n in rows])
    sums = trends.family_sums(counts, ["criminal_proceedings", "court_rulings", "murder"])
    assert sorted(sums) == ["court_rulings", "criminal_proceedings", "murder"]
    # January's 2 defamation cases are inside its 3 (nested): not added again; March lists 5 beside 2;
    # February states only the nested 4
    assert sums["criminal_proceedings"].dropna().to_dict() == {"2024-01": 3, "2024-02": 4, "2024-03": 7, "2024-04": 1}
    assert sums["court_rulings"].dropna().empty
    assert sums["murder"].dropna().to_dict() == {"2024-04": 7}
    assert trends.family_sums(counts, []) == {}


def test_the_trends_notebooks_categories_are_all_a_list_or_codes_separated_by_commas():
    from analysis.errors import ParameterError
    from analysis.runs import chosen_categories

    assert chosen_categories("all") is None
    assert chosen_categories(["threat", "attack"]) == ["threat", "attack"]
    assert chosen_categories("threat") == ["threat"]  # one code as text, not its letters
    assert chosen_categories("threat, blocking") == ["threat", "blocking"]
    with pytest.raises(ParameterError, match=r"^categories: unknown category code\(s\) thraet \(did you mean: "
                                             r"thraet -> threat\?\); expected 'all'"):
        chosen_categories(["threat", "thraet"])
