"""What an editor takes away with a figure: an embed snippet and a download bundle per language.

For each figure of a month folder (`reports/figures/<month>/<name>.json`) and each language it was
drawn in, `write_bundles` writes beside the figure

- `<name>.<lang>.embed.html`: a `<figure>` to paste into a page: `<picture>` with the dark variant
  for `prefers-color-scheme: dark`, a `srcset` of the widths that exist, the square figure for a
  phone's narrow screen where its text reads larger (`Figure.phone`), the alt text, the caption,
  the long description, the source line (foundation, data-as-of month, licence) and a link to the
  CSV. Every URL is relative: the snippet works wherever the month folder is copied as it is.
- `<name>.<lang>.zip`: the images of that language, the CSV, the JSON and a README in that language
  (what is counted and what is not, the caveats, the licence, a suggested citation). The zip is
  byte-identical when made again from the same files (fixed timestamps, sorted entries).

The image files of a figure are those its JSON lists under `files` ({lang: {variant: file}}); a
JSON without `files` has the default `<name>.<lang>.{png,svg,pdf}`. Variants are read from the
file names (`<name>[.<size>][.dark].<lang>.<ext>`), so any variant may be absent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from . import taxonomy, variants
from .config import DATA_LICENCE, DATA_LICENCE_URL, LANGUAGES, SOURCE_NAME, SOURCE_URL
from .domain_data import read_domain
from .i18n import month_label, plural, t
from .storage import read_csv, write_atomic, write_zip
from .text import nonbreaking
from .variants import variant_of

SIZES = tuple(size for size in variants.SIZES if size != "default")
FORMATS = ("png", "svg", "pdf")
EMBED_SUFFIX = ".embed.html"
ZIP_SUFFIX = ".zip"
# The figures in the order an editor reads them (the monthly review first); others follow by name.
ORDER = ("month_categories", "ytd_comparison", "groups_stacked", "false_information_trend", "trend_",
         "category_heatmap", "legal_claims_by_type", "incidents_by_region", "amounts_by_category",
         "cases_timeline", "cases_outcomes", "cases_active")


@dataclass(frozen=True)
class Image:
    file: str  # the file name, in the figure's folder
    size: str  # "default" or one of SIZES
    dark: bool
    format: str  # png, svg or pdf
    width: int | None = None  # pixels (PNG only)
    height: int | None = None


@dataclass(frozen=True)
class Figure:
    """One figure of a month folder in one language, as its JSON describes it."""

    name: str
    lang: str
    month: str  # the data-as-of month: the month folder the figure was published in
    title: str
    caption: str
    alt_text: str
    long_description: str  # the alt text where the JSON has no long description
    images: tuple[Image, ...]
    csv: str
    json: str
    articles: tuple[str, ...] = ()  # the legal articles a figure of cases is drawn for
    kind: str = ""  # the name its figure function gave it (`figures.FigureSpec.kind`); its name when not told

    def image(self, size: str = "default", dark: bool = False, fmt: str = "png") -> Image | None:
        return next((i for i in self.images if (i.size, i.dark, i.format) == (size, dark, fmt)), None)

    def srcset(self, dark: bool, prefix: str = "") -> str:
        """The PNGs of one design (light or dark) that keep the default layout, with their widths:
        the default and the newsletter width. Social and square are other crops, offered as downloads."""
        found = [self.image(size, dark) for size in ("default", "newsletter")]
        return ", ".join(f"{prefix}{i.file} {i.width}w" for i in found if i is not None and i.width)

    def phone(self) -> tuple[Image | None, Image | None]:
        """The light and dark PNGs a phone's narrow screen shows instead of the default ones
        (`variants.PHONE`, when its text reads larger there): (None, None) when there are none, or
        when the default figure has a dark design and the phone's size has none (a phone in the
        dark would otherwise be shown the light one)."""
        default, light = self.image(), self.image(variants.PHONE)
        if default is None or light is None or not (default.width and default.height and light.width):
            return None, None
        if not variants.reads_larger(variants.PHONE, (default.width, default.height)):
            return None, None
        dark = self.image(variants.PHONE, dark=True)
        if self.image(dark=True) is not None and (dark is None or not dark.width):
            return None, None
        return light, dark

    @property
    def embed(self) -> str:
        return f"{self.name}.{self.lang}{EMBED_SUFFIX}"

    @property
    def zip(self) -> str:
        return f"{self.name}.{self.lang}{ZIP_SUFFIX}"


def _png_size(path: Path) -> tuple[int, int] | tuple[None, None]:
    from PIL import Image as PILImage

    try:
        with PILImage.open(path) as image:  # reads the header only
            return image.size
    except OSError:
        return None, None


def read_figure(meta_path: Path, lang: str) -> Figure | None:
    """The figure a JSON describes, in `lang`; None when it has no image in that language."""
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    name, folder = meta.get("name", meta_path.stem), meta_path.parent
    listed = meta.get("files", {}).get(lang)
    files = sorted(set(listed.values())) if isinstance(listed, dict) else [f"{name}.{lang}.{fmt}" for fmt in FORMATS]
    images = []
    for file in files:
        variant = variant_of(name, lang, file)
        if variant is None or not (folder / file).is_file():
            continue
        width, height = _png_size(folder / file) if variant[2] == "png" else (None, None)
        images.append(Image(file, *variant, width=width, height=height))
    images.sort(key=lambda i: (("default", *SIZES).index(i.size), i.dark, FORMATS.index(i.format)))
    if not any(i.size == "default" and not i.dark and i.format == "png" for i in images):
        return None

    def text(key: str) -> str:
        return (meta.get(key) or {}).get(lang, "")

    return Figure(name=name, lang=lang, month=folder.name, title=text("title"), caption=text("caption"),
                  alt_text=text("alt_text"), long_description=text("long_description") or text("alt_text"),
                  images=tuple(images), csv=meta.get("data", f"{name}.csv"), json=meta_path.name,
                  articles=tuple(str(a) for a in (meta.get("parameters") or {}).get("articles", [])),
                  kind=meta.get("kind") or name)


def _rank(name: str) -> tuple[int, str]:
    for i, prefix in enumerate(ORDER):
        if name == prefix or (prefix.endswith("_") and name.startswith(prefix)) or name.startswith(prefix + "_"):
            return i, name
    return len(ORDER), name


def month_figures(folder: Path, lang: str) -> list[Figure]:
    """Every figure of a month folder that has an image in `lang`, in reading order."""
    if not folder.is_dir():
        return []
    found = (read_figure(path, lang) for path in folder.glob("*.json"))
    return sorted((f for f in found if f is not None), key=lambda f: (*_rank(f.kind), f.name))


# --- the words ------------------------------------------------------------------------------------

def source_line(month: str, lang: str) -> str:
    """Source: the foundation. Data as of <month>. Licence: CC BY 4.0."""
    return t("embed_source", lang, source=SOURCE_NAME[lang], month=month_label(month, lang), licence=DATA_LICENCE)


def citation(figure: Figure) -> str:
    return t("bundle_citation", figure.lang, source=SOURCE_NAME[figure.lang], title=figure.title,
             month=month_label(figure.month, figure.lang), licence=DATA_LICENCE, url=SOURCE_URL)


@cache
def _taxonomy() -> tuple[dict, dict]:
    return ({row["code"]: row for row in taxonomy.categories().to_dict("records")},
            {row["code"]: row for row in read_domain("groups.csv").to_dict("records")})


def _named(figure: Figure, data: pd.DataFrame | None) -> set[str]:
    """The group and category codes a figure's data names: in its header, in its group, category
    or code column, through the legal articles or types it is drawn for, or in its name."""
    categories, _ = _taxonomy()
    names = set() if data is None else set(data.columns)
    for column in ("group", "category", "code"):
        if data is not None and column in data.columns:
            names |= set(data[column].dropna())
    articles = set(figure.articles)
    if data is not None and "article" in data.columns:
        articles |= set(data["article"].dropna())
    for code, row in categories.items():
        of_type = row["legal_type"] in names and not row["parent"] and row["in_group_total"]
        if row["legal_article"] in articles or of_type:
            names.add(code)
        if "false_information" in figure.kind and row["false_information"]:
            names.add(code)
    if figure.kind.startswith("trend_"):
        names.add(figure.kind.removeprefix("trend_"))
    return names


def counted(figure: Figure, folder: Path) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """What the figure counts, from the taxonomy: (group label, category labels) for every group
    or category its data names, or every current group as a whole when it names none (the named
    incidents of every category); and the categories of those groups that the reviews state apart
    from the group totals (not counted in them)."""
    categories, groups = _taxonomy()
    data = read_csv(folder / figure.csv, dtype=str) if (folder / figure.csv).is_file() else None
    names = _named(figure, data)
    lang = figure.lang
    named = names & categories.keys()
    found = [g for g in groups if g in names or any(categories[c]["group"] == g for c in named)]
    found = found or [g for g, row in groups.items() if row["kind"] == "current"]
    listed = [(groups[group][f"label_{lang}"],
               [row[f"label_{lang}"] for code, row in categories.items() if row["group"] == group and code in names])
              for group in found]
    apart = [row[f"label_{lang}"] for row in categories.values()
             if row["group"] in found and not row["in_group_total"] and row["parent"] == ""]
    return listed, apart


CAVEATS = ("bundle_caveat_examples", "bundle_caveat_coding", "bundle_caveat_missing", "bundle_caveat_labels")


# --- writing --------------------------------------------------------------------------------------

@cache
def environment():
    """The Jinja2 templates of the package, every value escaped unless marked safe."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("analysis", "templates"),
                      autoescape=lambda name: not (name or "").endswith(".md.j2"),  # Markdown is text
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(t=t, plural=plural, month_label=month_label, source_line=source_line, licence=DATA_LICENCE,
                       licence_url=DATA_LICENCE_URL)
    return env


def embed_html(figure: Figure, prefix: str = "") -> str:
    """The embed snippet; `prefix` is put before every file name (the site uses it)."""
    return nonbreaking(environment().get_template("embed.html.j2").render(figure=figure, prefix=prefix))


def readme(figure: Figure, folder: Path) -> str:
    groups, apart = counted(figure, folder)
    return environment().get_template("bundle_readme.md.j2").render(
        figure=figure, groups=groups, apart=apart, caveats=CAVEATS, citation=citation(figure),
        source=SOURCE_NAME[figure.lang], files=sorted([i.file for i in figure.images] + [figure.csv, figure.json]))


def write_bundles(folder: Path) -> list[Path]:
    """Write the embed snippet and the zip of every figure in `folder`, in each language it has;
    remove the snippets and zips of figures no longer there. Returns the files written."""
    written = []
    for lang in LANGUAGES:
        for figure in month_figures(folder, lang):
            embed = folder / figure.embed
            write_atomic(embed, lambda tmp, f=figure: tmp.write_text(embed_html(f), encoding="utf-8"))
            files = [i.file for i in figure.images] + [figure.csv, figure.json]
            members = [(f, (folder / f).read_bytes()) for f in files if (folder / f).is_file()]
            members.append(("README.md", readme(figure, folder).encode("utf-8")))
            write_zip(folder / figure.zip, members)
            written += [embed, folder / figure.zip]
    keep = set(written)
    for old in [*folder.glob(f"*{EMBED_SUFFIX}"), *folder.glob(f"*{ZIP_SUFFIX}")]:
        if old not in keep:
            old.unlink()
    return written


def is_bundle(path: str) -> bool:
    return path.endswith(EMBED_SUFFIX) or path.endswith(ZIP_SUFFIX)
