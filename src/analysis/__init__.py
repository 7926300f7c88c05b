"""Adil Soz monitoring data: cleaning, monthly counts and trends of freedom-of-expression violations."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_case_events", "load_cases", "load_cumulative", "load_incidents",
           "load_monthly_counts", "load_revisions"]

_LOADERS = {"load_case_events", "load_cases", "load_cumulative", "load_incidents", "load_monthly_counts",
            "load_revisions"}


def __getattr__(name: str):
    """The loaders, imported on first use: `analysis --help` does not start pandas."""
    if name in _LOADERS:
        from . import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
