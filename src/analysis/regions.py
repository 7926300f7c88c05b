"""Place names as written -> the 17 regions and 3 cities of Kazakhstan, with ISO 3166-2:KZ codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa

from .domain_data import alternatives, read_domain
from .i18n import collation_key
from .parsing import distinct
from .text import normalise_text


@dataclass(frozen=True)
class Alias:
    iso_code: str
    level: str  # "region": names the region itself; "place": a city or district inside it
    pattern: re.Pattern[str]
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date | None) -> bool:
        if day is None:  # an undated mention takes the current boundaries
            return self.valid_to is None
        return ((self.valid_from is None or day >= self.valid_from)
                and (self.valid_to is None or day <= self.valid_to))


@cache
def regions() -> pd.DataFrame:
    """The 20 first-level units in display order (3 cities first), with names in three languages."""
    frame = read_domain("regions.csv")
    return frame.assign(order=frame["order"].astype(int)).sort_values("order").reset_index(drop=True)


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


DISTRICT = "district"  # the level of region_aliases.csv's row of a district's words (район, ауданы)
ENDING = "ending"  # ... and of its row of the Kazakh case endings a place name takes (Алматыда)


@cache
def _district_word() -> re.Pattern[str]:
    """A district's word right after a name: "Жамбылский район" is a district (of Almaty Region),
    not Jambyl Region."""
    return re.compile(rf"\s*(?:{alternatives('region_aliases.csv', 'level', DISTRICT)})")


@cache
def _case_ending() -> re.Pattern[str]:
    """A Kazakh case ending at the end of a word of three letters or more: "Алматыда" is Almaty."""
    return re.compile(rf"(?<=\w{{3}})(?:{alternatives('region_aliases.csv', 'level', ENDING)})\b")


@cache
def aliases() -> tuple[Alias, ...]:
    frame = read_domain("region_aliases.csv")
    frame = frame[~frame["level"].isin((DISTRICT, ENDING))]
    unknown = sorted(set(frame["iso_code"]) - set(regions()["iso_code"]))
    if unknown:
        raise ValueError(f"region_aliases.csv names unknown ISO codes: {', '.join(unknown)}")
    return tuple(Alias(r.iso_code, r.level, re.compile(r.pattern), _date(r.valid_from),
                       _date(r.valid_to)) for r in frame.itertuples(index=False))


@cache
def match_region(place: str, on: date | None = None) -> tuple[str | None, str | None]:
    """(ISO code, problem) for a place as written on a given day.

    A name of a region ("Almaty region", "Алматы облысы") outranks a city or district inside the
    text ("Abai village, Zhambyl region" is in Jambyl Region); otherwise the first place named
    decides ("Almaty (Zhetysu District Court)" is Almaty city). A region's name that names a
    district ("Жамбылский район Алматинской области") is no region. A place no name is found in
    is tried again without its words' Kazakh case endings ("Қарағандыда", "Оралда"). Renamed and
    re-drawn units follow the date: Semey is East Kazakhstan before 2022-06-08 and Abai Region after.
    """
    text = normalise_text(place)
    if not text:
        return None, None
    if text.upper() in set(regions()["iso_code"]):
        return text.upper(), None
    code, problem = _match(text, on)
    bare = _case_ending().sub("", text)
    if code is None and bare != text:  # a place written with a Kazakh case ending: "Қарағандыда"
        found = _match(bare, on)
        if found[0] is not None:
            return found
    return code, problem


def _names_region(text: str, found: re.Match[str]) -> bool:
    """Whether a region alias's match names the region: not a bare name right before a district's
    word ("Жамбылский район"); a name with its region's word ("Almaty region district court") does."""
    return " " in found.group().strip() or not _district_word().match(text, found.end())


def _first(alias: Alias, text: str) -> re.Match[str] | None:
    """The alias's first match in `text` that names its unit (`_names_region` for a region's)."""
    return next((m for m in alias.pattern.finditer(text) if alias.level == "place" or _names_region(text, m)), None)


def _match(text: str, on: date | None) -> tuple[str | None, str | None]:
    for level in ("region", "place"):
        hits = sorted((m.start(), a.iso_code) for a in aliases()
                      if a.level == level and a.valid_on(on) and (m := _first(a, text)) is not None)
        codes = list(dict.fromkeys(code for _, code in hits))
        if len(codes) > 1 and ";" in text:
            return None, f"several regions named ({', '.join(codes)})"
        if codes:
            return codes[0], None
    return None, "no region or city of Kazakhstan recognised"


@cache
def _dated(place: str) -> bool:
    """Whether a name an alias with a validity period recognises is in `place` (so its date matters)."""
    text = normalise_text(place)
    return any(a.valid_from or a.valid_to for a in aliases() if a.pattern.search(text))


def locate(places: pa.Array, days: np.ndarray) -> tuple[list[tuple[str | None, str | None]], np.ndarray]:
    """`match_region` of each row's place as written on its day: (the distinct results, and for
    each row the position of its result).

    Each distinct place is matched once; only a place whose names have a validity period (Semey,
    renamed regions) is matched again for each distinct day it comes with.
    """
    uniques, positions = distinct(places)
    dated = [i for i, place in enumerate(uniques) if _dated(place)]
    found = [match_region(place, None) for place in uniques]
    if not dated:
        return found, positions
    positions = positions.astype(np.int64)
    for i in dated:
        rows = np.flatnonzero(positions == i)
        days_found, day_at = np.unique(days[rows], return_inverse=True)
        positions[rows] = len(found) + day_at
        found += [match_region(uniques[i], day.item()) for day in days_found]
    return found, positions


def reading_order(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows of regions and cities (`kind`, `name_<lang>`) as a reader in `lang` looks them up: the
    cities first in their usual order, then the regions in the language's alphabetical order."""
    names = table[f"name_{lang}"].map(collation_key(lang))
    cities = table[table["kind"] == "city"]
    return pd.concat([cities, table.loc[names.drop(cities.index).sort_values().index]])


@cache
def region_names(lang: str = "en") -> dict[str, str]:
    """ISO code -> the region's name in `lang`."""
    table = regions()
    return dict(zip(table["iso_code"], table[f"name_{lang}"]))

