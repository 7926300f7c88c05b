"""Reading monitors' exports: encodings, delimiters, header languages, and files that cannot be read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES

from analysis.incidents import clean_incident_log
from analysis.reading import InputError, read_table
from analysis.storage import read_csv, write_csv

MESSY = sorted((FIXTURES / "messy").iterdir())
TODAY = date(2026, 1, 1)
COMPARED = ["incident_id", "event_date", "date_precision", "category", "region_iso",
            "victim_type", "perpetrator_type", "amount_kzt", "summary"]


def cleaned(folder: Path) -> pd.DataFrame:
    rows, rejected, warnings = clean_incident_log(read_table(folder / "2024-11.csv", "incidents"), TODAY)
    assert rejected.empty and warnings.empty, (rejected, warnings)
    return rows[COMPARED]


# The five SYNTHETIC incidents every messy export holds, as a person reads them off the files:
# Almaty city, Nur-Sultan (now Astana), South Kazakhstan region (now Turkistan), Semey (Abai
# Region since 2022) and Karaganda region, with their ISO 3166-2:KZ codes.
EXPECTED = pd.DataFrame({
    "incident_id": ["SYN-1", "SYN-2", "SYN-3", "SYN-4", "SYN-5"],
    "event_date": pd.to_datetime(["2024-11-20", "2024-11-05", "2024-11-12", "2024-11-28", "2024-11-01"]),
    "date_precision": ["day"] * 5,
    "category": ["attack", "refusal_of_information", "administrative_false_information", "civil_claims",
                 "unauthorised_access_ddos"],
    "region_iso": ["KZ-75", "KZ-71", "KZ-61", "KZ-10", "KZ-35"],
    "victim_type": ["journalist", "media_outlet", "blogger", "media_outlet", "media_outlet"],
    "perpetrator_type": ["non_state", "state", "state", "non_state", "unknown"],
    "amount_kzt": pd.array([None, None, 184_600, 2_000_000, None], dtype="Int64"),
    "summary": ["SYNTHETIC test incident"] * 5,
})


@pytest.mark.parametrize("folder", MESSY, ids=[f.name for f in MESSY])
def test_every_messy_export_gives_the_incidents_written_in_it(folder):
    got = cleaned(folder).astype({c: object for c in COMPARED if c not in ("event_date", "amount_kzt")})
    pd.testing.assert_frame_equal(got.reset_index(drop=True), EXPECTED, check_dtype=False)


def test_the_reference_export_is_coded_as_intended():
    frame = cleaned(FIXTURES / "messy" / "utf8_iso_dates").set_index("incident_id")
    assert frame.loc["SYN-3", "category"] == "administrative_false_information"
    assert frame.loc["SYN-3", "region_iso"] == "KZ-61"  # South Kazakhstan -> Turkistan
    assert frame.loc["SYN-4", "region_iso"] == "KZ-10"  # Semey in 2024 -> Abai Region
    assert frame.loc["SYN-4", "amount_kzt"] == 2_000_000
    assert frame.loc["SYN-2", "region_iso"] == "KZ-71"  # Nur-Sultan -> Astana


@pytest.mark.parametrize("folder, encoding, delimiter", [
    ("cp1251_semicolon_ru", "cp1251", ";"), ("utf16_tab_kk", "utf-16", "\t"),
    ("utf8bom_semicolon_ru", "utf-8", ";"), ("utf8_comma_en", "utf-8", ","),
])
def test_encoding_and_delimiter_are_recognised(folder, encoding, delimiter):
    table = read_table(FIXTURES / "messy" / folder / "2024-11.csv", "incidents")
    assert (table.encoding, table.delimiter, table.rows_read) == (encoding, delimiter, 5)


def test_mixed_cp1251_and_utf8_lines_are_each_decoded(tmp_path):
    header = b"incident_id,event_date,category\n"
    path = tmp_path / "2024-11.csv"
    path.write_bytes(header + "A1,2024-11-02,угрозы\n".encode()
                     + "A2,2024-11-03,угрозы\n".encode("cp1251"))
    table = read_table(path, "incidents")
    assert table.encoding == "utf-8+cp1251"
    assert table.frame["category"].tolist() == ["угрозы", "угрозы"]


def test_kazakh_letters_lost_to_cp1251_refuse_the_file_with_the_line_and_what_to_do(tmp_path):
    """Excel saves a Kazakh log as "CSV (comma delimited)" in cp1251, which has no Ө, Қ, Ә: each
    became "?". The names are lost, so the file is refused, naming the line and the word."""
    path = tmp_path / "2024-11.csv"
    questions = ["Кто виноват? Никто", "Ведущему «Что?Где?Когда?» угрожали", "https://сайт.kz/news?новости=1"]
    text = "incident_id;event_date;category;place;summary\r\n" + "".join(
        f"A{i};02.11.2024;угрозы;Алматы;{q}\r\n" for i, q in enumerate(questions, start=1))
    path.write_bytes(text.encode("cp1251"))  # a question mark before a space or a capital, a web address
    assert read_table(path, "incidents").frame["summary"].tolist() == questions
    path.write_bytes((text + "A2;03.11.2024;угрозы;Өскемен;Құсайынова\r\n").encode("cp1251", errors="replace"))
    with pytest.raises(InputError) as refused:
        read_table(path, "incidents")
    assert refused.value.message.startswith("line 5: '?скемен': the file was saved in cp1251 (Windows Cyrillic), "
                                            "which has no Kazakh letters, and they became '?'; expected the file "
                                            "saved as CSV UTF-8")


@pytest.mark.parametrize("last", ["", 'A3;"open;b;c\n'], ids=["columnar", "by_rows"])  # an unbalanced quote: by rows
def test_a_line_of_separators_alone_is_no_row_as_a_blank_line_is_none(tmp_path, last):
    """A spreadsheet writes a cleared row as ";;;;": nothing to keep or reject, not "incident_id empty"."""
    path = tmp_path / "2024-11.csv"
    path.write_text("incident_id;event_date;category;summary\nA1;2024-11-02;threat;x\n;;;\n\"\";;\"\";\n ; ;\t;\n"
                    '"     ";"      ";"       ";"        "\n'
                    "A2;2024-11-03;threat;y\n;;;;\n" + last, encoding="utf-8")
    table = read_table(path, "incidents")
    assert table.frame["incident_id"].tolist() == ["A1", "A2"] and table.rows_read == 2 + bool(last)
    assert table.bad_records["line"].tolist() == ([9] if last else [])


@pytest.mark.parametrize("title", ["Журнал инцидентов за ноябрь 2024\n", "Журнал;;;\nсоставил: монитор;;;\n"])
def test_a_title_above_the_header_is_named_with_the_line_of_the_headings(tmp_path, title):
    path = tmp_path / "2024-11.csv"
    path.write_text(title + "ID;Дата;Категория;Место\nA1;02.11.2024;угрозы;Алматы\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_table(path, "incidents")
    line = title.count("\n") + 1
    assert refused.value.message == (f"line 1 is not the header: line {line} holds the headings; expected the header "
                                     "on line 1 (delete the line(s) above it, such as a title, and save again)")


@pytest.mark.parametrize("content", [b"\xfe\xff", b"\xff\xfe", "\n \n".encode("utf-16"), b"\xef\xbb\xbf"],
                         ids=["utf-16-be-mark", "utf-16-le-mark", "utf-16-blanks", "utf-8-mark"])
def test_a_file_of_a_byte_order_mark_or_blanks_alone_is_empty(tmp_path, content):
    path = tmp_path / "2024-11.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as refused:
        read_table(path, "incidents")
    assert refused.value.message == "the file is empty; expected a header line and rows"


@pytest.mark.parametrize("magic, named", [(b"PK\x03\x04", ".xlsx (or .ods)"),
                                          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls")], ids=["zip", "ole2"])
def test_a_workbook_saved_under_a_csv_name_is_named_as_one(tmp_path, magic, named):
    path = tmp_path / "2024-11.csv"
    path.write_bytes(magic + bytes(64))
    with pytest.raises(InputError) as refused:
        read_table(path, "incidents")
    assert refused.value.message == (f"is a spreadsheet workbook under a .csv name; expected a CSV table: name it "
                                     f"{named}, which is read as a workbook, or save it as CSV")


def write(tmp_path: Path, content: bytes | str, name: str = "2024-11.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (bytes(range(256)) * 20, "not a text file"),
    ("incident_id,category\nA1,threat\n", "required column(s) missing: event_date ('Date' in the template)"),
    # the template's heading in the language of the file's own (Kazakh), else in the three
    ("Оқиға ID;Санат\nA1;Қорқыту\n", "required column(s) missing: event_date ('Күні' in the template)"),
    ("№;Когда;Что\n1;2024;?\n", "missing: event_date ('Date', 'Дата' or 'Күні' in the template), category or "
                                 "category_as_written ('Category', 'Категория' or 'Санат' in the template)"),
    ("id,date,category,Дата\nA1,2024-11-02,threat,2024-11-02\n", "both hold 'event_date'"),
])
def test_unreadable_files_raise_one_clear_error(tmp_path, content, words):
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        read_table(path, "incidents")
    assert words in caught.value.message
    assert str(path) in str(caught.value)


def test_records_with_a_wrong_number_of_fields_are_rejected_with_their_line(tmp_path):
    path = write(tmp_path, "incident_id,event_date,category\nA1,2024-11-02,threat\n"
                           "A2,2024-11-03\n\nA3,2024-11-04,threat,extra\nA4,2024-11-05,threat\n")
    table = read_table(path, "incidents")
    assert table.frame["incident_id"].tolist() == ["A1", "A4"]
    assert table.frame["_line"].tolist() == [2, 6]
    assert table.bad_records["line"].tolist() == [3, 5]
    assert table.rows_read == 4


def test_unknown_columns_are_noted_and_ignored(tmp_path):
    path = write(tmp_path, "incident_id,event_date,category,colour\nA1,2024-11-02,threat,red\n")
    table = read_table(path, "incidents")
    assert "colour" not in table.frame
    assert any("colour" in note for note in table.notes)


def test_csv_output_neutralises_formulas_and_reads_back(tmp_path):
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"x\")", "+cmd", "-2+3", "@SUM(A1)", "plain", "'quoted"],
                          "n": [1, 2, 3, 4, 5, 6]})
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    raw = pd.read_csv(path, dtype=str)
    assert not raw["text"].str.match(r"^[=+\-@]").any()
    pd.testing.assert_frame_equal(read_csv(path), frame)


def test_a_kazakh_or_russian_word_typed_with_latin_lookalikes_is_read_as_written_in_cyrillic(tmp_path):
    """The Latin "i" for the Kazakh "і" (or a Latin "a", "o", "c" in a Russian word) looks the same
    to a monitor: a heading or a place so typed is read as the word it looks like; a word in Latin
    letters alone stays as it is."""
    from analysis.regions import match_region
    from analysis.text import normalise_text

    assert normalise_text("Оқиға нөмiрі") == normalise_text("Оқиға нөмірі")  # Latin i
    assert normalise_text("г. Aлматы") == "г. алматы"  # Latin A
    assert normalise_text("Ratel.kz Қазақстан") == "ratel.kz қазақстан"  # each word in its own script
    path = write(tmp_path, "Оқиға нөмiрі;Күні;Санат\nA1;2024-11-02;Қорқыту\n")
    assert list(read_table(path, "incidents").frame.columns[:3]) == ["incident_id", "event_date", "category"]
    assert match_region("Aлматы") == match_region("Алматы") is not None


def test_a_heading_a_letter_or_two_away_from_one_the_project_reads_is_named_with_it(tmp_path):
    path = write(tmp_path, "Оқиға ID;Күні;Санат;Оқиға кұні;Сомасi\nA1;2024-11-02;Қорқыту;x;5\n")
    notes = read_table(path, "incidents").notes
    assert "column 5 'Сомасi' is not one this project reads; it was ignored (did you mean 'сомасы', amount_kzt?)" \
        in notes
    # a column the header holds already is not suggested again
    assert "column 4 'Оқиға кұні' is not one this project reads; it was ignored" in notes
