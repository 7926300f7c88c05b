"""The kinds of bad input a person can give, each reported as one line, never a traceback: a file
that cannot be used (`InputError`), a parameter that cannot be used (`ParameterError`), and a
domain table of src/analysis/domain/ that cannot be read (`DomainError`).

Every parameter is checked through the functions below, wherever it arrives (the command line, a
notebook's parameters cell, a call from a researcher's own code), so the message is the same. The
command line only reads its numbers first (`cli._whole`, `cli._seconds`): a word where a number
belongs is refused there, in one line as well; whether the number is in range is checked here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .config import LANGUAGES, MONTH


class InputError(Exception):
    """A whole input file cannot be used; the message says what is wrong and what was expected."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class ParameterError(ValueError):
    """A parameter a person typed is not usable; the message names it, what was expected and found."""


class DomainError(ValueError):
    """A domain table that cannot be read: the message names the file and what is wrong."""


def expect_month(value: object, name: str = "month") -> str:
    """A month as YYYY-MM."""
    if not isinstance(value, str) or not MONTH.match(value):
        raise ParameterError(f"{name}: expected a month as YYYY-MM (for example 2024-11); found {value!r}")
    return value


NO_MONTH_WITH_DATA = "there is no month with data: add files to data/raw/ and run `analysis clean`"


def expect_month_with_data(month: str, available: list[str], name: str = "month") -> str:
    """`month` if some data cover it (`available`: the months with data, in order)."""
    if not available:
        raise ParameterError(NO_MONTH_WITH_DATA)
    if month not in available:
        raise ParameterError(f"{name} {month}: no data for this month; months with data run from "
                             f"{available[0]} to {available[-1]} (the newest: {', '.join(available[-3:])})")
    return month


def expect_one_of(value: object, allowed: Iterable[str], name: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ParameterError(f"{name}: expected one of {', '.join(allowed)}; found {value!r}")
    return value


def expect_language(value: object, name: str = "lang") -> str:
    return expect_one_of(value, LANGUAGES, name)


def expect_between(value: int, low: int, high: int | None, name: str, what: str) -> int:
    """A whole number from `low` to `high` (no upper bound when `high` is None)."""
    if value < low or (high is not None and value > high):
        bound = f" from {low} to {high}" if high is not None else f", {low} or more"
        raise ParameterError(f"{name}: expected {what}{bound}; found {value}")
    return value
