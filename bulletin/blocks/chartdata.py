"""Chart data stage: the numbers a chart block draws, resolved from the edition, with provenance.

Input: a chart block's options, the edition and the earlier editions (:class:`History`).
Output: a frozen :class:`ChartData` — curves of dated points, bars or slices, the target — with
the source and as-of date of every number drawn, and the problems that make a chart misleading
(:func:`chart_problems`: too few real points for a line, mixed units). No drawing here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bulletin.data.edition import Edition
from bulletin.data.history import History

#: A curve needs this many real points to be drawn as a line: two points draw a straight line
#: that claims a steady trend between two observations; with three, the reader sees the shape.
MIN_LINE_POINTS = 3


@dataclass(frozen=True)
class Curve:
    """One line of a line chart: label and (date, value) points."""

    label: str
    points: tuple[tuple[dt.date, Decimal], ...]
    unit: str


@dataclass(frozen=True)
class Slice:
    """One category of a bar or donut chart."""

    label: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class ChartData:
    """The numbers a chart draws, with provenance."""

    curves: tuple[Curve, ...]
    slices: tuple[Slice, ...]
    target: Decimal | None
    target_unit: str
    sources: tuple[tuple[str, dt.date], ...]
    illustrative: bool
    provisional: bool = False

    @property
    def unit(self) -> str:
        """The unit of the numbers drawn (the first curve's or bar's; validation keeps one per chart)."""
        units = [c.unit for c in self.curves] + [s.unit for s in self.slices]
        return units[0] if units else self.target_unit


Provenance = tuple[str, dt.date, str]  # source, as-of date, status of one drawn number


def chart_data(options: Any, edition: Edition, history: History | None = None) -> ChartData:
    """Resolve a chart's series (or figure history), figures and target from the edition.

    ``sources`` names the source and as-of date of every number drawn — each point of each curve,
    each bar or slice, the target — deduplicated, in drawing order.
    """
    drawn: list[tuple[Curve | Slice, list[Provenance]]] = []
    legend = iter(options["legend"])
    for key in options["history"]:
        drawn.append(_history_curve(key, next(legend, key), edition, history or History()))
    for name in options["series"]:
        drawn.append(_series_curve(name, next(legend, name), edition))
    for key, label in options["figures"]:
        figure = edition.figures[key]
        drawn.append((Slice(label, figure.number, figure.unit), [_provenance(figure)]))
    target = edition.figures[options["target"]] if options["target"] else None
    provenances = [p for _, found in drawn for p in found] + ([_provenance(target)] if target else [])
    statuses = {status for _, _, status in provenances}
    return ChartData(tuple(item for item, _ in drawn if isinstance(item, Curve)),
                     tuple(item for item, _ in drawn if isinstance(item, Slice)),
                     target.number if target else None, target.unit if target else "count",
                     tuple(dict.fromkeys((source, as_of) for source, as_of, _ in provenances)),
                     "illustrative" in statuses, "provisional" in statuses)


def _provenance(figure: Any) -> Provenance:
    return (figure.source, figure.as_of, figure.status)


def _history_curve(key: str, label: str, edition: Edition, history: History) -> tuple[Curve, list[Provenance]]:
    """A figure followed across editions: one point per edition month, each with its own source."""
    found = [(e.month_date, figure) for e, figure in history.comparable(key, edition)]  # same unit only
    found.append((edition.month_date, edition.figures[key]))
    points = tuple((month, figure.number) for month, figure in found)
    return Curve(label, points, edition.figures[key].unit), [_provenance(figure) for _, figure in found]


def _series_curve(name: str, label: str, edition: Edition) -> tuple[Curve, list[Provenance]]:
    """A series of series.csv: its dated points, each with its own source."""
    points = edition.series[name]
    curve = Curve(label, tuple((p.x, p.value) for p in points), points[0].unit)  # type: ignore[misc]
    return curve, [(p.source, p.as_of, p.status) for p in points]


def drawn_values(data: ChartData) -> list[Decimal]:
    """Every number a chart prints: points, target and bars or slices."""
    values = [v for c in data.curves for _, v in c.points] + [s.value for s in data.slices]
    return values + ([data.target] if data.target is not None else [])


def chart_problems(options: Any, data: ChartData) -> list[tuple[str, str]]:
    """(message, hint) of each reason not to draw this chart: a line with too few real points
    (it would suggest a trend the data do not show), or numbers of different units."""
    problems = []
    if options["kind"] == "line":
        for curve in data.curves:
            if len(curve.points) < MIN_LINE_POINTS:
                count = len(curve.points)
                problems.append((f"la courbe « {curve.label} » n’a que {count} point{'s' if count > 1 else ''} "
                                 f"réel{'s' if count > 1 else ''} ; une courbe en demande au moins {MIN_LINE_POINTS}",
                                 "trop peu de points réels : utilisez un chiffre clé ou retirez le graphique"))
    units = list(dict.fromkeys([c.unit for c in data.curves] + [s.unit for s in data.slices]))
    if len(units) > 1:
        problems.append((f"le graphique mélange des unités ({', '.join(units)})",
                         "un graphique compare des nombres de même unité : séparez-le en deux"))
    return problems
