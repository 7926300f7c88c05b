"""Parsers for the values monitors type: dates, amounts of tenge, enumerations.

Each works on a whole column but parses every distinct string once: a large log repeats the
same dates and labels thousands of times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .config import EARLIEST_YEAR, LANGUAGES
from .domain_data import DomainError, read_domain
from .text import normalise_text

T = TypeVar("T")


def parse_unique(values: pd.Series, parser: Callable[[str], T]) -> pd.Series:
    """Apply `parser` to each distinct value of `values` once and map the results back."""
    codes, uniques = pd.factorize(values)
    results = np.empty(len(uniques) + 1, dtype=object)  # the last slot answers missing values
    for i, value in enumerate(uniques):
        results[i] = parser(value)
    return pd.Series(results[codes], index=values.index, dtype=object)


def parse_fields(values: pd.Series, parser: Callable[[str], Parsed]) -> pd.DataFrame:
    """`parse_unique` for parsers returning Parsed: columns value, extra and error, row by row."""
    codes, uniques = pd.factorize(values)
    parsed = [parser(value) for value in uniques] + [Parsed(None)]
    columns = {}
    for position, name in enumerate(("value", "extra", "error")):
        field_values = np.empty(len(parsed), dtype=object)
        field_values[:] = [p[position] for p in parsed]
        columns[name] = field_values[codes]
    return pd.DataFrame(columns, index=values.index)


def distinct(values: pa.Array) -> tuple[list, np.ndarray]:
    """(the distinct values of an Arrow column, and for each row the position of its value)."""
    encoded = pc.dictionary_encode(values)
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False)


def parse_distinct(values: pa.Array, parser: Callable[[str], T]) -> tuple[np.ndarray, np.ndarray]:
    """`parser` applied to each distinct value of an Arrow column once: (results, positions).

    The results of row i are results[positions[i]].
    """
    uniques, positions = distinct(values)
    results = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        results[i] = parser(value)
    return results, positions


class Parsed(NamedTuple):
    """A parsed cell: the value (None when empty or invalid) and, when invalid, why."""

    value: object
    extra: str | None = None  # dates: the precision ("day" / "month")
    error: str | None = None


# --- dates -----------------------------------------------------------------------------------

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"  # the time a spreadsheet writes after a date cell's day: dropped
_ISO_DAY = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$|^(\d{{4}})\.(\d{{1,2}})\.(\d{{1,2}}){_TIME}$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DOTTED_DAY = re.compile(rf"^(\d{{1,2}})[./](\d{{1,2}})[./](\d{{4}}){_TIME}$")
_DOTTED_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")
_EXCEL_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_WORDS = re.compile(r"[^\W\d_]")
_KAZAKH_ORDER = re.compile(r"^(\d{4})\s*(?:жылғы|жылы|ж\.?)\s+(\d{1,2})\s+([^\W\d_]+)$")
_DATE_EXPECTED = ("a date such as 2024-11-20, 20.11.2024, 20 November 2024, 20 ноября 2024, "
                  "20 қараша 2024, an Excel serial number, or a month such as 2024-11")


@cache
def _month_names() -> dict[str, int]:
    """Month names as a date writes them ("20 ноября 2024", "20 қараша 2024", "20 November 2024"),
    ICU's for each language, in lower case -> the month's number. A table decides these at once;
    dateparser, slow to start and to run, reads whatever else has words."""
    import icu  # PyICU, as for collation (i18n)

    names: dict[str, int] = {}
    for lang in LANGUAGES:
        symbols = icu.DateFormatSymbols(icu.Locale(lang))
        months = symbols.getMonths(icu.DateFormatSymbols.FORMAT, icu.DateFormatSymbols.WIDE)
        names.update({name.lower(): n for n, name in enumerate(months, start=1)})
    return names


_NAMED_DAY = re.compile(r"^(\d{1,2}) ([^\W\d_]+) (\d{4})$")


def _named_day(text: str) -> Parsed | None:
    """"20 ноября 2024" and the like from the table, or None for dateparser to decide."""
    m = _NAMED_DAY.match(text)
    month = _month_names().get(m[2].lower()) if m else None
    if month is None:
        return None
    try:
        return Parsed(date(int(m[3]), month, int(m[1])), "day")
    except ValueError:
        return None


@cache
def _date_parser():
    import dateparser

    return dateparser.date.DateDataParser(
        languages=["en", "ru", "kk"],
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
                  "REQUIRE_PARTS": ["month", "year"], "STRICT_PARSING": False})


def _day(year: str, month: str, day: str) -> Parsed:
    try:
        return Parsed(date(int(year), int(month), int(day)), "day")
    except ValueError:
        return Parsed(None, error=f"no such day: {year}-{int(month):02d}-{int(day):02d}")


def _month(year: str, month: str) -> Parsed:
    if not 1 <= int(month) <= 12:
        return Parsed(None, error=f"no such month: {month}")
    if int(year) < 1:
        return Parsed(None, error=f"no such year: {year}")
    return Parsed(date(int(year), int(month), 1), "month")


@cache
def parse_date(raw: str) -> Parsed:
    """One date as written -> Parsed(date, precision, error); a year before EARLIEST_YEAR is an error."""
    parsed = _parse_date(raw)
    if parsed.value is not None and parsed.value.year < EARLIEST_YEAR:
        return Parsed(None, error=f"the year {parsed.value.year} is before {EARLIEST_YEAR}; expected the "
                                  "date of a monitored incident (a typing error?)")
    return parsed


def _parse_date(raw: str) -> Parsed:
    text = raw.strip()
    if not text:
        return Parsed(None)
    if m := _ISO_DAY.match(text):
        return _day(*[g for g in m.groups() if g is not None])
    if m := _DOTTED_DAY.match(text):
        return _day(m[3], m[2], m[1])
    if m := _ISO_MONTH.match(text):
        return _month(*m.groups())
    if m := _DOTTED_MONTH.match(text):
        return _month(m[2], m[1])
    if _EXCEL_SERIAL.match(text):
        return Parsed(_EXCEL_EPOCH + timedelta(days=int(float(text))), "day")
    if m := _KAZAKH_ORDER.match(text):  # "2024 жылғы 20 қараша": year first, as Kazakh writes it
        text = f"{m[2]} {m[3]} {m[1]}"
    if (named := _named_day(text)) is not None:
        return named
    if _WORDS.search(text):
        found = _date_parser().get_date_data(text)
        if found.date_obj is not None and found.period in ("day", "month"):
            return Parsed(found.date_obj.date(), found.period)
    return Parsed(None, error=f"expected {_DATE_EXPECTED}")


# --- amounts of money ------------------------------------------------------------------------

@cache
def _amount_words() -> tuple[tuple[tuple[re.Pattern[str], Decimal, bool], ...], re.Pattern[str],
                             tuple[tuple[re.Pattern[str], str], ...]]:
    """(the multipliers, each a pattern, its factor and whether a comma before it is always the
    decimal one, in the order they are tried; the currency; the units that are not tenge, each
    with what it is), from domain/amount_words.csv."""
    table = read_domain("amount_words.csv")
    multipliers, currency, others = [], [], []
    for line, row in enumerate(table.itertuples(), start=2):
        where = f"amount_words.csv: line {line}"
        try:
            pattern = re.compile(row.pattern)
        except re.error as exc:
            raise DomainError(f"{where}: column pattern: {row.pattern!r} is not a valid regular expression: "
                              f"{exc}") from None
        if row.role == "currency":
            currency.append(row.pattern)
        elif row.role == "other_unit":
            others.append((pattern, row.note))
        elif row.role == "multiplier" and row.power.isdigit():
            multipliers.append((pattern, Decimal(10) ** int(row.power), row.decimal_comma == "true"))
        else:
            raise DomainError(f"{where}: expected a multiplier with its power of ten (3 for a thousand), the "
                              f"currency or another unit; found role {row.role!r}, power {row.power!r}")
    return tuple(multipliers), re.compile("|".join(currency) or "(?!)"), tuple(others)  # no currency row: none dropped


_NOT_A_NUMBER = re.compile(r"[^\d\s,.\-+']")
_SHORT_DECIMAL = re.compile(r"\d,\d{1,2}\b")  # "1,5 mln": a decimal comma, not thousands
_SHORT_POINT = re.compile(r"\d\.\d{1,2}\b")  # "1.25 млн": a decimal point; "2.500 тыс." separates thousands
_AMOUNT_EXPECTED = 'an amount in tenge such as 184600, "184 600 тг", "184,600 tenge" or "2 млн тенге"'
NONE_WRITTEN = ("-", "–", "—")  # a dash alone in a cell: no amount, as an empty cell
SMALLEST_WITH_TIYN = 1000  # tenge: an amount with a fraction below it has lost its multiplier ("1.5" for 1,5 млн)


def parse_amount(raw: str) -> Parsed:
    """An amount of tenge as written -> Parsed(int tenge, None, error).

    Before a Russian or Kazakh multiplier ("млн", "мың") a comma is the decimal one ("1,250 млн" is
    1 250 000), and a point before one or two digits ("1.25 млн"); before an English one, a comma
    only before one or two digits ("1,5 mln", but "1,250 million" is 1 250 000 000). An amount is
    whole tenge: tiyn after the decimal
    comma are dropped ("1 234,50 тг" is 1 234), but a fraction of less than a thousand tenge
    written without a multiplier ("1.5", "12,5") is refused, not cut to 1 or 12: it is a million
    or a thousand whose word was left out ("1,5 млн" is a million and a half)."""
    text = normalise_text(raw)
    if not text or text in NONE_WRITTEN:
        return Parsed(None)
    multipliers, currency, others = _amount_words()
    unit = next((what for pattern, what in others if pattern.search(text)), None)
    if unit is not None:
        return Parsed(None, error=f"not an amount in tenge: {unit}; expected {_AMOUNT_EXPECTED}")
    multiplier, rest, decimal_comma = Decimal(1), text, False
    for pattern, factor, comma in multipliers:
        if pattern.search(rest):
            multiplier, rest, decimal_comma = factor, pattern.sub(" ", rest), comma
            break
    rest = currency.sub(" ", rest).strip()
    if not rest or _NOT_A_NUMBER.search(rest):
        return Parsed(None, error=f"expected {_AMOUNT_EXPECTED}")
    if rest.startswith("-"):
        return Parsed(None, error="a negative amount")
    if decimal_comma and "," not in rest and _SHORT_POINT.search(rest):
        rest = rest.replace(".", ",")  # "1.25 млн": a point written for the decimal comma ("2.500 тыс." is not)
    decimal = "," if multiplier > 1 and (decimal_comma or _SHORT_DECIMAL.search(rest)) else None
    from price_parser import Price

    amount = Price.fromstring(rest, decimal_separator=decimal).amount
    if amount is None:
        return Parsed(None, error=f"expected {_AMOUNT_EXPECTED}")
    if multiplier == 1 and amount != amount.to_integral_value() and amount < SMALLEST_WITH_TIYN:
        return Parsed(None, error=f'a fraction of a tenge ({rest}): expected whole tenge, or a multiplier for a '
                                  'larger amount ("1,5 млн" for a million and a half)')
    return Parsed(int(amount * multiplier))


_WHOLE = re.compile(r"\d+")


def parse_count(raw: str) -> Parsed:
    """A count as written (a whole number of 0 or more, digits only) -> Parsed(int, None, error)."""
    text = normalise_text(raw)
    if not text:
        return Parsed(None)
    if text.startswith("-") and _WHOLE.fullmatch(text[1:]):
        return Parsed(None, error="a negative number")
    if not _WHOLE.fullmatch(text):
        return Parsed(None, error="expected a whole number of 0 or more, such as 12")
    return Parsed(int(text))


# --- enumerations ----------------------------------------------------------------------------

@cache
def vocabulary(field: str) -> pd.DataFrame:
    """The allowed codes of one enumerated field, with match patterns and labels."""
    frame = read_domain("vocabularies.csv")
    return frame[frame["field"] == field].reset_index(drop=True)


def vocabulary_label(field: str, code: str, lang: str) -> str:
    """A code of an enumerated field in the reader's language (`pre_trial` -> Досудебное
    расследование); KeyError for a code the vocabulary does not have."""
    return str(vocabulary(field).set_index("code").loc[code, f"label_{lang}"])


@cache
def _vocabulary_rules(field: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # A word matches only at its start (\w knows the Kazakh letters): 'сот' is no court inside 'несот'.
    return tuple((row.code, re.compile(rf"(?<!\w)(?:{row.pattern})"))
                 for row in vocabulary(field).itertuples())


def parse_enumeration(field: str) -> Callable[[str], Parsed]:
    """A parser for `field` (victim_type, perpetrator_type): code or words in three languages."""
    rules = _vocabulary_rules(field)
    codes = [code for code, _ in rules]

    def parse(raw: str) -> Parsed:
        text = normalise_text(raw).replace("-", "_") if raw.strip() else ""
        if not text:
            return Parsed(None)
        if text in codes:
            return Parsed(text)
        text = normalise_text(raw)
        found = next((code for code, pattern in rules if pattern.search(text)), None)
        if found is None:
            return Parsed(None, error=f"expected one of {', '.join(dict.fromkeys(codes))} "
                                      "(or the same in Russian or Kazakh)")
        return Parsed(found)

    return parse
