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
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from bulletin.errors import DataError, Problem, Where, quoted
from bulletin.files import MB, check_input_file, read_input

SPACES = " \u00a0\u202f"  # a space, a no-break space, a narrow no-break space (French Excel groups digits with them)
FRENCH_NUMBER = re.compile(r"\A-?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:,[0-9]+)?\Z|\A-?[0-9]+,[0-9]+\Z")
PLAIN_NUMBER = re.compile(r"\A-?[0-9]+\Z")
FRENCH_DATE = re.compile(r"\A([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")
MAX_UNPACKED = 24 * MB  # a workbook of a few thousand rows unpacks to a few megabytes
MAX_RATIO = 200  # spreadsheet XML compresses 5 to 30 times; a zip bomb, thousands of times
MAX_COLUMNS = 32  # the contract has 8 columns; more are reported as unknown, beyond 32 ignored
NUMBER_COLUMNS = ("value",)
DATE_COLUMNS = ("as_of", "x", "value")


@dataclass(frozen=True)
class Row:
    """One data row: where it is, and its cells by column name."""

    where: Where
    cells: Mapping[str, str]
    complete: bool = True  # False when the line has more or fewer cells than the header
    letters: Mapping[str, str] = field(default_factory=dict)  # workbook: column name -> column letter

    def where_of(self, column: str) -> Where:
        """The cell of ``column`` in a workbook (« B13 »); the line of a CSV file."""
        letter = self.letters.get(column)
        return replace(self.where, cell=f"{letter}{self.where.line}") if letter else self.where


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
    records: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            records.append((reader.line_num, record))
    except csv.Error as exc:  # the record starts on the line after the last good one (an open quote spans lines)
        start = records[-1][0] + 1 if records else 1
        raise DataError(Problem(Where(path, start), f"CSV mal formé : {_csv_error(exc)}",
                                "vérifiez les guillemets : une cellule entre guillemets se ferme par un guillemet "
                                "avant le séparateur")) from None
    return _table(Where(path), records, "csv-fr" if french else "csv", french)


CSV_ERRORS = {"unexpected end of data": "guillemet ouvert jamais fermé",
              "expected after": "caractère après un guillemet fermant",
              "field larger than field limit": "cellule trop longue",
              "line contains nul": "octet nul dans la ligne",
              "new-line character seen in unquoted field": "retour à la ligne isolé hors guillemets"}


def _csv_error(exc: Exception) -> str:
    """What Python's CSV reader found, in French."""
    text = str(exc).lower()
    return next((french for english, french in CSV_ERRORS.items() if english in text), "ligne illisible")


def _decode(path: Path) -> tuple[str, str]:
    """UTF-8 (with or without BOM), or Windows-1252 for a French Excel export.

    A file that is UTF-8 but for a few stray bytes is an error naming the first one: read as
    Windows-1252, every accent of it would print as « Ã© ».
    """
    data = read_input(path, "csv", DataError)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8-sig", errors="surrogateescape")
    invalid = sum(1 for char in text if "\udc80" <= char <= "\udcff")
    valid_accents = sum(1 for char in text if ord(char) > 127 and not "\udc80" <= char <= "\udcff")
    if valid_accents >= invalid:
        raise DataError(_stray_byte(path, data, first_bad))
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise DataError(Problem(Where(path), "ce n’est un texte ni UTF-8 ni Windows-1252",
                                "enregistrez le fichier en « CSV UTF-8 »")) from None


def _stray_byte(path: Path, data: bytes, offset: int) -> Problem:
    """The first byte that is not UTF-8, by line and column (in characters)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8-sig", errors="replace")) + 1
    return Problem(Where(path, line), f"colonne {column} : l’octet 0x{data[offset]:02X} n’est pas de l’UTF-8, alors "
                   "que le reste du fichier l’est (caractère mal copié ou fichier mélangé)",
                   "corrigez ce caractère, puis enregistrez le fichier en « CSV UTF-8 »")


def _separator(text: str) -> str:
    """``;`` when the header has more semicolons than commas (French Excel), else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _table(where: Where, records: list[tuple[int, list[str]]], dialect: str, french: bool,
           letters: Mapping[str, str] | None = None) -> Table:
    records = [(line, record) for line, record in records if any(cell.strip() for cell in record)]
    if not records:
        raise DataError(Problem(where, "le fichier est vide", "écrivez la ligne d’en-tête, puis une ligne par chiffre"))
    columns = tuple(cell.strip().lower() for cell in records[0][1])
    column_letters = {name: letter for name, letter in (letters or {}).items() if name in columns}
    rows = []
    for line, record in records[1:]:
        texts = {name: record[i].strip() if i < len(record) else "" for i, name in enumerate(columns)}
        cells = {name: _normalise(name, text, french, texts.get("unit", "")) for name, text in texts.items()}
        complete = len(record) == len(columns) or (dialect == "xlsx" and len(record) >= len(columns))
        rows.append(Row(Where(where.path, line, where.sheet), cells, complete, column_letters))
    return Table(where, columns, tuple(rows), dialect)


def _normalise(column: str, text: str, french: bool, unit: str = "") -> str:
    """French exports: decimal comma and grouped digits in values (« 8,6 % », « 11 246 951,27 € »), dd/mm/yyyy dates."""
    if not french:
        return text
    if column in DATE_COLUMNS and (date := iso_date(text)) != text:
        return date
    if column in NUMBER_COLUMNS:
        sign = {"percent": "%", "eur": "€"}.get(unit.strip())
        number = text[:-1].rstrip(SPACES) if sign and text.endswith(sign) else text
        if FRENCH_NUMBER.match(number) or (number != text and PLAIN_NUMBER.match(number)):
            return ungrouped(number)
    return text


def iso_date(text: str) -> str:
    """A French date « 31/12/2021 » as 2021-12-31; any other text unchanged."""
    match = FRENCH_DATE.match(text)
    if not match:
        return text
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def ungrouped(number: str) -> str:
    """A French number without its grouping spaces and with a decimal point: « 11 246 951,27 » → 11246951.27."""
    return re.sub(f"[{SPACES}]", "", number).replace(",", ".")


def read_xlsx_tables(path: Path, sheets: tuple[str, ...] = ("figures", "series"),
                     required: bool = True) -> dict[str, Table | None]:
    """Read the named sheets of a workbook (names compared without case); a missing sheet is an error
    naming the ones found, unless not ``required`` (then it is None, but one at least must be there)."""
    from openpyxl import load_workbook  # imported only when a workbook is read

    check_workbook_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise DataError(Problem(Where(path), f"classeur .xlsx illisible ({type(exc).__name__})",
                                "enregistrez-le depuis Excel ou LibreOffice au format .xlsx")) from None
    try:
        found = _sheet_names(path, workbook.sheetnames, sheets, required)
        tables: dict[str, Table | None] = dict.fromkeys(sheets)
        empty: list[Where] = []
        for name, actual in found.items():
            tables[name] = _sheet_table(path, actual, workbook[actual], empty)
    finally:
        workbook.close()
    if empty:
        _refuse_hidden_values(path, empty)
    return tables


def _sheet_names(path: Path, present: list[str], wanted: tuple[str, ...], required: bool) -> dict[str, str]:
    """Wanted sheet -> its name in the workbook (« Figures » is figures)."""
    found: dict[str, str] = {}
    for name in wanted:
        matches = [sheet for sheet in present if sheet.strip().casefold() == name]
        if len(matches) > 1:
            raise DataError(Problem(Where(path), f"plusieurs feuilles s’appellent « {name} » : "
                                    f"{', '.join(matches)}", "gardez-en une seule"))
        if matches:
            found[name] = matches[0]
    missing = [name for name in wanted if name not in found]
    if (missing and required) or not found:
        raise DataError(Problem(Where(path), f"feuille(s) manquante(s) : {', '.join(map(quoted, missing))} ; "
                                f"le classeur a : {', '.join(map(quoted, present))}",
                                f"nommez les feuilles {' et '.join(wanted)}"))
    return found


def check_workbook_archive(path: Path) -> None:
    """Refuse a workbook whose parts would inflate beyond the limit (zip bomb), before anything decompresses it.

    The sizes checked are those the archive declares: Python's zip reader never inflates a part past
    its declared size (a part that lies about it fails its checksum).
    """
    import zipfile  # only for workbooks: not loaded by a build from CSV files

    check_input_file(path, "xlsx", DataError)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DataError(Problem(Where(path), "classeur .xlsx illisible (ce n’est pas une archive zip)",
                                "enregistrez-le depuis Excel ou LibreOffice au format .xlsx")) from None
    total = sum(part.file_size for part in parts)
    greedy = [part for part in parts if part.file_size > MB and part.file_size > MAX_RATIO * max(part.compress_size, 1)]
    if total > MAX_UNPACKED or greedy or len(parts) > 10_000:
        raise DataError(Problem(Where(path), f"classeur refusé : décompressé, il ferait {total / MB:.0f} Mo "
                                f"(au plus {MAX_UNPACKED // MB} Mo, taux de compression au plus {MAX_RATIO})",
                                "enregistrez seulement les feuilles figures et series, sans contenu superflu"))


def _sheet_table(path: Path, name: str, sheet: Any, empty: list[Where]) -> Table:
    sheet.reset_dimensions()  # a declared size of A1:XFD1048576 must not make every row 16 384 cells wide
    records, width, letters = [], 0, {}
    for index, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        texts = [_cell_text(cell) for cell in row]
        if not width and any(texts):  # the header: its last non-empty cell ends the table's width
            width = max(i + 1 for i, text in enumerate(texts) if text)
            texts = texts[:width]
            letters = {text.strip().lower(): get_column_letter(i + 1) for i, text in enumerate(texts)}
        elif any(texts):
            empty += [Where(path, index, name, f"{get_column_letter(i + 1)}{index}")
                      for i, text in enumerate(texts[:width]) if not text]
        records.append((index, texts))
    return _table(Where(path, None, name), records, "xlsx", False, letters)


def get_column_letter(number: int) -> str:
    """Spreadsheet column name of the 1-based ``number``: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _refuse_hidden_values(path: Path, empty: list[Where]) -> None:
    """An empty cell that is a formula without a saved result, or inside a merged range, is an error saying so.

    ``data_only`` reading gives None for both; the workbook is read a second time, with formulas and
    merged ranges, only when such empty cells exist.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=False)
    except Exception:  # noqa: BLE001 - it was readable a moment ago; nothing more to say then
        return
    problems = []
    for where in empty:
        sheet = workbook[str(where.sheet)]
        problem = _hidden_value(where, sheet)
        if problem:
            problems.append(problem)
    workbook.close()
    if problems:
        raise DataError(problems)


def _hidden_value(where: Where, sheet: Any) -> Problem | None:
    cell = sheet[str(where.cell)]
    if cell.data_type == "f":
        return Problem(where, f"formule sans résultat enregistré ({str(cell.value)[:60]})",
                       "ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le (le résultat est alors "
                       "enregistré), ou remplacez la formule par sa valeur")
    for merged in sheet.merged_cells.ranges:
        if cell.coordinate in merged and cell.coordinate != merged.start_cell.coordinate:
            return Problem(where, f"cellule vide faisant partie de la plage fusionnée {merged.coord} "
                           f"(la valeur n’est que dans {merged.start_cell.coordinate})",
                           "défusionnez la plage et recopiez la valeur dans chaque cellule")
    return None


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
