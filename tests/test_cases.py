"""The case ledger: stages read from the log or the outcome text, cases followed across monthly logs in
three languages, the consistency checks, counts by case and by person, the figures and the notebook."""

from __future__ import annotations

import json
import shutil

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from conftest import ROOT, shading
from matplotlib.colors import to_hex

from analysis import accessibility, case_figures, cases, plots
from analysis.clean import run_clean
from analysis.config import Paths
from analysis.counts import incident_log_counts
from analysis.i18n import colour
from analysis.load import load_cases, load_incidents, load_monthly_counts
from analysis.runs import Run

# --- stages and outcomes read from the words --------------------------------------------------------


def test_the_stages_run_in_the_order_a_case_moves_and_unknown_is_apart():
    assert cases.STAGES == ("complaint", "pre_trial", "trial", "verdict", "appeal", "closed")
    assert [cases.RANK[s] for s in cases.STAGES] == list(range(6))
    assert cases.UNKNOWN not in cases.RANK


@pytest.mark.parametrize("text, expected", [
    ("sentenced to 3 years deprivation of liberty", ("convicted", "verdict")),
    ("приговорен к 2 годам ограничения свободы", ("convicted", "verdict")),
    ("2 жылға бас бостандығынан айырылды", ("convicted", "verdict")),
    ("acquitted; released in courtroom", ("acquitted", "verdict")),
    ("суд оправдал журналиста", ("acquitted", "verdict")),
    ("ақталды", ("acquitted", "verdict")),
    ("found liable; fined", ("fined", "verdict")),
    ("оштрафован на 100 МРП", ("fined", "verdict")),
    ("айыппұл салынды", ("fined", "verdict")),
    ("charges dropped", ("dismissed", "closed")),
    ("в удовлетворении иска отказано", ("dismissed", "closed")),  # "удовлетвор" here is no award
    ("талап қанағаттандырусыз қалдырылды", ("dismissed", "closed")),
    ("стороны заключили мировое соглашение", ("settled", "closed")),
    ("иск удовлетворён частично", ("claim_satisfied", "verdict")),
    ("Appeal court found journalist not guilty", ("acquitted", "appeal")),
    ("апелляционная инстанция оставила приговор в силе", ("convicted", "appeal")),
    # an appeal lodged after the decision: the case is open at appeal (AS-2021-06-001)
    ("police complaint; criminal charges dropped; lawyer appealed", ("", "appeal")),
    ("суд оштрафовал журналиста, адвокат обжаловал решение", ("", "appeal")),
    ("айыппұл салынды, адвокат шағым келтірді", ("", "appeal")),
    # ... or naming the decision it appeals
    ("journalist appealed the fine", ("", "appeal")),
    ("filed an appeal against the verdict", ("", "appeal")),
    ("обжаловал решение суда о штрафе", ("", "appeal")),
    ("подал апелляционную жалобу на приговор", ("", "appeal")),
    # ... and before it: the decision of the appeal ends the case
    ("appealed; appeal court acquitted him", ("acquitted", "appeal")),
    ("appealed and was fined", ("fined", "appeal")),
    ("обжаловал, и суд назначил штраф", ("fined", "appeal")),
    ("обжаловал и суд назначил штраф", ("fined", "appeal")),
    ("обжаловал штраф; апелляционный суд оставил штраф в силе", ("fined", "appeal")),
    ("cassation appeal declared inadmissible", ("dismissed", "closed")),
    # the words of a decision denied or set aside are not that decision
    ("не признан виновным", ("acquitted", "verdict")),
    ("кінәлі деп танылмады", ("acquitted", "verdict")),
    ("not convicted", ("acquitted", "verdict")),
    ("иск не удовлетворён", ("dismissed", "closed")),
    ("отказано в возбуждении уголовного дела", ("dismissed", "closed")),
    ("суд отменил штраф", ("", "appeal")),
    ("приговор отменён", ("", "appeal")),
    ("acquittal overturned", ("", "appeal")),
    ("сот үкімнің күшін жойды", ("", "appeal")),
    ("прокурор обжаловал оправдательный приговор", ("", "appeal")),
    ("the appeal court overturned the fine and acquitted him", ("acquitted", "appeal")),
    ("приговор отменён, дело прекращено", ("dismissed", "closed")),
    ("заседание отменено", ("", "")),
    # ... but a complaint not granted, a refusal to set aside, a plea or a claim of innocence decide nothing
    ("Блогер оштрафован, его жалоба не удовлетворена", ("fined", "verdict")),
    ("Апелляционная жалоба не удовлетворена, приговор оставлен в силе", ("convicted", "appeal")),
    ("Суд отказал в отмене приговора", ("convicted", "verdict")),
    ("Court refused to set aside the fine", ("fined", "verdict")),
    ("Суд назначил штраф; журналист настаивает на своей невиновности", ("fined", "verdict")),
    ("pleaded not guilty; trial began", ("", "trial")),
    ("trial began; denies charges", ("", "trial")),
    ("возбуждено уголовное дело", ("", "pre_trial")),
    ("сотқа дейінгі тергеп-тексеру басталды", ("", "pre_trial")),
    # nothing plain: no stage, no outcome
    ("released on bail", ("", "")),
    ("освобождён под залог", ("", "")),
    ("press officer's contract terminated", ("", "")),
    ("", ("", "")),
])
def test_an_outcome_text_gives_its_outcome_and_stage_only_where_it_says_so_plainly(text, expected):
    assert cases.read_outcome(text) == expected


def _incidents(rows: list[dict]) -> pd.DataFrame:
    """Processed incidents as `load_incidents` gives them, from the fields a test names."""
    base = {"group": "legal_claims", "category": "criminal_false_information", "legal_code": "", "legal_article": "",
            "victim": "", "victim_type": "", "outlet": "", "region": "", "region_iso": "", "amount_kzt": None,
            "outcome": "", "summary": "", "source_url": "https://adilsoz.kz/ru/news/1", "date_precision": "day"}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["incident_id"] = [f"I-{i}" for i in range(len(frame))]
    frame["report_month"] = frame["event_date"].str[:7]
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["source_file"] = frame["report_month"] + ".csv"
    frame["source_line"] = frame.groupby("source_file").cumcount() + 2
    frame["amount_kzt"] = pd.array(frame["amount_kzt"], dtype="Int64")
    return frame


def test_the_logs_stage_column_comes_first_then_the_outcome_text_and_otherwise_unknown():
    incidents = _incidents([
        {"case_id": "A", "event_date": "2024-01-10", "stage": "trial", "outcome": "charged"},
        {"case_id": "B", "event_date": "2024-01-11", "stage": "", "outcome": "charged"},
        {"case_id": "C", "event_date": "2024-01-12", "stage": "неизвестно", "outcome": "searched again"},
        {"case_id": "D", "event_date": "2024-01-13", "stage": "Апелляция", "outcome": ""},
    ])
    events = cases.case_events(incidents).set_index("case_id")
    assert events["stage"].to_dict() == {"A": "trial", "B": "pre_trial", "C": "unknown", "D": "appeal"}
    assert events["stage_read_from"].to_dict() == {"A": "stage column", "B": "outcome text", "C": "",
                                                   "D": "stage column"}
    # without the column at all, the outcome text alone
    without = cases.case_events(incidents.drop(columns="stage")).set_index("case_id")
    assert without["stage"].to_dict() == {"A": "pre_trial", "B": "pre_trial", "C": "unknown", "D": "unknown"}


def test_only_legal_proceedings_or_cases_with_a_known_stage_enter_the_ledger():
    incidents = _incidents([
        {"case_id": "attack", "category": "attack", "event_date": "2024-01-10", "outcome": "knife wound"},
        {"case_id": "battery", "category": "attack", "event_date": "2024-01-10",
         "outcome": "police opened a battery case"},
        {"case_id": "law", "category": "legislation", "legal_code": "Criminal Code",
         "legal_article": "Criminal Code 274", "event_date": "2024-01-11", "outcome": "law signed"},
        {"case_id": "claim", "category": "civil_claims", "event_date": "2024-01-12"},
    ])
    assert list(cases.ledger(incidents)["case_id"]) == ["battery", "claim"]


# --- the ledger -------------------------------------------------------------------------------------

def test_a_case_keeps_its_stages_sources_outcome_and_amounts():
    incidents = _incidents([
        {"case_id": "honour", "category": "civil_claims", "event_date": "2023-03-02", "stage": "complaint",
         "victim": "Gazeta Vremya", "victim_type": "media_outlet", "amount_kzt": 10_000_000,
         "outcome": "an official sued the newspaper for 10 million tenge"},
        {"case_id": "honour", "category": "civil_claims", "event_date": "2023-05-15", "stage": "",
         "outcome": "court hearings began", "legal_article": "ГК РК ст.143"},
        {"case_id": "honour", "category": "civil_claims", "event_date": "2023-06-20", "stage": "",
         "amount_kzt": 2_000_000, "outcome": "суд взыскал с редакции 2 млн тенге"},
    ])
    row = cases.ledger(incidents).iloc[0]
    assert (row["legal_type"], row["legal_code"], row["article"]) == ("civil", "Civil Code", "143")
    assert (row["first_month"], row["last_month"], row["mentions"]) == ("2023-03", "2023-06", 3)
    assert (row["stage"], row["outcome"]) == ("verdict", "claim_satisfied")
    assert row["stage_sources"] == ("complaint: 2023-03.csv line 2; trial: 2023-05.csv line 2; "
                                    "verdict: 2023-06.csv line 2")
    assert row["stage_source"] == "2023-06.csv line 2 (outcome text)"
    assert row["outcome_as_written"] == "суд взыскал с редакции 2 млн тенге"
    assert (row["amount_claimed_kzt"], row["amount_awarded_kzt"]) == (10_000_000, 2_000_000)
    assert pd.isna(row["fine_kzt"])
    assert row["outlets"] == "" and row["people"] == "Gazeta Vremya"
    assert bool(row["ended"]) and not bool(row["false_information"])


def test_a_mention_that_says_nothing_new_leaves_the_case_where_it_was():
    incidents = _incidents([
        {"case_id": "X", "event_date": "2024-02-01", "outcome": "charges dropped"},
        {"case_id": "X", "event_date": "2024-02-20", "outcome": "the blogger spoke to the press"},
    ])
    row = cases.ledger(incidents).iloc[0]
    assert (row["stage"], row["outcome"], bool(row["ended"])) == ("closed", "dismissed", True)


# --- consistency ------------------------------------------------------------------------------------

def test_the_consistency_checks_name_the_case_the_file_and_the_line():
    incidents = _incidents([
        # the stage goes backwards: a pre-trial investigation after the appeal
        {"case_id": "back", "event_date": "2024-01-10", "stage": "verdict"},
        {"case_id": "back", "event_date": "2024-02-10", "stage": "appeal"},
        {"case_id": "back", "event_date": "2024-03-10", "stage": "pre_trial"},
        # a verdict dated before the trial
        {"case_id": "early", "event_date": "2024-01-05", "stage": "verdict"},
        {"case_id": "early", "event_date": "2024-02-05", "stage": "trial"},
        # one case, two articles
        {"case_id": "two", "event_date": "2024-01-20", "legal_article": "ч. 2 ст. 274 УК РК"},
        {"case_id": "two", "event_date": "2024-02-20", "legal_article": "Criminal Code 174-1"},
        # an award above the claim
        {"case_id": "award", "category": "civil_claims", "event_date": "2024-01-25", "stage": "complaint",
         "amount_kzt": 1_000_000},
        {"case_id": "award", "category": "civil_claims", "event_date": "2024-03-25", "stage": "verdict",
         "amount_kzt": 3_000_000},
        # none of these: a case that moves forward, its article cited in two ways
        {"case_id": "fine", "event_date": "2024-01-28", "stage": "pre_trial", "legal_article": "УК РК ст.274 ч.2"},
        {"case_id": "fine", "event_date": "2024-03-28", "stage": "trial", "legal_article": "Criminal Code 274"},
    ])
    problems = cases.consistency(cases.ledger(incidents), cases.case_events(incidents))
    assert problems == [
        {"month": "2024-03", "kind": "case_stage_backwards",
         "message": "case back: pre_trial mentioned after appeal was reached (2024-03.csv line 2)"},
        {"month": "2024-01", "kind": "case_verdict_before_trial",
         "message": "case early: a verdict dated 2024-01-05, before its first trial mention (2024-02-05) "
                    "(2024-01.csv line 3)"},
        {"month": "2024-02", "kind": "case_two_articles",
         "message": "case two: article 174 here, article 274 at 2024-01.csv line 4 (2024-02.csv line 4)"},
        {"month": "2024-03", "kind": "case_award_above_claim",
         "message": "case award: awarded 3,000,000 tenge, more than the 1,000,000 claimed"},
    ]


# --- counts by unit ---------------------------------------------------------------------------------

def _followed() -> pd.DataFrame:
    return _incidents([
        {"case_id": "A", "event_date": "2024-01-10", "stage": "pre_trial", "victim": "Ivan Petrov; Anna Ivanova",
         "victim_type": "journalist"},
        {"case_id": "B", "category": "civil_claims", "event_date": "2024-02-03", "victim": "Radio Azattyq",
         "victim_type": "media_outlet"},
        {"case_id": "A", "event_date": "2024-03-12", "stage": "trial", "victim": "Ivan Petrov",
         "victim_type": "journalist"},
        {"case_id": "A", "event_date": "2024-04-02", "stage": "verdict", "outcome": "sentenced to a fine"},
        {"case_id": "A", "event_date": "2024-06-14", "stage": "appeal"},
        {"case_id": "C", "event_date": "2024-05-14", "stage": "pre_trial", "victim": "Ivan Petrov (Orda.kz)",
         "victim_type": "journalist"},
    ]).assign(counted=lambda f: ~f["case_id"].duplicated())


def test_a_case_is_active_while_open_ends_with_its_verdict_and_an_appeal_reopens_it():
    months = cases.case_months(cases.case_events(_followed()), "2024-07")
    a = months[months["case_id"] == "A"].set_index("month")
    assert list(a.index) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-06", "2024-07"]
    assert list(a["open"]) == [True, True, True, False, True, True]
    assert a.loc["2024-04", "ended"] and a.loc["2024-04", "outcome"] == "convicted"
    # a case whose stage is never known counts only in the month it is mentioned
    assert list(months.loc[months["case_id"] == "B", "month"]) == ["2024-02"]


def test_a_period_shows_the_cases_active_in_it_by_the_rule_the_chart_of_active_cases_counts(shipped_clean):
    """The timeline and the outcomes (`seen_between`) show a case in the months `case_months` counts
    it active: not between a verdict and an appeal, not after a mention that gives no stage."""
    events = cases.case_events(_followed())
    ledger = cases.ledger(_followed(), events)

    def seen(start, end, ledger=ledger, events=events):
        return set(cases.seen_between(ledger, events, start, end)["case_id"])

    assert seen("2024-02", "2024-02") == {"A", "B"}
    assert seen("2024-03", "2024-03") == {"A"}  # B's stage is never known: not known to be open after February
    assert seen("2024-05", "2024-05") == {"C"}  # A ended with its verdict in April; its appeal reopens it in June
    assert seen("2024-05", "2024-06") == {"A", "C"}
    # open without news for twelve months after the last mention: C from May 2024, A from its appeal in June
    assert seen("2025-05", "2025-05") == {"A", "C"}
    assert seen("2025-06", "2025-12") == {"A"}
    assert seen("2025-07", "2025-12") == set()
    events = cases.case_events(shipped_clean[2])
    ledger = cases.ledger(shipped_clean[2], events)
    assert "AS-2023-09-002" in seen("2023-09", "2023-09", ledger, events)  # mentioned once, its stage not given
    assert "AS-2023-09-002" not in seen("2023-10", "2024-11", ledger, events)


def test_a_person_named_with_a_role_after_a_comma_is_the_same_person_named_without_it():
    incidents = _incidents([
        {"case_id": "K", "event_date": "2017-02-03", "victim": "Nick Kravts", "victim_type": "journalist",
         "outcome": "charged"},
        {"case_id": "K", "event_date": "2017-03-03", "victim": "Nick Kravts, journalist; Саят Исаев (блогер)",
         "victim_type": "journalist", "outcome": "trial began"}])
    named = cases.persons_named(cases.case_events(incidents))
    assert named.to_dict("list") == {"case_id": ["K", "K"], "person": ["nick kravts", "саят исаев"],
                                     "named": ["2017-02", "2017-03"]}


def test_counts_by_unit_keep_the_reports_and_add_new_and_active_cases_and_persons():
    incidents = _followed()
    counts = incident_log_counts(incidents)
    out = cases.counts_by_unit(incidents, counts, last="2024-07")
    assert out[out["unit_of_count"] == "reports"].drop(columns="unit_of_count").equals(counts)
    overall = out[(out["group"] == "all") & (out["category"] == "total")]

    def series(unit):
        rows = overall[overall["unit_of_count"] == unit]
        return dict(zip(rows["month"], rows["count"]))

    assert series("new_cases") == {"2024-01": 1, "2024-02": 1, "2024-05": 1}
    # A: Jan-Apr (verdict in April), again from its appeal in June; B: February only; C: from May
    assert series("active_cases") == {"2024-01": 1, "2024-02": 2, "2024-03": 1, "2024-04": 1, "2024-05": 1,
                                      "2024-06": 2, "2024-07": 2}
    # Ivan Petrov and Anna Ivanova (A), no person in B (an outlet), Ivan Petrov again in C: one person
    assert series("persons") == {"2024-01": 2, "2024-02": 2, "2024-03": 2, "2024-04": 2, "2024-05": 1,
                                 "2024-06": 2, "2024-07": 2}
    by_category = out[(out["unit_of_count"] == "active_cases") & (out["month"] == "2024-02")]
    assert dict(zip(by_category["category"], by_category["count"])) == {
        "criminal_false_information": 1, "civil_claims": 1, "total": 2}


# --- a case followed across three monthly logs in three languages -----------------------------------

LOGS = {
    "2024-09.csv": (
        "№,дело,дата,категория,статья,пострадавший,тип пострадавшего,регион,итог,источник\n"
        "RU-1,DO-2024-1,12.09.2024,criminal_false_information,ч. 2 ст. 274 УК РК,Махаббат Жакыпова,блогер,"
        "Алматы,возбуждено уголовное дело,https://adilsoz.kz/news/1\n"
        "RU-2,,20.09.2024,attack,,Айдос Сейткали,журналист,Шымкент,,https://adilsoz.kz/news/2\n"),
    "2024-10.csv": (
        "оқиға id,іс,күні,санат,бап,жәбірленуші,жәбірленуші түрі,облыс,нәтиже,дереккөз\n"
        "KK-1,DO-2024-1,2024 жылғы 15 қазан,criminal_false_information,ҚК 274-бабы,Махаббат Жақыпова,блогер,"
        "Алматы,іс бойынша сот отырысы басталды,https://adilsoz.kz/kk/news/3\n"),
    "2024-11.csv": (
        "id,case,date,category,article,victim,type of victim,region,outcome,source\n"
        "EN-1,DO-2024-1,2024-11-20,criminal_false_information,Criminal Code 274,Makhabbat Zhakypova,blogger,"
        "Almaty,sentenced to 2 years of restricted freedom,https://adilsoz.kz/en/news/4\n"
        "EN-2,,2024-11-22,administrative_false_information,Administrative Code 456-2,"
        "Radio Azattyq,media outlet,Astana,found liable; fined,https://adilsoz.kz/en/news/5\n"),
}


@pytest.fixture(scope="module")
def three_logs(tmp_path_factory) -> Paths:
    """Three monthly logs, in Russian, Kazakh and English, following one case; cleaned; with the notebooks."""
    paths = Paths(tmp_path_factory.mktemp("cases"))
    paths.raw_incidents.mkdir(parents=True)
    paths.raw_published.mkdir(parents=True)
    for name, text in LOGS.items():
        (paths.raw_incidents / name).write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "notebooks", paths.notebooks)
    assert run_clean(paths).ok
    return paths


def test_a_case_is_followed_across_three_monthly_logs_in_three_languages(three_logs):
    incidents = load_incidents(three_logs)
    ledger = cases.ledger(incidents)
    assert list(ledger["case_id"]) == ["DO-2024-1", "EN-2"]
    row = ledger.iloc[0]
    assert (row["first_month"], row["last_month"], row["mentions"]) == ("2024-09", "2024-11", 3)
    assert (row["article"], row["legal_type"], bool(row["false_information"])) == ("274", "criminal", True)
    assert row["stage_sources"] == ("pre_trial: 2024-09.csv line 2; trial: 2024-10.csv line 2; "
                                    "verdict: 2024-11.csv line 2")
    assert (row["stage"], row["outcome"]) == ("verdict", "convicted")
    assert row["outcome_as_written"] == "sentenced to 2 years of restricted freedom"
    assert row["people"] == "Махаббат Жакыпова; Махаббат Жақыпова; Makhabbat Zhakypova"  # names as written
    assert row["region_iso"] == "KZ-75"
    assert row["source_urls"].split("; ") == ["https://adilsoz.kz/news/1", "https://adilsoz.kz/kk/news/3",
                                              "https://adilsoz.kz/en/news/4"]
    events = cases.case_events(incidents)
    assert cases.consistency(ledger, events) == []
    assert list(events.loc[events["case_id"] == "DO-2024-1", "report_month"]) == ["2024-09", "2024-10", "2024-11"]


@pytest.mark.parametrize("lang, lines", [
    ("en", ["- False-information cases (Criminal Code 274, Administrative Code 456-2) open at the end of "
            "October 2024: 1 case (a stage before its end recorded, no ending recorded, mentioned in the last "
            "12 months)",
            "- New false-information cases this month: 0 cases",
            "- No false-information case ended this month."]),
    ("ru", ["- Дела о ложной информации (ст. 274 УК, ст. 456-2 КоАП), открытые на конец месяца (октябрь 2024): "
            "1 дело (записана стадия до завершения, завершение не записано, упомянуты за последние 12 мес.)",
            "- Новые дела о ложной информации за месяц: 0 дел",
            "- За месяц ни одно дело о ложной информации не завершилось."]),
])
def test_the_summary_lines_on_false_information_cases_in_october(three_logs, lang, lines):
    assert cases.false_information_lines(load_incidents(three_logs), "2024-10", lang) == lines


def test_the_summary_says_how_many_open_cases_the_month_does_not_mention_and_since_when(three_logs):
    incidents = load_incidents(three_logs)
    september = incidents[incidents["report_month"] == "2024-09"]  # the case at its pre-trial stage
    lines = cases.false_information_lines(september, "2024-10", "en")
    assert lines[0].endswith("open at the end of October 2024: 1 case (a stage before its end recorded, no ending "
                             "recorded, mentioned in the last 12 months); not mentioned this month: 1 of them (the "
                             "earliest last mention: September 2024)")
    ru = cases.false_information_lines(september, "2024-12", "ru")[0]
    assert ru.endswith("; из них в этом месяце не упомянуты: 1 (самое давнее последнее упоминание: сентябрь 2024)")
    # open for twelve months after its last mention; then no longer counted as open, and said so
    assert cases.false_information_lines(september, "2025-09", "en")[0].startswith(
        "- False-information cases (Criminal Code 274, Administrative Code 456-2) open at the end of September 2025: "
        "1 case")
    later = cases.false_information_lines(september, "2025-10", "en")[0]
    assert later.endswith("open at the end of October 2025: 0 cases (a stage before its end recorded, no ending "
                          "recorded, mentioned in the last 12 months); no longer counted as open: 1, with no news for "
                          "more than 12 months (the earliest last mention: September 2024)")
    kk = cases.false_information_lines(september, "2025-10", "kk")[0]
    assert kk.endswith("; енді ашық саналмайды: 1, 12 айдан астам жаңалығы жоқ "
                       "(ең ерте соңғы аталуы: 2024 ж. қыркүйек)")


def test_open_cases_the_month_does_not_mention_are_drawn_apart_from_those_it_does(shipped_clean):
    incidents = shipped_clean[2]
    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    spec = case_figures.cases_active(events, ledger, "2018-06", "2019-04", ["274", "456-2"])
    table = spec.data
    assert (table["mentioned"] <= table["active"]).all()
    assert (table["active"] - table["mentioned"]).min() >= 2  # the two 274 cases of April and May 2018
    fig = spec.draw("ru")
    mentioned, carried = fig.axes[0].containers
    assert [bar.get_height() for bar in mentioned] == table["mentioned"].tolist()
    assert [bar.get_height() for bar in carried] == (table["active"] - table["mentioned"]).tolist()
    assert [bar.get_y() for bar in carried] == table["mentioned"].tolist()
    assert carried[0].get_facecolor()[3] < 1 and mentioned[0].get_facecolor()[3] == 1  # a tint over the colour
    assert "Открыты, в месяце не упомянуты" in [text.get_text() for text in fig.legends[0].get_texts()]


def test_a_month_without_an_incident_log_is_shaded_and_its_new_and_ended_cases_not_zero_but_unknown(shipped_clean):
    incidents = shipped_clean[2]
    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    logged = set(incidents["report_month"])
    spec = case_figures.cases_active(events, ledger, "2018-01", "2024-11", ["274", "456-2"], logged=logged)
    table = spec.data.set_index("month")
    assert "2018-09" not in logged and "2024-09" not in logged and "2024-11" in logged
    assert table.loc["2018-09", ["mentioned", "new", "ended"]].isna().all()  # not known, never 0
    assert table.loc["2018-09", "active"] == 2  # the cases open before it are still open
    # ... for twelve months after their last mention (April and May 2018), and none since
    assert table.loc["2019-04":"2019-06", "active"].tolist() == [2, 1, 0]
    assert table.loc["2024-09", "active"] == 0
    assert table.loc["2024-11", ["new", "ended"]].tolist() == [1, 1]
    shown = accessibility.reader_table(spec.data, spec.name, "kk")  # the data table beside it: empty, not 0
    september = shown[shown.iloc[:, 0] == "2018 ж. қыркүйек"].iloc[0].tolist()
    assert september[1:] == ["2", "", "", ""]
    text = spec.texts("en")["long_description"]
    assert f"{(~table.index.isin(logged)).sum()} months without data (shaded; not zero)" in text
    fig = spec.draw("en")
    grey = colour("no_data").upper()
    shaded = sorted(i for i, p in shading(fig.axes[0]).items() if to_hex(p.get_facecolor()).upper() == grey)
    assert [table.index[i] for i in shaded] == list(table.index[~table.index.isin(logged)])
    assert fig.legends[0].get_texts()[-1].get_text().startswith("No incident log for this month")
    plt.close(fig)


def test_the_summary_says_how_the_months_false_information_cases_ended(three_logs):
    lines = cases.false_information_lines(load_incidents(three_logs), "2024-11", "kk")
    assert lines == [
        "- Жалған ақпарат туралы істер (ҚК 274-бабы, ӘҚБтК 456-2-бабы), ай соңында (2024 ж. қараша) ашық: 0 іс "
        "(аяқталғанға дейінгі сатысы жазылған, аяқталуы жазылмаған, соңғы 12 айда аталған)",
        "- Айдағы жаңа жалған ақпарат істері: 1 іс",
        "- Айда аяқталған жалған ақпарат істері: 2 іс (сотталды: 1, айыппұл салынды: 1)",
    ]


# --- figures ----------------------------------------------------------------------------------------

LONG_NAMES = ["Гульжан Ергалиева, главный редактор журнала ADAM bol", "Жәнібек Сәрсенбайұлы Қожахметов",
              "Общественное объединение «Казахстанское международное бюро по правам человека»"]


def _many_cases(n: int) -> pd.DataFrame:
    rows = []
    for i in range(n):
        month = f"2023-{i % 12 + 1:02d}"
        rows += [{"case_id": f"K{i:02d}", "event_date": f"{month}-05", "victim": LONG_NAMES[i % 3],
                  "victim_type": "journalist", "outcome": "возбуждено уголовное дело"},
                 {"case_id": f"K{i:02d}", "event_date": f"2024-{i % 11 + 1:02d}-10",
                  "outcome": "суд вынес приговор" if i % 2 else "начались судебные заседания"}]
    return _incidents(rows)


def test_the_timeline_goes_on_further_pages_beyond_40_cases_and_long_cyrillic_names_fit():
    incidents = _many_cases(45)
    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    pages = case_figures.cases_timeline(ledger, events, "2023-01", "2024-11", ["274"])
    assert [p.name for p in pages] == ["cases_timeline", "cases_timeline_2"]
    assert [p.data.loc[p.data["kind"] == "stage", "case_id"].nunique() for p in pages] == [40, 5]
    for spec in pages:
        for lang in ("ru", "kk"):
            fig = spec.draw(lang)
            assert plots.layout_problems(fig) == []
            labels = [label.get_text() for label in fig.axes[0].get_yticklabels()]
            assert all(label.count("\n") <= 1 for label in labels)
    kk = pages[1].texts("kk")["title"]
    assert "2 беттің 2-беті" in kk and "ҚК 274-бабы" in kk
    for spec in pages:  # the odd cases had a verdict
        verdicts = spec.data.loc[spec.data["kind"] == "verdict", "case_id"]
        assert set(verdicts) == {c for c in spec.data["case_id"] if int(c[1:]) % 2}


def test_the_outcomes_and_active_figures_count_each_case_once(three_logs):
    incidents = load_incidents(three_logs)
    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    outcomes = case_figures.cases_outcomes(ledger, events, "2024-09", "2024-11", ["274", "456-2"])
    assert outcomes.data.to_dict("records") == [
        {"article": "274", "year": 2024, "outcome": "convicted", "cases": 1},
        {"article": "456-2", "year": 2024, "outcome": "fined", "cases": 1}]
    active = case_figures.cases_active(events, ledger, "2024-08", "2024-11", ["274", "456-2"])
    assert active.data.to_dict("list") == {"month": ["2024-08", "2024-09", "2024-10", "2024-11"],
                                           "active": [0, 1, 1, 2], "mentioned": [0, 1, 1, 2], "new": [0, 1, 0, 1],
                                           "ended": [0, 0, 0, 2]}
    for spec in (outcomes, active):
        for lang in ("en", "ru", "kk"):
            assert plots.layout_problems(spec.draw(lang)) == []



def test_a_case_whose_end_is_not_recorded_is_not_shown_as_ended(three_logs):
    incidents = load_incidents(three_logs)
    before = incidents[incidents["event_date"] < "2024-11-01"]  # the case before its verdict
    ledger, events = cases.ledger(before), cases.case_events(before)
    outcomes = case_figures.cases_outcomes(ledger, events, "2024-09", "2024-10", ["274"])
    assert outcomes.data.to_dict("records") == [{"article": "274", "year": 2024, "outcome": "open", "cases": 1}]
    ended = case_figures.cases_outcomes(ledger.assign(ended=True), events, "2024-09", "2024-10", ["274"])
    assert ended.data["outcome"].tolist() == ["none"]  # ended, with no outcome stated
    assert [cases.outcome_label(o, "ru") for o in ("open", "none")] == ["Окончание не записано", "Исход не записан"]
    for lang in ("en", "ru", "kk"):
        assert cases.outcome_label("open", lang) in outcomes.texts(lang)["alt_text"]
        assert plots.layout_problems(outcomes.draw(lang)) == []

# --- loading, and the notebook ----------------------------------------------------------------------

def test_load_cases_says_how_to_build_the_ledger_when_it_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `make report`.*case ledger"):
        load_cases(Paths(tmp_path))


def test_monthly_counts_load_as_reports_unless_another_unit_is_asked_for(tmp_path, three_logs):
    paths = Paths(tmp_path)
    paths.processed.mkdir(parents=True)
    counts = pd.read_parquet(three_logs.monthly_counts)
    by_unit = cases.counts_by_unit(load_incidents(three_logs), counts)
    by_unit.to_parquet(paths.monthly_counts)
    assert len(load_monthly_counts(paths)) == len(counts)
    persons = load_monthly_counts(paths, unit_of_count="persons")
    assert set(persons["unit_of_count"]) == {"persons"} and len(persons)
    assert len(load_monthly_counts(paths, unit_of_count=None)) == len(by_unit)


@pytest.mark.notebooks
def test_the_cases_notebook_runs_under_papermill_and_writes_its_figures(three_logs, monkeypatch):
    from analysis.execute import execute

    monkeypatch.setenv("ANALYSIS_ROOT", str(three_logs.root))
    run = Run("cases", "2024-11", "ru", {"start": "2024-09", "end": "2024-11", "articles": ["274", "456-2"],
                                         "lang": "ru"})
    problem, _, _ = execute(run, three_logs, timeout=600)
    assert problem is None
    folder = three_logs.reports / "figures" / "2024-11"
    for name in ("cases_timeline", "cases_outcomes", "cases_active"):
        assert all((folder / f"{name}.ru.{fmt}").stat().st_size > 0 for fmt in ("png", "svg", "pdf"))
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        assert meta["parameters"]["articles"] == ["274", "456-2"]
    timeline = pd.read_csv(folder / "cases_timeline.csv")
    followed = timeline[timeline["case_id"] == "DO-2024-1"]
    assert list(followed["stage"]) == ["pre_trial", "trial", "verdict", "verdict"]
    assert list(followed["kind"]) == ["stage", "stage", "stage", "verdict"]
    page = run.html(three_logs).read_text(encoding="utf-8")
    assert "Дела месяц за месяцем" in page and "Cases followed" not in page


def test_a_period_without_cases_gives_notices_and_zeros_not_errors():
    empty = pd.DataFrame(columns=["case_id", "incident_id", "report_month", "event_date", "category",
                                  "source_line", "amount_kzt"])
    ledger, events = cases.ledger(empty), cases.case_events(empty)
    specs = [*case_figures.cases_timeline(ledger, events, "2024-01", "2024-11", ["274"]),
             case_figures.cases_outcomes(ledger, events, "2024-01", "2024-11", ["274"]),
             case_figures.cases_active(events, ledger, "2024-01", "2024-11", ["274"])]
    assert [s.name for s in specs] == ["cases_timeline", "cases_outcomes", "cases_active"]
    assert specs[2].data["active"].tolist() == [0] * 11
    for spec in specs:
        assert plots.layout_problems(spec.draw("kk")) == []
    assert cases.false_information_lines(empty, "2024-11", "en")[1:] == [  # no log read: not known, not zero
        "- New false-information cases this month: not known (no incident log for November 2024)",
        "- False-information cases that ended this month: not known (no incident log for November 2024)"]
    assert cases.logs_read_line(empty, "2024-11", "en") == (
        "- These lines rest on the incident logs of 0 of the 12 months December 2023 – November 2024.")


def test_the_coded_stages_fill_what_the_logs_leave_empty_and_bad_rows_are_rejected():
    from analysis import incidents as inc

    logged = pd.DataFrame({"incident_id": ["L-1", "L-2", "L-3"],
                           "stage": pd.array(["trial", None, None], dtype="string")})
    coding = pd.DataFrame({"incident_id": ["L-1", "L-2", "L-9", "L-3", "L-3", "L-2"],
                           "stage": ["verdict", "приговор", "trial", "weather", "appeal", "trial"],
                           "stage_as_written": ["verdict read", "приговор вынесен", "", "", "appeal upheld award", ""],
                           "source_file": "case_stages.csv", "source_line": [2, 3, 4, 5, 6, 7]})
    staged, kept, rejected = inc.apply_stage_coding(logged, coding)
    # the log's own stage wins; a coded stage fills an empty one, in any of the three languages,
    # and brings its words along: where a stage comes from stays known
    assert staged["stage"].tolist() == ["trial", "verdict", "appeal"]
    assert staged["stage_as_written"].tolist() == ["", "приговор вынесен", "appeal upheld award"]
    assert kept["source_line"].tolist() == [2, 3, 6]
    assert rejected[["line", "column", "reason"]].values.tolist() == [
        [4, "incident_id", "no incident in the logs has this incident_id"],
        [5, "stage", "expected one of complaint, pre_trial, trial, verdict, appeal, closed, unknown "
                     "(or the same in Russian or Kazakh)"],
        [7, "incident_id", "this incident's stage is coded at an earlier line already"]]
    assert logged["stage"].isna().sum() == 2  # the argument is not changed


def test_a_coded_stage_s_words_give_the_outcome_the_log_leaves_unsaid_and_say_where_the_stage_is_from(shipped_clean):
    _, _, incidents = shipped_clean
    ledger = cases.ledger(incidents).set_index("case_id")
    events = cases.case_events(incidents)
    assert set(events["stage_read_from"]) == {"stage coding", ""}  # no shipped log has a stage column
    assert ledger.loc["AS-2024-11-004", "stage_source"].endswith("(stage coding)")
    # decided on appeal: the award upheld, left unchanged or raised; the protest against it withdrawn
    for case_id, outcome in (("AS-2015-08-001", "claim_satisfied"), ("CASE-taszhargan", "claim_satisfied"),
                             ("CASE-adambol-imam", "claim_satisfied"), ("AS-2017-08-005", "dismissed")):
        row = ledger.loc[case_id]
        assert (row["stage"], row["outcome"], bool(row["ended"])) == ("appeal", outcome, True), case_id
    assert ledger.loc["AS-2015-08-001", "outcome_as_written"] == "Appeal upheld bank's twenty-million-tenge award"
    # the honour claim the court rejected: its amount is what was claimed, not an award
    rejected = ledger.loc["AS-2022-10-001"]
    assert (rejected["outcome"], rejected["amount_claimed_kzt"]) == ("dismissed", 500_000)
    assert pd.isna(rejected["amount_awarded_kzt"])
    # an appeal whose words state no outcome ("appeals board decision on 13 August") leaves it open
    assert (ledger.loc["CASE-ratel-ban", "stage"], bool(ledger.loc["CASE-ratel-ban", "ended"])) == ("appeal", False)


def test_the_shipped_stages_come_from_their_own_file_not_from_the_logs(shipped_clean):
    _, _, incidents = shipped_clean
    header = (ROOT / "data" / "raw" / "incidents" / "2024-11.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "stage" not in header.split(",")
    assert incidents.set_index("incident_id").loc["AS-2024-11-004", "stage"] == "verdict"


def test_case_events_come_by_case_then_date_file_and_line_and_the_ledger_by_case_id():
    incidents = _incidents([
        {"case_id": "Б-2", "event_date": "2024-02-05"},
        {"case_id": "A-1", "event_date": "2024-03-01"},
        {"case_id": "A-1", "event_date": "2024-01-20"},
        {"case_id": "Z-9", "event_date": "2024-01-02"},
        {"case_id": "A-1", "event_date": "2024-03-01"},  # the same day again, at a later line of its log
    ])
    events = cases.case_events(incidents)
    assert [(e.case_id, f"{e.event_date:%Y-%m-%d}", e.source_file, e.source_line) for e in events.itertuples()] == [
        ("A-1", "2024-01-20", "2024-01.csv", 2), ("A-1", "2024-03-01", "2024-03.csv", 2),
        ("A-1", "2024-03-01", "2024-03.csv", 3), ("Z-9", "2024-01-02", "2024-01.csv", 3),
        ("Б-2", "2024-02-05", "2024-02.csv", 2)]
    ledger = cases.ledger(incidents, events)
    assert ledger[["case_id", "mentions", "first_month", "last_month"]].values.tolist() == [
        ["A-1", 3, "2024-01", "2024-03"], ["Z-9", 1, "2024-01", "2024-01"], ["Б-2", 1, "2024-02", "2024-02"]]


def test_a_month_with_as_many_new_cases_as_ended_ones_shows_both_marks_in_that_month(shipped_clean):
    from matplotlib.collections import PathCollection

    incidents = shipped_clean[2]
    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    spec = case_figures.cases_active(events, ledger, "2024-01", "2024-11", ["274", "456-2"])
    last = spec.data.iloc[-1]
    assert last["new"] == last["ended"] == 1  # the shipped November 2024: one case begins, one ends
    fig = spec.draw("en")
    fig.canvas.draw()
    new, ended = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    assert new.get_offsets()[-1].tolist() == ended.get_offsets()[-1].tolist() == [len(spec.data) - 1, 1]
    # the ring around is larger than the triangle inside it, and hollow: both are seen
    assert ended.get_sizes()[0] >= 3 * new.get_sizes()[0] and ended.get_facecolors().size == 0


def test_the_timeline_runs_to_the_end_of_its_period_so_the_time_since_the_last_mention_shows(shipped_clean):
    import matplotlib.dates as mdates

    incidents = shipped_clean[2]
    ledger, events = cases.ledger(incidents), cases.case_events(incidents)
    spec = case_figures.cases_timeline(ledger, events, "2018-01", "2024-11", ["274"])[0]
    assert spec.data["end"].max() < pd.Timestamp("2022-01-01")  # the shipped 274 cases: last mentioned in 2021
    left, right = spec.draw("ru").axes[0].get_xlim()
    assert left <= mdates.date2num(spec.data["start"].min()) and right >= mdates.date2num(pd.Timestamp("2024-11-30"))
    # the axis begins at the first mention (March 2018), not at the period searched: the title names
    # that period as when the cases were mentioned, not as the span drawn
    assert left > mdates.date2num(pd.Timestamp("2018-01-01"))
    # a period lists the cases mentioned in it and those open in it: twelve months after the last mention at most
    lanes = {period: set(case_figures.cases_timeline(ledger, events, *period, ["274", "456-2"])[0].data["case_id"])
             for period in (("2019-01", "2019-12"), ("2024-01", "2024-11"))}
    assert lanes == {("2019-01", "2019-12"): {"AS-2018-04-001", "AS-2018-05-001"},
                     ("2024-01", "2024-11"): {"AS-2024-11-004"}}
    assert [spec.texts(lang)["title"] for lang in ("en", "ru", "kk")] == [
        "Cases under Criminal Code 274 mentioned from January 2018 to November 2024: stages",
        "Дела по ст. 274 УК, упомянутые за январь 2018 – ноябрь 2024: стадии",
        "2018 ж. қаңтар – 2024 ж. қараша аралығында аталған ҚК 274-бабы бойынша істер: сатылары"]
