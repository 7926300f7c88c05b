"""`analysis template`: an empty incident log in the analyst's language, with drop-down lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis import parsing, taxonomy
from analysis.config import Paths
from analysis.errors import ParameterError
from analysis.i18n import collation_key
from analysis.reading import canonical_columns
from analysis.regions import match_region
from analysis.template import choices, template_columns, write_template

LIST_COLUMNS = {"group": "groups", "category": "categories", "region": "regions", "victim_type": "victim_type",
                "perpetrator_type": "perpetrator_type", "stage": "stage"}


@pytest.fixture
def root(tmp_path: Path) -> Paths:
    return Paths(tmp_path)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_header_is_in_the_language_and_read_as_the_log_columns(root, lang):
    path = write_template(root, "2025-01", lang)
    book = load_workbook(path)
    log = book["2025-01"]
    header = [c.value for c in log[1]]
    assert header == template_columns()[f"header_{lang}"].tolist()
    names, notes = canonical_columns(header, "incidents", path)
    assert names == template_columns()["column"].tolist() and notes == []
    assert log.freeze_panes == "A2"
    assert log.column_dimensions["A"].width == 16
    assert book.sheetnames[0] == "2025-01"  # the month's sheet is the one read


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_each_list_column_offers_the_taxonomy_in_the_language(root, lang):
    path = write_template(root, "2025-01", lang)
    book = load_workbook(path)
    log = book["2025-01"]
    letters = {column: log.cell(row=1, column=i + 1).column_letter
               for i, column in enumerate(template_columns()["column"])}
    offered = {}
    for check in log.data_validations.dataValidation:
        if check.type != "list":
            continue
        name = check.formula1.lstrip("=")
        (sheet, cells), = book.defined_names[name].destinations
        values = [row[0].value for row in book[sheet][cells.replace("$", "")]]
        column = next(c for c, letter in letters.items() if f"{letter}2:{letter}5001" in str(check.sqref))
        offered[column] = values
    assert offered == {column: choices(kind, lang) for column, kind in LIST_COLUMNS.items()}
    # regions as the figures list them: the three cities, then the regions in the language's alphabet
    regions = offered["region"]
    assert regions[:3] == {"en": ["Astana", "Almaty", "Shymkent"], "ru": ["Астана", "Алматы", "Шымкент"],
                           "kk": ["Астана", "Алматы", "Шымкент"]}[lang]
    assert regions[3:] == sorted(regions[3:], key=collation_key(lang))
    dates = [c for c in log.data_validations.dataValidation if c.type == "date"]
    assert [str(c.sqref) for c in dates] == [f"{letters['event_date']}2:{letters['event_date']}5001"]
    assert log[f"{letters['event_date']}2"].is_date


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_value_a_list_offers_reads_back_as_its_code(lang):
    for label, code in zip(choices("categories", lang), taxonomy.categories().set_index(f"label_{lang}")["code"]
                           .reindex(choices("categories", lang))):
        assert taxonomy.classify(label).category == code
    for label in choices("groups", lang):
        assert taxonomy.match_group(label) in taxonomy.group_codes()
    for label in choices("regions", lang):
        assert match_region(label, date(2025, 1, 15))[0] is not None, label
    for field in ("victim_type", "perpetrator_type", "stage"):
        vocabulary = parsing.vocabulary(field)
        parse = parsing.parse_enumeration(field)
        assert [parse(label).value for label in choices(field, lang)] == vocabulary["code"].tolist()


def test_the_workbook_gets_the_permissions_the_umask_gives_a_new_file(root):
    """The scheduled run may read it as another account (deploy/ runs as `adilsoz`)."""
    import os

    umask = os.umask(0o022)
    os.umask(umask)
    path = write_template(root, "2025-01", "ru")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_existing_file_is_never_overwritten(root):
    path = write_template(root, "2025-01", "ru")
    before = path.read_bytes()
    with pytest.raises(ParameterError, match=r"data/raw/incidents/2025-01.xlsx exists already"):
        write_template(root, "2025-01", "kk")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["2025-01.xlsx"]  # no temporary file left


@pytest.mark.parametrize(("month", "lang", "message"), [("2025-13", "ru", "--month: expected a month"),
                                                        ("2025-01", "de", "--lang: expected one of en, ru, kk")])
def test_bad_parameters_are_refused(root, month, lang, message):
    with pytest.raises(ParameterError, match=message):
        write_template(root, month, lang)


def test_the_command_writes_it_once_and_then_refuses_in_one_line(tmp_path, capsys):
    from analysis.cli import main

    assert main(["--root", str(tmp_path), "template", "--month", "2025-02", "--lang", "kk"]) == 0
    assert "wrote data/raw/incidents/2025-02.xlsx" in capsys.readouterr().out
    assert main(["--root", str(tmp_path), "template", "--month", "2025-02"]) == 2
    assert capsys.readouterr().err == ("error: data/raw/incidents/2025-02.xlsx exists already; it is never "
                                       "overwritten (move it away first, or fill it in)\n")
    assert load_workbook(tmp_path / "data/raw/incidents/2025-02.xlsx")["2025-02"]["A1"].value == "Оқиға ID"


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_date_known_only_by_its_month_is_left_empty_as_the_instructions_say(root, lang):
    """The reader takes an empty date as the log's month (precision `month`); the first day of the
    month, which the instructions once asked for, would be read as that day."""
    help_text = template_columns().set_index("column").loc["event_date", f"help_{lang}"]
    assert {"en": "leave it empty", "ru": "оставьте пустым", "kk": "бос қалдырыңыз"}[lang] in help_text
    assert not help_text.startswith(("Required", "Обязательно", "Міндетті"))
    assert parsing.parse_date("") == parsing.Parsed(None)  # no error: the month of the log is taken
