"""Load stage of the register: read and validate the commune list declared in ``register.yaml``.

Input: a :class:`~bulletin.register.spec.RegisterSpec` and its file, a CSV in any dialect the
edition accepts (UTF-8 or Windows-1252, ``,`` or ``;``, decimal comma, ``31/12/2021`` dates) or an
``.xlsx`` sheet. Output: a :class:`Register` of valid :class:`Commune` rows, and every problem
found (file, line, column, INSEE code; in French): malformed INSEE code, unknown département or
région, duplicate commune, bad population, bad indicator value. No pandas here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from bulletin.errors import DataError, Problem, Where, raise_if_errors
from bulletin.register.spec import NO, YES, Indicator, RegisterSpec, read_register_spec
from bulletin.register.territories import DEPARTEMENTS, FRANCE, Territory, region_code, region_of
from bulletin.data.edition import DECIMAL_NUMBER, WHOLE_NUMBER, parse_iso_date
from bulletin.data.tables import FRENCH_NUMBER, Row, Table, iso_date, read_csv_table, read_xlsx_tables, ungrouped

INSEE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$")
MAX_COMMUNES = 40_000  # France has about 35 000 communes
MAX_POPULATION = 3_000_000  # more than any French commune
IndicatorValue = dt.date | bool | str | Decimal | None


@dataclass(frozen=True)
class Commune:
    """One valid row of the register."""

    insee: str
    name: str
    departement: str
    region: str
    population: int
    values: Mapping[str, IndicatorValue]
    where: Where


@dataclass(frozen=True, eq=False)  # compared by identity: computed tables are cached per register
class Register:
    """The communes of a register (bad rows left out) and the declaration they were read with."""

    spec: RegisterSpec
    communes: tuple[Commune, ...]

    def communes_in(self, territory: Territory = FRANCE) -> tuple[Commune, ...]:
        """The communes of a département, a région or the whole country."""
        if territory.kind == "dep":
            return tuple(c for c in self.communes if c.departement == territory.code)
        if territory.kind == "reg":
            return tuple(c for c in self.communes if c.region == territory.code)
        return self.communes


def load_register(path: Path) -> Register:
    """Read ``register.yaml`` and its commune file; raise DataError listing every problem."""
    register, problems = read_register(path)
    raise_if_errors(problems, DataError)
    assert register is not None
    return register


def read_register(path: Path) -> tuple[Register | None, list[Problem]]:
    """Read as far as possible: the register (bad rows left out; None if unusable) and every problem."""
    spec, problems = read_register_spec(path)
    return (None, problems) if spec is None else read_communes(spec, problems)


def read_communes(spec: RegisterSpec, problems: list[Problem]) -> tuple[Register | None, list[Problem]]:
    """The register of ``spec``, already parsed (``problems``: those found in it), and every problem."""
    try:
        table = _table(spec)
    except DataError as exc:
        return None, problems + exc.problems
    if not _header_ok(spec, table, problems):
        return None, problems
    if len(table.rows) > MAX_COMMUNES:
        problems.append(Problem(table.where, f"{len(table.rows)} lignes : plus de communes que la France n’en compte",
                                f"un registre a au plus {MAX_COMMUNES} lignes"))
        return None, problems
    communes = _communes(spec, table, problems)
    return Register(spec, tuple(communes)), problems


def _table(spec: RegisterSpec) -> Table:
    if not spec.file.exists():  # a folder, a FIFO or a device is refused by the table readers, as such
        raise DataError(Problem(Where(spec.file), "fichier du registre introuvable",
                                f"corrigez register: file: dans {spec.path.name}"))
    if spec.file.suffix.lower() == ".xlsx":
        table = read_xlsx_tables(spec.file, (spec.sheet,))[spec.sheet]
        assert table is not None  # a required sheet is there, or read_xlsx_tables raised
        return table
    return read_csv_table(spec.file)


def _header_ok(spec: RegisterSpec, table: Table, problems: list[Problem]) -> bool:
    wanted = list(spec.columns.values()) + [i.column for i in spec.indicators.values()]
    missing = [c for c in wanted if c not in table.columns]
    if missing:
        problems.append(Problem(Where(table.where.path, 1, table.where.sheet),
                                f"colonne(s) absente(s) : {', '.join(missing)} ; colonnes trouvées : "
                                f"{', '.join(table.columns)}", f"corrigez columns: ou indicators: dans {spec.path.name}"))
    return not missing


def _communes(spec: RegisterSpec, table: Table, problems: list[Problem]) -> list[Commune]:
    communes: list[Commune] = []
    first_line: dict[str, Row] = {}
    for row in table.rows:
        commune = _commune(spec, table, row, problems)
        if commune is None:
            continue
        if commune.insee in first_line:
            problems.append(Problem(row.where, f"commune {commune.insee} ({commune.name}) en double "
                                    f"(déjà ligne {first_line[commune.insee].where.line})", "gardez une ligne par commune"))
            continue
        first_line[commune.insee] = row
        communes.append(commune)
    return communes


def _commune(spec: RegisterSpec, table: Table, row: Row, problems: list[Problem]) -> Commune | None:
    cells, columns = row.cells, spec.columns
    xlsx = table.dialect == "xlsx"
    insee = _padded(cells[columns["insee"]].strip().upper(), 5, xlsx)
    name = cells[columns["name"]].strip()
    label = f"commune {insee or '(sans code)'}" + (f" ({name})" if name else "")
    before = len(problems)
    if not row.complete:
        problems.append(Problem(row.where, f"{label} : nombre de cellules différent de l’en-tête",
                                "chaque ligne a autant de cellules que la ligne d’en-tête"))
        return None
    if not INSEE.match(insee):
        problems.append(Problem(row.where, f"{label}, colonne « {columns['insee']} » : code INSEE « {insee} » mal formé",
                                "un code INSEE a 5 caractères : le département (2 chiffres, 2A, 2B) puis 3 chiffres"))
    if not name:
        problems.append(Problem(row.where, f"{label}, colonne « {columns['name']} » : nom vide", "écrivez le nom de la commune"))
    departement = _departement(row, label, columns["departement"], insee, xlsx, problems)
    region = _region(row, label, columns.get("region"), departement, problems)
    population = _population(row, label, columns["population"], table.dialect, problems)
    values = {i.name: _indicator_value(row, label, i, problems) for i in spec.indicators.values()}
    if len(problems) > before or departement is None or region is None or population is None:
        return None
    return Commune(insee, name, departement, region, population, MappingProxyType(values), row.where)


def _padded(text: str, width: int, xlsx: bool) -> str:
    """A spreadsheet stores 01004 as the number 1004: put back the leading zeros it dropped."""
    return text.zfill(width) if xlsx and text.isdigit() and len(text) < width else text


def _departement(row: Row, label: str, column: str, insee: str, xlsx: bool, problems: list[Problem]) -> str | None:
    code = _padded(row.cells[column].strip().upper(), 2, xlsx)
    if code not in DEPARTEMENTS:
        problems.append(Problem(row.where, f"{label}, colonne « {column} » : département « {code} » inconnu",
                                "écrivez le code du département : 01 à 95, 2A, 2B, 971 à 976"))
        return None
    if INSEE.match(insee) and not insee.startswith(code):
        problems.append(Problem(row.where, f"{label}, colonne « {column} » : le code INSEE {insee} n’est pas "
                                f"dans le département {code}", "corrigez le code INSEE ou le département"))
        return None
    return code


def _region(row: Row, label: str, column: str | None, departement: str | None, problems: list[Problem]) -> str | None:
    """The région code: from the département; a région column, when declared, must agree with it."""
    expected = region_of(departement) if departement else None
    if column is None:
        return expected
    text = row.cells[column].strip()
    code = region_code(text)
    if code is None:
        problems.append(Problem(row.where, f"{label}, colonne « {column} » : région « {text} » inconnue",
                                "écrivez le nom ou le code d’une des 18 régions (COG 2023)"))
        return None
    if expected is not None and code != expected:
        problems.append(Problem(row.where, f"{label}, colonne « {column} » : région « {text} », mais le département "
                                f"{departement} est en {DEPARTEMENTS[departement or ''][0]} ({expected})",
                                "corrigez la région ou le département"))
        return None
    return code


def _population(row: Row, label: str, column: str, dialect: str, problems: list[Problem]) -> int | None:
    text = ungrouped(row.cells[column].strip())
    if dialect == "xlsx" and text.endswith(".0"):
        text = text[:-2]
    if not WHOLE_NUMBER.match(text) or not 0 < int(text) <= MAX_POPULATION:
        problems.append(Problem(row.where, f"{label}, colonne « {column} » : population « {row.cells[column]} » invalide",
                                f"un nombre entier d’habitants, de 1 à {MAX_POPULATION:,}".replace(",", " ")))
        return None
    return int(text)


def _indicator_value(row: Row, label: str, indicator: Indicator, problems: list[Problem]) -> IndicatorValue:
    text = row.cells[indicator.column].strip()
    if not text:
        return None
    try:
        return _PARSERS[indicator.type](text, indicator)
    except ValueError as exc:
        problems.append(Problem(row.where, f"{label}, colonne « {indicator.column} » : « {text} » {exc}",
                                _HINTS[indicator.type].format(values=", ".join(indicator.values))))
        return None


def _date(text: str, indicator: Indicator) -> dt.date:
    try:
        value = parse_iso_date(iso_date(text))
    except ValueError:
        raise ValueError("n’est pas une date") from None
    if not 1900 <= value.year <= 2100:
        raise ValueError("n’est pas une date")
    return value


def _yes_no(text: str, indicator: Indicator) -> bool:
    lowered = text.lower()
    if lowered in (*YES, "vrai", "1"):
        return True
    if lowered in (*NO, "faux", "0"):
        return False
    raise ValueError("n’est ni oui ni non")


def _category(text: str, indicator: Indicator) -> str:
    if text not in indicator.values:
        raise ValueError("n’est pas une catégorie déclarée")
    return text


def _amount(text: str, indicator: Indicator) -> Decimal:
    """The plain form figures.csv accepts (after French grouping and comma): no exponent (« 1E+999999999 »
    would become a number of a billion digits), no « 1_000 », no digits of other scripts."""
    text = ungrouped(text) if FRENCH_NUMBER.match(text) else text
    if not DECIMAL_NUMBER.match(text):
        raise ValueError("n’est pas un montant")
    value = Decimal(text)
    if value < 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("n’est pas un montant positif en euros (au plus 2 décimales)")
    return value


_PARSERS: dict[str, Callable[[str, Indicator], IndicatorValue]] = {"date": _date, "yesno": _yes_no, "category": _category, "amount": _amount}
_HINTS = {
    "date": "écrivez la date AAAA-MM-JJ ou JJ/MM/AAAA, ou laissez la cellule vide",
    "yesno": "écrivez oui ou non, ou laissez la cellule vide",
    "category": "valeurs permises : {values} (ou cellule vide)",
    "amount": "un montant en euros, par exemple 25580 ou 25 580,50, ou une cellule vide",
}
