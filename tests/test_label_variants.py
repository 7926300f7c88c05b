"""Coding fidelity: labels as analysts write them in Kazakh, Russian and English.

`label_variants.csv` holds labels written for these tests (legal articles in every grammatical
form, typos, extra spaces, quotes, upper case, and labels that must be rejected), each with the
category it must get or REJECT. A mis-coded label changes a published figure silently, so none
is allowed; a rejected one is listed for a person to look at. `vocabulary_variants.csv` holds the
wordings of victim and perpetrator types, each with the code it must get.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import taxonomy
from analysis.clean import run_clean
from analysis.config import Paths
from analysis.parsing import parse_enumeration, vocabulary

VARIANTS = Path(__file__).resolve().parent / "label_variants.csv"
VOCABULARY_VARIANTS = Path(__file__).resolve().parent / "vocabulary_variants.csv"  # field, written, expected
REJECT = "REJECT"


def _table(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = _table(VARIANTS)
MAPPED = [r for r in ROWS if r["expected"] != REJECT]


def test_the_table_is_large_and_covers_three_languages():
    assert len(ROWS) >= 150
    by_lang = pd.Series([r["lang"] for r in ROWS]).value_counts()
    assert set(by_lang.index) == {"en", "ru", "kk"} and by_lang.min() >= 40
    assert sum(r["expected"] == REJECT for r in ROWS) >= 30
    known = set(taxonomy.category_codes()) | {REJECT}
    assert {r["expected"] for r in ROWS} <= known


def test_every_variant_is_coded_as_written_down(record_property):
    outcome = {"mapped right": 0, "rejected": 0, "mis-coded": 0}
    wrong = []
    for row in ROWS:
        got = taxonomy.match_category(row["label"], row["group"] or None)
        if got is None:
            outcome["rejected"] += 1
        elif got == row["expected"]:
            outcome["mapped right"] += 1
        else:
            outcome["mis-coded"] += 1
        if (got or REJECT) != row["expected"]:
            wrong.append(f"{row['lang']} {row['label']!r}: expected {row['expected']}, got {got or REJECT}")
    n = len(ROWS)
    record_property("summary",
                    f"label variants ({n}): " + ", ".join(f"{k} {v} ({v / n:.1%})" for k, v in outcome.items()))
    assert outcome["mis-coded"] == 0, wrong
    assert wrong == []
    assert outcome["rejected"] == sum(r["expected"] == REJECT for r in ROWS)


@pytest.mark.parametrize("label, articles", [
    ("274-бабының 2-бөлігі", ("274",)),
    ("ч. 2 ст. 274 УК РК", ("274",)),
    ("part 2 of Article 274 of the Criminal Code", ("274",)),
    ("Article 274(2)", ("274",)),
    ("456-2-бабының 1-бөлігі", ("456-2",)),
    ("ст.ст. 130, 274 УК", ("130", "274")),
    ("ч. 2", ()),
    ("отчёт за 2024-06", ()),
    ("274 сообщения", ()),
])
def test_cited_articles_follow_the_grammar(label, articles):
    assert taxonomy.cited_articles(label) == articles


def test_an_ambiguous_label_names_both_candidates():
    reason = taxonomy.classify("threat of a lawsuit").reason
    assert "threat (rights_of_journalists)" in reason and "civil_claims (legal_claims)" in reason
    reason = taxonomy.classify("ст. 274 и 130 УК").reason
    assert "criminal_false_information (article 274)" in reason
    assert "criminal_defamation (article 130)" in reason
    partial = taxonomy.classify("ложная информация").reason
    assert "administrative_false_information" in partial and "criminal_false_information" in partial


# --- no rule matches a stem inside a longer word ------------------------------------------------

KAZAKH = "әғқңөұүһі"
_WORD = re.compile(r"\w+")


def _glued(label: str, letter: str) -> str:
    """Every word of `label` with `letter` glued to its front: each stem now sits inside a word.

    The glued words start with ң, which begins no Kazakh, Russian or English word, so that the
    letter and the stem cannot happen to spell another real word ("ж" + "алауыздық" reads "жала",
    slander).
    """
    return _WORD.sub(lambda m: "ң" + letter + m.group(0), label)


@settings(max_examples=300, deadline=None)
@given(row=st.sampled_from(MAPPED), letter=st.sampled_from(list(KAZAKH + "жщxqa")),
       upper=st.booleans())
def test_no_rule_matches_a_stem_inside_a_longer_word(row, letter, upper):
    label = _glued(row["label"], letter.upper() if upper else letter)
    text = taxonomy.normalise_text(label)
    assert [r.category for r in taxonomy.label_rules() if r.pattern.search(text)] == []
    assert taxonomy.cited_articles(label) == ()
    assert taxonomy.match_category(label, row["group"] or None) is None


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(["victim_type", "perpetrator_type"]), letter=st.sampled_from(list(KAZAKH + "жx")),
       data=st.data())
def test_no_vocabulary_word_matches_inside_a_longer_word(field, letter, data):
    words = [w for label in vocabulary(field)[["label_en", "label_ru", "label_kk"]].to_numpy().ravel()
             for w in [label] if parse_enumeration(field)(w).value not in (None, "unknown")]
    word = data.draw(st.sampled_from(words))
    assert parse_enumeration(field)(_glued(word, letter)).value is None


@pytest.mark.parametrize("field, written, expected", [tuple(r.values()) for r in _table(VOCABULARY_VARIANTS)])
def test_vocabulary_as_analysts_write_it(field, written, expected):
    assert parse_enumeration(field)(written).value == expected


# --- the same log in three languages gives the same counts -------------------------------------

# SYNTHETIC incidents, written for this test: the same six incidents, with the false-information
# cases named by their articles in each language's legal grammar.
_INCIDENTS = [
    # id, date, en label, ru label, kk label, victim (en, ru, kk), perpetrator (en, ru, kk)
    ("1", "2024-11-04", "Criminal Code Article 274, part 2", "ч. 2 ст. 274 УК РК",
     "ҚР ҚК 274-бабының 2-бөлігі", ("blogger", "блогер", "блогер"), ("police", "полиция", "полиция")),
    ("2", "2024-11-06", "Art. 456-2 of the Administrative Code", "по статье 456-2 КоАП",
     "ӘҚБтК 456-2-бабы бойынша", ("journalist", "журналист", "тілші"), ("court", "суд", "сот")),
    ("3", "2024-11-08", "Article 274 CC", "статья 274 УК",
     "274-бабы бойынша қылмыстық іс", ("citizen", "гражданин", "азамат"), ("prosecutor", "прокуратура", "прокуратура")),
    ("4", "2024-11-12", "administrative defamation (Article 73-3)", "клевета, ст. 73-3 КоАП",
     "73-3-бабы бойынша әкімшілік іс", ("editorial office", "редакция", "редакция"), ("akimat", "акимат", "әкімдік")),
    ("5", "2024-11-15", "attack on a journalist", "нападение на журналиста",
     "журналистке шабуыл", ("journalist", "журналистка", "журналист"),
     ("private individual", "частное лицо", "жеке тұлға")),
    ("6", "2024-11-20", "refusal to provide information", "отказ в предоставлении информации",
     "ақпарат беруден бас тарту", ("media outlet", "СМИ", "БАҚ"), ("ministry", "министерство", "министрлік")),
]
_DATES = {"ru": lambda d: ".".join(reversed(d.split("-"))), "kk": lambda d: d, "en": lambda d: d}
_LOGS = {
    "en": (["incident_id", "event_date", "category", "victim_type", "perpetrator_type"], ",", "utf-8", 2),
    "ru": (["Номер", "Дата", "Категория", "Тип пострадавшего", "Нарушитель"], ";", "cp1251", 3),
    "kk": (["Оқиға ID", "Күні", "Санат", "Жәбірленуші түрі", "Құқық бұзушы түрі"], ",", "utf-8-sig", 4),
}


def _write_log(folder: Path, lang: str) -> None:
    header, sep, encoding, column = _LOGS[lang]
    idx = {"en": 0, "ru": 1, "kk": 2}[lang]
    lines = [sep.join(header)]
    for number, day, *labels, victim, perpetrator in _INCIDENTS:
        cells = [f"SYN-{lang}-{number}", _DATES[lang](day), labels[idx], victim[idx], perpetrator[idx]]
        lines.append(sep.join(f'"{c}"' if sep in c or "," in c else c for c in cells))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2024-11.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def _log_counts(root: Path, lang: str) -> tuple[dict, list]:
    """The log written in `lang`, cleaned: its incidents by (group, category), and their victim and
    perpetrator types."""
    _write_log(root / "data" / "raw" / "incidents", lang)
    (root / "data" / "raw" / "published").mkdir(parents=True)
    result = run_clean(Paths(root))
    assert result.rejected.empty, result.rejected.to_dict("records")
    incidents = result.incidents
    return (incidents.groupby(["group", "category"], observed=True).size().to_dict(),
            sorted(zip(incidents["victim_type"].astype(str), incidents["perpetrator_type"].astype(str))))


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    """The counts of the log in English, cleaned once for both other languages."""
    return _log_counts(tmp_path_factory.mktemp("en"), "en")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_log_in_russian_or_kazakh_counts_as_the_same_log_in_english(english, tmp_path, lang):
    assert _log_counts(tmp_path / lang, lang) == english
    by_category = english[0]
    assert by_category[("legal_claims", "criminal_false_information")] == 2
    assert by_category[("legal_claims", "administrative_false_information")] == 1
    assert by_category[("legal_claims", "administrative_defamation")] == 1


# --- the shipped published data ------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped(shipped_run):
    from conftest import ROOT

    return shipped_run[1], ROOT / "data" / "raw" / "published" / "published_counts.csv"


def test_shipped_published_files_are_clean(shipped):
    result, _ = shipped
    assert result.rejected.empty, result.rejected.head(20).to_dict("records")
    assert result.report["unmapped_labels"] == []
    published = {k: v for k, v in result.report["files"].items() if "published" in k}
    assert published and all(f["rows_rejected"] == 0 for f in published.values())


def test_every_published_total_appears_unchanged(shipped):
    result, raw_path = shipped
    raw = pd.read_csv(raw_path, dtype=str, keep_default_na=False)
    raw = raw[raw["category_as_written"] == "TOTAL"]
    counts = result.counts
    totals = counts[(counts["source"] == "published") & (counts["category"] == "total")]
    stated = {(m, taxonomy.match_group(g), int(c)) for m, g, c in
              zip(raw["month"], raw["group_as_written"], raw["count"])}
    kept = {(m, str(g), int(c)) for m, g, c in zip(totals["month"], totals["group"], totals["count"])}
    assert stated == kept
    assert len(kept) == len(raw)


def test_older_headings_keep_their_own_groups(shipped):
    result, _ = shipped
    counts = result.counts
    old = counts[(counts["source"] == "published") & counts["month"].isin(["2009-03", "2010-08"])]
    totals = old[old["category"] == "total"].set_index(["month", "group"])["count"].astype(int).to_dict()
    assert totals == {("2009-03", "legacy_direct_violations"): 47,
                      ("2009-03", "legacy_conflicts_charges"): 29,
                      ("2009-03", "legacy_media_situation"): 17, ("2009-03", "all"): 93,
                      ("2010-08", "legacy_direct_violations"): 51,
                      ("2010-08", "legacy_conflicts_charges"): 21, ("2010-08", "all"): 93}
    refusals = old[old["category"] == "refusal_of_information"]
    assert refusals[["group", "count"]].astype(str).values.tolist() == [["legacy_direct_violations", "24"]]
    present = set(taxonomy.group_codes())
    assert not old["group"].astype(str).isin(present).any()
    report = {g["group"]: g for g in result.report["legacy_groups"]}
    assert report["legacy_direct_violations"]["months"] == ["2009-03", "2010-08"]


def test_court_figures_are_their_own_series(shipped):
    result, _ = shipped
    counts = result.counts
    pub = counts[counts["source"] == "published"]
    cats = taxonomy.categories().set_index("code")
    court = pub[pub["category"].isin(["court_rulings", "court_rulings_appeal", "court_rulings_cassation",
                                      "court_rulings_for_media", "court_cases_heard", "court_suits_filed",
                                      "court_cases_carried_over", "moral_damage_claimed",
                                      "moral_damage_awarded"])]
    assert len(court) > 50
    assert not cats.loc[court["category"].astype(str).unique(), "in_group_total"].any()
    amount = pub[(pub["month"] == "2014-10") & (pub["unit"] == "kzt")]
    assert amount[["category", "parent", "count"]].astype(str).values.tolist() == [
        ["moral_damage_claimed", "court_suits_filed", "299300000"]]
    series = {s["category"]: s["unit"] for s in result.report["separate_series"]}
    assert series["court_rulings_for_media"] == "count" and series["moral_damage_claimed"] == "kzt"


@pytest.mark.parametrize("month, kind, stated, listed", [
    ("2014-10", "month exceeds its year to date", 224100000, 299300000),
    ("2016-12", "nested item exceeds its parent", 4, 6),
    ("2024-06", "listed items exceed total", 15, 16),
])
def test_inconsistencies_of_the_source_are_listed_with_both_figures(shipped, month, kind, stated, listed):
    result, _ = shipped
    found = [i for i in result.report["inconsistencies"] if i["month"] == month and i["kind"] == kind]
    assert [(i["total"], i["listed_sum"]) for i in found] == [(stated, listed)]


def test_an_incident_under_an_older_heading_keeps_its_legacy_group(empty_project):
    # SYNTHETIC two-row log written for this test
    (empty_project.raw_incidents / "2010-08.csv").write_text(
        "incident_id,event_date,category\nSYN-1,2010-08-03,нарушения прав СМИ на свободу и творчества\n"
        "SYN-2,2010-08-04,ст. 129 УК\n", encoding="utf-8")
    result = run_clean(empty_project)
    assert result.rejected.empty
    assert result.incidents[["group", "category"]].astype(str).values.tolist() == [
        ["legacy_direct_violations", "legacy_media_rights"], ["legal_claims", "criminal_defamation"]]
