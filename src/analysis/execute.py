"""Running one notebook with papermill in a kernel of its own, and its HTML copy for readers."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .config import PACKAGE_DIR, Paths
from .errors import ParameterError
from .manifest import OUTPUTS_RECORD, outputs_record
from .storage import write_atomic

if TYPE_CHECKING:
    from .runs import Run


KERNEL = "python3"

# papermill and nbformat import jsonschema, which checks the "iri" format with `rfc3987_syntax`
# when that is installed (JupyterLab's jupyter-events brings it): importing it builds an Earley
# grammar, a second of CPU in every process that runs notebooks. No schema nbformat, papermill or
# frictionless validates has that format, so these processes go without it. Kernels and a
# researcher's own session are left as they are.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _kernel_manager(env: dict[str, str], log: Path | None):
    """Kernels talk over local sockets in a private folder, not TCP ports: no port races, no warning.

    The kernel gets `env` on top of this process's environment (the project it reads, the record
    of what it writes), so that nothing is changed in this process's own. What a kernel prints
    itself (its shutdown notice "KeyboardInterrupt caught in kernel", warnings) is appended to
    `log`, the run's log, not to the terminal.
    """
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(Path(tempfile.mkdtemp(prefix="adilsoz-kernel-")) / "kernel"))
            super().__init__(**kwargs)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["env"] = {**kw.get("env", os.environ), **env}
            if log:
                if getattr(self, "_kernel_log", None):  # a restarted kernel: the old one is gone
                    self._kernel_log.close()
                self._kernel_log = open(log, "a", encoding="utf-8")  # noqa: SIM115 (closed with the kernel)
                kw["stdout"] = kw["stderr"] = self._kernel_log
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        async def cleanup_resources(self, restart: bool = False) -> None:
            await super().cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(Path(self.ip).parent, ignore_errors=True)
                if getattr(self, "_kernel_log", None):
                    self._kernel_log.close()

    return IPCKernelManager


def _notebook(paths: Paths, name: str):
    import jupytext  # slow to import: only when a notebook actually runs

    return jupytext.read(paths.notebooks / f"{name}.py")


def check_parameters(paths: Paths, runs: list[Run]) -> None:
    """Every parameter passed must be one the notebook declares in its parameters cell."""
    import papermill as pm

    for name in sorted({r.notebook for r in runs}):
        declared = set(pm.inspect_notebook(_notebook(paths, name)))
        for run in (r for r in runs if r.notebook == name):
            extra = set(run.parameters) - declared
            if extra:
                raise ParameterError(f"notebooks/{name}.py does not declare {', '.join(sorted(extra))} "
                                     "in its parameters cell")


READER_TEMPLATE = PACKAGE_DIR / "templates" / "reader.html.j2"


RESEARCHER_TAG = "researcher"  # cells for researchers only (tables with code names): not in the HTML


def write_html(executed: Path, target: Path, lang: str, title: str) -> None:
    """An HTML copy of an executed notebook for readers without Jupyter, in one language.

    Without code, without the researchers' markdown notes and cells tagged `researcher`: what
    remains is the narration, summary and figures the notebook showed in `lang`. The page is
    self-contained (images inline, no script fetched) and says its language and title; the same
    outputs give the same page.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    notebook = nbformat.read(executed, as_version=4)
    notebook.metadata["title"] = title
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"  # not the random ids cells get when read from text or injected
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(READER_TEMPLATE.parent)],
                            template_file=READER_TEMPLATE.name, language_code=lang,
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_markdown=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={RESEARCHER_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, lambda tmp: tmp.write_text(body, encoding="utf-8"))


def html_title(run: Run) -> str:
    from .i18n import month_label, t

    return t(f"html_title_{run.notebook}", run.lang, month=month_label(run.month, run.lang))


def _attempt(run: Run, paths: Paths, timeout: int, log: Path | None = None) -> str | None:
    """Run one notebook once; None when it succeeded, else one line saying what failed and where."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out = run.executed(paths)
    out.parent.mkdir(parents=True, exist_ok=True)
    record = outputs_record(run, paths)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.unlink(missing_ok=True)
    # the kernel reads this project, and lists what its Publication writes in the record
    env = {"ANALYSIS_ROOT": str(paths.root), OUTPUTS_RECORD: str(record)}
    try:
        pm.execute_notebook(_notebook(paths, run.notebook), str(out), parameters={**run.parameters, "publish": True},
                            kernel_name=KERNEL, cwd=str(paths.root), execution_timeout=timeout,
                            start_timeout=120, progress_bar=False, log_output=False,
                            kernel_manager_class=_kernel_manager(env, log))
    except PapermillExecutionError as exc:
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count}); see {out.relative_to(paths.root)}"
    write_html(out, run.html(paths), run.lang, html_title(run))
    return None


def execute(run: Run, paths: Paths, timeout: int, log: Path | None = None,
            attempts: int = 3) -> tuple[str | None, float, int]:
    """(problem or None, seconds, attempts used). A kernel that fails to start or dies is retried;
    an error inside a cell is not (it would fail again). What the kernel prints goes to `log`."""
    started = time.monotonic()
    for attempt in range(1, attempts + 1):
        try:
            return _attempt(run, paths, timeout, log), time.monotonic() - started, attempt
        except Exception as exc:  # kernel start races, dead kernels, timeouts
            problem = f"{type(exc).__name__}: {exc}; see {run.executed(paths).relative_to(paths.root)}"
    return problem, time.monotonic() - started, attempts
