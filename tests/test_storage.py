"""write_csv: an apostrophe before what a spreadsheet could take for a formula, in every text type
and in any chunk or slice of an Arrow column; categories written as their labels, date-times as
YYYY-MM-DD."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.storage import _neutralise_column, write_csv, write_parquet_and_csv

CELLS = st.lists(st.one_of(st.none(), st.text(alphabet="=+-@\t\r'a é1;", max_size=4)), max_size=6)


def test_formula_like_cells_get_an_apostrophe_in_every_text_type():
    for dtype in ("str", "string[pyarrow]", object):
        values = pd.Series(["=SUM(A1)", "plain", None, "-3", "'quoted", "\tx"], dtype=dtype)
        assert _neutralise_column(values).tolist()[:2] + _neutralise_column(values).tolist()[3:] == [
            "'=SUM(A1)", "plain", "'-3", "''quoted", "'\tx"]


def test_a_column_with_nothing_risky_is_returned_as_it_is():
    values = pd.Series(["a", None, "b=c"], dtype="str")
    assert _neutralise_column(values) is values


@given(CELLS)
def test_a_cell_is_protected_exactly_when_it_starts_as_a_formula_would_in_every_text_type(cells):
    expected = [None if v is None else "'" + v if v[:1] and v[0] in "=+-@\t\r'" else v for v in cells]
    for dtype in ("str", "string[pyarrow]", object):
        found = [None if pd.isna(v) else v for v in _neutralise_column(pd.Series(cells, dtype=dtype))]
        assert found == expected


def test_numbers_in_a_text_column_are_checked_as_their_text():
    values = pd.Series(["a", -1, 2.5, None], dtype=object)
    assert _neutralise_column(values).tolist() == ["a", "'-1", 2.5, None]


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


@pytest.mark.parametrize("attrs", [{}, {"source": "SYNTHETIC"}])
def test_a_table_and_its_csv_are_the_bytes_to_parquet_and_write_csv_write(tmp_path, attrs):
    frame = pd.DataFrame({"month": pd.Categorical(["2024-11", "2024-10"]), "count": [3, 4],
                          "note": ["=1+1", None], "day": pd.to_datetime(["2024-11-02", "2024-10-30"])})
    frame.attrs = attrs
    write_parquet_and_csv(frame, tmp_path / "both.parquet", tmp_path / "both.csv")
    frame.to_parquet(tmp_path / "pandas.parquet", index=False)
    write_csv(frame, tmp_path / "alone.csv")
    assert (tmp_path / "both.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()
    assert (tmp_path / "both.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()
    assert "'=1+1" in (tmp_path / "both.csv").read_text(encoding="utf-8")
