"""Adil Soz monitoring data: cleaning, monthly counts and trends of freedom-of-expression violations."""

from __future__ import annotations

__version__ = "0.1.0"

from .load import load_case_events, load_cases, load_cumulative, load_incidents, load_monthly_counts  # noqa: E402

__all__ = ["__version__", "load_case_events", "load_cases", "load_cumulative", "load_incidents",
           "load_monthly_counts"]
