"""Read the tables of an edition from CSV (any common export) or from an Excel workbook.

Input: ``figures.csv`` / ``series.csv`` in UTF-8 (with or without BOM) or as exported by a French
Excel (``;`` separator, decimal comma, dates ``31/12/2021``, cp1252), detected without being told;
or ``edition.xlsx`` with sheets ``figures`` and ``series``. Output: a :class:`Table` of rows whose
cells are canonical text (dot decimals, ISO dates), each row knowing its file and line (or sheet
and row), so that every later message can point at it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bulletin.errors import DataError, Problem, Where

FRENCH_NUMBER = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?$|^-?\d+,\d+$")
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
NUMBER_COLUMNS = ("value",)
DATE_COLUMNS = ("as_of", "x", "value")


@dataclass(frozen=True)
class Row:
    """One data row: where it is, and its cells by column name."""

    where: Where
    cells: Mapping[str, str]
    complete: bool = True  # False when the line has more or fewer cells than the header


@dataclass(frozen=True)
class Table:
    """A table read from a file: its header, rows and the dialect it was found in."""

    where: Where
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    dialect: str  # "csv" | "csv-fr" | "xlsx"


def read_csv_table(path: Path) -> Table:
    """Read a CSV file whatever its encoding and separator; raise DataError if unreadable."""
    text, encoding = _decode(path)
    separator = _separator(text)
    french = separator == ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise DataError(Problem(Where(path, reader.line_num), f"malformed CSV: {exc}",
                                "check the quotes: a quoted cell must end with a quote before the separator")) from None
    return _table(Where(path), records, "csv-fr" if french else "csv", french)


def _decode(path: Path) -> tuple[str, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(Problem(Where(path), f"cannot read file: {exc.strerror}", "check the path")) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DataError(Problem(Where(path), "neither UTF-8 nor Windows-1252 text", "save the file as CSV UTF-8"))


def _separator(text: str) -> str:
    """``;`` when the header has more semicolons than commas (French Excel), else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _table(where: Where, records: list[tuple[int, list[str]]], dialect: str, french: bool) -> Table:
    records = [(line, record) for line, record in records if any(cell.strip() for cell in record)]
    if not records:
        raise DataError(Problem(where, "the file is empty", "write the header line and one line per figure"))
    columns = tuple(cell.strip().lower() for cell in records[0][1])
    rows = []
    for line, record in records[1:]:
        cells = {name: _normalise(name, record[i].strip() if i < len(record) else "", french)
                 for i, name in enumerate(columns)}
        complete = len(record) == len(columns) or (dialect == "xlsx" and len(record) >= len(columns))
        rows.append(Row(Where(where.path, line, where.sheet), cells, complete))
    return Table(where, columns, tuple(rows), dialect)


def _normalise(column: str, text: str, french: bool) -> str:
    """French exports: decimal comma and grouped digits in values, dd/mm/yyyy dates."""
    if not french:
        return text
    if column in DATE_COLUMNS and (match := FRENCH_DATE.match(text)):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if column in NUMBER_COLUMNS and FRENCH_NUMBER.match(text):
        return re.sub(r"[ \u00a0\u202f]", "", text).replace(",", ".")
    return text


def read_xlsx_tables(path: Path, sheets: tuple[str, ...] = ("figures", "series")) -> dict[str, Table]:
    """Read the named sheets of a workbook; a missing sheet is an error naming the ones found."""
    from openpyxl import load_workbook  # imported only when a workbook is read

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise DataError(Problem(Where(path), f"not a readable .xlsx workbook ({type(exc).__name__})",
                                "save it from Excel or LibreOffice as .xlsx")) from None
    try:
        missing = [name for name in sheets if name not in workbook.sheetnames]
        if missing:
            raise DataError(Problem(Where(path), f"missing sheet(s) {', '.join(map(repr, missing))}; "
                                    f"found {', '.join(map(repr, workbook.sheetnames))}",
                                    f"name the sheets exactly {' and '.join(sheets)}"))
        return {name: _sheet_table(path, name, workbook[name]) for name in sheets}
    finally:
        workbook.close()


def _sheet_table(path: Path, name: str, sheet: Any) -> Table:
    records = []
    for index, row in enumerate(sheet.iter_rows(), start=1):
        records.append((index, [_cell_text(cell) for cell in row]))
    return _table(Where(path, None, name), records, "xlsx", False)


def _cell_text(cell: Any) -> str:
    """Canonical text of a spreadsheet cell (a cell shown as 7,7 % stores 0.077: print 7.7)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        number = Decimal(repr(value))
        if "%" in str(getattr(cell, "number_format", "")):
            number *= 100
        return _plain(number)
    return str(value)


def _plain(number: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros (``7.700`` → ``7.7``)."""
    text = format(number.normalize(), "f")
    return text
