"""What the notebooks call to show figures and texts, and to put them where editors find them.

A notebook run by hand writes to a scratch folder, `reports/scratch/`, and leaves the published
outputs alone. Only the publishing run (`analysis report`, which passes `publish=True`) writes to
`reports/figures/<month>/` and `reports/<month>/`.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

import pandas as pd

from .accessibility import FigureView, data_table_html
from .config import Paths
from .errors import expect_language, expect_month, expect_month_with_data
from .figures import FigureSpec, export, input_hashes
from .i18n import t
from .load import load_incidents, load_rejected_by_month
from .log_review import log_review
from .storage import write_atomic
from .summary import review_summary
from .trends import published
from .variants import parse_variants

SCRATCH = "scratch"


class Publication:
    """Outputs of one notebook run in one language: figures, their data, the summary, the narration."""

    def __init__(self, month: str, lang: str, publish: bool = False, paths: Paths | None = None,
                 variants: str | list[str] = "default") -> None:
        self.month = expect_month(month)
        self.lang = expect_language(lang)
        self.publish = bool(publish)
        self.variants = parse_variants(variants, "variants")  # of every figure: light and dark, the sizes
        self.paths = paths or Paths()
        self.figures_made: list[FigureSpec] = []  # this run's figures, in order: the review draft shows them
        self.from_log = False  # set by `summary`: no review of the month was read, its counts are the log's

    @property
    def base(self) -> Path:
        """reports/ for the publishing run, reports/scratch/ for any other."""
        return self.paths.reports if self.publish else self.paths.reports / SCRATCH

    @property
    def figures(self) -> Path:
        return self.base / "figures" / self.month

    @property
    def texts(self) -> Path:
        return self.base / self.month

    @cached_property
    def inputs(self) -> dict[str, str]:
        """sha256 of every raw file the figures are made from."""
        return input_hashes(self.paths.raw_files(), self.paths.root)

    def figure(self, spec: FigureSpec) -> FigureView:
        """Export `spec` in this run's language and variants (with its CSV and JSON) and return it
        for display: the image, its alt text, its data as a table for the HTML copy, and its caption."""
        previews: dict[str, bytes] = {}
        record_outputs(export(spec, self.figures, [self.lang], self.inputs, self.variants, previews))
        self.figures_made.append(spec)
        texts = spec.texts(self.lang)
        return FigureView(previews[self.lang], texts["alt_text"], data_table_html(spec.data, spec.kind, self.lang),
                          texts["caption"])

    def summary(self, counts: pd.DataFrame, cumulative: pd.DataFrame | None = None,
                incidents: pd.DataFrame | None = None) -> str:
        """Write <base>/<month>/summary.<lang>.md and return its text.

        `cumulative`: the reviews' own year-to-date figures, used where they state exactly the
        period. A month without published counts gets the opening built from its incident log,
        labelled as a lower bound.
        """
        logged = incidents if incidents is not None else load_incidents(self.paths)
        # a month without counts or a log is refused, as `analysis report --month` refuses it
        expect_month_with_data(self.month, sorted(set(counts["month"]) | set(logged["report_month"])))
        self.from_log = not (published(counts)["month"] == self.month).any()
        if self.from_log:
            text = log_review(counts, logged, self.month, self.lang)
        else:
            text = review_summary(counts, self.month, self.lang, cumulative, logged)
        text = with_rejections(text, load_rejected_by_month(self.paths).get(self.month, 0), self.lang)
        path = self.texts / f"summary.{self.lang}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        record_outputs([path])
        return text

    def review_draft(self, summary: str, incidents: pd.DataFrame | None = None) -> str:
        """Write <base>/<month>/review_draft.<lang>.md and .docx: the title, the opening counts
        (`summary`, as `summary` made them), the key events of the month's incident log, and this
        run's figures so far. Returns the Markdown."""
        from . import draft

        logged = incidents if incidents is not None else load_incidents(self.paths)
        figures = []
        for spec in self.figures_made:
            if spec.data.empty:  # a notice that there is nothing to draw: not a figure for the review
                continue
            texts = spec.texts(self.lang)
            figures.append(draft.DraftFigure(self.figures / f"{spec.name}.{self.lang}.png", texts["title"],
                                             texts["caption"], texts["alt_text"]))
        made = draft.Draft(self.month, self.lang, draft.title(self.month, self.lang), summary,
                           draft.sections(logged, self.month, self.lang), figures, from_log=self.from_log)
        text = draft.to_markdown(made, self.texts)
        markdown, word = self.texts / f"review_draft.{self.lang}.md", self.texts / f"review_draft.{self.lang}.docx"
        markdown.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(markdown, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        write_atomic(word, lambda tmp: draft.write_docx(made, tmp))
        record_outputs([markdown, word])
        return text

    def say(self, key: str, **values: object):
        """The narration `key` (domain/translations.csv) in this run's language, shown as Markdown."""
        from IPython.display import Markdown

        return Markdown(t(key, self.lang, **values))


def with_rejections(summary: str, rejected: int, lang: str) -> str:
    """The summary with a line under its heading when rows of the month's files were rejected:
    its counts leave them out, and a reader must not take them for the whole month."""
    if not rejected:
        return summary
    heading, _, rest = summary.partition("\n")
    return f"{heading}\n\n{t('summary_rejected', lang, n=rejected)}\n{rest}"


def record_outputs(files: list[Path]) -> None:
    """List files written in the record `analysis report` gives a notebook run (none elsewhere):
    its manifest then knows every output of the run, checks them and removes them when stale."""
    record = os.environ.get("ANALYSIS_OUTPUTS_RECORD")
    if record:
        with open(record, "a", encoding="utf-8") as out:
            out.writelines(f"{Path(f).resolve()}\n" for f in files)
