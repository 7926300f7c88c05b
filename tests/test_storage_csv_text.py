"""What write_csv makes text of in Arrow: formula-like cells found in any chunk or slice of a column,
categories written as their labels, date-times as YYYY-MM-DD."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from analysis.storage import _neutralise_column, write_csv


def _chunked(*chunks: list, sliced: int = 0) -> pd.Series:
    """A text column held as several Arrow chunks, the first sliced (its offset not zero)."""
    arrays = [pa.array(chunk, pa.large_string()) for chunk in chunks]
    arrays[0] = arrays[0].slice(sliced)
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(arrays)))


def test_a_formula_in_a_later_chunk_is_protected():
    values = _chunked(["a", "b"], ["c", None, "=1+1"])
    assert [None if pd.isna(v) else v for v in _neutralise_column(values)] == ["a", "b", "c", None, "'=1+1"]


def test_a_formula_sliced_away_is_not_looked_at():
    values = _chunked(["=gone", "kept"], ["plain"], sliced=1)
    assert values.tolist() == ["kept", "plain"]
    assert _neutralise_column(values) is values


def test_categories_and_dates_are_written_as_pandas_writes_them(tmp_path):
    frame = pd.DataFrame({
        "category": pd.Categorical(["threat", None, "arrest", "detention"]),
        "day": pd.to_datetime(["2024-11-02", None, "1969-12-31 23:59", "1950-01-01 10:00"], format="ISO8601"),
        "day_s": pd.to_datetime(["2024-11-02", "2020-02-29", None, "1901-05-06"]).astype("datetime64[s]"),
    })
    write_csv(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines() == [
        '"category","day","day_s"',
        '"threat","2024-11-02","2024-11-02"',
        ',,"2020-02-29"',
        '"arrest","1969-12-31",',
        '"detention","1950-01-01","1901-05-06"',
    ]
