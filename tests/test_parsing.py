"""Dates, amounts and enumerations as monitors type them."""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

from analysis import parsing
from analysis.parsing import parse_amount, parse_count, parse_date, parse_distinct, parse_enumeration, parse_unique


def numbered(value: object) -> str | None:
    """ASCII test ids: Cyrillic in an id is escaped, and the escaped id cannot name the test again."""
    return value if isinstance(value, str) and value.isascii() else "text" if isinstance(value, str) else None


@pytest.mark.parametrize("text, expected, precision", [
    ("2024-11-20", date(2024, 11, 20), "day"),
    ("20.11.2024", date(2024, 11, 20), "day"),
    ("20/11/2024", date(2024, 11, 20), "day"),
    ("20.11.2024 14:30", date(2024, 11, 20), "day"),  # a spreadsheet's date cell with its time
    ("20.11.2024 0:00", date(2024, 11, 20), "day"),
    ("2024-11-20 00:00:00", date(2024, 11, 20), "day"),
    ("2024.11.20", date(2024, 11, 20), "day"), ("2024.11.20 14:30", date(2024, 11, 20), "day"),
    ("45616", date(2024, 11, 20), "day"),
    ("45616.0", date(2024, 11, 20), "day"),
    ("20 November 2024", date(2024, 11, 20), "day"),
    ("20 ноября 2024", date(2024, 11, 20), "day"),
    ("20 ноября 2024 г.", date(2024, 11, 20), "day"),
    ("20 қараша 2024", date(2024, 11, 20), "day"),
    ("2024 жылғы 20 қараша", date(2024, 11, 20), "day"),
    ("5 мамыр 2023", date(2023, 5, 5), "day"),
    ("2024-11", date(2024, 11, 1), "month"),
    ("11.2024", date(2024, 11, 1), "month"),
    ("ноябрь 2024", date(2024, 11, 1), "month"),
    ("November 2024", date(2024, 11, 1), "month"),
], ids=numbered)
def test_dates(text, expected, precision):
    parsed = parse_date(text)
    assert (parsed.value, parsed.extra, parsed.error) == (expected, precision, None)


@pytest.mark.parametrize("text, reason", [
    ("31.02.2024", "no such day: 2024-02-31"), ("2024-13", "no such month: 13"),
    ("yesterday-ish", "expected a date such as 2024-11-20"), ("2024-02-30", "no such day: 2024-02-30"),
    ("32 ноября 2024", "expected a date such as 2024-11-20"), ("0000-01", "no such year: 0000"),
    ("0999-01", "the year 999 is before 1900"), ("1500-03-02", "the year 1500 is before 1900"),
], ids=numbered)
def test_impossible_dates_are_errors(text, reason):
    parsed = parse_date(text)
    assert parsed.value is None and parsed.error.startswith(reason)


def test_empty_date_is_no_error():
    assert parse_date("  ") == (None, None, None)


@pytest.mark.parametrize("text, expected", [
    ("184600", 184_600), ("184 600 тг", 184_600), ("184\u00a0600 тг", 184_600),
    ("184,600 tenge", 184_600), ("KZT 50,000,000", 50_000_000), ("2 млн тенге", 2_000_000),
    ("1,5 млн тенге", 1_500_000), ("2.5 mln", 2_500_000), ("4 млрд", 4_000_000_000),
    ("300 мың теңге", 300_000), ("1 000 000,00", 1_000_000), ("145560000", 145_560_000),
    ("150k", 150_000), ("150к", 150_000), ("5m", 5_000_000), ("1.5m", 1_500_000), ("2bn", 2_000_000_000),
    ("200тг", 200), ("-", None), ("–", None),  # a dash alone: no amount, as an empty cell
], ids=numbered)
def test_amounts(text, expected):
    assert parse_amount(text) == (expected, None, None)


@pytest.mark.parametrize("text, reason", [
    ("-500", "a negative amount"), ("many", "expected an amount in tenge"),
    ("about a million", "expected an amount in tenge"), ("12 apples", "expected an amount in tenge"),
    ("2 млн 300 тыс", "expected an amount in tenge"),
    # a fraction of a tenge: a million meant without its word ("1.5" in a workbook's cell), never cut to 1
    ("1.5", "a fraction of a tenge (1.5): expected whole tenge"), ("12,5", "a fraction of a tenge (12,5)"),
    ("0.5", "a fraction of a tenge"),
    # another unit: named, never read as tenge
    ("100 МРП", "not an amount in tenge: monthly calculation indices (МРП, АЕК)"),
    ("$500", "not an amount in tenge: another currency"), ("1000 рублей", "not an amount in tenge: another currency"),
], ids=numbered)
def test_bad_amounts_are_errors(text, reason):
    parsed = parse_amount(text)
    assert parsed.value is None and parsed.error.startswith(reason)


WHOLE = "expected a whole number of 0 or more, such as 12"


@pytest.mark.parametrize("text, expected", [
    ("12", (12, None, None)), (" 0 ", (0, None, None)), ("", (None, None, None)),
    ("-3", (None, None, "a negative number")), ("два", (None, None, WHOLE)),
    ("2.5", (None, None, WHOLE)), ("1,5", (None, None, WHOLE)),  # not 2 or 15: a count is whole
], ids=numbered)
def test_counts_are_whole_numbers(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("field, text, expected", [
    ("victim_type", "journalist", "journalist"), ("victim_type", "журналистка", "journalist"),
    ("victim_type", "Блогер", "blogger"), ("victim_type", "БАҚ", "media_outlet"),
    ("victim_type", "media_outlet", "media_outlet"), ("perpetrator_type", "non-state", "non_state"),
    ("perpetrator_type", "мемлекеттік емес", "non_state"), ("perpetrator_type", "полиция", "state"),
    ("perpetrator_type", "неизвестно", "unknown"), ("perpetrator_type", "non_state", "non_state"),
], ids=numbered)
def test_enumerations(field, text, expected):
    assert parse_enumeration(field)(text).value == expected


def test_unknown_enumeration_names_the_allowed_codes():
    parsed = parse_enumeration("victim_type")("astronaut")
    assert parsed.value is None and "journalist" in parsed.error


def test_each_distinct_value_is_parsed_once():
    calls: list[str] = []

    def parser(value: str) -> str:
        calls.append(value)
        return value.upper()

    values = pd.Series(["20.11.2024", "21.11.2024"] * 5000)
    result = parse_unique(values, parser)
    assert sorted(calls) == ["20.11.2024", "21.11.2024"]
    assert result.tolist() == [v.upper() for v in values]


def test_each_distinct_value_of_an_arrow_column_is_parsed_once():
    calls: list[str] = []
    values = pa.array(["20.11.2024", "21.11.2024", ""] * 1000)
    results, positions = parse_distinct(values, lambda v: calls.append(v) or v[:2])
    assert sorted(calls) == ["", "20.11.2024", "21.11.2024"]
    assert results[positions].tolist() == ["20", "21", ""] * 1000


def test_the_month_names_are_icu_s_of_each_language_as_a_date_writes_them():
    names = parsing._month_names()
    assert len(names) == 36 and sorted(set(names.values())) == list(range(1, 13))
    assert [names[n] for n in ("november", "ноября", "қараша", "мая", "шілде")] == [11, 11, 11, 5, 7]
    assert "ноябрь" not in names  # the name alone, not as a date writes it: dateparser decides


@pytest.mark.parametrize("name", sorted(parsing._month_names()), ids=numbered)
def test_the_month_name_table_reads_as_dateparser_does(name):
    """Dates with a month name are read from a table; dateparser, which read them before, agrees
    on every one, and the table leaves to it what it cannot decide (a day the month lacks)."""
    for day in ("1", "01", "9", "15", "28", "29", "30", "31"):
        for text in (f"{day} {name} 2024", f"{day} {name.upper()} 2003"):
            fast = parsing._named_day(text)
            found = parsing._date_parser().get_date_data(text)
            slow = parsing.Parsed(found.date_obj.date(), found.period) if found.date_obj is not None else None
            assert fast is None or fast == slow, text
            assert (fast is None) == (slow is None or slow.extra != "day"), text


@pytest.mark.parametrize(("row", "message"), [
    ("multiplier,(млн,6,true,", "amount_words.csv: line 3: column pattern: '(млн' is not a valid regular expression"),
    ("multiplier,(лакх),five,,", "amount_words.csv: line 3: expected a multiplier with its power of ten"),
], ids=["pattern", "power"])
def test_a_wrong_row_of_the_amount_words_is_named_with_its_line(monkeypatch, row, message):
    from analysis.domain_data import DomainError

    table = pd.read_csv(io.StringIO(f"role,pattern,power,decimal_comma,note\ncurrency,(тг),,,\n{row}\n"), dtype=str,
                        keep_default_na=False)
    monkeypatch.setattr(parsing, "read_domain", lambda name: table)
    parsing._amount_words.cache_clear()
    try:
        with pytest.raises(DomainError, match=re.escape(message)):
            parse_amount("2 млн тг")
    finally:
        parsing._amount_words.cache_clear()
