"""Words, month names, numbers and colours in English, Russian and Kazakh, from domain/*.csv."""

from __future__ import annotations

import string
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from .domain_data import read_domain
from .errors import DomainError, expect_language


@cache
def _translations() -> pd.DataFrame:
    return read_translations()


def read_translations(name: str | Path = "translations.csv") -> pd.DataFrame:
    """The texts by key; a key on two rows is refused with both lines (a text would be two)."""
    table = read_domain(name)
    twice = table["key"][table["key"].duplicated(keep=False)]
    if len(twice):
        lines = [str(i + 2) for i in twice.index[twice == twice.iloc[0]]]
        raise DomainError(f"{name}: the key {twice.iloc[0]!r} is on lines {' and '.join(lines)}; "
                          "expected each key once")
    return table.set_index("key")


def t(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang`, with {placeholders} filled from `values`. A title (`title_*`)
    opens with a capital wherever it is shown, whatever word a language puts first. A placeholder
    written `{n:of}` is a number counted out of a whole, with the ending its language gives it
    (Kazakh "30 айдың 13-і": `number_endings.csv`)."""
    template = _translations().loc[key, expect_language(lang)]
    text = _Formatter(lang).format(template, **values) if ":of}" in template else template.format(**values)
    return capitalised(text) if key.startswith("title_") else text


class _Formatter(string.Formatter):
    """str.format, and `{n:of}` for a number counted out of a whole (`of_whole`)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, spec: str) -> str:
        return of_whole(value, self.lang) if spec == "of" else super().format_field(value, spec)


def of_whole(value: object, lang: str) -> str:
    """A number written as a part of a whole: "13" / "13" / "13-і" (Kazakh takes the possessive
    ending of the number's last word: 13-і, 20-сы, 6-сы)."""
    text = str(value)
    endings = _number_endings().get(lang)
    if not endings:
        return text
    n = int("".join(ch for ch in text if ch.isdigit()) or 0)
    last = (n % 10 if n % 10 or n == 0 else n % 100 if n % 100 else 100 if n % 1000 else 1000)
    return f"{text}-{endings[str(last)]}"


@cache
def _number_endings() -> dict[str, dict[str, str]]:
    table = read_domain("number_endings.csv")
    return {lang: dict(zip(part["last"], part["ending"])) for lang, part in table.groupby("lang")}


def has_text(key: str, lang: str) -> bool:
    """Whether translations.csv holds the text `key` in `lang`."""
    table = _translations()
    text = table.loc[key, expect_language(lang)] if key in table.index else None
    return isinstance(text, str) and text != ""


def capitalised(text: str) -> str:
    """`text` opening with a capital, the rest as written ("СМИ ..." stays so, where `str.capitalize`
    would write "Сми ...")."""
    return text[:1].upper() + text[1:]


def plural(word: str, n: int, lang: str) -> str:
    """`word` (a word_* key) in the plural form CLDR gives `n` in `lang` (1 сообщение, 5 сообщений)."""
    form = Locale.parse(expect_language(lang)).plural_form(n)
    key = f"word_{word}.{form}"
    return t(key if key in _translations().index else f"word_{word}.other", lang)


def _first_day(month: str) -> date:
    return date.fromisoformat(f"{month}-01")


def month_name(month: str, lang: str) -> str:
    """The month alone, as in running text: November / ноябрь / қараша."""
    name = format_date(_first_day(month), "LLLL", locale=expect_language(lang))
    return name if lang == "en" else name.lower()


def month_label(month: str, lang: str) -> str:
    """Month and year for titles: November 2024 / ноябрь 2024 / 2024 ж. қараша (the year first in
    Kazakh, as its dates are written: `month_year` in translations.csv)."""
    return t("month_year", lang, month=month_name(month, lang), year=month[:4])


DAY_FORMATS = {"en": "d MMMM y", "ru": "long", "kk": "long"}  # 26 February 2009, 26 февраля 2009 г., 2009 ж. 26 ақпан


def day_label(day: date, lang: str) -> str:
    """A day as written in running text: 26 February 2009 / 26 февраля 2009 г. / 2009 ж. 26 ақпан."""
    return format_date(day, format=DAY_FORMATS[expect_language(lang)], locale=lang)


def dated(value: object, precision: str, lang: str) -> str:
    """A date as precisely as its source gives it: the day (26 February 2009), or, when the source
    dates it to the month only, the month alone (February 2009)."""
    day = pd.Timestamp(value)
    return month_label(f"{day:%Y-%m}", lang) if precision == "month" else day_label(day.date(), lang)


def month_tick(month: str, lang: str) -> str:
    """A short axis label: Nov 24 / нояб. 24 / қар. 24."""
    label = format_date(_first_day(month), "LLL yy", locale=expect_language(lang))
    return label if lang == "en" else label.lower()


def period_label(start: str, end: str, lang: str) -> str:
    """January–November 2024 / январь–ноябрь 2024 / 2024 ж. қаңтар–қараша."""
    if start == end:
        return month_label(end, lang)
    if start[:4] == end[:4]:
        return t("months_of_year", lang, first=month_name(start, lang), last=month_name(end, lang), year=end[:4])
    return f"{month_label(start, lang)} – {month_label(end, lang)}"


def bound(value: float, lang: str, digits: int = 1) -> str:
    """A limit of the interval of a ratio, with a decimal more wherever fewer would write a limit
    other than 1 as 1 (0.995, not 1.0; 1.00002, not 1.0000): an interval that excludes "no change"
    never reads as if it included it; and a limit above 0 is never written 0 (0.04, not 0.0). An
    infinite limit is ∞."""
    if value == float("inf"):
        return "∞"
    while digits < 12 and ((value != 1 and round(value, digits) == 1) or (value > 0 and round(value, digits) == 0)):
        digits += 1
    return number(value, lang, digits)


def number(value: float, lang: str, digits: int = 0) -> str:
    """A number as written in `lang`: 1,234 / 1 234; 1.5 / 1,5."""
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=expect_language(lang))


@cache
def _collator(lang: str):
    import icu  # PyICU (the pyicu-wheels build): ICU's collation with each language's tailoring

    return icu.Collator.createInstance(icu.Locale(expect_language(lang)))


def collation_key(lang: str):
    """A sort key that orders words as the language's alphabet does (Kazakh: а ә б ... қ ... ү ұ ... і)."""
    return _collator(lang).getSortKey


@cache
def colours() -> dict[str, str]:
    frame = read_domain("colours.csv")
    return dict(zip(frame["key"], frame["colour"]))


def colour(key: str) -> str:
    """The fixed colour of a group, category or legal type; grey for anything else."""
    return colours().get(key, colours()["other_unspecified"])
