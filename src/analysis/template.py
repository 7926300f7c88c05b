"""`analysis template`: an empty incident log for one month, as a workbook in the analyst's language.

The header is in that language (each heading one the reader knows, see domain/columns.csv), the
header row frozen, the columns sized, and the columns with a closed set of values offer a
drop-down list filled from the taxonomy in that language: what a list writes reads back as its
code. Dates are formatted and checked as dates. An instructions sheet says what each column holds.
The columns, headings, widths and help texts are data: domain/template.csv.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .config import Paths
from .domain_data import read_domain
from .errors import ParameterError, expect_language, expect_month
from .i18n import month_label, t
from .storage import new_file_mode

FIRST_ROW, LAST_ROW = 2, 5001  # the rows the formats and drop-down lists cover
DATE_FORMAT = {"en": "yyyy-mm-dd", "ru": "dd.mm.yyyy", "kk": "dd.mm.yyyy"}
DATE_EXAMPLE = {"en": "2025-01-20", "ru": "20.01.2025", "kk": "20.01.2025"}


def template_columns() -> pd.DataFrame:
    return read_domain("template.csv")


def choices(kind: str, lang: str) -> list[str]:
    """The values a drop-down list offers, in `lang`, in the order the reviews use."""
    from . import parsing, taxonomy
    from .regions import reading_order, regions

    if kind == "groups":
        return taxonomy.groups()[f"label_{lang}"].tolist()
    if kind == "categories":  # the categories an incident can have: not court figures, sums or laws
        table = taxonomy.categories()
        group_order = dict(zip(taxonomy.groups()["code"], range(len(taxonomy.groups()))))
        incident = table[table["group"].isin(group_order) & table["in_group_total"]
                         & table["unit"].eq("count")]
        incident = incident.assign(g=incident["group"].map(group_order), o=incident["order"].astype(int))
        return incident.sort_values(["g", "o"])[f"label_{lang}"].tolist()
    if kind == "regions":  # as the figures and tables list them: the cities, then the regions alphabetically
        return reading_order(regions(), lang)[f"name_{lang}"].tolist()
    return parsing.vocabulary(kind)[f"label_{lang}"].tolist()


def template_path(paths: Paths, month: str) -> Path:
    return paths.raw_incidents / f"{month}.xlsx"


def write_template(paths: Paths, month: str, lang: str) -> Path:
    """Write data/raw/incidents/<month>.xlsx; an existing file is never overwritten."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    month, lang = expect_month(month, "--month"), expect_language(lang, "--lang")
    target = template_path(paths, month)
    if target.exists():
        raise ParameterError(f"{target.relative_to(paths.root)} exists already; it is never overwritten "
                             "(move it away first, or fill it in)")
    columns = template_columns()
    book = Workbook()
    log = book.active
    log.title = month  # a sheet named after the month is the one read
    lists = book.create_sheet(t("template_sheet_lists", lang))
    help_sheet = book.create_sheet(t("template_sheet_help", lang))

    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    next_list = 1  # the column of the lists sheet the next drop-down list goes to
    for position, row in enumerate(columns.itertuples(index=False), start=1):
        letter = get_column_letter(position)
        cell = log.cell(row=1, column=position, value=getattr(row, f"header_{lang}"))
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        log.column_dimensions[letter].width = int(row.width)
        cells = f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}"
        if row.choices == "date":
            for (c,) in log[cells]:
                c.number_format = DATE_FORMAT[lang]
            check = DataValidation(type="date", operator="greaterThan", formula1="DATE(1990,1,1)",
                                   allow_blank=True, showErrorMessage=True,
                                   error=t("template_date_error", lang, example=DATE_EXAMPLE[lang]))
            check.add(cells)
            log.add_data_validation(check)
        elif row.choices == "amount":
            for (c,) in log[cells]:
                c.number_format = "#,##0"
        elif row.choices:
            values = choices(row.choices, lang)
            list_column = get_column_letter(next_list)
            next_list += 1
            lists[f"{list_column}1"] = getattr(row, f"header_{lang}")
            for i, value in enumerate(values, start=2):
                lists[f"{list_column}{i}"] = value
            name = f"list_{row.column}"
            reference = f"{quote_sheetname(lists.title)}!${list_column}$2:${list_column}${len(values) + 1}"
            book.defined_names[name] = DefinedName(name, attr_text=reference)
            # a value off the list is allowed (the reader still maps it), with a warning
            check = DataValidation(type="list", formula1=f"={name}", allow_blank=True,
                                   showErrorMessage=True, errorStyle="warning")
            check.add(cells)
            log.add_data_validation(check)
    log.freeze_panes = "A2"
    log.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
    lists.sheet_state = "hidden"

    help_sheet.column_dimensions["A"].width = 28
    help_sheet.column_dimensions["B"].width = 100
    help_sheet["A1"] = t("template_help_title", lang, month=month_label(month, lang))
    help_sheet["A1"].font = Font(bold=True, size=14)
    for line, key in enumerate(("template_help_rows", "template_help_lists", "template_help_save"), start=3):
        help_sheet[f"A{line}"] = t(key, lang, sheet=month)
    help_sheet["A7"], help_sheet["B7"] = t("template_help_column", lang), t("template_help_what", lang)
    help_sheet["A7"].font = help_sheet["B7"].font = header_font
    for line, row in enumerate(columns.itertuples(index=False), start=8):
        help_sheet[f"A{line}"] = getattr(row, f"header_{lang}")
        help_sheet[f"B{line}"] = getattr(row, f"help_{lang}")
        help_sheet[f"B{line}"].alignment = Alignment(wrap_text=True, vertical="top")

    return _save_new(book, target, paths)


def _save_new(book, target: Path, paths: Paths) -> Path:
    """Save through a temporary file and link it into place: never over a file that appeared meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        book.save(tmp)
        os.chmod(tmp, new_file_mode())  # readable by the scheduled run's account as any file the umask allows
        os.link(tmp, target)
    except FileExistsError:
        raise ParameterError(f"{target.relative_to(paths.root)} exists already; it is never overwritten") from None
    finally:
        os.unlink(tmp)
    return target
