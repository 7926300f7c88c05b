"""`analysis report` does the least work needed, side by side, and says what it did."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest
from conftest import copy_project

from analysis import execute, manifest, report, runs
from analysis.config import Paths

pytestmark = pytest.mark.xdist_group("reported")  # one worker builds `reported` for these tests

UMASK = os.umask(0o022)
os.umask(UMASK)


def ids(runs) -> set[str]:
    return {f"{r.notebook}_{r.month}" for r in runs}


def test_a_kernel_that_fails_to_start_is_tried_again(monkeypatch, tmp_path):
    calls = []

    def flaky(run, paths, timeout, log):
        calls.append(run)
        if len(calls) < 2:
            raise RuntimeError("Kernel didn't respond in 120 seconds")
        return None

    monkeypatch.setattr(execute, "_attempt", flaky)
    run = runs.Run("trends", "2024-11", "en", {})
    problem, _, attempts = execute.execute(run, Paths(tmp_path), 60)
    assert (problem, attempts) == (None, 2)


def test_a_kernel_that_never_starts_fails_with_its_reason(monkeypatch, tmp_path):
    def dead(run, paths, timeout, log):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(execute, "_attempt", dead)
    problem, _, attempts = execute.execute(runs.Run("trends", "2024-11", "en", {}), Paths(tmp_path), 60)
    assert attempts == 3 and "Kernel died before replying" in problem


def test_synthetic_logs_are_messy_marked_and_never_written_into_raw(tmp_path):
    from analysis.clean import run_clean
    from analysis.errors import ParameterError
    from analysis.reading import read_table
    from analysis.synth import synthesise

    with pytest.raises(ParameterError, match="synthetic data never goes there"):
        synthesise(10, 1, Paths().raw_incidents)
    paths = Paths(tmp_path)
    paths.raw_published.mkdir(parents=True)
    files = synthesise(3000, 12, paths.raw_incidents, seed=3)
    tables = [read_table(f, "incidents") for f in files]
    assert len({t.encoding for t in tables}) >= 3 and len({t.delimiter for t in tables}) >= 2
    assert all((t.frame["synthetic"] == "SYNTHETIC").all() for t in tables)
    result = run_clean(paths)
    assert result.report["totals"]["rows_kept"] == 3000 and result.report["unmapped_labels"] == []


# --- one project, reported once (`reported` in conftest): each test puts it back or works on a copy ----

MONTH = "2024-11"
RUNS = {notebook.name: f"{notebook.name}_{MONTH}.en" for notebook in runs.NOTEBOOKS}  # every one runs for the newest


@pytest.mark.notebooks
def test_nothing_changed_means_nothing_done_and_a_new_month_reruns_only_what_depends_on_it(reported, tmp_path):
    project = copy_project(reported.root, tmp_path / "project")
    logs_before = set((project.reports / "logs").glob("*.log"))
    # A copy of a reported project is up to date; every month runs only the months not reported yet,
    # 2024-08 among them, a month known only from its incident log (its review is built from the log).
    first = report.run_report(project, every=True, langs="en", progress=False, variants="default", jobs=2)
    assert first.ok and not first.cleaned
    assert ids(first.executed) == {"monthly_review_2024-05", "monthly_review_2024-08"}
    recorded = manifest.read_manifest(project)
    assert set(recorded["runs"]) == {"monthly_review_2024-05.en", "monthly_review_2024-08.en", *RUNS.values()}
    assert (project.reports / "2024-08" / "summary.en.md").exists()
    # its review says where its opening comes from, and charts no review's counts it does not have
    page = (project.reports / "2024-08" / "monthly_review.en.html").read_text(encoding="utf-8")
    assert "its opening below comes from the month's incident log" in page
    august = project.reports / "figures" / "2024-08"
    assert "as the review lists them" not in page and not (august / "month_categories.csv").exists()
    assert (august / "ytd_comparison.csv").exists()
    assert "as the review lists them" in (project.reports / "2024-05" / "monthly_review.en.html").read_text(
        encoding="utf-8")  # a month whose review was read

    again = report.run_report(project, every=True, langs="en", progress=False, variants="default", jobs=2)
    assert again.nothing_to_do and again.executed == [] and not again.cleaned and again.removed == []

    (project.raw_published / "december.csv").write_text(
        "month,group_as_written,category_as_written,count\n"
        "2024-12,\"violations of the rights of journalists, media outlets, and newsmakers\",TOTAL,9\n",
        encoding="utf-8")
    after = report.run_report(project, every=True, langs="en", progress=False, variants="default", jobs=2)
    assert after.cleaned and after.ok
    assert ids(after.executed) == {f"{notebook}_2024-12" for notebook in RUNS}
    assert "monthly_review_2024-05.en: up to date" in after.log.read_text(encoding="utf-8")
    assert "clean (data/raw/published/december.csv added): " in after.log.read_text(encoding="utf-8")

    # Forced, every step of the month would run again: the plan (the same decision a real run acts on).
    forced = report.run_report(project, month="2024-11", langs="en", progress=False, variants="default", force=True,
                               dry_run=True)
    assert forced.planned == {"clean": "forced", **{run: "forced" for run in RUNS.values()},
                              f"bundles {MONTH}": "forced", "site": "forced"}
    assert forced.executed == [] and not forced.cleaned
    logs = set((project.reports / "logs").glob("*.log")) - logs_before
    assert len(logs) == 4  # one log per run, none overwritten

    # The month's raw file is deleted: its reports, figures, executed notebooks and entries go.
    assert (project.reports / "2024-12" / "summary.en.md").exists()
    (project.raw_published / "december.csv").unlink()
    gone = report.run_report(project, every=True, langs="en", progress=False, variants="default", jobs=2)
    assert gone.ok and gone.cleaned and gone.executed == []
    assert not (project.reports / "2024-12").exists()
    assert not (project.reports / "figures" / "2024-12").exists()
    assert sorted(p.name for p in (project.reports / "notebooks").glob("*2024-12*")) == []
    assert "reports/2024-12/summary.en.md" in gone.removed
    assert "reports/notebooks/trends_2024-12.en.ipynb" in gone.removed
    assert set(manifest.read_manifest(project)["runs"]) == {"monthly_review_2024-05.en", "monthly_review_2024-08.en",
                                                            *RUNS.values()}
    assert (project.reports / "figures" / "2024-11" / "month_categories.en.png").exists()

    # The log of a month published earlier gains a row the cleaning rejects: the scheduled run (no
    # month named) makes that month's review again, which now says so, and nothing else (a review
    # counts the rejected rows of its own month alone).
    with open(project.raw_incidents / "2024-08.csv", "a", encoding="utf-8") as log:
        log.write(",CASE-S,13 August 2024,threat,Almaty,journalist,non-state,,SYNTHETIC test incident\n")
    refreshed = report.run_report(project, langs="en", progress=False, variants="default", jobs=2)
    assert refreshed.cleaned and ids(refreshed.executed) == {"monthly_review_2024-08"}
    assert "monthly_review_2024-08.en: to run: its data changed (rejected)\n" in refreshed.log.read_text(
        encoding="utf-8")
    assert "**Incomplete:**" in (project.reports / "2024-08" / "summary.en.md").read_text(encoding="utf-8")
    assert "**Incomplete:**" not in (project.reports / "2024-05" / "summary.en.md").read_text(encoding="utf-8")
    assert report.run_report(project, langs="en", progress=False, variants="default").nothing_to_do


@pytest.mark.notebooks
def test_the_manifest_records_every_output_of_each_step_with_its_hash(reported):
    recorded = manifest.read_manifest(reported)
    outputs = {step: set(entry["outputs"]) for step, entry in recorded["runs"].items()}
    assert {"reports/2024-11/summary.en.md", "reports/2024-11/monthly_review.en.html",
            "reports/notebooks/monthly_review_2024-11.en.ipynb",
            "reports/figures/2024-11/month_categories.en.png", "reports/figures/2024-11/month_categories.csv",
            "reports/figures/2024-11/ytd_comparison.en.svg"} <= outputs[RUNS["monthly_review"]]
    assert {"reports/figures/2024-11/groups_stacked.en.pdf", "reports/2024-11/trends.en.html",
            "reports/figures/2024-11/trend_refusal_of_information.json"} <= outputs[RUNS["trends"]]
    assert {"reports/figures/2024-11/incidents_by_region.en.png",
            "reports/notebooks/named_incidents_2024-11.en.ipynb"} <= outputs[RUNS["named_incidents"]]
    assert {"data/processed/incidents.parquet", "data/processed/monthly_counts.csv",
            "data/processed/rejected.csv", "reports/data_quality.md",
            "reports/data_quality.json"} <= set(recorded["clean"]["outputs"])
    summary = reported.reports / "2024-11" / "summary.en.md"
    assert recorded["runs"][RUNS["monthly_review"]]["outputs"]["reports/2024-11/summary.en.md"] == \
        hashlib.sha256(summary.read_bytes()).hexdigest()


@pytest.mark.notebooks
@pytest.mark.parametrize("output, steps", [
    ("reports/figures/2024-11", set(RUNS.values())),  # every notebook publishes figures
    ("reports/2024-11/summary.en.md", {RUNS["monthly_review"]}),
    ("reports/2024-11/trends.en.html", {RUNS["trends"]}),
    ("reports/notebooks/named_incidents_2024-11.en.ipynb", {RUNS["named_incidents"]}),
    ("reports/figures/2024-11/amounts_by_category.en.svg", {RUNS["named_incidents"]}),
    ("data/processed/monthly_counts.parquet", {"clean"}),
    ("data/processed/rejected.csv", {"clean"}),
    ("reports/data_quality.md", {"clean"}),
])
def test_a_deleted_output_reruns_exactly_the_step_that_made_it(reported, tmp_path, output, steps):
    target = reported.root / output
    shutil.move(target, tmp_path / "kept")
    try:
        plan = report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default", dry_run=True)
    finally:
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        shutil.move(tmp_path / "kept", target)
    assert set(plan.planned) == steps
    assert all("missing or changed" in why for why in plan.planned.values())


@pytest.mark.notebooks
def test_a_changed_output_reruns_its_step(reported):
    figure = reported.reports / "figures" / "2024-11" / "ytd_comparison.en.svg"
    original = figure.read_bytes()
    figure.write_bytes(original.replace(b"</svg>", b"<!-- edited by hand --></svg>"))
    try:
        plan = report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default", dry_run=True)
    finally:
        figure.write_bytes(original)
    assert plan.planned == {RUNS["monthly_review"]: "reports/figures/2024-11/ytd_comparison.en.svg missing or changed"}
    assert report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default",
                             dry_run=True).planned == {}


@pytest.mark.notebooks
def test_a_deleted_summary_is_made_again_by_its_run_alone(reported):
    summary = reported.reports / "2024-11" / "summary.en.md"
    before = summary.read_bytes()
    summary.unlink()
    healed = report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default", jobs=2)
    assert healed.ok and not healed.cleaned
    assert [r.id for r in healed.executed] == [RUNS["monthly_review"]]
    assert summary.read_bytes() == before
    assert report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default").nothing_to_do


@pytest.mark.notebooks
def test_a_deleted_bundle_or_site_page_is_made_again_without_a_notebook_run(reported):
    bundle = reported.reports / "figures" / MONTH / "month_categories.en.zip"
    page = reported.reports / "site" / "en" / f"{MONTH}.html"
    before = bundle.read_bytes(), page.read_bytes()
    bundle.unlink()
    page.unlink()
    healed = report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default")
    assert healed.ok and healed.executed == [] and not healed.cleaned
    assert healed.published == {
        f"bundles {MONTH}": f"reports/figures/{MONTH}/month_categories.en.zip missing or changed",
        "site": f"reports/site/en/{MONTH}.html missing or changed"}
    assert (bundle.read_bytes(), page.read_bytes()) == before
    assert report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default").nothing_to_do


@pytest.mark.notebooks
def test_a_deleted_processed_table_reruns_the_cleaning_and_no_notebook(reported):
    table = reported.processed / "incidents.parquet"
    table.unlink()
    healed = report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default", jobs=2)
    assert healed.ok and healed.cleaned and healed.executed == []
    assert table.exists()


@pytest.mark.notebooks
def test_outputs_are_readable_as_the_umask_allows(reported):
    for name in ("reports/2024-11/summary.en.md", "reports/figures/2024-11/month_categories.en.png",
                 "reports/2024-11/trends.en.html", "data/processed/monthly_counts.parquet",
                 "reports/data_quality.md", "reports/manifest.json"):
        mode = (reported.root / name).stat().st_mode & 0o777
        assert mode == 0o666 & ~UMASK, (name, oct(mode))


@pytest.mark.notebooks
def test_a_one_off_categories_figure_does_not_outlive_the_default_run(reported):
    folder = reported.reports / "figures" / "2024-11"
    one_off = report.run_report(reported, month=MONTH, langs="en", categories="threat", progress=False,
                                variants="default")
    assert ids(one_off.executed) == {"trends_2024-11"}
    for suffix in (".en.png", ".en.svg", ".en.pdf", ".csv", ".json"):
        assert (folder / f"trend_threat{suffix}").exists(), suffix
    page = (reported.reports / MONTH / "trends.en.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 6  # five figures and the threat trend
    default = report.run_report(reported, month=MONTH, langs="en", progress=False, variants="default")
    assert ids(default.executed) == {"trends_2024-11"}
    assert not list(folder.glob("trend_threat.*"))
    assert {"reports/figures/2024-11/trend_threat.en.png", "reports/figures/2024-11/trend_threat.csv",
            "reports/figures/2024-11/trend_threat.json"} <= set(default.removed)
    assert (folder / "trend_refusal_of_information.en.png").exists()


def test_the_log_names_which_inputs_of_a_step_changed():
    before = {"raw_sha256": {"data/raw/a.csv": "1", "data/raw/b.csv": "2", "data/raw/c.csv": "3"},
              "package_sha256": "p", "notebook_sha256": "n", "parameters": {"month": "2024-11"},
              "data_parts": {"counts": "x", "incidents": "y"}}
    assert manifest.what_changed(before, {**before, "raw_sha256": {"data/raw/b.csv": "2", "data/raw/c.csv": "4",
                                                                   "data/raw/d.csv": "5"}}) == (
        "data/raw/a.csv removed and 2 more raw files")
    assert manifest.what_changed(before, {**before, "raw_sha256": {**before["raw_sha256"], "data/raw/d.csv": "5"},
                                          "package_sha256": "q"}) == "data/raw/d.csv added; the package changed"
    assert manifest.what_changed(before, {**before, "data_parts": {"counts": "z", "incidents": "y"},
                                          "notebook_sha256": "m", "parameters": {"month": "2024-12"}}) == (
        "its data changed (counts); the notebook changed; its parameters changed")
    assert manifest.what_changed({"key": "k"}, {"key": "l"}) == "its inputs changed"  # a record without its parts
    assert manifest.why_needed({}, "k", None, False) == "never run"
