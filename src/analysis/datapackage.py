"""The tables of a data release and their Frictionless Data Package (v2) descriptor and README.

What each table and column is comes from two domain tables, `release_tables.csv` and
`release_fields.csv`; the category and group codes, with their labels in the three languages, from
the taxonomy. A processed column that the domain tables do not describe stops the release.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

from .config import (
    ALL_GROUPS,
    DATA_LICENCE,
    DATA_LICENCE_URL,
    DOMAIN_DIR,
    LANGUAGES,
    OTHER_UNSPECIFIED,
    SOURCE_NAME,
    SOURCE_URL,
    TOTAL,
    Paths,
)
from .domain_data import read_domain
from .i18n import t
from .storage import read_csv
from .taxonomy import category_codes, category_label, group_codes, legacy_group_codes

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
PACKAGE_NAME = "adilsoz-freedom-of-expression"
RELEASE_COLUMNS = ("first_released", "last_revised")  # added to every table with a primary key
KEY_SEPARATOR = "|"
DATA_DIR = "data"


class ReleaseError(ValueError):
    """A release that cannot be made: the message says why, and nothing was written."""


@cache
def table_specs() -> pd.DataFrame:
    """One row a table of the release, in the order of the package: title, keys, description."""
    return read_domain("release_tables.csv").set_index("table", drop=False)


@cache
def field_specs() -> pd.DataFrame:
    """One row a column: table, field, type, constraints, codes and description."""
    return read_domain("release_fields.csv")


def primary_key(table: str) -> list[str]:
    key = table_specs().loc[table, "primary_key"]
    return key.split(KEY_SEPARATOR) if key else []


def stamped_tables() -> list[str]:
    """The tables whose rows carry `first_released` and `last_revised`: those with a primary key."""
    return [name for name in table_specs()["table"] if primary_key(name) and name != "revisions"]


def fields(table: str) -> list[str]:
    specs = field_specs()
    return specs.loc[specs["table"] == table, "field"].tolist()


def _processed(paths: Paths, table: str) -> pd.DataFrame:
    if table == "rejected":
        path = paths.rejected
        if not path.exists():
            raise ReleaseError(f"{path} does not exist: run `analysis clean` first")
        return read_csv(path, dtype=str, keep_default_na=False)
    path = paths.processed / f"{table}.parquet"
    if not path.exists():
        raise ReleaseError(f"{path} does not exist: run `analysis clean` first")
    return pd.read_parquet(path)


def processed_tables(paths: Paths) -> dict[str, pd.DataFrame]:
    """The processed tables a release holds, columns in the documented order, rows in key order.

    A column the cleaning writes and `release_fields.csv` does not describe, or the reverse, stops
    the release with a ReleaseError naming it.
    """
    tables = {}
    for table in table_specs()["table"]:
        if table == "revisions":
            continue
        frame = _processed(paths, table)
        documented = fields(table)
        undocumented = [c for c in frame.columns if c not in documented]
        missing = [c for c in documented if c not in frame.columns]
        if undocumented or missing:
            raise ReleaseError(f"src/analysis/domain/release_fields.csv: table {table}: "
                               + (f"columns not described: {', '.join(undocumented)}" if undocumented else "")
                               + ("; " if undocumented and missing else "")
                               + (f"columns described but not in the data: {', '.join(missing)}" if missing else "")
                               + "; describe every column of the processed table")
        frame = frame[documented]
        key = primary_key(table) or documented
        tables[table] = frame.sort_values(key, key=lambda s: s.astype("string"), kind="stable").reset_index(drop=True)
    return tables


# --- codes and labels -----------------------------------------------------------------------------

def _label(code: str, lang: str) -> str:
    return t("release_group_all", lang) if code == ALL_GROUPS else category_label(code, lang)


def codes(kind: str) -> list[str]:
    """The values a coded column takes: `category`, `category_or_aggregate`, `group`, `group_or_all`."""
    return {"category": category_codes(),
            "category_or_aggregate": [*category_codes(), TOTAL, OTHER_UNSPECIFIED],
            "group": [*group_codes(), *legacy_group_codes()],
            "group_or_all": [*group_codes(), *legacy_group_codes(), ALL_GROUPS]}[kind]


def categories(kind: str) -> list[dict]:
    """Table Schema v2 `categories`: each code with its English label and its labels in kk, ru and en."""
    return [{"value": code, "label": _label(code, "en"), "labels": {lang: _label(code, lang) for lang in LANGUAGES}}
            for code in codes(kind)]


# --- the descriptor -------------------------------------------------------------------------------

def _field(spec: pd.Series) -> dict:
    field: dict = {"name": spec["field"], "type": spec["type"], "description": spec["description"]}
    constraints: dict = {}
    if spec["required"] == "true":
        constraints["required"] = True
    if spec["minimum"]:
        constraints["minimum"] = int(spec["minimum"])
    if spec["pattern"]:
        constraints["pattern"] = spec["pattern"].strip("^$")  # Table Schema patterns match the whole value
    if spec["codes"]:
        field["categories"] = categories(spec["codes"])
        constraints["enum"] = codes(spec["codes"])
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: str) -> dict:
    """The Table Schema of one table: its fields with types and constraints, its primary and foreign keys."""
    specs = field_specs()
    rows = [row for _, row in specs[specs["table"] == table].iterrows()]
    if table in stamped_tables():
        rows += [row for _, row in specs[specs["table"] == "_release"].iterrows()]
    schema: dict = {"$schema": SCHEMA_PROFILE, "fields": [_field(row) for row in rows]}
    if primary_key(table):
        schema["primaryKey"] = primary_key(table)
    foreign = table_specs().loc[table, "foreign_keys"]
    if foreign:
        schema["foreignKeys"] = []
        for link in foreign.split(KEY_SEPARATOR):
            column, target = link.split("->")
            resource, target_column = target.split(".")
            schema["foreignKeys"].append({"fields": [column],
                                          "reference": {"resource": resource, "fields": [target_column]}})
    return schema


def resource(table: str) -> dict:
    spec = table_specs().loc[table]
    path = f"{table}.csv" if table == "revisions" else f"{DATA_DIR}/{table}.csv"  # revisions.csv at the top
    return {"$schema": RESOURCE_PROFILE, "name": table, "type": "table", "path": path,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "title": spec["title"],
            "description": spec["description"], "schema": table_schema(table)}


def sources(review_pages: list[str]) -> list[dict]:
    """The foundation, then every review page a figure is read from."""
    return [{"title": SOURCE_NAME["en"], "path": SOURCE_URL},
            *({"title": t("release_source_page", "en"), "path": url} for url in review_pages)]


def descriptor(version: str, previous: str | None, created: str, coverage: tuple[str, str],
               review_pages: list[str], code_version: str) -> dict:
    """The datapackage.json of a release (Frictionless Data Package v2)."""
    return {
        "$schema": PROFILE,
        "name": PACKAGE_NAME,
        "title": t("release_title", "en"),
        "description": t("release_description", "en"),
        "version": version,
        "created": created,
        "homepage": SOURCE_URL,
        "keywords": ["freedom of expression", "media freedom", "Kazakhstan", "journalists", "Adil Soz"],
        "licenses": [{"name": "CC-BY-4.0", "path": DATA_LICENCE_URL, "title": DATA_LICENCE}],
        "contributors": [{"title": SOURCE_NAME["en"], "path": SOURCE_URL, "roles": ["creator"]}],
        "sources": sources(review_pages),
        # custom properties (Data Package v2 allows them): what a citation names
        "temporal": {"start": coverage[0], "end": coverage[1]},
        "previousVersion": previous,
        "codeVersion": code_version,
        "citation": citation(version, created[:10], "en"),
        "resources": [resource(table) for table in table_specs()["table"]],
    }


def citation(version: str, day: str, lang: str) -> str:
    return t("release_citation", lang, source=SOURCE_NAME[lang], year=day[:4], version=version,
             licence=DATA_LICENCE, url=SOURCE_URL)


# --- validation -----------------------------------------------------------------------------------

def validate(folder: Path, shown: int = 10) -> list[str]:
    """Every problem the frictionless library finds in the package at `folder`, one line each."""
    from frictionless import Package

    report = Package(str(folder / "datapackage.json")).validate()
    if report.valid:
        return []
    problems = [f"datapackage.json: {error.message}" for error in report.errors]
    fields = {res["name"]: [f["name"] for f in res["schema"]["fields"]] for res in
              json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            where = f"{task.name}.csv" + (f": line {row}" if row else "") + (f": column {field}" if field else "")
            problems.append(f"{where}: {error.note or error.message}{_origin(error, fields.get(task.name, []))}")
    return problems[:shown] + ([f"... and {len(problems) - shown} more"] if len(problems) > shown else [])


def _origin(error, names: list[str]) -> str:
    """Where a row of a table that records it was read from: " (read from <file>, line <n>)"."""
    cells = getattr(error, "cells", None) or []
    if "source_file" not in names or "source_line" not in names:
        return ""
    at = {name: cells[i] for i, name in enumerate(names) if i < len(cells)}
    return f" (read from {at['source_file']}, line {at['source_line']})" if at.get("source_file") else ""


# --- the README -----------------------------------------------------------------------------------

def readme(package: dict) -> str:
    """The release's README.md, written from its datapackage.json."""
    lines = [f"# {package['title']}, version {package['version']}", "", package["description"], "",
             f"- **Version:** {package['version']} (created {package['created']}"
             + (f"; previous release {package['previousVersion']})" if package["previousVersion"] else ")"),
             f"- **Coverage:** {package['temporal']['start']} to {package['temporal']['end']}",
             f"- **Licence:** [{DATA_LICENCE}]({DATA_LICENCE_URL}); credit {SOURCE_NAME['en']} as the source",
             f"- **Source:** {SOURCE_NAME['en']}, <{SOURCE_URL}>, monthly reviews "
             f"({len(package['sources']) - 1} pages, listed in `datapackage.json`)",
             f"- **Code:** {package['codeVersion']}", "",
             "## How to cite", "", package["citation"], "",
             (DOMAIN_DIR / "release_readme.md").read_text(encoding="utf-8"),
             "## Tables", ""]
    for res in package["resources"]:
        schema = res["schema"]
        lines += [f"### `{res['path']}`: {res['title']}", "", res["description"], ""]
        if "primaryKey" in schema:
            lines.append(f"Primary key: {', '.join(f'`{c}`' for c in schema['primaryKey'])}.")
        for link in schema.get("foreignKeys", []):
            lines.append(f"`{link['fields'][0]}` refers to `{link['reference']['resource']}."
                         f"{link['reference']['fields'][0]}`.")
        lines += ["", "| column | type | required | description |", "|---|---|---|---|"]
        for field in schema["fields"]:
            required = "yes" if field.get("constraints", {}).get("required") else ""
            coded = " Codes and their labels in kk, ru and en: `categories` in datapackage.json." \
                if "categories" in field else ""
            lines.append(f"| `{field['name']}` | {field['type']} | {required} | "
                         f"{field['description'].replace('|', '/')}{coded} |")
        lines.append("")
    return "\n".join(lines)
