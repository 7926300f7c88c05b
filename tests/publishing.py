"""A month published as `analysis report` publishes it, kept small for the bundle and site tests:
two real figures of the shipped data exported in three languages, the month's summaries and the
data-quality report."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

from analysis import figures
from analysis.config import LANGUAGES, Paths
from analysis.figures import export
from analysis.storage import write_atomic
from analysis.summary import review_summary

MONTH = "2024-11"
NAMES = ("month_categories", "groups_stacked")
# what the site and snippets offer: light and dark, two widths; and the square a phone is shown, which
# the first figure has and the second has not (a phone is then shown its newsletter width)
VARIANTS = {"month_categories": ("default", "dark", "square", "newsletter"),
            "groups_stacked": ("default", "dark", "newsletter")}


def publish_month(root: Path, shipped_root: Path, counts, cumulative, incidents) -> Paths:
    """reports/ of a project at `root` holding one published month (MONTH)."""
    paths = Paths(root)
    folder = paths.reports / "figures" / MONTH
    specs = [figures.month_categories(counts, MONTH), figures.groups_stacked(counts, "2024-01", MONTH, MONTH)]
    for spec in specs:
        export(spec, folder, list(LANGUAGES), {}, chosen=VARIANTS[spec.name])
    for lang in LANGUAGES:
        text = review_summary(counts, MONTH, lang, cumulative, incidents)
        summary = paths.reports / MONTH / f"summary.{lang}.md"
        write_atomic(summary, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    for report in (paths.quality_md, paths.quality_json):
        shutil.copy(shipped_root / report.relative_to(paths.root), report)
    return paths


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.found.append(value)
            elif value and name == "srcset":
                self.found += [part.split()[0] for part in value.split(",")]


def links(html: str) -> list[str]:
    """Every URL a page refers to: href, src and each srcset candidate."""
    parser = _Links()
    parser.feed(html)
    return parser.found
