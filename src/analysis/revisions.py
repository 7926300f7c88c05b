"""What changed between two releases: the revisions table, the version it calls for, and the stamps.

Every table is compared as the text of its CSV, row by row on its primary key: a row only in the new
release is `added`, only in the old one `removed`, and each value that differs is `revised`. The
category codes are compared through the `categories` of the descriptors (`code_added`,
`code_removed`, `code_renamed`: a code gone and one new with the same English label), and every
label the reviews wrote through the category it is read as (`label_remapped`).

The version is semantic: major for a change of schema or of the category codes, minor for a new
month, patch for any other change; no change, no release.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .datapackage import KEY_SEPARATOR, RELEASE_COLUMNS, ReleaseError, primary_key, stamped_tables, table_specs

COLUMNS = ["release", "previous_release", "table", "change", "key", "month", "group", "category", "unit", "field",
           "old_value", "new_value", "reason"]
VALUE_FIELDS = {"monthly_counts": "count", "published_cumulative": "value"}  # the figures of the notes
FIRST_VERSION = "1.0.0"
# Where in its raw file a row was read: it moves when rows are added above it, which revises nothing.
POSITION_FIELDS = ("source_line",)


@dataclass
class Release:
    """A release as read from its folder: version, descriptor and every table as text."""

    version: str
    descriptor: dict
    tables: dict[str, pd.DataFrame]


def read_text(path: Path) -> pd.DataFrame:
    """A CSV exactly as written: every cell the text of the file (an empty cell is '')."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def read_release(folder: Path) -> Release:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables = {res["name"]: read_text(folder / res["path"]) for res in descriptor["resources"]}
    return Release(descriptor["version"], descriptor, tables)


def parse_version(text: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


@dataclass
class Changes:
    """The difference of a candidate from the previous release."""

    rows: pd.DataFrame  # the revisions (without release and previous_release)
    new_months: list[str] = field(default_factory=list)
    schema: list[tuple[str, str, str]] = field(default_factory=list)  # what changed in the tables' schemas
    removed_months: list[str] = field(default_factory=list)  # months the previous release had, no longer in the data

    @property
    def codes_changed(self) -> bool:
        return bool(self.rows["change"].str.startswith("code_").any())

    def level(self) -> str | None:
        """`major`, `minor`, `patch`, or None when nothing changed."""
        if self.schema or self.codes_changed:
            return "major"
        if self.new_months:
            return "minor"
        return None if self.rows.empty else "patch"


def next_version(previous: str | None, changes: Changes | None) -> str | None:
    """The version of a release after `previous` with `changes`; 1.0.0 for the first; None for no change."""
    if previous is None:
        return FIRST_VERSION
    level = changes.level() if changes else None
    if level is None:
        return None
    major, minor, patch = parse_version(previous)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0",
            "patch": f"{major}.{minor}.{patch + 1}"}[level]


def _keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row's key: its values of `columns` joined by KEY_SEPARATOR (column by column, not row by row)."""
    if not len(frame):
        return pd.Series([], dtype=str)
    texts = [frame[c].astype(str) for c in columns]
    return texts[0].str.cat(texts[1:], sep=KEY_SEPARATOR).rename(None)


def _context(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """month, group, category and unit of each row, where the table has them; the note as the reason."""
    month = table_specs().loc[table, "month_column"]
    out = pd.DataFrame(index=frame.index)
    for name, column in (("month", month), ("group", "group"), ("category", "category"), ("unit", "unit"),
                         ("reason", "note")):
        out[name] = frame[column] if column and column in frame else ""
    if "source" in frame:  # the note of a count from the logs says what it counts, not why it changed
        out["reason"] = out["reason"].where(frame["source"] != "incident_log", "")
    return out


def _table_changes(table: str, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    old = old.drop(columns=[c for c in RELEASE_COLUMNS if c in old])
    key_columns = primary_key(table) or [c for c in new.columns if c in old.columns]
    old_keys, new_keys = _keys(old, key_columns), _keys(new, key_columns)
    for keys, which in ((new_keys, "this release"), (old_keys, "the previous release")):
        if primary_key(table) and keys.duplicated().any():
            raise ReleaseError(f"{table}: the primary key ({', '.join(key_columns)}) is not unique in {which}: "
                               f"{keys[keys.duplicated()].iloc[0]!r}; the release is not written")
    parts = []
    added = new[~new_keys.isin(set(old_keys))]
    removed = old[~old_keys.isin(set(new_keys))]
    for change, rows, keys in (("added", added, new_keys), ("removed", removed, old_keys)):
        if len(rows):
            parts.append(_context(rows, table).assign(change=change, key=keys[rows.index], field="",
                                                      old_value="", new_value=""))
    if primary_key(table):
        common = [c for c in new.columns if c in old.columns and c not in key_columns and c not in POSITION_FIELDS]
        before = old.set_index(old_keys)
        after = new.set_index(new_keys)
        shared = after.index.intersection(before.index)
        a, b = after.loc[shared, common], before.loc[shared, common]
        differs = a.ne(b)
        if differs.to_numpy().any():
            stacked = differs.stack()
            cells = stacked[stacked].index  # (key, column) of every value that changed
            context = _context(after.loc[shared], table)
            revised = pd.DataFrame({
                "change": "revised", "key": cells.get_level_values(0), "field": cells.get_level_values(1),
                "old_value": [b.at[k, c] for k, c in cells], "new_value": [a.at[k, c] for k, c in cells]})
            revised = pd.concat([revised, context.loc[revised["key"]].reset_index(drop=True)], axis=1)
            parts.append(revised)
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True).assign(table=table)


def _codes(descriptor: dict) -> dict[str, str]:
    """The category codes of the monthly counts, each with its English label."""
    for res in descriptor["resources"]:
        if res["name"] == "monthly_counts":
            for fld in res["schema"]["fields"]:
                if fld["name"] == "category":
                    return {c["value"]: c.get("label", "") for c in fld.get("categories", [])}
    return {}


def _code_changes(old: dict, new: dict) -> pd.DataFrame:
    gone = {code: label for code, label in _codes(old).items() if code not in _codes(new)}
    fresh = {code: label for code, label in _codes(new).items() if code not in _codes(old)}
    rows = []
    for code, label in list(gone.items()):
        renamed = [c for c, lbl in fresh.items() if lbl == label]
        if renamed:
            rows.append({"change": "code_renamed", "key": renamed[0], "category": renamed[0],
                         "old_value": code, "new_value": renamed[0]})
            del gone[code], fresh[renamed[0]]
    rows += [{"change": "code_removed", "key": code, "category": code, "old_value": code} for code in gone]
    rows += [{"change": "code_added", "key": code, "category": code, "new_value": code} for code in fresh]
    return pd.DataFrame(rows).assign(table="taxonomy") if rows else pd.DataFrame(columns=COLUMNS)


def _label_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Every label the reviews wrote that is read as another category than before."""
    def mapping(frame: pd.DataFrame) -> pd.Series:
        written = frame[frame["label_as_written"] != ""]
        return written.groupby("label_as_written")["category"].agg(lambda s: KEY_SEPARATOR.join(sorted(set(s))))

    before, after = mapping(old), mapping(new)
    shared = before.index.intersection(after.index)
    moved = shared[before[shared].to_numpy() != after[shared].to_numpy()]
    if not len(moved):
        return pd.DataFrame(columns=COLUMNS)
    return pd.DataFrame({"table": "monthly_counts", "change": "label_remapped", "key": moved,
                         "field": "category", "old_value": before[moved].to_numpy(),
                         "new_value": after[moved].to_numpy()})


def _schema(descriptor: dict) -> dict[str, tuple]:
    return {res["name"]: (tuple((f["name"], f["type"]) for f in res["schema"]["fields"]
                                if f["name"] not in RELEASE_COLUMNS),
                          tuple(res["schema"].get("primaryKey", [])))
            for res in descriptor["resources"] if res["name"] != "revisions"}


def schema_changes(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(what, table, columns) for each table added or removed, and for each table whose columns,
    types or primary key changed: `columns_added`, `columns_removed` (their names, ", "-joined),
    `changed` (types or key)."""
    before, after = _schema(old), _schema(new)
    changed = [("table_added", name, "") for name in after if name not in before]
    changed += [("table_removed", name, "") for name in before if name not in after]
    for name in after:
        if name not in before or after[name] == before[name]:
            continue
        was, now = dict(before[name][0]), dict(after[name][0])
        added, removed = [c for c in now if c not in was], [c for c in was if c not in now]
        changed += [("columns_added", name, ", ".join(added))] if added else []
        changed += [("columns_removed", name, ", ".join(removed))] if removed else []
        retyped = any(was[c] != now[c] for c in now if c in was) or before[name][1] != after[name][1]
        if retyped or not (added or removed):  # types, the key, or the columns' order
            changed.append(("changed", name, ""))
    return changed


def compare(old: Release, new_tables: dict[str, pd.DataFrame], new_descriptor: dict) -> Changes:
    """The changes from the release `old` to the candidate tables (as text) and descriptor."""
    parts = [_table_changes(name, old.tables.get(name, pd.DataFrame(columns=frame.columns)), frame)
             for name, frame in new_tables.items() if name != "revisions"]
    parts.append(_label_changes(old.tables["monthly_counts"], new_tables["monthly_counts"]))
    parts.append(_code_changes(old.descriptor, new_descriptor))
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=COLUMNS)
    rows = rows.reindex(columns=COLUMNS).astype(object).fillna("")
    before, after = set(old.tables["monthly_counts"]["month"]), set(new_tables["monthly_counts"]["month"])
    return Changes(rows, sorted(after - before), schema_changes(old.descriptor, new_descriptor), sorted(before - after))


def stamp(tables: dict[str, pd.DataFrame], old: Release | None, changes: Changes | None,
          version: str) -> dict[str, pd.DataFrame]:
    """The tables with `first_released` and `last_revised`: carried over from the previous release for a
    row it had, this version for a new row, and this version as `last_revised` for a row revised now."""
    stamped = dict(tables)
    for name in stamped_tables():
        frame = tables[name]
        keys = _keys(frame, primary_key(name))
        first = pd.Series(version, index=frame.index)
        last = pd.Series("", index=frame.index)
        if old is not None and name in old.tables and set(RELEASE_COLUMNS) <= set(old.tables[name]):
            previous = old.tables[name].set_index(_keys(old.tables[name], primary_key(name)))
            known = keys.isin(previous.index)
            first[known] = previous.loc[keys[known], "first_released"].to_numpy()
            last[known] = previous.loc[keys[known], "last_revised"].to_numpy()
        if changes is not None:
            revised = set(changes.rows.loc[(changes.rows["table"] == name) & (changes.rows["change"] == "revised"),
                                           "key"])
            last[keys.isin(revised)] = version
        stamped[name] = frame.assign(first_released=first, last_revised=last)
    return stamped


def history(old: Release | None, changes: Changes | None, version: str) -> pd.DataFrame:
    """revisions.csv of the new release: every earlier release's revisions, then this one's."""
    earlier = old.tables.get("revisions") if old is not None else None
    parts = [] if earlier is None else [earlier]
    if changes is not None and not changes.rows.empty:
        parts.append(changes.rows.assign(release=version, previous_release=old.version if old else ""))
    return pd.concat(parts, ignore_index=True)[COLUMNS] if parts else pd.DataFrame(columns=COLUMNS)


def revised_months(revisions: pd.DataFrame | None, categories: list[str]) -> list[str]:
    """The months whose published or derived count of any of `categories` a release revised."""
    if revisions is None or revisions.empty:
        return []
    figures = revisions[(revisions["table"] == "monthly_counts") & (revisions["change"] == "revised")
                        & (revisions["field"] == "count") & revisions["category"].isin(categories)
                        & ~revisions["key"].str.contains("|incident_log|", regex=False)]
    return sorted(set(figures["month"]))
