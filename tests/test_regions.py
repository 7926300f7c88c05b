"""Region normalisation: three languages, old names, units re-drawn in 2018 and 2022."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pycountry
import pytest
from conftest import ROOT

from analysis.regions import locate, match_region, regions


def test_twenty_units_with_iso_codes_known_to_iso_3166_2():
    table = regions()
    assert len(table) == 20
    assert (table["kind"] == "city").sum() == 3
    iso = {s.code: s.type for s in pycountry.subdivisions.get(country_code="KZ")}
    assert set(table["iso_code"]) == set(iso)
    for row in table.itertuples():
        assert iso[row.iso_code].lower() == ("city" if row.kind == "city" else "region")


@pytest.mark.parametrize("place, on, expected", [
    ("Almaty", None, "KZ-75"),
    ("г. Алматы", None, "KZ-75"),
    ("Алматы қ.", None, "KZ-75"),
    ("Almaty (Zhetysu District Court)", None, "KZ-75"),
    ("Almaty region", None, "KZ-19"),
    ("Алматинская область", None, "KZ-19"),
    ("Алматы облысы", None, "KZ-19"),
    ("Nur-Sultan", date(2020, 5, 1), "KZ-71"),
    ("Нұр-Сұлтан қ.", None, "KZ-71"),
    ("South Kazakhstan region", date(2015, 7, 1), "KZ-61"),
    ("Южно-Казахстанская область", None, "KZ-61"),
    ("Shymkent", date(2015, 1, 1), "KZ-79"),
    ("Semey", date(2020, 9, 1), "KZ-63"),
    ("Semey", date(2022, 6, 8), "KZ-10"),
    ("Семей", date(2023, 1, 1), "KZ-10"),
    ("Taldykorgan", date(2012, 1, 1), "KZ-19"),
    ("Талдыкорган", date(2024, 1, 1), "KZ-33"),
    ("Dzhezkazgan", date(2017, 1, 1), "KZ-35"),
    ("Жезқазған", date(2023, 1, 1), "KZ-62"),
    ("Abai village, Zhambyl region", None, "KZ-31"),
    ("Жамбылский район Алматинской области", None, "KZ-19"),  # a district named as a region is no region
    ("Жамбылский район Жамбылской области", None, "KZ-31"), ("Zhambyl district, Zhambyl region", None, "KZ-31"),
    ("Almaty region district court", None, "KZ-19"), ("Abai region district court", None, "KZ-10"),
    ("Алматыда", None, "KZ-75"), ("Қарағандыда", None, "KZ-35"), ("Оралда", None, "KZ-27"),  # Kazakh case endings
    ("Ақтөбеде", None, "KZ-15"), ("Алматыдағы сотта", None, "KZ-75"),
    ("Uralsk (West Kazakhstan)", None, "KZ-27"),
    ("Петропавловск", None, "KZ-59"),
    ("Петропавлда", None, "KZ-59"),
    ("область Абай", None, "KZ-10"),
    ("Шығыс Қазақстан облысы", None, "KZ-63"),
    ("KZ-47", None, "KZ-47"),
])
def test_places_map_to_regions(place, on, expected):
    assert match_region(place, on) == (expected, None)


@pytest.mark.parametrize("place", ["Strasbourg", "Zarechny village", "Almaty; Nur-Sultan; Shymkent",
                                   "Жамбылский район", "Жамбыл ауданы"])  # districts of that name in two regions
def test_unknown_or_ambiguous_places_say_why(place):
    code, problem = match_region(place, None)
    assert code is None and problem


def test_shipped_places_resolve_except_those_abroad_or_unnamed():
    logs = pd.concat(pd.read_csv(p, dtype=str, keep_default_na=False)
                     for p in sorted((ROOT / "data/raw/incidents").glob("*.csv")))
    places = logs.loc[logs["place_as_written"] != "", "place_as_written"]
    unresolved = sorted(p for p in places if match_region(p, None)[0] is None)
    assert unresolved == ["Almaty; Nur-Sultan; Shymkent", "Strasbourg", "Zarechny village"]


def test_a_column_of_places_is_located_as_each_place_on_its_own_day():
    """Semey is East Kazakhstan until 2022-06-07 and Abai Region from 2022-06-08; other places keep
    their region whatever the day. Each distinct place is matched once, dated ones once a day."""
    places = ["Семей", "Semey", "Almaty", "", "Strasbourg", "Семей", "Taldykorgan", "Талдыкорган"]
    days = ["2022-06-07", "2022-06-08", "2010-01-01", "2024-01-01", "2024-01-01", "2024-11-20",
            "2012-01-01", "2024-01-01"]
    found, positions = locate(pa.array(places), np.array(days, dtype="datetime64[D]"))
    by_row = [found[p] for p in positions]
    assert [code for code, _ in by_row] == ["KZ-63", "KZ-10", "KZ-75", None, None, "KZ-10", "KZ-19", "KZ-33"]
    assert by_row == [match_region(place, date.fromisoformat(day)) for place, day in zip(places, days)]
