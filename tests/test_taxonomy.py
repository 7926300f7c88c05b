"""The taxonomy tables and the label rules, on the shipped labels and on wordings written here."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT

from analysis import taxonomy
from analysis.config import ALL_GROUPS, LANGUAGES
from analysis.errors import ParameterError

PUBLISHED = ROOT / "data" / "raw" / "published" / "published_counts.csv"


def test_categories_are_complete_and_consistent():
    cats = taxonomy.categories()
    assert cats["code"].is_unique
    assert cats["code"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert set(cats["group"]) <= set(taxonomy.group_codes() + taxonomy.legacy_group_codes())
    assert set(taxonomy.group_codes()) <= set(cats["group"])
    assert set(cats["parent"]) - {""} <= set(cats["code"])
    for lang in LANGUAGES:
        assert cats[f"label_{lang}"].str.len().gt(0).all(), f"a category lacks a {lang} label"
    assert taxonomy.category_codes()[:3] == ["murder", "attack", "threat"]
    assert taxonomy.group_codes() == ["rights_of_journalists", "access_to_information", "legal_claims"]


def test_legal_claims_split_and_false_information_identifiable():
    cats = taxonomy.categories().set_index("code")
    claims = cats[cats["group"] == "legal_claims"]
    assert {"criminal", "civil", "administrative"} == set(claims["legal_type"])
    false_info = cats[cats["false_information"]]
    assert set(zip(false_info["legal_code"], false_info["legal_article"])) == {
        ("Criminal Code", "274"), ("Administrative Code", "456-2")}


SHIPPED_HEADINGS = {
    "ALL": "all",
    "April it was recorded (prosecution of journalists, bloggers, civil activists during state of "
    "emergency)": None,
    "charges brought against media and citizens in connection with freedom of expression": "legal_claims",
    "charges brought against media outlets and citizens in January 2015": "legal_claims",
    "judicial acts on protection of honour, dignity and business reputation": "legal_claims",
    "other counts (no group heading)": None,
    "pre-trial and judicial claims and lawsuits": "legal_claims",
    "right to freely receive and disseminate information": "access_to_information",
    "suits on protection of honour, dignity and business reputation filed against media outlets and "
    "citizens": "legal_claims",
    "violations of the rights of journalists, media outlets, and newsmakers": "rights_of_journalists",
    "сообщения о конфликтах и обвинениях, выдвинутых против СМИ и журналистов": "legacy_conflicts_charges",
    "сообщения о прямых нарушениях прав СМИ и журналистов": "legacy_direct_violations",
    "сообщения, определяющие фактическое положение СМИ в свете политической атмосферы месяца":
        "legacy_media_situation",
}


def test_every_shipped_heading_maps_to_its_group():
    frame = pd.read_csv(PUBLISHED, dtype=str, keep_default_na=False)
    assert {h: taxonomy.match_group(h) for h in set(frame["group_as_written"])} == SHIPPED_HEADINGS


def test_every_shipped_published_label_maps():
    frame = pd.read_csv(PUBLISHED, dtype=str, keep_default_na=False)
    unmapped = []
    for row in frame.itertuples():
        group = taxonomy.match_group(row.group_as_written)
        if row.category_as_written == "TOTAL":
            continue  # a total is the group's: the heading test above says which
        if taxonomy.match_category(row.category_as_written,
                                   None if group == ALL_GROUPS else group) is None:
            unmapped.append(row.category_as_written)
    assert unmapped == []


@pytest.mark.parametrize("label, group, expected", [
    # wordings that are not in the shipped files, in English, Russian and Kazakh
    ("refusals or restrictions on the provision of socially significant information", None, "refusal_of_information"),
    ("denials, restrictions, and violations of deadlines for providing socially significant information", None,
     "refusal_of_information"),
    ("Необоснованные отказы и ограничения в получении журналистами общественно важной информации", None,
     "refusal_of_information"),
    ("Қоғамдық маңызы бар ақпаратты беруден бас тарту", None, "refusal_of_information"),
    ("failure to provide information requested by the editorial office", None, "refusal_of_information"),
    ("Нарушение сроков предоставления информации по запросу СМИ", None, "refusal_of_information"),
    ("НАПАДЕНИЯ на журналистов, блогеров, редакции СМИ", None, "attack"),
    ("Журналистке шабуыл жасалды", None, "attack"),
    ("угрозы журналистам и редакциям", None, "threat"),
    ("журналистерге қорқыту", None, "threat"),
    ("задержание корреспондента во время митинга", None, "detention"),
    ("воспрепятствование законной профессиональной деятельности журналиста", None, "obstruction"),
    ("журналистің заңды кәсіби қызметіне кедергі жасау", None, "obstruction"),
    ("hindering reporters at a polling station", None, "obstruction"),
    ("вызов журналиста в полицию на допрос", None, "summons"),
    ("фейковые аккаунты от имени редакции", None, "misuse_of_image"),
    ("DDoS-атака на сайт издания", None, "unauthorised_access_ddos"),
    ("атака на сайт", None, "unauthorised_access_ddos"),  # a website attacked: hacked or flooded, one category
    ("взлом аккаунта журналиста в Instagram", None, "unauthorised_access_ddos"),
    ("блокировка сайта по предписанию уполномоченного органа", None, "blocking"),
    ("приостановка выпуска журнала на три месяца", None, "closure_suspension"),
    ("отказ в аккредитации на сессию маслихата", None, "accreditation_denial"),
    ("Аккредиттеуден бас тарту", None, "accreditation_denial"),
    ("нарушение принципа гласности судопроизводства", None, "court_transparency"),
    ("дискриминация СМИ при распределении госзаказа", None, "media_discrimination"),
    ("уголовное преследование по ст. 274 УК РК", None, "criminal_false_information"),
    ("уголовное дело о распространении заведомо ложной информации", None, "criminal_false_information"),
    ("Criminal Code Article 274, part 2", None, "criminal_false_information"),
    ("протокол по статье 456-2 КоАП РК", None, "administrative_false_information"),
    ("жалған ақпарат таратқаны үшін әкімшілік іс", None, "administrative_false_information"),
    ("administrative charges for publishing false information", None, "administrative_false_information"),
    ("клевета (ст. 73-3 КоАП)", None, "administrative_defamation"),
    ("accusation of spreading knowingly false information (Administrative Code 73-3)", None,
     "administrative_defamation"),
    ("иски о защите чести, достоинства и деловой репутации", "legal_claims", "civil_claims"),
    ("гражданские иски к СМИ", None, "civil_claims"),
    ("уголовные дела против журналистов", "legal_claims", "criminal_proceedings"),
    ("Қылмыстық істер", "legal_claims", "criminal_proceedings"),
    ("administrative court proceedings > violations of election laws", "legal_claims", "administrative_election_law"),
    ("administrative charges > defamation", "legal_claims", "administrative_defamation"),
    ("copyright dispute between bloggers", "legal_claims", "civil_copyright_claim"),
    ("copyright infringement", "rights_of_journalists", "copyright_infringement"),
    ("refusal_of_information", None, "refusal_of_information"),
    # a criminal charge in the words of an honour claim; insulting an official is no insult of a journalist
    ("Посягательство на честь и достоинство Первого Президента", None, "criminal_proceedings"),
    ("charges: insulting and using violence in respect of a government official", None, None),
    ("оскорбление представителя власти", None, None),
    ("insulting a journalist or blogger", None, "insult"),
    ("judgments rendered > in the appeal", "legal_claims", "court_rulings_appeal"),
])
def test_label_variants_map(label, group, expected):
    assert taxonomy.match_category(label, group) == expected


@pytest.mark.parametrize("label", ["weather report", "something else entirely", ""])
def test_labels_that_say_too_little_stay_unmapped(label):
    assert taxonomy.match_category(label) is None


@pytest.mark.parametrize("label", ["weather report", "штраф за ложную информацию"])
def test_an_unmapped_label_is_told_what_to_do_whether_no_rule_or_only_part_of_one_matches(label):
    reason = taxonomy.classify(label).reason
    assert reason.endswith(": write the category as the template's list does (`analysis template`), or add this "
                           "wording to src/analysis/domain/label_rules.csv")
    if "ложную" in label:  # the rules it half matches are named
        assert "it only partly matches administrative_false_information (legal_claims) and " in reason


@pytest.mark.parametrize("label, meant", [
    ("Угрза", "Угроза"), ("Напдение на журналиста", "Нападение на журналиста"),
    ("Қорыту", "Қорқыту"), ("Автрлық құқықты бұзу", "Авторлық құқықты бұзу"),
    ("Attck on a journalist", "Attack on a journalist"), ("atack", "attack"),
])
def test_a_label_one_slip_away_from_a_category_is_not_coded_but_the_category_is_named(label, meant):
    """A typing slip is not guessed: the row is rejected, and the reason names the code or label (as
    the template writes it) that was probably meant."""
    found = taxonomy.classify(label)
    assert found.category is None
    assert found.reason == f"{taxonomy.NO_RULE}; did you mean {meant!r}?"


@pytest.mark.parametrize("label", ["weather report", "Нечто", "новый сайт издания",
                                   "давление на журналиста"])  # alike to "нападение на журналиста", another word
def test_a_label_like_no_category_names_none(label):
    assert taxonomy.classify(label).reason == taxonomy.NO_RULE


def test_a_category_code_mistyped_as_a_parameter_names_the_code_meant():
    with pytest.raises(ParameterError, match=r"^--categories: unknown category code\(s\) refusal_of_informaton, "
                                             r"weather \(did you mean: refusal_of_informaton -> "
                                             r"refusal_of_information\?\); expected codes from"):
        taxonomy.expect_categories(["threat", "refusal_of_informaton", "weather"], "--categories")


@pytest.mark.parametrize("heading, expected", [
    ("violations of the rights of journalists, media outlets, and newsmakers", "rights_of_journalists"),
    ("Нарушения прав журналистов и СМИ", "rights_of_journalists"),
    ("reports related to the right to freely receive and disseminate information", "access_to_information"),
    ("Ақпарат алу және тарату құқығын бұзу", "access_to_information"),
    ("pre-trial and court claims and lawsuits against journalists, media outlets, and citizens", "legal_claims"),
    ("Досудебные и судебные претензии и иски к журналистам", "legal_claims"),
    ("ALL", "all"),
    ("other counts (no group heading)", None),
])
def test_group_headings_map(heading, expected):
    assert taxonomy.match_group(heading) == expected


def test_categorical_keeps_taxonomy_order():
    values = taxonomy.categorical(pd.Series(["threat", "attack", "other_unspecified"]))
    assert values.cat.ordered
    assert values.cat.categories[:3].tolist() == ["murder", "attack", "threat"]
    assert values.cat.categories[-2:].tolist() == ["other_unspecified", "total"]
    # taxonomy order, not the alphabet: "other_unspecified" comes after "threat"
    assert values.sort_values().tolist() == ["attack", "threat", "other_unspecified"]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_category_label_reads_back_as_its_category(lang):
    # what the template's drop-down lists write: each label must come back as its own code,
    # including the labels no wording rule covers ("Persecution for disseminating information")
    table = taxonomy.categories()
    for code, group, label in zip(table["code"], table["group"], table[f"label_{lang}"]):
        assert taxonomy.classify(label).category == code, label
        assert taxonomy.classify(label, group).category == code, label


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_group_label_reads_back_as_its_group(lang):
    table = taxonomy.groups()
    for code, label in zip(table["code"], table[f"label_{lang}"]):
        assert taxonomy.match_group(label) == code, label


def test_a_translation_key_on_two_rows_is_refused_with_both_lines(tmp_path):
    from analysis.config import DOMAIN_DIR
    from analysis.errors import DomainError
    from analysis.i18n import read_translations

    assert read_translations().index.is_unique  # the shipped table
    lines = (DOMAIN_DIR / "translations.csv").read_text(encoding="utf-8").splitlines()
    copy = tmp_path / "translations.csv"
    copy.write_text("\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")
    key = lines[5].split(",")[0]
    twice = rf"the key '{key}' is on lines 6 and {len(lines) + 1}; expected each key once"
    with pytest.raises(DomainError, match=twice):
        read_translations(copy)
