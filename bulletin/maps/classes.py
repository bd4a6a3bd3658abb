"""Classes of a choropleth: bounds chosen from the data, rounded, labelled in French, coloured by the theme.

Input: one value per territory (None: no data), its unit, the number of classes wanted, the method
(``natural``: Fisher–Jenks natural breaks; ``quantiles``) and the ramp's base colour from the theme.
Output: a :class:`Classification` — classes from lowest to highest, each with its label
(« 10 à 19 », « 25 % et plus »), its colour and the territories in it, then « pas de donnée »
when some territory has none. Counts that are zero get a class of their own (a département
without any PVD commune is not « peu »). Bounds are rounded to 1, 2, 5 × 10ⁿ steps so a legend
reads « 10 à 19 », not « 9,6 à 19,3 »; a class left empty by rounding is merged away.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bulletin.typography import format_value

METHODS = ("natural", "quantiles")
NO_DATA = "pas de donnée"


@dataclass(frozen=True)
class MapClass:
    """One legend entry: label, fill colour and the codes of the territories in it."""

    label: str
    color: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    """The legend of a choropleth, lowest class first; « pas de donnée » last when present."""

    classes: tuple[MapClass, ...]

    def color_of(self) -> dict[str, str]:
        """Territory code → fill colour."""
        return {code: c.color for c in self.classes for code in c.codes}

    def class_of(self, code: str) -> MapClass | None:
        """The class holding territory ``code``."""
        return next((c for c in self.classes if code in c.codes), None)


def classify(values: Mapping[str, Decimal | None], unit: str, count: int, method: str, base: str,
             no_data: str) -> Classification:
    """Classes of ``values`` (at most ``count``, zero and « pas de donnée » included when needed)."""
    known = {code: value for code, value in values.items() if value is not None}
    zero = unit == "count" and any(v == 0 for v in known.values()) and any(v > 0 for v in known.values())
    rest = {code: value for code, value in known.items() if not (zero and value == 0)}
    groups = ([(format_number(Decimal(0), unit), tuple(c for c, v in known.items() if v == 0))] if zero else [])
    groups += _groups(rest, max(count - int(zero), 1), method, unit)
    colors = ramp(base, len(groups))
    classes = [MapClass(label, color, codes) for (label, codes), color in zip(groups, colors, strict=True)]
    missing = tuple(code for code, value in values.items() if value is None)
    if missing:
        classes.append(MapClass(NO_DATA, no_data, missing))
    return Classification(tuple(classes))


def _groups(values: Mapping[str, Decimal], count: int, method: str, unit: str) -> list[tuple[str, tuple[str, ...]]]:
    """(label, codes) of each class, lowest first; every class holds at least one territory."""
    if not values:
        return []
    ordered = sorted(values.items(), key=lambda item: (item[1], item[0]))
    distinct = sorted(set(values.values()))
    if len(distinct) <= count:  # few values: one class per value, labelled exactly
        return [(format_number(d, unit), tuple(c for c, v in ordered if v == d)) for d in distinct]
    breaks = _useful(sorted(values.values()), _breaks(list(values.values()), count, method, unit))
    edges = [distinct[0], *breaks]
    groups = []
    for index, low in enumerate(edges):
        high = edges[index + 1] if index + 1 < len(edges) else None
        codes = tuple(c for c, v in ordered if v >= low and (high is None or v < high))
        groups.append((_label(low, high, distinct[-1], unit, index == 0), codes))
    return groups


def _breaks(values: list[Decimal], count: int, method: str, unit: str) -> list[Decimal]:
    """Inner class bounds (v is in class i when b[i-1] ≤ v < b[i]), rounded to nice numbers."""
    raw = natural_breaks(values, count) if method == "natural" else quantile_breaks(values, count)
    return sorted({nice(b, unit == "count") for b in raw})


def _useful(ordered: list[Decimal], breaks: list[Decimal]) -> list[Decimal]:
    """The bounds that leave no class empty (rounding may have emptied some)."""
    kept: list[Decimal] = []
    for bound in breaks:
        lower = kept[-1] if kept else ordered[0]
        if any(lower <= v < bound for v in ordered) and any(v >= bound for v in ordered):
            kept.append(bound)
    return kept


def _label(low: Decimal, high: Decimal | None, maximum: Decimal, unit: str, first: bool) -> str:
    """« 10 à 19 » for counts; « moins de 25 % », « 25 à moins de 50 % », « 50 % et plus » otherwise."""
    if unit == "count":
        top = maximum if high is None else high - 1
        return format_number(low, unit) if top <= low else f"{format_number(low, unit)} à {format_number(top, unit)}"
    if high is None:
        return f"{format_number(low, unit)} et plus"
    if first:
        return f"moins de {format_number(high, unit)}"
    return f"{_bare(low, unit)} à moins de {format_number(high, unit)}"


def format_number(value: Decimal, unit: str) -> str:
    """A value in French typography, by its unit (counts grouped, « % », amounts compact: « 11,2 M€ »)."""
    return format_value(value, unit, "compact" if unit == "eur" else None)


def _bare(value: Decimal, unit: str) -> str:
    """The lower bound without its unit when the upper bound carries it (« 25 à moins de 50 % »)."""
    return format_value(value, unit, "bare") if unit == "percent" else format_number(value, unit)


def nice(value: Decimal, integer: bool) -> Decimal:
    """``value`` rounded to a multiple of 1, 2 or 5 × 10ⁿ close to it (13 → 15, 27 → 25, 0,37 → 0,4)."""
    if value <= 0:
        return value
    step = Decimal(10) ** math.floor(math.log10(value))
    if value / step < 3:
        step /= 2
    if integer:
        step = max(step, Decimal(1))
    return ((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).normalize() + 0


def quantile_breaks(values: Sequence[Decimal], count: int) -> list[Decimal]:
    """The inner bounds splitting sorted ``values`` into ``count`` groups of equal size."""
    ordered = sorted(values)
    return [ordered[min(len(ordered) - 1, round(len(ordered) * k / count))] for k in range(1, count)]


def natural_breaks(values: Sequence[Decimal], count: int) -> list[Decimal]:
    """Fisher–Jenks natural breaks: the grouping of sorted values with the least within-class variance."""
    data = sorted(float(v) for v in values)
    n = len(data)
    prefix, squares = [0.0], [0.0]
    for x in data:
        prefix.append(prefix[-1] + x)
        squares.append(squares[-1] + x * x)

    def cost(i: int, j: int) -> float:  # sum of squared deviations of data[i:j]
        total = prefix[j] - prefix[i]
        return squares[j] - squares[i] - total * total / (j - i)

    best = [[math.inf] * (n + 1) for _ in range(count + 1)]
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                candidate = best[k - 1][i] + cost(i, j)
                if candidate < best[k][j]:
                    best[k][j], cut[k][j] = candidate, i
    starts, j = [], n
    for k in range(count, 0, -1):
        j = cut[k][j]
        starts.append(j)
    return [Decimal(repr(data[i])) for i in sorted(starts)[1:]]


def ramp(base: str, count: int) -> list[str]:
    """``count`` tints of ``base`` (#RRGGBB), pale to full: a sequential ramp of the theme's accent."""
    if count <= 0:
        return []
    red, green, blue = (int(base[i:i + 2], 16) for i in (1, 3, 5))
    tints = [0.18 + 0.82 * k / (count - 1) if count > 1 else 1.0 for k in range(count)]
    return [f"#{_mix(red, t):02X}{_mix(green, t):02X}{_mix(blue, t):02X}" for t in tints]


def _mix(channel: int, tint: float) -> int:
    return round(255 + (channel - 255) * tint)
