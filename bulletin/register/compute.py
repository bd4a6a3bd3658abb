"""Compute stage of the register: declared figures and series, for the country or one territory.

Input: a :class:`~bulletin.register.reader.Register` and a :class:`~bulletin.register.territories.Territory`.
Output: :class:`Computed` — plain :class:`~bulletin.data.edition.Figure` and
:class:`~bulletin.data.edition.SeriesPoint` objects with unit, as-of date, source, status and note,
exactly as ``figures.csv`` would give them — and :func:`compare_figures`, which lists every typed
figure of an edition that disagrees with its computed value. pandas is imported here, inside the
functions, and nowhere else: the national build never loads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bulletin.data.edition import Edition, Figure, SeriesPoint
from bulletin.errors import Problem
from bulletin.register.reader import Register
from bulletin.register.spec import Condition, FigureDeclaration, Provenance, SeriesDeclaration
from bulletin.register.territories import FRANCE, Territory
from bulletin.typography import format_value, fr_decimal

if TYPE_CHECKING:
    import pandas as pd

FICTITIOUS = "données fictives"
UNITS = {"count": "count", "share": "percent", "sum": "eur"}


@dataclass(frozen=True)
class Computed:
    """The figures and series of one territory, computed from the register."""

    territory: Territory
    figures: Mapping[str, Figure] = field(default_factory=dict)
    series: Mapping[str, tuple[SeriesPoint, ...]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()  # warnings: shares that cannot be computed for this territory


def compute_figures(register: Register, territory: Territory = FRANCE,
                    typed: Mapping[str, Figure] | None = None) -> Computed:
    """Every figure and series declared in ``register.yaml``, over the communes of ``territory``.

    With ``typed`` (the edition's figures), a count declared ``national: typed`` is, for the whole
    country, the typed figure itself: the programme's reference population, which the register may not
    list entirely (shares of France then divide by it, as the typed shares do).
    """
    frame = _territory_frame(register, territory)
    figures: dict[str, Figure] = {}
    problems: list[Problem] = []
    for declaration in register.spec.figures:
        if typed is not None and territory.kind == "fr" and declaration.national == "typed" \
                and declaration.key in typed:
            figures[declaration.key] = typed[declaration.key]
            continue
        figure = _figure(frame, declaration, figures, register, territory, problems)
        if figure is not None:
            figures[declaration.key] = figure
    series = {d.name: _series(frame, d, register, territory) for d in register.spec.series}
    return Computed(territory, MappingProxyType(figures), MappingProxyType(series), tuple(problems))


def _territory_frame(register: Register, territory: Territory) -> pd.DataFrame:
    frame = register_frame(register)
    if territory.kind == "dep":
        return frame[frame["departement"] == territory.code]
    if territory.kind == "reg":
        return frame[frame["region"] == territory.code]
    return frame


@lru_cache(maxsize=8)
def register_frame(register: Register) -> pd.DataFrame:
    """The register as a pandas table (one row per commune; dates, booleans, categories, amounts in cents)."""
    import pandas as pd

    columns: dict[str, Any] = {
        "insee": [c.insee for c in register.communes],
        "departement": [c.departement for c in register.communes],
        "region": [c.region for c in register.communes],
        "population": pd.array([c.population for c in register.communes], dtype="int64"),
    }
    for name, indicator in register.spec.indicators.items():
        values = [c.values[name] for c in register.communes]
        columns[name] = _column(pd, indicator.type, values)
    return pd.DataFrame(columns)


def _column(pd: Any, kind: str, values: list[Any]) -> Any:
    if kind == "date":
        return pd.to_datetime(pd.Series([v.isoformat() if v else None for v in values], dtype="object"),
                              format="%Y-%m-%d")
    if kind == "yesno":
        return pd.array(values, dtype="boolean")
    if kind == "amount":  # whole cents, so sums are exact
        return pd.array([None if v is None else int(v * 100) for v in values], dtype="Int64")
    return pd.array(values, dtype="string")


def _mask(frame: pd.DataFrame, conditions: tuple[Condition, ...], types: Mapping[str, str], as_of: dt.date) -> Any:
    """Rows where every condition holds."""
    import pandas as pd

    mask = pd.Series(True, index=frame.index)
    for condition in conditions:
        mask &= _holds(frame[condition.indicator], types[condition.indicator], condition.test, as_of)
    return mask


def _holds(column: Any, kind: str, test: bool | tuple[str, ...], as_of: dt.date) -> Any:
    """One condition as a boolean mask: a date counts when it is on or before ``as_of``, an amount when
    above zero; an empty yes/no cell is neither yes nor no."""
    import pandas as pd

    if isinstance(test, tuple):
        return column.isin(list(test)).fillna(False).astype(bool)
    if kind == "yesno":
        return (column == test).fillna(False).astype(bool)
    present = (column.notna() & (column <= pd.Timestamp(as_of))) if kind == "date" else (column.fillna(0) > 0)
    present = present.astype(bool)
    return present if test else ~present


def _types(register: Register) -> dict[str, str]:
    return {name: indicator.type for name, indicator in register.spec.indicators.items()}


def _figure(frame: pd.DataFrame, declaration: FigureDeclaration, done: Mapping[str, Figure], register: Register,
            territory: Territory, problems: list[Problem]) -> Figure | None:
    provenance = declaration.provenance
    value: int | Decimal | None
    if declaration.kind == "share":
        value = _share(frame, declaration, done, territory, problems)
    else:
        mask = _mask(frame, declaration.conditions, _types(register), provenance.as_of)
        if declaration.kind == "count":
            value = int(mask.sum())
        else:
            cents = frame.loc[mask, declaration.amount].fillna(0).sum()
            value = (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))
    if value is None:
        return None
    return Figure(declaration.key, value, UNITS[declaration.kind], provenance.as_of, provenance.source,
                  provenance.status, note(provenance, register, territory), declaration.where)


def _share(frame: pd.DataFrame, declaration: FigureDeclaration, done: Mapping[str, Figure], territory: Territory,
           problems: list[Problem]) -> Decimal | None:
    part = done[declaration.part].number
    whole = done[declaration.of].number if declaration.of else Decimal(len(frame))
    if whole == 0:
        problems.append(Problem(declaration.where, f"« {declaration.key} » : part incalculable pour {territory} "
                                f"(aucune commune dans « {declaration.of or 'le registre'} »)",
                                "la donnée est laissée de côté pour ce territoire", warning=True))
        return None
    exponent = Decimal(1).scaleb(-declaration.decimals)
    return (part * 100 / whole).quantize(exponent, rounding=ROUND_HALF_UP)


def _series(frame: pd.DataFrame, declaration: SeriesDeclaration, register: Register,
            territory: Territory) -> tuple[SeriesPoint, ...]:
    """Cumulative: at the first day of each month, the communes whose date is on or before it."""
    import numpy as np
    import pandas as pd

    provenance = declaration.provenance
    mask = _mask(frame, declaration.conditions, _types(register), provenance.as_of)
    dates = np.sort(frame.loc[mask, declaration.date].dropna().to_numpy())
    months = declaration.months()
    counts = np.searchsorted(dates, pd.to_datetime([m.isoformat() for m in months]).to_numpy(), side="right")
    text = note(provenance, register, territory)
    # Each point counts the communes at the first day of its month, as the register knows them at its as-of
    # date: that is the point's provenance (a chart states one date, not one per month).
    return tuple(SeriesPoint(declaration.name, month, Decimal(int(count)), "count", provenance.as_of,
                             provenance.source, provenance.status, text, declaration.where)
                 for month, count in zip(months, counts, strict=True))


def note(provenance: Provenance, register: Register, territory: Territory) -> str:
    """The note of a computed figure: the declared note, the territory, and « données fictives » when so."""
    parts = [provenance.note] if provenance.note else []
    if register.spec.fictitious and FICTITIOUS not in provenance.note.lower():
        parts.insert(0, FICTITIOUS)
    parts.append(f"calculé depuis le registre des communes ({territory.key})")
    return " ; ".join(parts)


def compare_figures(edition: Edition, computed: Computed) -> list[Problem]:
    """Every typed figure or series point of ``edition`` that disagrees with its computed value."""
    problems = []
    for key, figure in computed.figures.items():
        typed = edition.figures.get(key)
        if typed is None:
            continue
        name = Path(typed.where.path).name
        if typed.unit != figure.unit:
            problems.append(Problem(typed.where, f"« {key} » est en unité {typed.unit} dans {name} mais en "
                                    f"{figure.unit} d’après le registre des communes ({figure.where})",
                                    "une donnée saisie et son calcul ont la même unité : corrigez l’une des deux"))
        elif typed.number != figure.number:
            problems.append(Problem(typed.where, f"« {key} » vaut {_shown(typed)} dans {name} "
                                    f"mais {_shown(figure)} d’après le registre des communes ({figure.where})",
                                    "corrigez la valeur saisie ou le registre, pour qu’ils s’accordent"))
    for name, points in computed.series.items():
        computed_by_x = {p.x: p for p in points}
        for typed_point in edition.series.get(name, ()):
            point = computed_by_x.get(typed_point.x)
            if point is not None and point.value != typed_point.value:
                problems.append(Problem(typed_point.where, f"série « {name} », {typed_point.x} : "
                                        f"{_plain(fr_decimal(typed_point.value))} saisi mais "
                                        f"{_plain(fr_decimal(point.value))} d’après le "
                                        f"registre des communes ({point.where})",
                                        "corrigez la valeur saisie ou le registre, pour qu’ils s’accordent"))
    return problems


def _shown(figure: Figure) -> str:
    return _plain(format_value(figure.value, figure.unit))


def _plain(text: str) -> str:
    """Terminal messages use ordinary spaces where the PDF uses narrow no-break ones."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")
