"""The static site `reports/site/`: a folder to copy to any web host, every link relative.

- `index.html`: the months, in the three languages;
- `<lang>/index.html`: the months in one language; `<lang>/<month>.html`: the month's summary and
  every figure with its alt text, long description, data table, downloads and embed code;
  `<lang>/quality.html`: the data-quality report (reports/data_quality.json) in that language;
- `figures/<month>/`: a copy of the month's figure folder as published;
- `style.css`: one style sheet, light and dark (`prefers-color-scheme`), readable on a phone.

Pages are Jinja2 templates (`templates/*.html.j2`, every value escaped); every word comes from
domain/translations.csv. The site is written into a staged copy that replaces it in one step, and
only the months asked for are made again: the others are kept as they were.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from .accessibility import reader_table
from .bundles import environment, is_bundle, month_figures, write_bundles
from .config import DATA_LICENCE, LANGUAGES, MONTH, SOURCE_NAME, Paths
from .i18n import capitalised, month_label, t
from .manifest import (
    changed_outputs,
    file_hashes,
    package_hash,
    read_manifest,
    sha,
    why_needed,
    with_outputs,
    write_manifest,
)
from .quality import render_markdown
from .storage import read_csv, staged_dir, write_atomic
from .text import nonbreaking

SITE = "site"
SCREENSHOTS = "_screenshots"  # where the browser test leaves its screenshots; never part of the site
TABLE_ROWS = 100  # rows of a figure's data shown on its page; the CSV has them all
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def site_folder(paths: Paths) -> Path:
    return paths.reports / SITE


def site_months(paths: Paths) -> list[str]:
    """The months the site shows: those with a folder of figures or a summary."""
    figures = paths.reports / "figures"
    found = {p.name for p in figures.iterdir() if p.is_dir()} if figures.is_dir() else set()
    found |= {p.parent.name for p in paths.reports.glob("*/summary.*.md")}
    return sorted(m for m in found if MONTH.match(m))


def markdown(text: str) -> str:
    """Markdown to HTML (CommonMark with tables); raw HTML in the text is escaped, never passed on."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    total: int
    numeric: list[bool]  # per column: numbers, set right-aligned
    latest: bool  # the rows shown are the latest months (the table is longer than TABLE_ROWS)


def site_table(path: Path, figure: str, lang: str) -> Table | None:
    """A figure's CSV as its reader in `lang` reads them, at most TABLE_ROWS rows: of a table by
    month, the latest months; of any other, the first rows."""
    if not path.is_file():
        return None
    frame = read_csv(path, dtype=str, keep_default_na=False)
    latest = "month" in frame.columns and len(frame) > TABLE_ROWS
    shown = reader_table(frame.tail(TABLE_ROWS) if latest else frame.head(TABLE_ROWS), figure, lang)
    return Table(list(shown.columns), shown.values.tolist(), len(frame),
                 [c in shown.attrs["numeric"] for c in shown.columns], latest)


def _variant_label(image, lang: str) -> str:
    words = [t(f"variant_{image.size}", lang)] + ([t("variant_dark", lang)] if image.dark else [])
    return f"{image.format.upper()} · {', '.join(words)}"


def _render(name: str, target: Path, **values) -> Path:
    text = environment().get_template(name).render(**values)
    if target.suffix == ".html":  # a page: no line broken inside a date (the style sheet is not one)
        text = nonbreaking(text)
    write_atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return target


def _common(lang: str, page: str, depth: int) -> dict:
    """What every page needs: its language, the way back to the site's root, the language switch."""
    root = "../" * depth
    return {"lang": lang, "root": root, "languages": LANGUAGE_NAMES, "page": page,
            "source": SOURCE_NAME[lang], "licence": DATA_LICENCE}


def _month_pages(stage: Path, paths: Paths, month: str) -> None:
    figures = stage / "figures" / month
    shutil.rmtree(figures, ignore_errors=True)
    published = paths.reports / "figures" / month
    if published.is_dir():
        # copies, not hard links: a hand edit of either file must not change the other
        shutil.copytree(published, figures, ignore=shutil.ignore_patterns(".*"))
    for lang in LANGUAGES:
        summary = paths.reports / month / f"summary.{lang}.md"
        shown = []
        for figure in month_figures(figures, lang):
            embed = figures / figure.embed
            shown.append({"figure": figure, "table": site_table(figures / figure.csv, figure.kind, lang),
                          "downloads": [(i.file, _variant_label(i, lang)) for i in figure.images],
                          "embed": embed.read_text(encoding="utf-8") if embed.is_file() else None,
                          "zip": figure.zip if (figures / figure.zip).is_file() else None})
        _render("month.html.j2", stage / lang / f"{month}.html", **_common(lang, f"{month}.html", 1),
                month=month, title=capitalised(month_label(month, lang)),
                summary=markdown(summary.read_text(encoding="utf-8")) if summary.is_file() else None,
                figures=shown, prefix=f"../figures/{month}/")


def _month_entries(stage: Path, months: list[str], lang: str) -> list[dict]:
    """The months, newest first, as a list names them (Ноябрь 2024), with their number of figures."""
    entries = []
    for month in reversed(months):
        label = month_label(month, lang)
        entries.append({"month": month, "label": capitalised(label), "href": f"{lang}/{month}.html",
                        "figures": sum(1 for _ in (stage / "figures" / month).glob("*.json"))})
    return entries


def build_site(paths: Paths, months: set[str] | None = None) -> list[Path]:
    """Write reports/site/ for every month there is; make again the pages of `months` only (every
    month when None), keep the others; remove what belongs to months no longer there.

    Returns every file of the site (its screenshots aside)."""
    target = site_folder(paths)
    shown = site_months(paths)
    with staged_dir(target) as stage:
        for folder in (stage / "figures").glob("*") if (stage / "figures").is_dir() else []:
            if folder.name not in shown:
                shutil.rmtree(folder)
        for lang in LANGUAGES:
            for page in (stage / lang).glob("*.html") if (stage / lang).is_dir() else []:
                if MONTH.match(page.stem) and page.stem not in shown:
                    page.unlink()
        for month in shown:
            if months is None or month in months or not (stage / LANGUAGES[0] / f"{month}.html").exists():
                _month_pages(stage, paths, month)
        report = json.loads(paths.quality_json.read_text(encoding="utf-8")) if paths.quality_json.is_file() else None
        for lang in LANGUAGES:
            entries = _month_entries(stage, shown, lang)
            _render("site_index.html.j2", stage / lang / "index.html", **_common(lang, "index.html", 1),
                    months=[{**e, "href": f"{e['month']}.html"} for e in entries])
            _render("site_quality.html.j2", stage / lang / "quality.html", **_common(lang, "quality.html", 1),
                    quality=markdown(render_markdown(report, lang)) if report else None)
        # the entry page is in the languages in the order of the language switch, the state language
        # first: its language, title and first heading are that one's
        order = list(LANGUAGE_NAMES)
        _render("site_root.html.j2", stage / "index.html", **_common(order[0], "index.html", 0),
                sections=[{"lang": lang, "months": _month_entries(stage, shown, lang)} for lang in order])
        _render("site.css.j2", stage / "style.css")
    return site_files(paths)


def site_files(paths: Paths) -> list[Path]:
    target = site_folder(paths)
    if not target.is_dir():
        return []
    return sorted(p for p in target.rglob("*") if p.is_file() and SCREENSHOTS not in p.relative_to(target).parts)


# --- the steps of `analysis report` after the notebooks: bundles, then the site -------------------

def _recorded(manifest: dict, prefix: str, bundles: bool = True) -> dict[str, str]:
    """The outputs the manifest records below `prefix`, with their sha256 (nothing is hashed again)."""
    entries = [manifest.get("clean", {}), *manifest.get("runs", {}).values()]
    entries += list(manifest.get("bundles", {}).values()) if bundles else []
    return {name: digest for entry in entries for name, digest in entry.get("outputs", {}).items()
            if name.startswith(prefix)}


def _key(*parts: object) -> str:
    return sha(package_hash().encode(), *(json.dumps(part, sort_keys=True).encode() for part in parts))


def bundle_step(paths: Paths, manifest: dict, months: list[str], force: bool = False,
                dry_run: bool = False) -> dict[str, str]:
    """Write the embed snippets and zips of each month's figures when the figures changed or the
    snippets and zips are gone or changed; record them in `manifest["bundles"][month]`.

    Returns the months made (or, in a dry run, to be made) with the reason."""
    done = {}
    recorded = manifest.setdefault("bundles", {})
    for month in months:
        folder = paths.reports / "figures" / month
        if not any(folder.glob("*.json")):
            continue
        prefix = f"{folder.relative_to(paths.root).as_posix()}/"
        figures = {name: digest for name, digest in _recorded(manifest, prefix, bundles=False).items()
                   if not is_bundle(name)}
        key = _key(figures)
        why = why_needed(recorded.get(month, {}), key, paths, force)
        if why is None:
            continue
        done[f"bundles {month}"] = why
        if not dry_run:
            recorded[month] = with_outputs({"key": key}, file_hashes(paths, write_bundles(folder)), paths)
    return done


def forget_bundles(manifest: dict, months_with_data: set[str]) -> bool:
    """Drop the record of the bundles of months that no longer have data (their folder is gone);
    True when there was one."""
    bundles = manifest.setdefault("bundles", {})
    gone = [m for m in bundles if m not in months_with_data]
    for month in gone:
        del bundles[month]
    return bool(gone)


def site_step(paths: Paths, manifest: dict, force: bool = False, dry_run: bool = False) -> dict[str, str]:
    """Bring reports/site/ up to date: the pages of the months whose figures, bundles or summaries
    changed, or whose pages are gone or changed, are made again; every other month is kept.
    Recorded in `manifest["site"]`. Returns {"site": why} when it ran (or would), else {}."""
    months = {month: _key(_recorded(manifest, f"reports/figures/{month}/"),
                          _recorded(manifest, f"reports/{month}/summary."))
              for month in site_months(paths)}
    key = _key(months, _recorded(manifest, "reports/data_quality.json"))
    entry = manifest.get("site", {})
    why = why_needed(entry, key, paths, force)
    if why is None or dry_run:
        return {"site": why} if why else {}
    changed = {m for m, k in months.items() if entry.get("months", {}).get(m) != k}
    for name in changed_outputs(paths, entry.get("outputs", {}), entry.get("output_stats")):
        changed |= {part.removesuffix(".html") for part in Path(name).parts if MONTH.match(part.removesuffix(".html"))}
    files = build_site(paths, None if force else changed)
    manifest["site"] = with_outputs({"key": key, "months": months}, file_hashes(paths, files), paths)
    return {"site": why}


def publish_step(paths: Paths, manifest: dict, months: list[str], force: bool = False,
                 dry_run: bool = False) -> dict[str, str]:
    """The bundles of `months`, then the site: {step: why} for each step that ran (or would)."""
    done = bundle_step(paths, manifest, months, force, dry_run)
    site = site_step(paths, manifest, force, dry_run)
    if dry_run and done and not site:  # made, the bundles would change what the site links
        site = {"site": "its bundles would be made again"}
    return done | site


def run_site(paths: Paths) -> dict[str, str]:
    """`analysis site`: the bundles of every month with figures, and the whole site, made again."""
    manifest = read_manifest(paths)
    done = publish_step(paths, manifest, site_months(paths), force=True)
    write_manifest(paths, manifest)
    return done
