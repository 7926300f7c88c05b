"""`analysis report` does the least work needed, side by side, and says what it did."""

from __future__ import annotations

import shutil

import pytest

from analysis import runner
from analysis.config import Paths
from conftest import FIXTURES, ROOT


@pytest.fixture
def project(tmp_path) -> Paths:
    """Published counts of three months and one SYNTHETIC incident log, with the notebooks."""
    paths = Paths(tmp_path)
    paths.raw_published.mkdir(parents=True)
    paths.raw_incidents.mkdir(parents=True)
    lines = (ROOT / "data/raw/published/published_counts.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line[:7] in ("2024-05", "2024-11")]
    (paths.raw_published / "published_counts.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    shutil.copy(FIXTURES / "messy" / "utf8_comma_en" / "2024-11.csv", paths.raw_incidents / "2024-11.csv")
    shutil.copytree(ROOT / "notebooks", paths.notebooks)
    return paths


def ids(runs) -> set[str]:
    return {f"{r.notebook}_{r.month}" for r in runs}


@pytest.mark.notebooks
def test_nothing_changed_means_nothing_done_and_a_new_month_reruns_only_what_depends_on_it(project):
    first = runner.run_report(project, every=True, langs="en", progress=False, jobs=2)
    assert first.ok and first.cleaned
    assert ids(first.executed) == {"monthly_review_2024-05", "monthly_review_2024-11", "trends_2024-11",
                                   "named_incidents_2024-11"}
    manifest = runner.read_manifest(project)
    assert set(manifest["runs"]) == {"monthly_review_2024-05.en", "monthly_review_2024-11.en",
                                     "trends_2024-11.en", "named_incidents_2024-11.en"}

    again = runner.run_report(project, every=True, langs="en", progress=False, jobs=2)
    assert again.nothing_to_do and again.executed == [] and not again.cleaned

    (project.raw_published / "december.csv").write_text(
        "month,group_as_written,category_as_written,count\n"
        "2024-12,\"violations of the rights of journalists, media outlets, and newsmakers\",TOTAL,9\n",
        encoding="utf-8")
    after = runner.run_report(project, every=True, langs="en", progress=False, jobs=2)
    assert after.cleaned and after.ok
    assert ids(after.executed) == {"monthly_review_2024-12", "trends_2024-12", "named_incidents_2024-12"}

    forced = runner.run_report(project, month="2024-11", langs="en", progress=False, jobs=2, force=True)
    assert forced.cleaned and ids(forced.executed) == {"monthly_review_2024-11", "trends_2024-11",
                                                        "named_incidents_2024-11"}
    logs = sorted((project.reports / "logs").glob("*.log"))
    assert len(logs) == 4
    assert "monthly_review_2024-05.en: up to date" in logs[-2].read_text(encoding="utf-8")


def test_a_kernel_that_fails_to_start_is_tried_again(monkeypatch, tmp_path):
    calls = []

    def flaky(run, paths, timeout):
        calls.append(run)
        if len(calls) < 2:
            raise RuntimeError("Kernel didn't respond in 120 seconds")
        return None

    monkeypatch.setattr(runner, "_attempt", flaky)
    run = runner.Run("trends", "2024-11", "en", {})
    problem, _, attempts = runner.execute(run, Paths(tmp_path), 60)
    assert (problem, attempts) == (None, 2)


def test_a_kernel_that_never_starts_fails_with_its_reason(monkeypatch, tmp_path):
    def dead(run, paths, timeout):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(runner, "_attempt", dead)
    problem, _, attempts = runner.execute(runner.Run("trends", "2024-11", "en", {}), Paths(tmp_path), 60)
    assert attempts == 3 and "Kernel died before replying" in problem


def test_synthetic_logs_are_messy_marked_and_never_written_into_raw(tmp_path):
    from analysis.pipeline import run_clean
    from analysis.synth import synthesise
    from analysis.tables import read_table

    with pytest.raises(ValueError, match="synthetic data never goes there"):
        synthesise(10, 1, Paths().raw_incidents)
    paths = Paths(tmp_path)
    paths.raw_published.mkdir(parents=True)
    files = synthesise(3000, 12, paths.raw_incidents, seed=3)
    tables = [read_table(f, "incidents") for f in files]
    assert len({t.encoding for t in tables}) >= 3 and len({t.delimiter for t in tables}) >= 2
    assert all((t.frame["synthetic"] == "SYNTHETIC").all() for t in tables)
    result = run_clean(paths)
    assert result.report["totals"]["rows_kept"] == 3000 and result.report["unmapped_labels"] == []
