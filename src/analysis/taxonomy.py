"""The foundation's categories as data, and the rules that map a label as written to a category."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from .config import ALL_GROUPS, DOMAIN_DIR, LANGUAGES
from .text import normalise_text

NEST_SEPARATOR = " > "


@dataclass(frozen=True)
class Rule:
    """One label rule: `pattern` must match, `also` too where given, `unless` must not."""

    category: str
    group: str
    pattern: re.Pattern[str]
    also: re.Pattern[str] | None
    unless: re.Pattern[str] | None

    def matches(self, text: str) -> bool:
        return bool(self.pattern.search(text)
                    and (self.also is None or self.also.search(text))
                    and (self.unless is None or not self.unless.search(text)))


def _read_domain(name: str) -> pd.DataFrame:
    return pd.read_csv(DOMAIN_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


@cache
def groups() -> pd.DataFrame:
    """The three groups in display order, with labels in English, Russian and Kazakh."""
    frame = _read_domain("groups.csv")
    return frame.assign(order=frame["order"].astype(int)).sort_values("order").reset_index(drop=True)


@cache
def categories() -> pd.DataFrame:
    """Every category in display order, with its group, parent, legal article and labels."""
    frame = _read_domain("categories.csv")
    return (frame.assign(order=frame["order"].astype(int),
                         false_information=frame["false_information"].eq("true"),
                         in_group_total=frame["in_group_total"].eq("true"))
            .sort_values("order").reset_index(drop=True))


def group_codes() -> list[str]:
    return groups()["code"].tolist()


def category_codes() -> list[str]:
    return categories()["code"].tolist()


def category_group(code: str) -> str:
    return _category_groups()[code]


@cache
def _category_groups() -> dict[str, str]:
    cats = categories()
    return dict(zip(cats["code"], cats["group"]))


def category_label(code: str, lang: str = "en") -> str:
    """A category's (or group's, or 'total' / 'other_unspecified') label in one language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if code in _category_index().index:
        return _category_index().loc[code, f"label_{lang}"]
    grp = groups().set_index("code")
    if code in grp.index:
        return grp.loc[code, f"label_{lang}"]
    return {"total": {"en": "Total", "ru": "Всего", "kk": "Барлығы"},
            "other_unspecified": {"en": "Other (not itemised)", "ru": "Прочее (без уточнения)",
                                  "kk": "Басқа (нақтыланбаған)"}}[code][lang]


def group_short_label(code: str, lang: str = "en") -> str:
    """A group's short name (rights of journalists / права журналистов / ...)."""
    return groups().set_index("code").loc[code, f"short_{lang}"]


@cache
def _category_index() -> pd.DataFrame:
    return categories().set_index("code")


def _compile(pattern: str) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


@cache
def label_rules() -> tuple[Rule, ...]:
    """The label rules in priority order (first match wins), each tied to its category's group."""
    frame = _read_domain("label_rules.csv")
    unknown = sorted(set(frame["category"]) - set(category_codes()))
    if unknown:
        raise ValueError(f"label_rules.csv names unknown categories: {', '.join(unknown)}")
    return tuple(Rule(row.category, category_group(row.category), re.compile(row.pattern),
                      _compile(row.also), _compile(row.unless))
                 for row in frame.itertuples(index=False))


@cache
def _group_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    frame = _read_domain("group_rules.csv")
    return tuple((row.group, re.compile(row.pattern)) for row in frame.itertuples(index=False))


@cache
def match_group(heading: str) -> str | None:
    """The group code a heading as written names (`all` for an overall total), or None."""
    text = normalise_text(heading)
    if text in group_codes() or text == ALL_GROUPS:
        return text
    return next((code for code, pattern in _group_rules() if pattern.search(text)), None)


def _scan(text: str, group: str | None) -> str | None:
    """The first rule's category that fits `text`, among `group`'s rules (all rules for None)."""
    return next((r.category for r in label_rules()
                 if (group is None or r.group == group) and r.matches(text)), None)


@cache
def match_category(label: str, group: str | None = None) -> str | None:
    """The category a label as written (any of the three languages) names, or None if no rule fits.

    A category code is accepted as it is. With `group`, that group's rules are tried first. A
    nested label `parent > item` is matched on the item alone, and on the whole label when the
    item alone says too little ("> defamation" under "administrative accusations").
    """
    text = normalise_text(label)
    if not text:
        return None
    if text in _category_index().index:
        return text
    texts = [text]
    if NEST_SEPARATOR.strip() in text:
        texts = [text.rsplit(">", 1)[1].strip(), text]
    scopes = [group, None] if group not in (None, ALL_GROUPS) else [None]
    return next((found for scope in scopes for t in texts
                 if (found := _scan(t, scope)) is not None), None)


def categorical(values: pd.Series, kind: str = "category") -> pd.Series:
    """Values as an ordered categorical in taxonomy order (`kind`: category or group)."""
    order = category_codes() if kind == "category" else group_codes()
    extra = [c for c in ("other_unspecified", "total") if kind == "category"]
    extra += [ALL_GROUPS] if kind == "group" else []
    return values.astype(pd.CategoricalDtype(order + extra, ordered=True))
