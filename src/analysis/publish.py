"""What the notebooks call to put figures and summaries where editors find them."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

import pandas as pd

from .config import MONTH, Paths
from .figures import FigureSpec, export, input_hashes
from .i18n import check_lang
from .summary import review_summary
from .tables import write_atomic


class Publication:
    """Outputs of one notebook run: figures in reports/figures/<month>/, texts in reports/<month>/."""

    def __init__(self, month: str, lang: str, paths: Paths | None = None) -> None:
        if not MONTH.match(str(month)):
            raise ValueError(f"month: expected YYYY-MM; found {month!r}")
        self.month = month
        self.lang = check_lang(lang)
        self.paths = paths or Paths()

    @property
    def figures(self) -> Path:
        return self.paths.reports / "figures" / self.month

    @property
    def texts(self) -> Path:
        return self.paths.reports / self.month

    @cached_property
    def inputs(self) -> dict[str, str]:
        """sha256 of every raw file the figures are made from."""
        files = [p for p in self.paths.raw.rglob("*") if p.is_file() and not p.name.startswith(".")]
        return input_hashes(files, self.paths.root)

    def figure(self, spec: FigureSpec):
        """Export `spec` in this run's language (with its CSV and JSON) and return it for display."""
        record_outputs(export(spec, self.figures, [self.lang], self.inputs))
        return spec.draw(self.lang)

    def summary(self, counts: pd.DataFrame) -> str:
        """Write reports/<month>/summary.<lang>.md and return its text."""
        text = review_summary(counts, self.month, self.lang)
        path = self.texts / f"summary.{self.lang}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        record_outputs([path])
        return text


def record_outputs(files: list[Path]) -> None:
    """List files written in the record `analysis report` gives a notebook run (none elsewhere):
    its manifest then knows every output of the run, checks them and removes them when stale."""
    record = os.environ.get("ANALYSIS_OUTPUTS_RECORD")
    if record:
        with open(record, "a", encoding="utf-8") as out:
            out.writelines(f"{Path(f).resolve()}\n" for f in files)
