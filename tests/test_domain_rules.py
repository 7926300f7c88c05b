"""The domain tables decide what is published: each rule, checked through the public functions.

Every expected value here is written down from the foundation's reviews (what they count in a
group total, which article belongs to which kind of case), not read from the tables under test.
A change to a cell of `categories.csv`, `label_rules.csv` or `group_rules.csv` that changes a
published number fails one of these tests (`make mutation` checks that it does).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import counts as cnt
from analysis import reviews, taxonomy, trends
from analysis.parsing import parse_amount
from analysis.reading import read_table

# --- categories.csv -----------------------------------------------------------------------------

# code: (group, parent, counted in its group's total, unit, false information, legal type)
R, A, L = "rights_of_journalists", "access_to_information", "legal_claims"
CATEGORIES = {
    "murder": (R, "", True, "count", False, ""),
    "attack": (R, "", True, "count", False, ""),
    "threat": (R, "", True, "count", False, ""),
    "detention": (R, "", True, "count", False, ""),
    "obstruction": (R, "", True, "count", False, ""),
    "media_interference": (R, "", True, "count", False, ""),
    "summons": (R, "", True, "count", False, ""),
    "misuse_of_image": (R, "", True, "count", False, ""),
    "discrediting": (R, "", True, "count", False, ""),
    "defamation_of_journalists": (R, "", True, "count", False, ""),
    "insult": (R, "", True, "count", False, ""),
    "copyright_infringement": (R, "", True, "count", False, ""),
    "refusal_of_information": (A, "", True, "count", False, ""),
    "media_discrimination": (A, "", True, "count", False, ""),
    "accreditation_denial": (A, "", True, "count", False, ""),
    "court_transparency": (A, "", True, "count", False, ""),
    "blocking": (A, "", True, "count", False, ""),
    "closure_suspension": (A, "", True, "count", False, ""),
    "unauthorised_access_ddos": (A, "", True, "count", False, ""),
    "persecution_for_dissemination": (A, "", True, "count", False, ""),
    # laws and regulations are context the reviews report, not violations they count
    "legislation": (A, "", False, "count", False, ""),
    "criminal_proceedings": (L, "", True, "count", False, "criminal"),
    "criminal_false_information": (L, "criminal_proceedings", True, "count", True, "criminal"),
    "criminal_defamation": (L, "criminal_proceedings", True, "count", False, "criminal"),
    "criminal_incitement": (L, "criminal_proceedings", True, "count", False, "criminal"),
    "civil_claims": (L, "", True, "count", False, "civil"),
    "civil_copyright_claim": (L, "civil_claims", True, "count", False, "civil"),
    "administrative_proceedings": (L, "", True, "count", False, "administrative"),
    "administrative_false_information": (L, "administrative_proceedings", True, "count", True, "administrative"),
    "administrative_defamation": (L, "administrative_proceedings", True, "count", False, "administrative"),
    "administrative_election_law": (L, "administrative_proceedings", True, "count", False, "administrative"),
    # court rulings are decisions in cases already counted, and damages are sums of money
    "court_rulings": (L, "", False, "count", False, "civil"),
    "court_rulings_appeal": (L, "court_rulings", False, "count", False, "civil"),
    "court_rulings_cassation": (L, "court_rulings", False, "count", False, "civil"),
    "court_rulings_for_media": (L, "court_rulings", False, "count", False, "civil"),
    "moral_damage_claimed": (L, "", False, "kzt", False, "civil"),
    "moral_damage_awarded": (L, "", False, "kzt", False, "civil"),
    # the 2014-2016 digests' court series: figures of their own, never in the claims total
    "court_suits_filed": (L, "", False, "count", False, "civil"),
    "court_cases_heard": (L, "", False, "count", False, "civil"),
    "court_cases_carried_over": (L, "court_cases_heard", False, "count", False, "civil"),
    # a 2010 heading's item, counted in its own legacy group
    "legacy_media_rights": ("legacy_direct_violations", "", True, "count", False, ""),
}


def test_every_category_is_listed_here():
    assert set(taxonomy.category_codes()) == set(CATEGORIES)


@pytest.mark.parametrize("code", sorted(CATEGORIES))
def test_category_row(code):
    group, parent, in_total, unit, false_information, legal_type = CATEGORIES[code]
    row = taxonomy.categories().set_index("code").loc[code]
    assert (row["group"], row["parent"], bool(row["in_group_total"]), row["unit"],
            bool(row["false_information"]), row["legal_type"]) == (
        group, parent, in_total, unit, false_information, legal_type)
    assert taxonomy.category_group(code) == group


# --- label_rules.csv: one wording per rule, in the order of the rules ------------------------------

LABELS = [  # label as a review or a monitor writes it, group heading (None: none), expected category
    ("административное дело по ст. 456-2 КоАП", None, "administrative_false_information"),
    ("ст. 73-3 КоАП: распространение заведомо ложной информации", None, "administrative_defamation"),
    ("ст. 274 УК РК", None, "criminal_false_information"),
    ("Criminal Code article 130 (defamation)", None, "criminal_defamation"),
    ("article 129 of the Criminal Code", None, "criminal_defamation"),
    ("ст. 174 УК РК", None, "criminal_incitement"),
    ("ст. 158 УК РК", None, "obstruction"),
    ("ст. 143 ГК РК", None, "civil_claims"),
    ("ст. 130 УК РК", None, "criminal_defamation"),
    ("административный протокол за ложную информацию", None, "administrative_false_information"),
    ("административное обвинение в клевете", None, "administrative_defamation"),
    ("административный иск о нарушении избирательного законодательства", None, "administrative_election_law"),
    ("распространение заведомо ложной информации", None, "criminal_false_information"),
    ("уголовное дело за ложную информацию", None, "criminal_false_information"),
    ("уголовное обвинение в клевете", None, "criminal_defamation"),
    ("возбуждение социальной розни", None, "criminal_incitement"),
    ("incitement of discord", None, "criminal_incitement"),
    ("judicial acts in favour of the media", None, "court_rulings_for_media"),
    ("судебные акты апелляционной инстанции", None, "court_rulings_appeal"),
    ("судебные акты кассационной инстанции", None, "court_rulings_cassation"),
    ("судебные акты по искам о защите чести", None, "court_rulings"),
    ("взыскано судами в возмещение морального вреда", None, "moral_damage_awarded"),
    ("требования о возмещении морального вреда", None, "moral_damage_claimed"),
    ("убийство журналиста", None, "murder"),
    ("нападение на журналиста", None, "attack"),
    ("угрозы журналистам", None, "threat"),
    ("задержание журналиста", None, "detention"),
    ("вмешательство в деятельность СМИ", None, "media_interference"),
    ("воспрепятствование работе журналиста", None, "obstruction"),
    ("вызов на допрос в полицию", None, "summons"),
    ("неправомерное использование образа СМИ", None, "misuse_of_image"),
    ("дискредитация журналистов", None, "discrediting"),
    ("клевета в адрес журналистов", None, "defamation_of_journalists"),
    ("оскорбление блогера", None, "insult"),
    ("нарушение авторских прав", R, "copyright_infringement"),
    ("DDoS-атака на сайт", None, "unauthorised_access_ddos"),
    ("отказ в аккредитации", None, "accreditation_denial"),
    ("нарушение гласности судебного процесса", None, "court_transparency"),
    ("дискриминация СМИ", None, "media_discrimination"),
    ("приостановление выпуска газеты", None, "closure_suspension"),
    ("блокировка сайта", None, "blocking"),
    ("отказ в предоставлении информации", None, "refusal_of_information"),
    ("преследование за распространение информации", None, "persecution_for_dissemination"),
    ("спор об авторских правах", L, "civil_copyright_claim"),
    ("административные дела", L, "administrative_proceedings"),
    ("уголовные дела", L, "criminal_proceedings"),
    ("гражданские иски", L, "civil_claims"),
    ("законопроект о СМИ", None, "legislation"),
    ("suits filed > amount", L, "moral_damage_claimed"),
    ("сумма исков о защите чести", None, "moral_damage_claimed"),
    ("спор об авторских правах", None, "civil_copyright_claim"),
    ("переходящие дела", L, "court_cases_carried_over"),
    ("cases considered by courts", L, "court_cases_heard"),
    ("suits filed", L, "court_suits_filed"),
    ("нарушения прав СМИ на свободу и творчество", None, "legacy_media_rights"),
]


@pytest.mark.parametrize("label, group, expected", LABELS,
                         ids=[f"{i:02d}-{expected}" for i, (_, _, expected) in enumerate(LABELS, start=1)])
def test_label_rule(label, group, expected):
    assert taxonomy.match_category(label, group) == expected


NOT = [  # wordings that must not be read as a nearby category
    ("incitement is not defamation", "возбуждение розни по заявлению о клевете", "criminal_incitement"),
    ("appeal rulings are not cassation", "judicial acts in appeal", "court_rulings_appeal"),
    ("a number 274 without an article is not Criminal Code 274", "задержаны 274 участника", "detention"),
    ("a number 174 without an article is not incitement", "174 угрозы за год", "threat"),
    ("a cyber attack is not an attack on a journalist", "cyber attack on the newsroom's website",
     "unauthorised_access_ddos"),
    ("a number 130 without an article is not defamation", "130 угроз за год", "threat"),
    ("a number 158 without an article is not obstruction", "158 задержаний на митингах", "detention"),
    ("obstruction at an election is not an election-law case", "воспрепятствование работе журналиста на выборах",
     "obstruction"),
    ("knowingly false under the Administrative Code is administrative",
     "заведомо ложная информация, административное дело", "administrative_false_information"),
    ("a lawsuit about a law is a civil claim, not legislation", "иск о защите чести по закону о СМИ", "civil_claims"),
    ("a civil defamation claim is not criminal", "обвинение в клевете, гражданский иск", "civil_claims"),
    ("pre-trial claims and suits together are civil claims, not the court's suits filed",
     "pre-trial claims and suits on protection of honour, dignity and business reputation", "civil_claims"),
    ("money extorted is not money a court recovered", "қорқытып ақша өндіріп алмақ болды", "threat"),
]


@pytest.mark.parametrize("why, label, expected", NOT, ids=[why for why, _, _ in NOT])
def test_label_is_not_read_as_a_nearby_category(why, label, expected):
    assert taxonomy.match_category(label, L if taxonomy.category_group(expected) == L else None) == expected


@pytest.mark.parametrize("label", ["refusal to register a newspaper", "weather", "false information",
                                   "общая сумма"])
def test_a_label_that_names_no_category_stays_unmapped(label):
    assert taxonomy.match_category(label) is None


def test_copyright_depends_on_the_group_heading():
    assert taxonomy.match_category("нарушение авторских прав", R) == "copyright_infringement"
    assert taxonomy.match_category("спор о нарушении авторских прав", L) == "civil_copyright_claim"
    # under the claims heading, a bare infringement is neither coded as the rights group's
    # category nor guessed to be a claim: it is rejected, naming what it matches
    decided = taxonomy.classify("нарушение авторских прав", L)
    assert decided.category is None
    assert "copyright_infringement (rights_of_journalists)" in decided.reason and "legal_claims" in decided.reason


# --- group_rules.csv ----------------------------------------------------------------------------

@pytest.mark.parametrize("heading, expected", [
    ("Всего", "all"), ("TOTAL", "all"),
    ("права журналистов", R), ("rights of the media", R),
    ("right to receive and disseminate information", A), ("доступ к информации", A),
    ("судебные иски", L), ("judicial acts", L),
    # a heading written as the group's code, as a monitor's export may have it
    ("legal_claims", L), ("access_to_information", A), ("rights_of_journalists", R), ("all", "all"),
], ids=lambda value: value if value is None or value.isascii() else "text")
def test_group_rule(heading, expected):
    assert taxonomy.match_group(heading) == expected


# --- what the rules decide in the published numbers -----------------------------------------------

def _counts(rows: list[tuple]) -> pd.DataFrame:
    """Published counts as the cleaning makes them: (month, group, category, count, parent, unit)."""
    frame = pd.DataFrame(rows, columns=["month", "group", "category", "count", "parent", "unit"])
    return frame.assign(source="published", source_url="", label_as_written="", note="")[reviews.COUNT_COLUMNS]


def _other(counts: pd.DataFrame) -> dict[str, int]:
    out, _ = reviews.add_other_unspecified(counts)
    other = out[out["category"] == "other_unspecified"]
    return dict(zip(other["group"], other["count"]))


def test_court_rulings_damages_and_nested_items_are_not_subtracted_from_a_group_total():
    counts = _counts([
        ("2024-11", L, "total", 10, "", "count"),
        ("2024-11", L, "civil_claims", 4, "", "count"),
        ("2024-11", L, "administrative_proceedings", 3, "", "count"),
        ("2024-11", L, "administrative_false_information", 2, "administrative_proceedings", "count"),
        ("2024-11", L, "court_rulings", 5, "", "count"),
        ("2024-11", L, "court_rulings_appeal", 2, "court_rulings", "count"),
        ("2024-11", L, "moral_damage_claimed", 5_000_000, "", "kzt"),
    ])
    assert _other(counts) == {L: 10 - 4 - 3}


def test_legislation_is_not_subtracted_from_a_group_total():
    counts = _counts([("2024-11", A, "total", 9, "", "count"),
                      ("2024-11", A, "refusal_of_information", 5, "", "count"),
                      ("2024-11", A, "legislation", 3, "", "count")])
    assert _other(counts) == {A: 9 - 5}


def test_a_category_the_taxonomy_does_not_know_is_not_subtracted():
    counts = _counts([("2024-11", R, "total", 6, "", "count"), ("2024-11", R, "threat", 2, "", "count"),
                      ("2024-11", R, "not_a_category", 3, "", "count")])
    assert _other(counts) == {R: 6 - 2}


def test_listed_items_above_the_total_are_an_inconsistency_not_a_negative_other():
    counts = _counts([("2024-11", R, "total", 3, "", "count"), ("2024-11", R, "threat", 5, "", "count")])
    out, found = reviews.add_other_unspecified(counts)
    assert "other_unspecified" not in set(out["category"])
    assert [(i["month"], i["group"], i["total"], i["listed_sum"]) for i in found] == [("2024-11", R, 3, 5)]


@pytest.mark.parametrize("overall, expected", [(30, []), (31, [("2024-11", 31, 30)])])
def test_overall_total_is_checked_against_the_three_group_totals(overall, expected):
    counts = _counts([("2024-11", "all", "total", overall, "", "count"), ("2024-11", R, "total", 12, "", "count"),
                      ("2024-11", A, "total", 8, "", "count"), ("2024-11", L, "total", 10, "", "count")])
    found = reviews.check_overall_totals(counts)
    assert [(i["month"], i["total"], i["listed_sum"]) for i in found] == expected


def test_overall_total_is_not_checked_when_a_group_total_is_missing():
    counts = _counts([("2024-11", "all", "total", 99, "", "count"), ("2024-11", R, "total", 12, "", "count"),
                      ("2024-11", A, "total", 8, "", "count")])
    assert reviews.check_overall_totals(counts) == []


def _incidents(rows: list[tuple]) -> pd.DataFrame:
    """Counted incidents as the cleaning makes them: (report_month, category, amount_kzt or None),
    group and category as ordered categoricals, a place the project did not know left empty."""
    frame = pd.DataFrame(rows, columns=["report_month", "category", "amount_kzt"])
    return frame.assign(group=taxonomy.categorical(frame["category"].map(taxonomy.category_group), kind="group"),
                        category=taxonomy.categorical(frame["category"]), counted=True, region_iso=None,
                        amount_kzt=pd.array(frame["amount_kzt"], dtype="Int64"))


def test_log_counts_give_group_totals_without_rulings_and_legislation_and_money_in_tenge():
    log = _incidents([("2024-11", "threat", None), ("2024-11", "attack", None),
                      ("2024-11", "civil_claims", 2_000_000), ("2024-11", "court_rulings", None),
                      ("2024-11", "legislation", None), ("2024-12", "threat", None)])
    out = cnt.incident_log_counts(log)
    got = {(r.month, r.group, r.category, r.unit): r.count for r in out.itertuples()}
    assert got == {
        ("2024-11", R, "threat", "count"): 1, ("2024-11", R, "attack", "count"): 1,
        ("2024-11", L, "civil_claims", "count"): 1, ("2024-11", L, "court_rulings", "count"): 1,
        ("2024-11", A, "legislation", "count"): 1, ("2024-12", R, "threat", "count"): 1,
        ("2024-11", R, "total", "count"): 2, ("2024-11", L, "total", "count"): 1,
        ("2024-12", R, "total", "count"): 1,
        ("2024-11", "all", "total", "count"): 3, ("2024-12", "all", "total", "count"): 1,
        ("2024-11", L, "civil_claims", "kzt"): 2_000_000,
    }
    assert set(out["source"]) == {"incident_log"}


def test_log_counts_without_amounts_are_all_counts():
    out = cnt.incident_log_counts(_incidents([("2024-11", "threat", None)]))
    assert set(out["unit"]) == {"count"} and len(out) == 3


def test_sources_are_compared_only_in_months_both_have():
    published = _counts([("2024-10", R, "threat", 2, "", "count"), ("2024-11", R, "threat", 3, "", "count")])
    log = cnt.incident_log_counts(_incidents([("2024-11", "threat", None), ("2024-12", "threat", None)]))
    table = cnt.compare_sources(pd.concat([published, log], ignore_index=True))
    threat = table[table["category"] == "threat"]
    assert threat[["month", "published", "incident_log", "difference"]].values.tolist() == [["2024-11", 3, 1, -2]]


# --- parsing and trends decisions the tables rely on ----------------------------------------------

def test_one_multiplier_word_only():
    assert parse_amount("2 млн тенге").value == 2_000_000
    assert parse_amount("2 млн 300 тыс тенге").value is None  # two multipliers: written wrongly, not guessed


def _published_file(tmp_path: Path, rows: list[str], name: str = "counts.csv") -> pd.DataFrame:
    path = tmp_path / name
    path.write_text("month,group_as_written,category_as_written,count,unit\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    kept, rejected, _ = reviews.clean_published(read_table(path, "published"))
    assert rejected.empty, rejected
    return kept


def test_a_three_level_label_takes_its_parent_from_the_level_above_it(tmp_path):
    kept = _published_file(tmp_path, ["2024-11,судебные иски,гражданские иски > судебные акты > апелляция,2,count"])
    assert (kept.loc[0, "category"], kept.loc[0, "parent"]) == ("court_rulings_appeal", "court_rulings")


def test_a_heading_written_as_a_group_code_is_read(tmp_path):
    kept = _published_file(tmp_path, ["2024-11,legal_claims,TOTAL,7,count"])
    assert (kept.loc[0, "group"], kept.loc[0, "category"], kept.loc[0, "count"]) == (L, "total", 7)


def test_cumulative_figures_keep_their_comparison(tmp_path):
    path = tmp_path / "published_cumulative.csv"
    path.write_text("period,metric_as_written,value,unit,comparison_period,comparison_value\n"
                    "2024-01/2024-07,legal cases,87,count,2023-01/2023-07,55\n", encoding="utf-8")
    row = reviews.clean_cumulative(read_table(path, "cumulative")).iloc[0]
    assert (row["start_month"], row["end_month"], row["value"]) == ("2024-01", "2024-07", 87)
    assert (row["comparison_start"], row["comparison_end"], row["comparison_value"]) == ("2023-01", "2023-07", 55)


def test_a_trend_without_a_start_begins_at_the_first_month_with_data():
    wide = trends.group_totals(_counts([*[(m, R, "total", 1, "", "count") for m in ("2024-09", "2024-10")],
                                        ("2024-11", R, "total", 6, "", "count")]))
    assert list(wide.index) == ["2024-09", "2024-10", "2024-11"]
    assert wide[R].tolist() == [1, 1, 6]


def test_month_breakdown_lists_top_level_items_in_taxonomy_order_without_totals():
    counts = _counts([
        ("2024-11", L, "total", 10, "", "count"), ("2024-11", L, "civil_claims", 7, "", "count"),
        ("2024-11", L, "administrative_false_information", 2, "administrative_proceedings", "count"),
        ("2024-11", R, "threat", 3, "", "count"), ("2024-11", R, "attack", 1, "", "count"),
        ("2024-11", "all", "total", 20, "", "count"), ("2024-10", R, "murder", 1, "", "count"),
        ("2024-11", L, "moral_damage_claimed", 9_000, "", "kzt"),
    ])
    table = trends.month_breakdown(counts, "2024-11")
    assert table.values.tolist() == [[R, "attack", 1], [R, "threat", 3], [L, "civil_claims", 7]]


def test_incidents_by_counts_each_counted_incident_once_and_names_the_unknown():
    incidents = pd.DataFrame({
        "report_month": ["2024-10", "2024-11", "2024-11", "2024-11", "2024-12"],
        "victim_type": ["journalist", "journalist", None, "blogger", "journalist"],
        "counted": [True, True, True, False, True],
    })
    table = trends.incidents_by(incidents, "victim_type", "2024-11", "2024-12")
    assert dict(zip(table["victim_type"], table["incidents"])) == {"journalist": 2, "unknown": 1}


# --- the exact tables the functions return ----------------------------------------------------------

@pytest.fixture(autouse=True)
def fresh_rules():
    """Every test matches labels afresh: an answer cached by an earlier test proves nothing."""
    for cached in vars(taxonomy).values():
        if callable(getattr(cached, "cache_clear", None)):
            cached.cache_clear()
    yield


def test_log_counts_are_a_counts_table_of_their_own_source():
    out = cnt.incident_log_counts(_incidents([("2024-11", "threat", None)]))
    assert list(out.columns) == reviews.COUNT_COLUMNS and list(out.index) == [0, 1, 2]
    row = out[out["category"] == "threat"].iloc[0]
    assert (row["source_url"], row["parent"], row["label_as_written"], row["unit"]) == ("", "", "", "count")
    assert row["note"] == "named incidents in the log; a log may list only some of a month's incidents"
    assert out["count"].dtype == "int64" and isinstance(row["group"], str)
    empty = cnt.incident_log_counts(_incidents([]))
    assert list(empty.columns) == reviews.COUNT_COLUMNS and empty.empty


def test_the_comparison_of_sources_leaves_out_nested_items_and_tenge():
    published = _counts([("2024-11", L, "administrative_proceedings", 3, "", "count"),
                         ("2024-11", R, "threat", 2, "", "count"), ("2024-11", R, "threat", 1, "", "count"),
                         ("2024-11", L, "administrative_false_information", 2, "administrative_proceedings", "count"),
                         ("2024-11", L, "civil_claims", 9_000, "", "kzt")])
    log = cnt.incident_log_counts(_incidents([("2024-11", "administrative_proceedings", None)]))
    table = cnt.compare_sources(pd.concat([published, log], ignore_index=True))
    assert list(table.columns) == ["month", "group", "category", "published", "incident_log", "difference"]
    assert list(table.index) == list(range(len(table)))
    assert table[table["category"] != "total"].fillna(-1).values.tolist() == [  # two items of a category add up
        ["2024-11", L, "administrative_proceedings", 3.0, 1.0, -2.0], ["2024-11", R, "threat", 3.0, -1, -1]]
    none = cnt.compare_sources(published)
    assert list(none.columns) == ["month", "group", "category", "published", "incident_log", "difference"]


def test_other_unspecified_rows_and_inconsistencies_in_full():
    counts = _counts([("2024-11", R, "total", 4, "", "count"), ("2024-11", R, "threat", 3, "", "count"),
                      ("2024-11", A, "total", 5, "", "count"), ("2024-11", A, "blocking", 5, "", "count"),
                      ("2024-11", L, "total", 6, "", "count"),
                      ("2024-11", "all", "total", 15, "", "count")])
    counts["label_as_written"] = counts["category"].map({"total": "TOTAL"}).fillna("as written")
    out, found = reviews.add_other_unspecified(counts)
    assert list(out.index) == list(range(len(out))) and list(out.columns) == reviews.COUNT_COLUMNS
    other = out[out["category"] == "other_unspecified"]
    assert other[["group", "count", "label_as_written", "note"]].values.tolist() == [
        [R, 1, "", "group total minus the items listed"],   # one left over: still other
        [L, 6, "", "group total minus the items listed"]]   # nothing listed: the whole total
    assert found == []  # exactly as many listed as stated is consistent
    _, found = reviews.add_other_unspecified(_counts([("2024-11", R, "total", 2, "", "count"),
                                                  ("2024-11", R, "threat", 3, "", "count")]))
    assert found == [{"kind": "listed items exceed total", "month": "2024-11", "group": R, "total": 2,
                      "listed_sum": 3, "message": "2024-11 rights_of_journalists: the items listed add up to 3, "
                                                  "more than the stated total 2; both figures are kept"}]


def test_overall_totals_are_checked_month_by_month_on_published_figures_only():
    counts = pd.concat([
        _counts([("2024-10", "all", "total", 50, "", "count"),
                 ("2024-11", "all", "total", 31, "", "count"), ("2024-11", R, "total", 12, "", "count"),
                 ("2024-11", A, "total", 8, "", "count"), ("2024-11", L, "total", 10, "", "count")]),
        cnt.incident_log_counts(_incidents([("2024-10", "threat", None), ("2024-10", "blocking", None),
                                            ("2024-10", "civil_claims", None)])),
    ], ignore_index=True)
    assert reviews.check_overall_totals(counts) == [
        {"kind": "group totals differ from overall total", "month": "2024-11", "group": "all", "total": 31,
         "listed_sum": 30, "message": "2024-11: the three group totals add up to 30, the overall total is 31"}]


@pytest.mark.parametrize("text, months", [
    ("2024", ("2024-01", "2024-12")), ("2024-03", ("2024-03", "2024-03")),
    ("2022/2023", ("2022-01", "2023-12")), ("2024-01/2024-07", ("2024-01", "2024-07")),
    ("2024-01 to 2024-07", ("2024-01", "2024-07")), ("2023-05/2024", ("2023-05", "2024-12")),
    ("last year", (None, None)),
])
def test_periods_of_cumulative_figures(text, months):
    assert reviews.parse_period(text) == months


def test_a_cumulative_row_keeps_everything_it_states(tmp_path):
    path = tmp_path / "published_cumulative.csv"
    path.write_text("period,metric_as_written,value,unit,comparison_period,comparison_value,source_url,note\n"
                    "2024,fines,\"1 200\",kzt,2023,55,https://example.org/a,a note\n"
                    "2023,cases,40,,,n/a,,\n", encoding="utf-8")
    frame = reviews.clean_cumulative(read_table(path, "cumulative"))
    assert list(frame.columns) == reviews.CUMULATIVE_COLUMNS
    assert frame.iloc[0].to_dict() == {
        "period": "2024", "start_month": "2024-01", "end_month": "2024-12", "metric_as_written": "fines",
        "value_as_written": "1 200", "value": pytest.approx(float("nan"), nan_ok=True), "unit": "kzt",
        "comparison_start": "2023-01", "comparison_end": "2023-12", "comparison_value": 55,
        "source_url": "https://example.org/a", "note": "a note", "source_file": "published_cumulative.csv",
        "source_line": 2}
    assert frame.iloc[1]["unit"] == "count" and pd.isna(frame.iloc[1]["comparison_value"])


def test_group_totals_are_the_stated_totals_only_between_start_and_end():
    counts = _counts([("2024-08", R, "total", 9, "", "count"), ("2024-09", R, "total", 4, "", "count"),
                      ("2024-09", R, "threat", 3, "", "count"), ("2024-09", "all", "total", 20, "", "count"),
                      ("2024-10", A, "total", 2, "", "count"), ("2024-12", L, "total", 7, "", "count")])
    wide = trends.group_totals(counts, "2024-09", "2024-11")
    assert (wide.index.name, wide.columns.name, list(wide.columns)) == ("month", "group", [R, A, L])
    assert list(wide.index) == ["2024-09", "2024-10", "2024-11"]
    assert wide.fillna(-1).values.tolist() == [[4, -1, -1], [-1, 2, -1], [-1, -1, -1]]
    assert list(trends.group_totals(counts).index)[-1] == "2024-12"


def test_incidents_by_keeps_to_its_months_and_calls_an_empty_value_unknown():
    incidents = pd.DataFrame({"report_month": ["2024-11", "2024-11", "2025-01"],
                              "victim_type": ["", "blogger", "journalist"], "counted": [True, True, True]})
    table = trends.incidents_by(incidents, "victim_type", "2024-11", "2024-12")
    assert dict(zip(table["victim_type"], table["incidents"])) == {"unknown": 1, "blogger": 1}


@pytest.mark.parametrize("text, value", [
    ("1,25 млн", 1_250_000), ("2,5 тыс", 2_500), ("1,5 mln", 1_500_000),
    # Russian and Kazakh write a comma only as the decimal one (and a point for it at times); English
    # writes it between the thousands
    ("1,250 млн", 1_250_000), ("2,500 млн тг", 2_500_000), ("1.25 млн", 1_250_000), ("1,250 million", 1_250_000_000),
    ("2.500 тыс. тенге", 2_500_000), ("1.500 млн", 1_500_000_000),  # a point before three digits: thousands
])
def test_a_decimal_comma_counts_only_before_a_multiplier(text, value):
    assert parse_amount(text).value == value


def test_an_amount_with_no_digits_is_an_error_with_the_expected_forms():
    assert parse_amount(".") == (None, None, 'expected an amount in tenge such as 184600, "184 600 тг", '
                                             '"184,600 tenge" or "2 млн тенге"')
