"""`analysis synth`: SYNTHETIC incident logs as messy as real exports, for benchmarks and tests.

Every row says SYNTHETIC (column `synthetic` and the summary). The generator refuses to write
into data/raw/: synthetic rows must never pass for the foundation's records.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from .config import Paths
from .errors import ParameterError, expect_between

HEADERS = {
    "en": ["incident_id", "event_date", "category", "place", "victim_type", "perpetrator_type",
           "amount", "summary", "synthetic"],
    "ru": ["Идентификатор", "Дата", "Категория", "Место", "Тип пострадавшего", "Тип нарушителя",
           "Сумма", "Описание", "synthetic"],
    "kk": ["Оқиға ID", "Күні", "Санат", "Орны", "Жәбірленуші түрі", "Құқық бұзушы түрі", "Сома",
           "Сипаттама", "synthetic"],
}
CATEGORIES = {
    "en": ["threats against journalists", "attack on a journalist while on duty",
           "refusals or restrictions on the provision of socially significant information",
           "interference with journalists' lawful professional activities", "DDoS attacks",
           "civil claims against media outlets", "administrative proceedings > false information (456-2)"],
    "ru": ["угрозы журналистам", "нападение на журналиста", "отказ в предоставлении информации",
           "воспрепятствование законной профессиональной деятельности журналиста",
           "DDoS-атака на сайт издания", "гражданский иск о защите чести и достоинства",
           "административное дело по ст. 456-2 КоАП"],
    "kk": ["журналистерге қорқыту", "журналистке шабуыл", "ақпарат беруден бас тарту",
           "журналистің заңды кәсіби қызметіне кедергі жасау", "басылым сайтына DDoS-шабуыл",
           "ар-намысты қорғау туралы азаматтық талап", "жалған ақпарат бойынша әкімшілік іс"],
}
PLACES = {"en": ["Almaty", "Nur-Sultan", "Shymkent", "Karaganda region", "Semey", "Uralsk"],
          "ru": ["г. Алматы", "Нур-Султан", "Шымкент", "Карагандинская область", "Семей", "Уральск"],
          "kk": ["Алматы қ.", "Нұр-Сұлтан қ.", "Шымкент", "Қарағанды облысы", "Семей", "Орал"]}
VICTIMS = {"en": ["journalist", "blogger", "media outlet"], "ru": ["журналист", "блогер", "СМИ"],
           "kk": ["журналист", "блогер", "БАҚ"]}
PERPETRATORS = {"en": ["state", "non-state", "unknown"], "ru": ["государство", "частное лицо", "неизвестно"],
                "kk": ["мемлекет", "жеке тұлға", "белгісіз"]}
MONTH_NAMES = {"en": "January February March April May June July August September October November December".split(),
               "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
               "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split()}
AMOUNTS = ["", "", "", "184 600 тг", "184,600 tenge", "2 млн тенге", "1,5 млн", "500000"]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1251", "utf-16"]
DELIMITERS = [",", ";", "\t"]


def _date(rng: random.Random, year: int, month: int, lang: str) -> str:
    day = rng.randint(1, 28)
    form = rng.randrange(4)
    if form == 0:
        return f"{year}-{month:02d}-{day:02d}"
    if form == 1:
        return f"{day:02d}.{month:02d}.{year}"
    if form == 2:
        return f"{day} {MONTH_NAMES[lang][month - 1]} {year}"
    from datetime import date
    return str((date(year, month, day) - date(1899, 12, 30)).days)  # Excel serial


def synthesise(rows: int, months: int, out: Path, seed: int = 1, first_year: int = 2001) -> list[Path]:
    """Write `months` monthly logs holding `rows` SYNTHETIC incidents in all into `out`."""
    expect_between(rows, 1, None, "--rows", "a number of incidents")
    expect_between(months, 1, None, "--months", "a number of monthly logs")
    out = Path(out).resolve()
    raw = Paths().raw.resolve()
    if out == raw or raw in out.parents:
        raise ParameterError(f"--out: {out} is inside data/raw/: synthetic data never goes there; "
                             "choose another folder")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written = []
    per_month = [rows // months + (1 if i < rows % months else 0) for i in range(months)]
    for index, count in enumerate(per_month):
        year, month = first_year + index // 12, index % 12 + 1
        lang = rng.choice(["en", "ru", "kk"])
        cp1251_safe = lang != "kk"  # Kazakh letters have no cp1251 code
        encoding = rng.choice(ENCODINGS if cp1251_safe else ["utf-8", "utf-8-sig", "utf-16"])
        delimiter = "\t" if encoding == "utf-16" else rng.choice(DELIMITERS)
        dates = [_date(rng, year, month, lang) for _ in range(40)]  # a log repeats its dates
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(HEADERS[lang])
        for n in range(count):
            writer.writerow([f"SYN-{year}{month:02d}-{n:07d}", rng.choice(dates), rng.choice(CATEGORIES[lang]),
                             rng.choice(PLACES[lang]), rng.choice(VICTIMS[lang]), rng.choice(PERPETRATORS[lang]),
                             rng.choice(AMOUNTS), "SYNTHETIC incident for benchmarks", "SYNTHETIC"])
        path = out / f"{year}-{month:02d}.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        written.append(path)
    return written
