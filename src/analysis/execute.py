"""Running one notebook with papermill in a kernel of its own, and its HTML copy for readers."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .config import LANGUAGES, PACKAGE_DIR, Paths
from .errors import ParameterError
from .manifest import OUTPUTS_RECORD, outputs_record
from .storage import write_atomic
from .text import nonbreaking

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
            process = _forked_kernel(kernel_cmd, kw["env"], str(kw.get("cwd") or os.getcwd()), log)
            if process is not None:  # the provisioner holds it as it holds a kernel it started
                self.provisioner.process, self.provisioner.pid = process, process.pid
                self.provisioner.pgid, self.provisioner.cwd = process.pid, kw.get("cwd")
                self._reconcile_connection_info(self.provisioner.connection_info)
                return None
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


# --- kernels forked from a process that has imported what the notebooks import ----------------------

# Starting a kernel costs about 1.3 s of CPU, 1.0 s of it importing pandas, matplotlib and the
# package. Each run still gets a kernel of its own, but forked, on request, from a server (the
# standard library's forkserver) that has imported those modules and done nothing else: the
# kernel starts with them imported and everything else as a new process has it. The server
# lives as long as the process that asked for it. ANALYSIS_FORK_KERNELS=0 starts every kernel
# afresh, as `jupyter` does; a kernel that cannot be forked is started afresh too.
FORK_KERNELS = os.environ.get("ANALYSIS_FORK_KERNELS", "1") != "0"
# The package imports some libraries where they are first used (so that `analysis --help` stays
# quick); the kernels use them, so the server imports them too: seaborn (0.7 s of CPU, for the heat
# map), scipy.special (intervals), the review draft and python-docx, PyICU (sorting names),
# colorspacious (the dark colours), and what savefig and read_parquet import on first use.
PRELOAD = ["ipykernel.kernelapp", "matplotlib_inline.backend_inline", "analysis.case_figures",
           "analysis.figures", "analysis.load", "analysis.outputs", "analysis.release", "analysis.revisions",
           "analysis.draft", "analysis.runs", "seaborn", "scipy.special", "docx", "icu", "colorspacious",
           "matplotlib.backends.backend_pdf", "pyarrow.parquet", "pyarrow.dataset"]


def _launcher_argv(kernel_cmd: list[str]) -> list[str] | None:
    """The arguments of ipykernel's launcher in a kernel's command, or None for another kernel."""
    for i in range(1, len(kernel_cmd) - 1):
        if kernel_cmd[i:i + 2] == ["-m", "ipykernel_launcher"]:
            return kernel_cmd[i + 2:]
    return None


class _Forked:
    """A forked kernel as jupyter_client handles a kernel's process (subprocess.Popen's methods)."""

    stdin = stdout = stderr = None

    def __init__(self, process) -> None:
        self.process, self.pid = process, process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.exitcode

    def poll(self) -> int | None:
        return self.process.exitcode

    def wait(self, timeout: float | None = None) -> int | None:
        self.process.join(timeout)
        return self.process.exitcode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.process.kill()

    def terminate(self) -> None:
        self.process.terminate()


def _kernel_main(argv: list[str], env: dict[str, str], cwd: str, log: str | None) -> None:
    """In the forked process: become the kernel `python -m ipykernel_launcher` would start."""
    os.setsid()  # a session of its own, as jupyter_client starts a kernel: its signals reach it alone
    out = os.open(log or os.devnull, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    import matplotlib  # imported by the server: the backend the kernel asks for, as an import would read it

    matplotlib.rcParams["backend"] = os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    from ipykernel import kernelapp

    # the kernel ends when the server does (which ends with the process that started it)
    kernelapp.launch_new_instance(argv=[*argv, f"--IPKernelApp.parent_handle={os.getppid()}"])


def _forked_kernel(kernel_cmd: list[str], env: dict[str, str], cwd: str, log: Path | None) -> _Forked | None:
    """The kernel of `kernel_cmd` forked from the server, or None: not an IPython kernel, forking
    turned off or not available here, or the fork failed (the reason is written to `log`)."""
    import multiprocessing

    argv = _launcher_argv(kernel_cmd)
    if argv is None or not FORK_KERNELS or "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        process = context.Process(target=_kernel_main, args=(argv, env, cwd, str(log) if log else None), daemon=True)
        process.start()
    except Exception as exc:  # the server could not start or fork: the kernel starts afresh
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"kernel not forked ({type(exc).__name__}: {exc}); started afresh\n")
        return None
    return _Forked(process)


def _notebook(paths: Paths, name: str):
    import jupytext  # slow to import: only when a notebook actually runs

    return jupytext.read(paths.notebooks / f"{name}.py")


def check_parameters(paths: Paths, runs: list[Run]) -> None:
    """Before anything runs: every parameter passed must be one the notebook declares in its
    parameters cell, and each notebook's HTML copy must have its title in the run's language."""
    import papermill as pm

    from .i18n import has_text
    from .runs import title_key

    for name in sorted({r.notebook for r in runs}):
        declared = set(pm.inspect_notebook(_notebook(paths, name)))
        for run in (r for r in runs if r.notebook == name):
            extra = set(run.parameters) - declared
            if extra:
                raise ParameterError(f"notebooks/{name}.py does not declare {', '.join(sorted(extra))} "
                                     "in its parameters cell")
        for key in sorted({title_key(name, r.parameters) for r in runs if r.notebook == name}):
            missing = [lang for lang in LANGUAGES if not has_text(key, lang)
                       and any(r.notebook == name and r.lang == lang for r in runs)]
            if missing:
                raise ParameterError(f"notebooks/{name}.py has no title for its HTML copy in {', '.join(missing)}: "
                                     f"expected a row {key} in src/analysis/domain/translations.csv "
                                     "with the title in en, ru and kk ({month} is filled in)")


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
    body = nonbreaking(body)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, lambda tmp: tmp.write_text(body, encoding="utf-8"))


def html_title(run: Run) -> str:
    from .i18n import month_label, t
    from .runs import title_key

    return t(title_key(run.notebook, run.parameters), run.lang, month=month_label(run.month, run.lang))


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
