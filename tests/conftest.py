"""Shared fixtures: a throw-away project root holding a copy of the shipped raw data."""

from __future__ import annotations

import shutil
from pathlib import Path

import os

import pytest
from hypothesis import settings

from analysis.config import Paths

# CI runs the same property-test examples every time; elsewhere each run tries new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Lines a test wants shown at the end of the run (the label-variant shares).
LABEL_VARIANT_SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter):
    for line in LABEL_VARIANT_SUMMARY:
        terminalreporter.write_line(line)


@pytest.fixture
def project(tmp_path: Path) -> Paths:
    """A project root in tmp_path with the shipped data/raw copied in."""
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    return Paths(tmp_path)


@pytest.fixture
def empty_project(tmp_path: Path) -> Paths:
    """A project root with empty raw folders."""
    paths = Paths(tmp_path)
    paths.raw_incidents.mkdir(parents=True)
    paths.raw_published.mkdir(parents=True)
    return paths


@pytest.fixture(scope="session")
def shipped_clean(tmp_path_factory):
    """The shipped raw data cleaned once in a throw-away root: (counts, cumulative, incidents)."""
    from analysis.pipeline import run_clean

    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    result = run_clean(Paths(root))
    return result.counts, result.cumulative, result.incidents
