"""Register declaration: which file holds the communes, its columns, and the figures computed from it.

Input: ``register.yaml`` of an edition folder (see ``docs/register.md``). Output: a frozen
:class:`RegisterSpec` whose every declaration remembers its line, or the list of problems
(in French, each with file and line). Conditions, shares, sums and series are checked against
the declared indicators here, before any commune is read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bulletin.data.edition import KEY_PATTERN, MONTH_PATTERN, STATUSES, parse_iso_date
from bulletin.errors import DataError, Problem, Where
from bulletin.data.yamlspec import Located, load_yaml

FIELDS = ("insee", "name", "departement", "region", "population")
REQUIRED_FIELDS = ("insee", "name", "departement", "population")
INDICATOR_TYPES = ("date", "yesno", "category", "amount")
FIGURE_KINDS = ("count", "share", "sum")
MAX_DECLARATIONS = 500
MAX_MONTHS = 240
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
YES, NO = ("oui", "true"), ("non", "false")


@dataclass(frozen=True)
class Indicator:
    """An indicator column of the register: its name in declarations, its column and type."""

    name: str
    column: str
    type: str  # date | yesno | category | amount
    values: tuple[str, ...] = ()  # the categories allowed, for type category


@dataclass(frozen=True)
class Provenance:
    """Source, as-of date, status and note given to computed figures."""

    source: str
    as_of: dt.date
    status: str
    note: str


@dataclass(frozen=True)
class Condition:
    """A test on one indicator: ``test`` is True/False, or the accepted categories."""

    indicator: str
    test: bool | tuple[str, ...]


@dataclass(frozen=True)
class FigureDeclaration:
    """A figure computed from the register: count where, share of, sum of."""

    key: str
    kind: str  # count | share | sum
    provenance: Provenance
    where: Where
    conditions: tuple[Condition, ...] = ()
    part: str = ""  # share: key of the count divided
    of: str = ""  # share: key of the count it is divided by ('' = every commune)
    amount: str = ""  # sum: the amount indicator
    decimals: int = 0  # share: decimals kept
    national: str = ""  # count: "typed" = for the whole country, the value typed in figures.csv


@dataclass(frozen=True)
class SeriesDeclaration:
    """A monthly series: communes whose date is on or before the first day of each month."""

    name: str
    date: str  # the date indicator
    start: dt.date
    end: dt.date
    provenance: Provenance
    where: Where
    conditions: tuple[Condition, ...] = ()

    def months(self) -> list[dt.date]:
        """First days of the months from ``start`` to ``end``."""
        found, day = [], self.start
        while day <= self.end:
            found.append(day)
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return found


@dataclass(frozen=True)
class RegisterSpec:
    """Everything ``register.yaml`` declares."""

    path: Path
    file: Path
    sheet: str
    columns: Mapping[str, str]  # field → column of the file (lower case)
    indicators: Mapping[str, Indicator]
    provenance: Provenance
    figures: tuple[FigureDeclaration, ...]
    series: tuple[SeriesDeclaration, ...]
    credit: str = ""  # printed under what draws the communes, e.g. « Liste des communes : ANCT, janvier 2021 »

    @property
    def fictitious(self) -> bool:
        """True when the register's values are not real (status illustrative)."""
        return self.provenance.status == "illustrative"


def load_register_spec(path: Path) -> RegisterSpec:
    """Parse ``register.yaml``; raise DataError listing every problem."""
    spec, problems = read_register_spec(path)
    if problems or spec is None:
        raise DataError(problems or [Problem(Where(path), "déclaration du registre illisible")])
    return spec


def read_register_spec(path: Path) -> tuple[RegisterSpec | None, list[Problem]]:
    """Parse as much as possible: the spec (None when the file is unusable) and every problem."""
    data = load_yaml(path, DataError)
    problems: list[Problem] = []
    if not isinstance(data, Located) or not isinstance(data.get("register"), Located):
        return None, [Problem(Where(path, 1), "register.yaml doit contenir une section « register: »",
                              "voir docs/register.md pour le format")]
    _unknown_keys(path, data, ("register", "figures", "series"), "", problems)
    section: Located = data["register"]
    _unknown_keys(path, section, ("file", "sheet", "source", "as_of", "status", "note", "credit", "columns",
                                  "indicators"),
                  "register: ", problems)
    provenance = _provenance(path, section, None, problems)
    columns = _columns(path, section.get("columns"), section, problems)
    indicators = _indicators(path, section.get("indicators"), section, problems)
    file = _file(path, section, problems)
    if provenance is None or file is None:
        return None, problems
    figures = _figures(path, data.get("figures"), indicators, provenance, problems)
    series = _series(path, data.get("series"), indicators, provenance, problems)
    spec = RegisterSpec(path, file, str(section.get("sheet", "communes")), MappingProxyType(columns),
                        MappingProxyType(indicators), provenance, figures, series, str(section.get("credit") or ""))
    return spec, problems


def _unknown_keys(path: Path, mapping: Located, known: tuple[str, ...], label: str, problems: list[Problem]) -> None:
    for key in mapping:
        if key not in known:
            problems.append(Problem(Where(path, mapping.line_of(str(key))), f"{label}clé inconnue « {key} »",
                                    f"clés possibles : {', '.join(known)}"))


def _file(path: Path, section: Located, problems: list[Problem]) -> Path | None:
    name = section.get("file")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(Where(path, section.line), "register: « file » manque",
                                "donnez le fichier des communes (.csv ou .xlsx), relatif à register.yaml"))
        return None
    file = (path.parent / name).resolve()
    if file.suffix.lower() not in (".csv", ".xlsx"):
        problems.append(Problem(Where(path, section.line_of("file")), f"register: fichier « {name} » ni .csv ni .xlsx",
                                "donnez un fichier CSV ou un classeur .xlsx"))
        return None
    return file


def _provenance(path: Path, data: Located, default: Provenance | None, problems: list[Problem]) -> Provenance | None:
    """source, as_of, status and note of a section; each defaults to ``default``'s when given."""
    ok = True
    source = data.get("source", default.source if default else None)
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(Where(path, data.line_of("source")), "« source » manque ou est vide",
                                "nommez qui produit les données (ANCT, Anah…)"))
        ok = False
    as_of = _date(path, data, "as_of", default.as_of if default else None, problems)
    status = data.get("status", default.status if default else None)
    if status not in STATUSES:
        problems.append(Problem(Where(path, data.line_of("status")), f"statut « {status} » inconnu",
                                f"écrivez l’un de : {', '.join(STATUSES)}"))
        ok = False
    note = data.get("note", default.note if default else "")
    if as_of is None or not ok:
        return None
    return Provenance(str(source).strip(), as_of, str(status), str(note or "").strip())


def _date(path: Path, data: Located, key: str, default: dt.date | None, problems: list[Problem]) -> dt.date | None:
    value = data.get(key, default)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return parse_iso_date(str(value))
    except ValueError:
        problems.append(Problem(Where(path, data.line_of(key)), f"« {key} » : « {value} » n’est pas une date",
                                "écrivez la date AAAA-MM-JJ, par exemple 2022-02-01"))
        return None


def _columns(path: Path, raw: Any, section: Located, problems: list[Problem]) -> dict[str, str]:
    if not isinstance(raw, Located):
        problems.append(Problem(Where(path, section.line_of("columns")), "register: « columns » doit associer "
                                "insee, name, departement, population (et region) aux colonnes du fichier",
                                "par exemple columns: {insee: insee_com, name: lib_com, departement: insee_dep, "
                                "population: pop}"))
        return {}
    _unknown_keys(path, raw, FIELDS, "columns: ", problems)
    columns = {}
    for field in FIELDS:
        value = raw.get(field)
        if value is None:
            if field in REQUIRED_FIELDS:
                problems.append(Problem(Where(path, raw.line), f"columns: le champ « {field} » manque",
                                        "nommez la colonne du fichier qui le contient"))
            continue
        columns[field] = str(value).strip().lower()
    return columns


def _indicators(path: Path, raw: Any, section: Located, problems: list[Problem]) -> dict[str, Indicator]:
    if raw is None:
        return {}
    if not isinstance(raw, Located):
        problems.append(Problem(Where(path, section.line_of("indicators")), "register: « indicators » doit être "
                                "une table nom → {column, type}", "voir docs/register.md"))
        return {}
    found = {}
    for name, item in raw.items():
        indicator = _indicator(Where(path, raw.line_of(str(name))), str(name), item, problems)
        if indicator is not None:
            found[indicator.name] = indicator
    return found


def _indicator(where: Where, name: str, item: Any, problems: list[Problem]) -> Indicator | None:
    if not NAME_PATTERN.match(name):
        problems.append(Problem(where, f"indicateur « {name} » : nom invalide", "lettres minuscules, chiffres et _"))
        return None
    if not isinstance(item, dict) or not isinstance(item.get("column"), str) or item.get("type") not in INDICATOR_TYPES:
        problems.append(Problem(where, f"indicateur « {name} » : il faut column: et type:",
                                f"types possibles : {', '.join(INDICATOR_TYPES)}"))
        return None
    values = item.get("values", [])
    if item["type"] == "category" and (not isinstance(values, list) or not values):
        problems.append(Problem(where, f"indicateur « {name} » : une catégorie a besoin de values:",
                                "listez les valeurs permises, par exemple values: [aucune, RU, RR]"))
        return None
    return Indicator(name, item["column"].strip().lower(), item["type"], tuple(str(v) for v in values))


def _declarations(path: Path, raw: Any, label: str, problems: list[Problem]) -> list[tuple[str, Located]]:
    """The ``key: {…}`` entries of ``figures:`` or ``series:``, checked for shape and bounds."""
    if raw is None:
        return []
    if not isinstance(raw, Located) or len(raw) > MAX_DECLARATIONS:
        problems.append(Problem(Where(path, getattr(raw, "line", None)),
                                f"« {label} » doit être une table clé → déclaration (au plus {MAX_DECLARATIONS})",
                                "voir docs/register.md"))
        return []
    found = []
    for key, item in raw.items():
        where = Where(path, raw.line_of(str(key)))
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            problems.append(Problem(where, f"{label} : clé « {key} » invalide",
                                    "identifiant pointé en minuscules, par exemple conventions.communes_signataires"))
        elif not isinstance(item, Located):
            problems.append(Problem(where, f"{label} : « {key} » doit être une table", "voir docs/register.md"))
        else:
            found.append((key, item))
    return found


def _figures(path: Path, raw: Any, indicators: Mapping[str, Indicator], base: Provenance,
             problems: list[Problem]) -> tuple[FigureDeclaration, ...]:
    found: dict[str, FigureDeclaration] = {}
    for key, item in _declarations(path, raw, "figures", problems):
        declaration = _figure(path, key, item, indicators, base, problems)
        if declaration is not None:
            found[key] = declaration
    _check_shares(found, problems)
    return tuple(found.values())


def _figure(path: Path, key: str, item: Located, indicators: Mapping[str, Indicator], base: Provenance,
            problems: list[Problem]) -> FigureDeclaration | None:
    where = Where(path, item.line)
    kinds = [kind for kind in FIGURE_KINDS if kind in item]
    _unknown_keys(path, item, (*FIGURE_KINDS, "source", "as_of", "status", "note", "national"), f"figures: {key}: ",
                  problems)
    if len(kinds) != 1:
        problems.append(Problem(where, f"figures : « {key} » doit déclarer un seul calcul parmi {', '.join(FIGURE_KINDS)}",
                                "par exemple count: {ort: oui}"))
        return None
    kind, body = kinds[0], item[kinds[0]]
    provenance = _provenance(path, item, base, problems)
    label = f"figures : « {key} »"
    if provenance is None:
        return None
    national = _national(path, item, kind, label, problems)
    if kind == "count":
        conditions = _conditions(Where(path, item.line_of("count")), label, body, indicators, problems)
        return None if conditions is None or national is None else \
            FigureDeclaration(key, kind, provenance, where, conditions, national=national)
    if national is None:
        return None
    if not isinstance(body, Located):
        problems.append(Problem(where, f"{label} : {kind} doit être une table", "voir docs/register.md"))
        return None
    return (_share if kind == "share" else _sum)(path, key, body, indicators, provenance, problems)


def _national(path: Path, item: Located, kind: str, label: str, problems: list[Problem]) -> str | None:
    """``national: typed``: the whole country's value is the one typed in figures.csv (a count only)."""
    value = item.get("national", "")
    if value == "" or (value == "typed" and kind == "count"):
        return str(value)
    problems.append(Problem(Where(path, item.line_of("national")), f"{label} : national: « {value} » inconnu",
                            "national: typed ne s’écrit que sur un compte (count) : pour la France entière, la "
                            "valeur saisie dans figures.csv (la population de référence du programme)"))
    return None


def _share(path: Path, key: str, body: Located, indicators: Mapping[str, Indicator], provenance: Provenance,
           problems: list[Problem]) -> FigureDeclaration | None:
    where = Where(path, body.line)
    _unknown_keys(path, body, ("part", "of", "decimals"), f"figures: {key}: share: ", problems)
    part, of, decimals = body.get("part"), body.get("of", ""), body.get("decimals", 0)
    if not isinstance(part, str) or not isinstance(of, str):
        problems.append(Problem(where, f"figures : « {key} » : share a besoin de part: (et of:), des clés de comptes",
                                "par exemple share: {part: ort.communes_engagees, of: programme.communes}"))
        return None
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 3:
        problems.append(Problem(where, f"figures : « {key} » : decimals doit être 0, 1, 2 ou 3", "par exemple decimals: 1"))
        return None
    return FigureDeclaration(key, "share", provenance, where, part=part, of=of, decimals=decimals)


def _sum(path: Path, key: str, body: Located, indicators: Mapping[str, Indicator], provenance: Provenance,
         problems: list[Problem]) -> FigureDeclaration | None:
    where = Where(path, body.line)
    _unknown_keys(path, body, ("amount", "where"), f"figures: {key}: sum: ", problems)
    amount = body.get("amount")
    if not isinstance(amount, str) or getattr(indicators.get(amount), "type", None) != "amount":
        problems.append(Problem(where, f"figures : « {key} » : sum: amount doit nommer un indicateur de type amount",
                                f"indicateurs de type amount : {_names(indicators, 'amount')}"))
        return None
    conditions = _conditions(where, f"figures : « {key} »", body.get("where", {}), indicators, problems)
    return None if conditions is None else FigureDeclaration(key, "sum", provenance, where, conditions, amount=amount)


def _check_shares(found: dict[str, FigureDeclaration], problems: list[Problem]) -> None:
    """A share divides two counts declared in the same file."""
    for declaration in list(found.values()):
        if declaration.kind != "share":
            continue
        for role in ("part", "of"):
            key = getattr(declaration, role)
            if (key or role == "part") and getattr(found.get(key), "kind", None) != "count":
                problems.append(Problem(declaration.where, f"figures : « {declaration.key} » : {role} « {key} » "
                                        "n’est pas un compte déclaré (count) dans register.yaml",
                                        "déclarez ce compte sous figures:, ou corrigez la clé"))
                found.pop(declaration.key, None)


def _series(path: Path, raw: Any, indicators: Mapping[str, Indicator], base: Provenance,
            problems: list[Problem]) -> tuple[SeriesDeclaration, ...]:
    found = []
    for name, item in _declarations(path, raw, "series", problems):
        where, label = Where(path, item.line), f"series : « {name} »"
        _unknown_keys(path, item, ("count_by_month", "from", "to", "where", "source", "as_of", "status", "note"),
                      f"series: {name}: ", problems)
        date = item.get("count_by_month")
        if getattr(indicators.get(str(date)), "type", None) != "date":
            problems.append(Problem(where, f"{label} : count_by_month doit nommer un indicateur de type date",
                                    f"indicateurs de type date : {_names(indicators, 'date')}"))
            continue
        provenance = _provenance(path, item, base, problems)
        conditions = _conditions(where, label, item.get("where", {}), indicators, problems)
        start = _month(path, item, "from", None, problems)
        end = _month(path, item, "to", provenance.as_of.replace(day=1) if provenance else None, problems)
        if provenance is None or conditions is None or start is None or end is None:
            continue
        if not start <= end <= provenance.as_of or (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            problems.append(Problem(where, f"{label} : de {start:%Y-%m} à {end:%Y-%m} : période vide, trop longue "
                                    f"ou après la date des chiffres ({provenance.as_of})",
                                    f"from: précède to:, to: ne dépasse pas as_of, au plus {MAX_MONTHS} mois"))
            continue
        found.append(SeriesDeclaration(name, str(date), start, end, provenance, where, conditions))
    return tuple(found)


def _month(path: Path, item: Located, key: str, default: dt.date | None, problems: list[Problem]) -> dt.date | None:
    value = item.get(key)
    if value is None and default is not None:
        return default
    text = str(value)
    if not MONTH_PATTERN.match(text):
        problems.append(Problem(Where(path, item.line_of(key)), f"series : « {key} » : « {value} » n’est pas un mois",
                                "écrivez le mois AAAA-MM entre guillemets, par exemple \"2021-01\""))
        return None
    return dt.date(int(text[:4]), int(text[5:7]), 1)


def _conditions(where: Where, label: str, raw: Any, indicators: Mapping[str, Indicator],
                problems: list[Problem]) -> tuple[Condition, ...] | None:
    """``{ort: oui, opah: [RU, RR], convention: oui}``: every test must hold; None when malformed."""
    if raw is None or raw == {}:
        return ()
    if not isinstance(raw, dict):
        problems.append(Problem(where, f"{label} : la condition doit être une table indicateur → valeur",
                                "par exemple count: {ort: oui} ; count: {} compte toutes les communes"))
        return None
    found, ok = [], True
    for name, test in raw.items():
        condition = _condition(where, label, str(name), test, indicators, problems)
        ok &= condition is not None
        found += [condition] if condition else []
    return tuple(found) if ok else None


def _condition(where: Where, label: str, name: str, test: Any, indicators: Mapping[str, Indicator],
               problems: list[Problem]) -> Condition | None:
    indicator = indicators.get(name)
    if indicator is None:
        problems.append(Problem(where, f"{label} : indicateur « {name} » non déclaré",
                                f"indicateurs déclarés : {', '.join(indicators) or 'aucun'}"))
        return None
    if indicator.type == "category":
        values = tuple(str(v) for v in (test if isinstance(test, list) else [test]))
        unknown = [v for v in values if v not in indicator.values]
        if unknown:
            problems.append(Problem(where, f"{label} : « {name} » n’a pas la catégorie {', '.join(unknown)}",
                                    f"catégories : {', '.join(indicator.values)}"))
            return None
        return Condition(name, values)
    flag = _yes_no(test)
    if flag is None:
        problems.append(Problem(where, f"{label} : « {name} : {test} » : attendu oui ou non",
                                "oui : date passée à la date des chiffres, réponse oui, montant non nul"))
        return None
    return Condition(name, flag)


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in YES else False if text in NO else None


def _names(indicators: Mapping[str, Indicator], kind: str) -> str:
    return ", ".join(name for name, i in indicators.items() if i.type == kind) or "aucun"
