"""One reader for the domain tables in src/analysis/domain/: UTF-8 CSV, every cell a string."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import DOMAIN_DIR
from .errors import DomainError

__all__ = ["DomainError", "alternatives", "read_domain"]


def read_domain(name: str | Path) -> pd.DataFrame:
    """A domain table by file name (`"regions.csv"`), or any file in the same format by path."""
    path = DOMAIN_DIR / name if isinstance(name, str) else name
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DomainError(f"{path}: {exc}; a cell holding a comma must be in double quotes, "
                          "and the file saved as UTF-8") from None
    except FileNotFoundError:
        raise DomainError(f"{path}: the domain table is missing") from None


def alternatives(name: str, column: str, value: str) -> str:
    """The `pattern`s of the rows of domain table `name` whose `column` is `value`, as one regular
    expression's alternatives ("(?:a)|(?:b)"): the words of one role of a table of words."""
    table = read_domain(name)
    return "|".join(f"(?:{pattern})" for pattern in table.loc[table[column] == value, "pattern"])
