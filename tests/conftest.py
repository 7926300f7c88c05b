"""Shared fixtures: a throw-away project root holding a copy of the shipped raw data."""

from __future__ import annotations

import csv
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from analysis import execute  # noqa: F401 (imported first, as `analysis report` imports it: see its rfc3987_syntax)
from analysis.config import Paths
from analysis.runs import NOTEBOOKS

# CI runs the same property-test examples every time; elsewhere each run tries new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLEAN_OUTPUTS_TODAY = date(2026, 1, 1)  # scripts/clean_outputs.py's TODAY (tests/test_clean_outputs.py checks)


def pytest_configure(config):
    """The tests test the package beside them: a `.venv` copied or linked from another checkout
    imports that checkout's package, and would test (and write into) it instead."""
    package = Path(execute.__file__).resolve().parent
    if not package.is_relative_to(ROOT / "src"):
        raise pytest.UsageError(f"these tests are of {ROOT / 'src' / 'analysis'}, but Python imports the package "
                                f"from {package}: run `make install` in {ROOT}, or set PYTHONPATH={ROOT / 'src'}")


# Lines a test wants shown at the end of the run (the label-variant shares): a test records them
# with record_property("summary", line), which also reaches the main process from xdist workers.
SUMMARY: list[str] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        SUMMARY.extend(value for name, value in report.user_properties if name == "summary")


def pytest_terminal_summary(terminalreporter):
    for line in SUMMARY:
        terminalreporter.write_line(line)


def pytest_collection_modifyitems(config, items):
    """Notebook runs are end-to-end tests too (`pytest -m e2e`)."""
    for item in items:
        if item.get_closest_marker("notebooks"):
            item.add_marker(pytest.mark.e2e)


MODULE_FIXTURE = re.compile(r"^@pytest\.fixture\(scope=\"module\"", re.MULTILINE)
GROUP = re.compile(r"^pytestmark = .*pytest\.mark\.xdist_group\(\"(\w+)\"\)", re.MULTILINE)


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` as this suite needs it: the tests of modules marked with one
    `xdist_group` (modules sharing a session fixture that runs notebooks, such as `reported`) go to
    one worker, and so do the tests of a module that defines a module-scoped fixture (a hand-run
    notebook, a site in a browser), so that each is built once; every other test is scheduled on
    its own. The xdist groups go out first.

    (xdist groups by a suffix it adds to the test ids, which the test ids of pytest 9 no longer
    carry: without this, such a fixture was built on both workers.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    scopes: dict[str, str] = {}
    for path in Path(__file__).parent.glob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        group = GROUP.search(text)
        if group:
            scopes[path.name] = group.group(1)
        elif MODULE_FIXTURE.search(text):
            scopes[path.name] = path.name

    groups = sorted(set(scopes.values()) - set(scopes))  # the xdist groups: the longest work of the suite

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return scopes.get(module.rsplit("/", 1)[-1], nodeid)

        def _assign_work_unit(self, node) -> None:
            """The xdist groups are handed out first, so that none of them is left to the end."""
            for scope in [s for s in self.workqueue if s not in groups]:
                self.workqueue.move_to_end(scope)
            super()._assign_work_unit(node)

    return SharedFixtureScheduling(config, log)


def figure_makers() -> set[str]:
    """Every function of the package that makes a figure (returns a FigureSpec, or a list of them):
    "figures.month_categories", "case_figures.cases_timeline", ..."""
    import inspect

    from analysis import case_figures, figures

    return {f"{module.__name__.rpartition('.')[2]}.{name}" for module in (figures, case_figures)
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module.__name__ and "FigureSpec" in str(function.__annotations__.get("return"))}


def makers_called(build, *args) -> set[str]:
    """The figure makers (`figure_makers`) that `build(*args)` calls: a test's list of figures
    checked against every figure the package can make, so that a new figure is not left out."""
    from analysis import case_figures, figures

    modules = {"figures": figures, "case_figures": case_figures}
    called: set[str] = set()
    with pytest.MonkeyPatch.context() as patch:
        for qualified in figure_makers():
            module, name = qualified.split(".")
            maker = getattr(modules[module], name)

            def recorded(*a, maker=maker, qualified=qualified, **k):
                called.add(qualified)
                return maker(*a, **k)
            patch.setattr(modules[module], name, recorded)
        build(*args)
    return called


def small_project(root: Path, notebooks: bool = True) -> Paths:
    """Published counts of two months (2024-05 and 2024-11) and one SYNTHETIC incident log, with the
    notebooks unless told otherwise: a clean writes the same set of files as for the shipped data."""
    paths = Paths(root)
    paths.raw_published.mkdir(parents=True)
    paths.raw_incidents.mkdir(parents=True)
    lines = (ROOT / "data/raw/published/published_counts.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line[:7] in ("2024-05", "2024-11")]
    (paths.raw_published / "published_counts.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    shutil.copy(FIXTURES / "messy" / "utf8_comma_en" / "2024-11.csv", paths.raw_incidents / "2024-11.csv")
    if notebooks:
        shutil.copytree(ROOT / "notebooks", paths.notebooks)
    return paths


def shading(ax, offset: float = 0.5) -> dict:
    """slot -> the patch that shades or hatches it, for each month (or year) slot of a chart: a run
    of slots side by side is one patch (`plots.runs`). A slot `i` begins at `i - offset` (0.5 for
    bars and lines, whose slots are centred on their index; 0 for the cells of a heat map). Bars
    (narrower than a slot) are left out."""
    found = {}
    for patch in ax.patches:
        width = patch.get_width()
        if width >= 1 and float(width).is_integer():
            first = int(round(patch.get_x() + offset))
            found.update({i: patch for i in range(first, first + int(width))})
    return found


def source_rows(path: Path) -> list[list[str]]:
    """The records of a raw CSV, read by the standard library (not by the code under test)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in list(csv.reader(handle))[1:] if row]


def copy_project(source: Path, root: Path) -> Paths:
    """A copy of a project root (raw data, and whatever was made from it) at `root`."""
    shutil.copytree(source, root, symlinks=True)
    return Paths(root)


@pytest.fixture
def project(tmp_path: Path) -> Paths:
    """A project root in tmp_path with the shipped data/raw copied in."""
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    return Paths(tmp_path)


@pytest.fixture
def small_raw(tmp_path: Path) -> Paths:
    """`small_project` without the notebooks: enough raw data for a test about one label, file or
    message, which the shipped data would only make slower."""
    return small_project(tmp_path / "small", notebooks=False)


@pytest.fixture
def empty_project(tmp_path: Path) -> Paths:
    """A project root with empty raw folders."""
    paths = Paths(tmp_path)
    paths.raw_incidents.mkdir(parents=True)
    paths.raw_published.mkdir(parents=True)
    return paths


@pytest.fixture(scope="session")
def shipped_run(tmp_path_factory):
    """The shipped raw data cleaned once per session (per worker under xdist) in a throw-away root:
    (the root, the RunResult). Never change either: copy the root with `copy_project`.

    It is cleaned as of the fixed day of scripts/clean_outputs.py (after every shipped month), so
    that its outputs are the ones tests/test_clean_outputs.py compares with the baseline."""
    from analysis.clean import run_clean

    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    return root, run_clean(Paths(root), today=CLEAN_OUTPUTS_TODAY)


@pytest.fixture(scope="session")
def shipped_clean(shipped_run):
    """The cleaned shipped data: (counts, cumulative, incidents)."""
    _, result = shipped_run
    return result.counts, result.cumulative, result.incidents


@pytest.fixture
def cleaned_project(shipped_run, tmp_path: Path) -> Paths:
    """A project root in tmp_path with the shipped raw data and what `analysis clean` made of it."""
    return copy_project(shipped_run[0], tmp_path / "cleaned")


REPORTED_MONTH = "2024-11"
MARKUP_ROW = "2024-11,ALL,TOTAL,32,count,<script>alert(1)</script>,\n"  # markup in the data: shown as text


@pytest.fixture(scope="session")
def reported(tmp_path_factory) -> Paths:
    """A small project (`small_project`, with a row whose source is markup, and incident logs of
    2024-05 and 2024-08, whose one incident is a later mention of May's case: a month with data that
    no count covers) reported for 2024-11 in English: a run of each notebook (`runs.NOTEBOOKS`), two
    side by side, each with the default figure only (the variants are tested in test_variants.py).
    Built once per worker, for the modules of the xdist group "reported". A test that changes it
    puts it back; to go further, copy it (`copy_project`)."""
    from analysis import report

    paths = small_project(tmp_path_factory.mktemp("reported"))
    with open(paths.raw_published / "published_counts.csv", "a", encoding="utf-8") as counts:
        counts.write(MARKUP_ROW)
    header = "incident_id,case_id,event_date,category,place,victim_type,perpetrator_type,amount,summary\n"
    (paths.raw_incidents / "2024-05.csv").write_text(header + (
        "SYN-M1,CASE-S,14 May 2024,threat,Almaty,journalist,non-state,,SYNTHETIC test incident\n"), encoding="utf-8")
    (paths.raw_incidents / "2024-08.csv").write_text(header + (  # a later mention: counted in May, not here
        "SYN-A1,CASE-S,12 August 2024,threat,Almaty,journalist,non-state,,SYNTHETIC test incident\n"), encoding="utf-8")
    first = report.run_report(paths, month=REPORTED_MONTH, langs="en", progress=False, variants="default", jobs=2)
    assert first.ok and first.cleaned
    assert {r.id for r in first.executed} == {f"{notebook.name}_{REPORTED_MONTH}.en" for notebook in NOTEBOOKS}
    return paths


@pytest.fixture(scope="session")
def exported_month(shipped_run, shipped_clean, tmp_path_factory) -> Paths:
    """A project whose reports/ hold one month published as `analysis report` publishes it
    (`publishing.publish_month`: two real figures in three languages, light and dark, at two widths,
    the first square too; the summaries; the data-quality report), before any bundle or site is
    made. Built once per worker, for the modules of the xdist group "published"; never changed: copy
    it."""
    from publishing import publish_month

    counts, cumulative, incidents = shipped_clean
    return publish_month(tmp_path_factory.mktemp("exported"), shipped_run[0], counts, cumulative, incidents)


@pytest.fixture(scope="session")
def published(exported_month, tmp_path_factory) -> Paths:
    """`exported_month` with its bundles and the site made from it; never changed: copy it."""
    from publishing import MONTH

    from analysis.site import run_site

    paths = copy_project(exported_month.root, tmp_path_factory.mktemp("site") / "project")
    assert run_site(paths) == {f"bundles {MONTH}": "forced", "site": "forced"}
    return paths
