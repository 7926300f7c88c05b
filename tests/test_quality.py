"""The months of a period, as the data-quality report and the trend checks count them."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.quality import month_span


def test_a_span_runs_across_the_turn_of_the_year():
    assert month_span(["2024-02", "2023-11", "2023-12"]) == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert month_span(["2024-05"]) == ["2024-05"]
    assert month_span([]) == []


def test_a_month_written_otherwise_is_read_as_pandas_reads_it():
    assert month_span(["2024-01", "2024-3"]) == ["2024-01", "2024-02", "2024-03"]


@given(st.lists(st.tuples(st.integers(1990, 2040), st.integers(1, 12)), min_size=1, max_size=4))
def test_the_span_is_the_period_range(months):
    texts = [f"{year:04d}-{month:02d}" for year, month in months]
    expected = [str(p) for p in pd.period_range(min(texts), max(texts), freq="M")]
    assert month_span(texts) == expected
