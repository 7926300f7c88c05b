"""The notebooks as researchers and readers meet them: saved in JupyterLab, run by hand, read as HTML."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, small_project

from analysis import execute, figures
from analysis.clean import run_clean
from analysis.execute import write_html
from analysis.figures import export
from analysis.i18n import t
from analysis.load import load_monthly_counts
from analysis.outputs import Publication
from analysis.runs import Run
from analysis.text import nonbreaking

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_opening_and_saving_in_jupyterlab_leaves_the_py_file_unchanged(tmp_path, source):
    """JupyterLab saves through jupytext's contents manager, with the project's pyproject.toml."""
    from jupytext import TextFileContentsManager

    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / source.name
    shutil.copy(source, path)
    manager = TextFileContentsManager(root_dir=str(tmp_path))
    name = f"notebooks/{source.name}"
    manager.save(manager.get(name), name)
    assert path.read_bytes() == source.read_bytes()
    # run in the lab: outputs, counts and kernel metadata in the .ipynb never reach the .py
    model = manager.get(name.replace(".py", ".ipynb"))
    model["content"]["metadata"]["language_info"] = {"name": "python", "version": "3.11"}
    code = next(c for c in model["content"]["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    code["execution_count"] = 7
    manager.save(model, name.replace(".py", ".ipynb"))
    assert path.read_bytes() == source.read_bytes()


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class _Page(HTMLParser):
    """What a browser would fetch from a page, and its language, title and images."""

    def __init__(self) -> None:
        super().__init__()
        self.external, self.images, self.lang, self.title, self._in_title = [], [], None, "", False
        self.text: list[str] = []
        self.icon: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        self._in_title = tag == "title"
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "link" and attrs.get("rel") == "icon":
            self.icon = attrs.get("href")
        for name in ("src", "href", "data"):
            value = attrs.get(name) or ""
            if tag != "a" and value and not value.startswith(("data:", "#")):
                self.external.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)


@pytest.fixture(scope="module")
def hand_run(tmp_path_factory):
    """A small project (`small_project`) whose November 2024 figures were published, then trends.py
    run by hand from notebooks/ with the notebook's own defaults but in Kazakh, as a researcher
    would (nbconvert)."""
    root = tmp_path_factory.mktemp("hand") / "project"
    paths = small_project(root)
    assert run_clean(paths).ok
    counts = load_monthly_counts(paths)
    published = Publication("2024-11", "en", publish=True, paths=paths)
    # what `analysis report` leaves behind; a hand run that wrote there would change or add a file
    export(figures.groups_stacked(counts, "2022-06", "2024-11", "2024-11"), published.figures, ["en"],
           published.inputs)
    before = _hashes(paths.reports)

    import os

    import jupytext
    from nbconvert.preprocessors import ExecutePreprocessor

    notebook = jupytext.read(paths.notebooks / "trends.py")
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    assert 'lang = "en"' in parameters.source
    parameters.source = parameters.source.replace('lang = "en"', 'lang = "kk"')  # as a researcher edits it
    old = os.environ.get("ANALYSIS_ROOT")
    os.environ["ANALYSIS_ROOT"] = str(root)
    try:
        ExecutePreprocessor(timeout=600, kernel_name="python3").preprocess(
            notebook, {"metadata": {"path": str(paths.notebooks)}})
    finally:
        os.environ.pop("ANALYSIS_ROOT") if old is None else os.environ.__setitem__("ANALYSIS_ROOT", old)
    return paths, before, notebook


@pytest.mark.notebooks
def test_a_hand_run_shows_its_figures_inline_and_leaves_every_published_file_identical(hand_run):
    paths, before, notebook = hand_run
    after = _hashes(paths.reports)
    assert {k: v for k, v in after.items() if not k.startswith("scratch/")} == before
    assert (paths.reports / "scratch" / "figures" / "2024-11" / "groups_stacked.kk.png").exists()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 5  # groups, false information, refusals, heat map, legal types
    assert not any("<Figure size" in str(o.get("data", {}).get("text/plain", ""))
                   and "image/png" not in o.get("data", {}) for o in outputs)
    # under each image, its caption (how to read it) in the run's language, as the figure's JSON gives it
    under = [after for before, after in zip(outputs, outputs[1:]) if "image/png" in before.get("data", {})]
    captions = {json.loads(f.read_text(encoding="utf-8"))["caption"]["kk"]
                for f in (paths.reports / "scratch" / "figures" / "2024-11").glob("*.json")}
    assert len(under) == 5 and all(set(o["data"]) == {"text/markdown", "text/plain"} for o in under)
    assert {o["data"]["text/plain"] for o in under} <= captions
    assert "Бос айлар — шолуы оқылмаған айлар" in under[0]["data"]["text/plain"]


@pytest.mark.notebooks
def test_the_html_copy_is_self_contained_and_in_the_page_language(hand_run, tmp_path):
    paths, _, notebook = hand_run
    executed = tmp_path / "trends.ipynb"
    nbformat.write(notebook, executed)
    page = tmp_path / "trends.kk.html"
    write_html(executed, page, "kk", t("html_title_trends", "kk", month="2024 ж. қараша"))
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.external == []  # nothing fetched: no require.js, MathJax or stylesheet from a CDN
    assert parser.icon == "data:,"  # nor the server's /favicon.ico, which a browser asks for otherwise
    assert parser.lang == "kk"
    assert parser.title == "Айлар бойынша үрдістер: 2024\u00a0ж.\u00a0қараша деректері"  # one unit on a line
    assert len(parser.images) == 5 and all(src.startswith("data:image/png;base64,") for src in parser.images)
    text = " ".join(parser.text)
    assert "Айлар бойынша үрдістер" in text and "Үш топ, ай сайын." in text
    outputs = [o for c in notebook.cells for o in c.get("outputs", [])]
    captions = [after["data"]["text/plain"] for before, after in zip(outputs, outputs[1:])
                if "image/png" in before.get("data", {})]
    assert len(captions) == 5 and all(nonbreaking(caption) in text for caption in captions)  # no markup left
    assert "2024\u00a0ж.\u00a0" in text and not re.search(r"\d{4} ж\. ", text)  # no line breaks a year from its month
    for english in ("Trends across months", "The three groups", "How the published counts", "figures compared",
                    "from analysis import", "Figure size"):
        assert english not in text


def test_every_narration_a_notebook_says_is_written_in_the_three_languages():
    import re

    from analysis.domain_data import read_domain

    table = read_domain("translations.csv").set_index("key")
    said = {key for notebook in NOTEBOOKS for key in re.findall(r'"(nb_\w+)"', notebook.read_text(encoding="utf-8"))}
    assert "nb_category_heatmap_chosen" in said
    missing = sorted(key for key in said if key not in table.index or (table.loc[key, ["en", "ru", "kk"]] == "").any())
    assert missing == []


# --- kernels forked from a server that has imported what the notebooks import ---------------------------

@pytest.fixture(scope="module")
def server_modules() -> set[str]:
    """Every module a process has imported once it has imported what the kernel server imports."""
    import subprocess
    import sys

    script = f"import sys; {'; '.join(f'import {m}' for m in execute.PRELOAD)}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_kernel_server_imports_every_module_of_the_package_the_notebooks_import(server_modules):
    """So that a forked kernel imports none of them again: PRELOAD keeps up with the notebooks."""
    import importlib.util
    import re

    imported = set()
    for notebook in (ROOT / "notebooks").glob("*.py"):
        for module, names in re.findall(r"^from (analysis[\w.]*) import (.+)$", notebook.read_text(encoding="utf-8"),
                                        re.MULTILINE):
            imported |= {module} | {f"{module}.{n.strip()}" for n in names.split(",")}
    loaded = {m for m in server_modules if m.startswith("analysis")}

    def is_module(name: str) -> bool:  # not a function such as analysis.load_incidents
        try:
            return importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # a name imported from a module, not a package
            return False

    modules = {m for m in imported if is_module(m)}
    assert {"analysis.figures", "analysis.case_figures", "analysis.outputs", "analysis.release"} <= modules
    assert modules <= loaded


# Functions of the server's modules that the kernels never call, and the libraries only they import:
# the report's own machinery (in the process that starts the kernels), the cleaning's parsers and
# workbook reader, and the release command.
KERNELS_NEVER_CALL = ("analysis.execute.", "analysis.parsing.", "analysis.workbooks.", "analysis.datapackage.validate",
                      "analysis.release.run_release", "analysis.release.code_version")


def test_the_kernel_server_imports_what_its_modules_import_on_first_use(server_modules):
    """A library the package imports inside a function (so that `analysis --help` stays quick) is
    imported by the server too, or every kernel that draws or writes with it imports it again
    (seaborn alone is 0.7 s of CPU a kernel)."""
    import ast

    loaded = server_modules
    missing = []
    for module in sorted(m for m in loaded if m.startswith("analysis.")):
        source = ROOT / "src" / Path(*module.split(".")).with_suffix(".py")
        for function in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = ([node.module] if node.level == 0 else
                             [f"analysis.{node.module}" if node.module else f"analysis.{a.name}" for a in node.names])
                else:
                    continue
                if not f"{module}.{function.name}".startswith(KERNELS_NEVER_CALL):
                    missing += [f"{module}.{function.name}: {name}" for name in names if name not in loaded]
    assert missing == [], missing


@pytest.mark.notebooks
def test_a_forked_kernel_writes_what_a_kernel_started_afresh_writes(tmp_path, monkeypatch):
    import multiprocessing

    run = Run("named_incidents", "2024-11", "en", {"start": "2024-05", "end": "2024-11", "lang": "en"})
    made, logs = {}, {}
    for forked in (True, False):
        paths = small_project(tmp_path / f"forked_{forked}")
        assert run_clean(paths).ok
        if not forked:  # a server that cannot be started: the kernel is started afresh, as jupyter does
            monkeypatch.setattr(multiprocessing, "get_context", lambda method: 1 / 0)
        log = tmp_path / f"forked_{forked}.log"
        assert execute.execute(run, paths, 300, log)[::2] == (None, 1)
        made[forked] = {str(p.relative_to(paths.root)): p.read_bytes()
                        for p in (paths.reports / "figures").rglob("*") if p.is_file()}
        logs[forked] = log.read_text(encoding="utf-8") if log.exists() else ""
    assert "kernel not forked (ZeroDivisionError" in logs[False] and "not forked" not in logs[True]
    assert "To connect another client" not in logs[True]  # started as a kernel with a parent, not `ipython kernel`
    assert len(made[True]) >= 8 and made[True] == made[False]  # PNG, SVG, PDF, CSV, JSON: byte for byte


def test_the_trends_page_is_titled_by_the_resolution_it_draws():
    def run(start: str, resolution: str, lang: str) -> Run:
        return Run("trends", "2024-11", lang, {"start": start, "end": "2024-11", "categories": "all", "rolling": 3,
                                                "resolution": resolution, "lang": lang})

    assert execute.html_title(run("2022-06", "auto", "en")) == "Trends across months: data as of November 2024"
    assert execute.html_title(run("2009-01", "auto", "en")) == "Trends across years: data as of November 2024"
    assert execute.html_title(run("2023-01", "year", "ru")).startswith("Тенденции по годам: ")
    assert execute.html_title(run("2009-01", "month", "kk")).startswith("Айлар бойынша үрдістер: ")
    assert execute.html_title(run("2009-01", "auto", "kk")).startswith("Жылдар бойынша үрдістер: ")


def test_every_notebook_file_is_a_row_of_the_table_of_notebooks_and_every_row_a_file():
    from analysis.runs import BY_NAME

    # a notebook without its row would never run, and never say so
    assert {p.stem for p in (ROOT / "notebooks").glob("*.py")} == set(BY_NAME)


def test_a_new_notebook_without_its_title_or_with_a_parameter_it_does_not_declare_is_refused_before_running(tmp_path):
    from analysis.config import LANGUAGES, Paths
    from analysis.errors import ParameterError
    from analysis.runs import BY_NAME, Choices

    paths = Paths(tmp_path)
    shutil.copytree(ROOT / "notebooks", paths.notebooks)
    shutil.copy(paths.notebooks / "trends.py", paths.notebooks / "refusals.py")  # a new notebook, not yet titled
    choices = Choices("2009-01", "2009-01", "all", 3, "auto")
    execute.check_parameters(paths, [Run(name, "2024-11", lang, {**row.parameters("2024-11", choices), "lang": lang})
                                     for name, row in BY_NAME.items() for lang in LANGUAGES])  # the shipped ones
    new = [Run("refusals", "2024-11", lang, {"lang": lang, "start": "2022-06"}) for lang in LANGUAGES]
    with pytest.raises(ParameterError) as refused:
        execute.check_parameters(paths, new)
    assert str(refused.value) == (
        "notebooks/refusals.py has no title for its HTML copy in en, ru, kk: expected a row html_title_refusals in "
        "src/analysis/domain/translations.csv with the title in en, ru and kk ({month} is filled in)")
    with pytest.raises(ParameterError, match=r"^notebooks/refusals\.py does not declare since in its parameters cell$"):
        execute.check_parameters(paths, [Run("refusals", "2024-11", "en", {"since": "2022-06"})])
