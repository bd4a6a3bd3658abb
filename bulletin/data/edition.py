"""Load stage: read an edition folder into typed, immutable figures and series.

Input: a folder holding ``edition.yaml``, ``figures.csv`` and ``series.csv`` (DESIGN §2).
Output: an :class:`Edition`, or a :class:`DataError` listing every problem found, each with
file, line and key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType

from bulletin.errors import DataError, Problem, Where, nearest, quoted, raise_if_errors
from bulletin.data.tables import Row, Table, read_csv_table, read_xlsx_tables
from bulletin.data.yamlspec import Located, load_yaml

UNITS = ("count", "percent", "eur", "date", "month", "year", "text", "url")
NUMERIC_UNITS = ("count", "percent", "eur")  # measured numbers: they add up, change and have a source date
STATUSES = ("published", "provisional", "derived", "illustrative")
FIGURE_COLUMNS = ("key", "value", "unit", "as_of", "source", "status", "note")
SERIES_COLUMNS = ("series", "x", "value", "unit", "as_of", "source", "status", "note")
SAFE_URL = re.compile(r"^(https?://[^\s<>\"']+|mailto:[^\s<>\"'@]+@[^\s<>\"']+)$", re.IGNORECASE)
MONTH_PATTERN = re.compile(r"\A[0-9]{4}-(0[1-9]|1[0-2])\Z")  # an edition month, YYYY-MM (ASCII digits, no newline)
# The documented plain forms of numbers: ASCII digits, a dot for decimals, no exponent, no grouping.
WHOLE_NUMBER = re.compile(r"\A[0-9]{1,15}\Z")
DECIMAL_NUMBER = re.compile(r"\A-?[0-9]{1,15}(\.[0-9]{1,12})?\Z")
KEY_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")

Value = int | Decimal | dt.date | str
PRECISIONS = ("day", "month", "year")


class AsOf(dt.date):
    """An as-of date known to the day, the month or the year (``2021-10-25``, ``2021-10``, ``2021``).

    It is the first day of its period, so it compares and sorts like that date; ``precision`` says
    how it prints (« 25 octobre 2021 », « octobre 2021 », « 2021 »: see ``typography.fr_date``).
    """

    precision: str

    def __new__(cls, year: int, month: int = 1, day: int = 1, precision: str = "day") -> AsOf:
        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}")
        self = super().__new__(cls, year, month, day)
        self.precision = precision
        return self

    def __reduce__(self):  # type: ignore[no-untyped-def, override]
        return (AsOf, (self.year, self.month, self.day, self.precision))

    def __repr__(self) -> str:
        return f"AsOf({self.isoformat()!r}, {self.precision!r})"

    @property
    def end(self) -> dt.date:
        """The last day of the period: the date itself, the month's last day or 31 December."""
        if self.precision == "year":
            return dt.date(self.year, 12, 31)
        if self.precision == "month":
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, self.month, self.day)

    @property
    def text(self) -> str:
        """The date as written in the data: YYYY-MM-DD, YYYY-MM or YYYY."""
        return {"day": self.isoformat(), "month": self.isoformat()[:7], "year": str(self.year)}[self.precision]


def parse_as_of(text: str) -> AsOf:
    """Parse an as-of date ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; ValueError says what is wrong."""
    if re.fullmatch(r"[0-9]{4}", text):
        return AsOf(int(text), precision="year")
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        if not 1 <= int(text[5:]) <= 12:
            raise ValueError(f"{quoted(text)} n’est pas un mois réel")
        return AsOf(int(text[:4]), int(text[5:]), precision="month")
    day = parse_iso_date(text)
    return AsOf(day.year, day.month, day.day)


@dataclass(frozen=True)
class Figure:
    """One key figure of an edition, with its provenance."""

    key: str
    value: Value
    unit: str
    as_of: dt.date
    source: str
    status: str
    note: str
    where: Where

    @property
    def illustrative(self) -> bool:
        """True when the value is not taken from a real source."""
        return self.status == "illustrative"

    @property
    def number(self) -> Decimal:
        """The value as a Decimal (counts, percentages, amounts, years); TypeError for other units."""
        if isinstance(self.value, (int, Decimal)):
            return Decimal(self.value)
        raise TypeError(f"figure {self.key!r} of unit {self.unit!r} is not a number")


@dataclass(frozen=True)
class SeriesPoint:
    """One point of a chart series; ``x`` is a date (time series) or a category label."""

    series: str
    x: dt.date | str
    value: Decimal
    unit: str
    as_of: dt.date
    source: str
    status: str
    note: str
    where: Where


@dataclass(frozen=True)
class CoherenceRule:
    """A declared relation between figures, from ``checks:`` in edition.yaml.

    kind ``share``: figure ``share`` (percent) = ``part`` / ``of`` (default: the reference population);
    kind ``question``: the percent figures under ``prefix`` sum to 100 % ± 1 unless ``multi_answer``;
    kind ``total``: the figures under ``prefix`` add up to figure ``total``;
    kind ``remainder``: the ``derived`` figure ``remainder`` is 100 % minus the other answers under
    ``prefix`` (« autre ou non renseigné »).
    A question may declare ``non_response`` (a percent figure counted in its 100 %) and ``answered``
    (the prefix of the same answers as shares of those who answered: share / (100 − non-response)).
    """

    kind: str
    where: Where
    share: str = ""
    part: str = ""
    of: str = ""
    prefix: str = ""
    total: str = ""
    multi_answer: bool = False
    remainder: str = ""
    non_response: str = ""
    answered: str = ""


@dataclass(frozen=True)
class Edition:
    """A monthly edition: its metadata, figures by key and series by name."""

    folder: Path
    month: str
    title: str
    published: dt.date
    reference_population: str | None
    notes: str
    figures: Mapping[str, Figure] = field(default_factory=dict)
    series: Mapping[str, tuple[SeriesPoint, ...]] = field(default_factory=dict)
    broken_keys: frozenset[str] = frozenset()  # keys whose lines had errors (already reported)
    rules: tuple[CoherenceRule, ...] = ()
    as_of: dt.date | None = None  # the reference date of the edition's figures (« données au … »)
    territory: str = ""  # a territorial edition's territory: "dep:58", "reg:27" ('' for the national edition)
    territory_name: str = ""  # its name as printed: « Nièvre (58) », « Région Bourgogne-Franche-Comté »

    @property
    def month_date(self) -> dt.date:
        """First day of the edition's month."""
        return dt.date.fromisoformat(self.month + "-01")


def is_safe_url(url: str) -> bool:
    """True for http(s) and mailto links, the only ones the bulletin makes clickable."""
    return bool(SAFE_URL.match(url.strip()))


def parse_iso_date(text: str) -> dt.date:
    """Parse a strict ``YYYY-MM-DD`` date; ValueError names the impossible day."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(f"{quoted(text)} n’est pas une date AAAA-MM-JJ")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{quoted(text)} n’est pas une date du calendrier") from None


def parse_value(text: str, unit: str) -> Value:
    """Turn the CSV text of a value into the Python value its unit implies (ValueError if not)."""
    text = text.strip()
    if unit in ("count", "year"):
        if not WHOLE_NUMBER.match(text):
            raise ValueError(f"{quoted(text)} n’est pas un nombre entier positif ou nul")
        return int(text)
    if unit in ("percent", "eur"):
        return _parse_decimal(text, unit)
    if unit == "date":
        return parse_iso_date(text)
    if unit == "month":
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
            raise ValueError(f"{quoted(text)} n’est pas un mois AAAA-MM")
        return parse_iso_date(text + "-01")
    if not text:
        raise ValueError("le texte est vide")
    return text


def _parse_decimal(text: str, unit: str) -> Decimal:
    # Checked before Decimal() sees it: Decimal accepts « 1E+999999999 » (whose printing takes
    # minutes and gigabytes), « ١٢ », « 1_000 », « NaN »; only the documented plain form passes.
    if not DECIMAL_NUMBER.match(text):
        raise ValueError(f"{quoted(text)} n’est pas un nombre (un point pour les décimales, sans espace)"
                         + (" ; écrivez le nombre en chiffres, sans exposant" if re.search(r"[eE]", text) else ""))
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"{quoted(text)} n’est pas un nombre") from None
    if unit == "percent" and not 0 <= number <= 100:
        raise ValueError(f"{text} n’est pas un pourcentage entre 0 et 100")
    if unit == "eur" and (number < 0 or number.as_tuple().exponent < -2):  # type: ignore[operator]
        raise ValueError(f"{text} n’est pas un montant en euros d’au plus 2 décimales")
    return number


def load_edition(folder: Path) -> Edition:
    """Read ``folder`` into an :class:`Edition`; raise DataError listing every problem."""
    edition, problems = read_edition(folder)
    raise_if_errors(problems, DataError)
    return edition


def read_edition(folder: Path, tables: Mapping[str, Table | None] | None = None) -> tuple[Edition, list[Problem]]:
    """Read ``folder`` as far as possible: the edition (bad lines left out) and every problem.

    Raises DataError only when nothing usable remains (no folder, no readable edition.yaml).
    """
    problems: list[Problem] = []
    meta = _read_meta(folder, problems)
    broken: set[str] = set()
    tables = usable_tables(tables if tables is not None else read_tables(folder, problems), problems)
    figures = _read_figures(tables["figures"], problems, broken)
    series = _read_series(tables["series"], problems)
    if None in tables.values():  # an unreadable table: report the root cause, not its consequences
        raise DataError(problems)
    reference = meta.get("reference_population")
    if reference is not None and reference not in broken and (not isinstance(reference, str) or reference not in figures):
        reference = str(reference)
        broken.add(reference)  # reported here once, not again by the share checks that divide by it
        problems.append(Problem(Where(folder / "edition.yaml", meta.line_of("reference_population")),
                                f"reference_population : {quoted(reference)} n’est pas une clé de figures.csv",
                                nearest(reference, figures, "nommez un chiffre de type count, par exemple "
                                        "programme.communes_pvd")))
    if not all(name in meta and isinstance(meta[name], expected) for name, expected in _META_TYPES.items()):
        raise DataError(problems or Problem(Where(folder / "edition.yaml"), "title, edition ou published est mal formé",
                                            "voir docs/data-format.md"))
    edition = Edition(folder=folder, month=meta["edition"], title=str(meta["title"]),
                      published=meta["published"], reference_population=reference,
                      notes=str(meta.get("notes", "")), figures=MappingProxyType(figures),
                      series=MappingProxyType(series), broken_keys=frozenset(broken),
                      rules=_rules(folder / "edition.yaml", meta.get("checks"), problems),
                      as_of=meta.get("as_of"))
    return edition, problems


RULE_FIELDS = {"shares": ("share", "part", "of"), "questions": ("prefix", "multi_answer", "non_response", "answered"),
               "totals": ("total", "prefix"), "remainders": ("remainder", "prefix")}
RULE_REQUIRED = {"shares": ("share", "part"), "questions": ("prefix",), "totals": ("total", "prefix"),
                 "remainders": ("remainder", "prefix")}


def _rules(path: Path, checks: object, problems: list[Problem]) -> tuple[CoherenceRule, ...]:
    """Parse ``checks:`` (shares, questions, totals) of edition.yaml into rules."""
    if checks is None:
        return ()
    if not isinstance(checks, Located):
        problems.append(Problem(Where(path), "checks: doit regrouper des listes shares, questions, totals, remainders",
                                "voir docs/data-format.md"))
        return ()
    rules = []
    for group, items in checks.items():
        if group not in RULE_FIELDS or not isinstance(items, list):
            problems.append(Problem(Where(path, checks.line_of(group)), f"checks: groupe inconnu ou mal formé "
                                    f"{quoted(group)}", nearest(group, RULE_FIELDS, "des listes sous : "
                                                                 f"{', '.join(RULE_FIELDS)}")))
            continue
        rules += [r for r in (_rule(path, group, item, problems) for item in items) if r]
    return tuple(rules)


def _rule(path: Path, group: str, item: object, problems: list[Problem]) -> CoherenceRule | None:
    where = Where(path, item.line if isinstance(item, Located) else None)
    if not isinstance(item, dict) or set(item) - set(RULE_FIELDS[group]) or \
            any(name not in item for name in RULE_REQUIRED[group]):
        problems.append(Problem(where, f"checks: {group} : {quoted(item)} est mal formé",
                                f"écrivez {{{', '.join(RULE_FIELDS[group])}}} ({', '.join(RULE_REQUIRED[group])} "
                                "obligatoires)"))
        return None
    return CoherenceRule(kind=group.rstrip("s"), where=where, share=str(item.get("share", "")),
                         part=str(item.get("part", "")), of=str(item.get("of", "")),
                         prefix=str(item.get("prefix", "")), total=str(item.get("total", "")),
                         multi_answer=bool(item.get("multi_answer", False)), remainder=str(item.get("remainder", "")),
                         non_response=str(item.get("non_response", "")), answered=str(item.get("answered", "")))


_META_TYPES = {"title": object, "edition": str, "published": dt.date}


def _read_meta(folder: Path, problems: list[Problem]) -> Located:
    path = folder / "edition.yaml"
    if not folder.is_dir():
        raise DataError(Problem(Where(folder), "dossier d’édition introuvable",
                                "donnez un dossier existant avec --data-dir, ou un mois avec --edition"))
    meta = load_yaml(path, DataError)
    if not isinstance(meta, Located):
        raise DataError(Problem(Where(path), "edition.yaml doit être une liste de champs « nom: valeur »",
                                "écrivez title:, edition:, published: et reference_population:"))
    _check_meta_fields(path, meta, problems)
    return meta


def _check_meta_fields(path: Path, meta: Located, problems: list[Problem]) -> None:
    for name in ("title", "edition", "published"):
        if name not in meta:
            problems.append(Problem(Where(path, meta.line), f"champ manquant : {quoted(name)}",
                                    "voir les champs d’edition.yaml dans docs/data-format.md"))
    edition = str(meta.get("edition", ""))
    if "edition" in meta and not MONTH_PATTERN.match(edition):
        problems.append(Problem(Where(path, meta.line_of("edition")),
                                f"edition : {quoted(edition)} n’est pas un mois AAAA-MM",
                                'écrivez par exemple edition: "2022-02"'))
    meta["edition"] = edition
    _check_folder_month(path, meta, problems)
    published = meta.get("published")
    if isinstance(published, dt.datetime):  # YAML reads « 2022-02-15 10:00 » as a date and time
        problems.append(Problem(Where(path, meta.line_of("published")), f"published: « {published} » contient "
                                "une heure", "écrivez seulement la date, AAAA-MM-JJ (par exemple 2022-02-15)"))
        meta["published"] = published.date()
    elif "published" in meta and not isinstance(published, dt.date):
        try:
            meta["published"] = parse_iso_date(str(published))
        except ValueError as exc:
            problems.append(Problem(Where(path, meta.line_of("published")), f"published: {exc}",
                                    "écrivez la date de publication AAAA-MM-JJ"))
    _check_as_of(path, meta, problems)


def _check_as_of(path: Path, meta: Located, problems: list[Problem]) -> None:
    """Optional ``as_of:``: the date the edition's figures are given at, not after publication."""
    if "as_of" not in meta:
        return
    value, where = meta["as_of"], Where(path, meta.line_of("as_of"))
    try:
        as_of = value if isinstance(value, dt.date) else parse_iso_date(str(value))
    except ValueError as exc:
        problems.append(Problem(where, f"as_of : {exc}", "écrivez la date de référence des chiffres au format "
                                "AAAA-MM-JJ, par exemple as_of: 2022-02-01"))
        meta["as_of"] = None
        return
    published = meta.get("published")
    if isinstance(published, dt.date) and as_of > published:
        problems.append(Problem(where, f"as_of {as_of} est postérieur à la date de publication {published}",
                                "corrigez as_of ou published"))
    meta["as_of"] = as_of


def _check_folder_month(path: Path, meta: Located, problems: list[Problem]) -> None:
    """A folder named like a month holds that month's edition: a copied folder whose edition.yaml still
    names the old month would otherwise build (and overwrite) the old month's PDF."""
    folder, edition = path.parent.name, meta["edition"]
    if MONTH_PATTERN.match(folder) and MONTH_PATTERN.match(edition) and folder != edition:
        problems.append(Problem(Where(path, meta.line_of("edition")),
                                f"edition: « {edition} » mais le dossier s’appelle « {folder} »",
                                f"écrivez edition: \"{folder}\" (ou renommez le dossier)"))


def read_tables(folder: Path, problems: list[Problem]) -> dict[str, Table | None]:
    """The figures and series tables, from the CSV files or from ``edition.xlsx``."""
    workbook, csvs = folder / "edition.xlsx", [folder / "figures.csv", folder / "series.csv"]
    if workbook.exists() and any(p.exists() for p in csvs):
        problems.append(Problem(Where(folder), "le dossier contient à la fois edition.xlsx et des fichiers CSV",
                                "gardez une seule source des chiffres : le classeur, ou figures.csv et series.csv"))
        return {"figures": None, "series": None}
    try:
        if workbook.exists():
            return dict(read_xlsx_tables(workbook))
    except DataError as exc:
        problems.extend(exc.problems)
        return {"figures": None, "series": None}
    return {path.stem: _csv_table(path, problems) for path in csvs}


def _csv_table(path: Path, problems: list[Problem]) -> Table | None:
    if not path.exists():
        problems.append(Problem(Where(path), "fichier introuvable",
                                "créez-le (voir docs/data-format.md), ou fournissez un classeur edition.xlsx"))
        return None
    try:
        return read_csv_table(path)
    except DataError as exc:
        problems.extend(exc.problems)
        return None


def usable_tables(tables: Mapping[str, Table | None], problems: list[Problem]) -> dict[str, Table | None]:
    """The figures and series tables, None for one that is missing or whose header is wrong (reported)."""
    usable: dict[str, Table | None] = {}
    for name, columns in (("figures", FIGURE_COLUMNS), ("series", SERIES_COLUMNS)):
        table = tables.get(name)
        usable[name] = table if table is not None and _header_ok(table.where, table.columns, columns,
                                                                 problems) else None
    return usable


def _rows(table: Table | None, columns: tuple[str, ...], problems: list[Problem]) -> Iterator[Row]:
    """Rows of a table (whose header was checked by :func:`usable_tables`); bad lines are reported."""
    if table is None:
        return
    for row in table.rows:
        if not row.complete:
            problems.append(Problem(row.where, "nombre de cellules incorrect",
                                    f"chaque ligne a les {len(columns)} colonnes {', '.join(columns)}"))
            continue
        yield row


def _header_ok(where: Where, header: tuple[str, ...], columns: tuple[str, ...], problems: list[Problem]) -> bool:
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or duplicated:
        parts = [f"colonnes manquantes : {', '.join(missing)}" if missing else "",
                 f"colonnes inconnues : {', '.join(map(quoted, unknown))}" if unknown else "",
                 f"colonnes répétées : {', '.join(duplicated)}" if duplicated else ""]
        detail = " ; ".join(part for part in parts if part)
        first = Where(where.path, 1, where.sheet)
        problems.append(Problem(first, detail, f"la ligne d’en-tête doit être {','.join(columns)}"))
        return False
    return True


def _provenance(line: Row, label: str, problems: list[Problem]) -> tuple[dt.date, str, str] | None:
    """Parse as_of, source and status of a row; report what is wrong."""
    ok, row = True, line.cells
    try:
        as_of = parse_as_of(row["as_of"].strip())
    except ValueError as exc:
        problems.append(Problem(line.where_of("as_of"), f"{label} : as_of {exc}",
                                "écrivez la date AAAA-MM-JJ (2021-09-30), ou AAAA-MM / AAAA si seul le mois "
                                "ou l’année est connu"))
        ok = False
    if not row["source"].strip():
        problems.append(Problem(line.where_of("source"), f"{label} : la source est vide",
                                "nommez qui a produit le chiffre (ANCT, Anah…)"))
        ok = False
    status = row["status"].strip()
    if status not in STATUSES:
        problems.append(Problem(line.where_of("status"), f"{label} : statut inconnu {quoted(status)}",
                                nearest(status, STATUSES, f"statuts possibles : {', '.join(STATUSES)}")))
        ok = False
    return (as_of, row["source"].strip(), status) if ok else None


def _unit_of(line: Row, label: str, problems: list[Problem]) -> str | None:
    unit = line.cells["unit"].strip()
    if unit not in UNITS:
        problems.append(Problem(line.where_of("unit"), f"{label} : unité inconnue {quoted(unit)}",
                                nearest(unit, UNITS, f"unités possibles : {', '.join(UNITS)}")))
        return None
    return unit


def _read_figures(table: Table | None, problems: list[Problem], broken: set[str]) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    for row in _rows(table, FIGURE_COLUMNS, problems):
        figure = _figure_from_row(row, problems)
        if figure is None:
            broken.add(row.cells["key"].strip())
            continue
        if figure.key in figures:
            problems.append(Problem(row.where_of("key"), f"clé {quoted(figure.key)} en double (déjà à la ligne "
                                    f"{figures[figure.key].where.line})", "gardez une ligne par clé"))
            continue
        figures[figure.key] = figure
    return figures


def _figure_from_row(line: Row, problems: list[Problem]) -> Figure | None:
    row, where = line.cells, line.where
    key = row["key"].strip()
    if not KEY_PATTERN.match(key):
        problems.append(Problem(line.where_of("key"), f"clé {quoted(key)} : une clé s’écrit en minuscules, en "
                                "mots séparés par des points", "lettres, chiffres et _ séparés par des points, par "
                                "exemple conventions.signees"))
        return None
    unit = _unit_of(line, f"clé {quoted(key)}", problems)
    provenance = _provenance(line, f"clé {quoted(key)}", problems)
    if unit is None or provenance is None:
        return None
    try:
        value = parse_value(row["value"], unit)
    except ValueError as exc:
        problems.append(Problem(line.where_of("value"), f"clé {quoted(key)} : valeur {exc}", _value_hint(unit)))
        return None
    return Figure(key, value, unit, *provenance, note=row["note"].strip(), where=where)


def _value_hint(unit: str) -> str:
    return {
        "count": "un nombre (count) est un entier sans espace, par exemple 1579",
        "year": "une année s’écrit en quatre chiffres, par exemple 2021",
        "percent": "un pourcentage s’écrit de 0 à 100 avec un point, par exemple 7.7 pour 7,7 %",
        "eur": "un montant s’écrit en euros avec un point et au plus 2 décimales, par exemple 11246951.27",
        "date": "écrivez la date AAAA-MM-JJ",
        "month": "écrivez le mois AAAA-MM",
    }.get(unit, "écrivez un texte non vide")


def _read_series(table: Table | None, problems: list[Problem]) -> dict[str, tuple[SeriesPoint, ...]]:
    series: dict[str, list[SeriesPoint]] = {}
    for row in _rows(table, SERIES_COLUMNS, problems):
        point = _point_from_row(row, problems)
        if point is not None:
            series.setdefault(point.series, []).append(point)
    return {name: _sorted_points(points, problems) for name, points in series.items()}


def _point_from_row(line: Row, problems: list[Problem]) -> SeriesPoint | None:
    row, where = line.cells, line.where
    name = row["series"].strip()
    label = f"série {quoted(name)}"
    if not KEY_PATTERN.match(name):
        problems.append(Problem(line.where_of("series"), f"série {quoted(name)} : un nom de série s’écrit en "
                                "minuscules, en mots séparés par des points",
                                "lettres, chiffres et _ séparés par des points"))
        return None
    unit = _unit_of(line, label, problems)
    provenance = _provenance(line, label, problems)
    x_text, column = row["x"].strip(), "x"
    try:
        x: dt.date | str = parse_iso_date(x_text) if re.match(r"^[0-9]{4}-", x_text) else x_text
        column = "value"
        value = _parse_decimal(row["value"].strip(), unit or "count")
    except ValueError as exc:
        problems.append(Problem(line.where_of(column), f"{label} : {exc}",
                                "x est une date AAAA-MM-JJ ou un libellé ; value un nombre"))
        return None
    if unit is None or provenance is None or not x_text:
        return None
    return SeriesPoint(name, x, value, unit, *provenance, note=row["note"].strip(), where=where)


def _sorted_points(points: list[SeriesPoint], problems: list[Problem]) -> tuple[SeriesPoint, ...]:
    """Time series are sorted by date; a repeated date, or dates mixed with labels, is an error."""
    dated = [isinstance(p.x, dt.date) for p in points]
    if any(dated) and not all(dated):
        odd = points[dated.index(False)] if sum(dated) > len(points) / 2 else points[dated.index(True)]
        problems.append(Problem(odd.where, f"série {quoted(odd.series)} : x {quoted(odd.x)} mélange dates et libellés",
                                "une série a des dates AAAA-MM-JJ sur toutes ses lignes, ou des libellés sur toutes"))
        return tuple(p for p, is_date in zip(points, dated, strict=True) if is_date)
    if not all(dated):
        return tuple(points)
    ordered = sorted(points, key=lambda p: p.x)  # type: ignore[arg-type, return-value]
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.x == after.x:
            problems.append(Problem(after.where, f"série {quoted(after.series)} : date {after.x} répétée "
                                    f"(aussi ligne {before.where.line})", "gardez une valeur par date"))
    return tuple(ordered)
