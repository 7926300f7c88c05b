"""Spreadsheet-safe CSV cells: an apostrophe before what a spreadsheet could take for a formula."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.storage import _neutralise_column

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
