"""A month published as `analysis report` publishes it, kept small for the bundle and site tests:
two real figures of the shipped data exported in three languages, the month's summaries and the
data-quality report."""

from __future__ import annotations

import json
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


def stand_in_variants(folder: Path, name: str) -> None:
    """The dark design and the newsletter width of each language, named as the figure files are
    named (`<name>.dark.<lang>.png`, `<name>.newsletter[.dark].<lang>.png`) and listed in the
    JSON's `files`."""
    # STAND-IN until export writes variants: the dark image is the light one inverted, the
    # newsletter width the light one scaled; export will draw both and list them itself.
    from PIL import Image, ImageOps

    meta_path = folder / f"{name}.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["files"] = {}
    for lang in LANGUAGES:
        with Image.open(folder / f"{name}.{lang}.png") as light:
            light = light.convert("RGB")
            dark = ImageOps.invert(light)
            small = (640, round(light.height * 640 / light.width))
            made = {f"{name}.dark.{lang}.png": dark, f"{name}.newsletter.{lang}.png": light.resize(small),
                    f"{name}.newsletter.dark.{lang}.png": dark.resize(small)}
            for file, image in made.items():
                image.save(folder / file, format="png")
        meta["files"][lang] = {"png": f"{name}.{lang}.png", "svg": f"{name}.{lang}.svg", "pdf": f"{name}.{lang}.pdf",
                               "dark.png": f"{name}.dark.{lang}.png", "newsletter.png": f"{name}.newsletter.{lang}.png",
                               "newsletter.dark.png": f"{name}.newsletter.dark.{lang}.png"}
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def publish_month(root: Path, shipped_root: Path, counts, cumulative, incidents) -> Paths:
    """reports/ of a project at `root` holding one published month (MONTH)."""
    paths = Paths(root)
    folder = paths.reports / "figures" / MONTH
    specs = [figures.month_categories(counts, MONTH), figures.groups_stacked(counts, "2024-01", MONTH, MONTH)]
    for spec in specs:
        export(spec, folder, list(LANGUAGES), {})
        stand_in_variants(folder, spec.name)
    for lang in LANGUAGES:
        text = review_summary(counts, MONTH, lang, cumulative, incidents)
        summary = paths.reports / MONTH / f"summary.{lang}.md"
        write_atomic(summary, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    shutil.copy(shipped_root / "reports" / "data_quality.md", paths.quality_md)
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
