"""Every output of `analysis clean`, byte for byte, against the digests the earlier code wrote.

The digests are in tests/baseline/clean_outputs.sha256.json, written by scripts/clean_outputs.py
(which says what the inputs are). A change that alters any output on purpose regenerates them
with `scripts/clean_outputs.py --write`, and the diff of that file shows which outputs changed.
"""

from __future__ import annotations

import json
import sys

import pytest
from conftest import CLEAN_OUTPUTS_TODAY, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import clean_outputs  # noqa: E402

EXPECTED = json.loads(clean_outputs.BASELINE.read_text(encoding="utf-8"))
CASES = clean_outputs.cases()


def test_the_baseline_covers_every_case_and_every_output():
    assert sorted(EXPECTED) == sorted(CASES)
    assert all(sorted(digests) == sorted(clean_outputs.OUTPUTS) for digests in EXPECTED.values())


def changed(name: str, found: dict[str, str]) -> list[str]:
    return [output for output, digest in EXPECTED[name].items() if found[output] != digest]


@pytest.mark.parametrize("name", sorted(set(CASES) - {"shipped"}))
def test_outputs_are_byte_for_byte_the_baseline(name, tmp_path):
    assert changed(name, clean_outputs.clean_case(name, CASES[name], tmp_path / "root")) == []


def test_the_shipped_data_are_byte_for_byte_the_baseline(shipped_run):
    """The session's clean of the shipped data (tests/conftest.py) is the "shipped" case, cleaned
    as of the same day: compared as it is, not cleaned again."""
    assert CLEAN_OUTPUTS_TODAY == clean_outputs.TODAY
    assert changed("shipped", clean_outputs.digests(shipped_run[0])) == []


@pytest.mark.parametrize("name", ["bad", "synthetic"])
def test_files_read_and_tables_written_on_threads_are_the_same_bytes(name, tmp_path, monkeypatch):
    """Large logs are read and cleaned, and the tables written, on threads (config.THREADS); here
    they are for any size. The bad inputs hold files refused, identical files (which of two is the
    twin depends on their order) and malformed records; the logs' rows come out in their order."""
    from analysis import clean

    threads = []
    monkeypatch.setattr(clean, "THREADED_FILE_BYTES", 0)
    monkeypatch.setattr(clean, "THREADS", 2)  # as on any machine with two cores or more
    monkeypatch.setattr(clean, "_executor", lambda n, made=clean._executor: threads.append(n) or made(n))
    assert changed(name, clean_outputs.clean_case(name, CASES[name], tmp_path / "root")) == []
    assert threads == [2, 2]  # reading, then writing
