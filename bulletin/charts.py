"""Charts drawn natively as PDF vectors, in the page's fonts and palette.

Input: a chart block's options, the edition, a plot :class:`~bulletin.geometry.Box` and the theme.
Output: lines, bars or donut slices on the :class:`~bulletin.surface.Surface`, text kept as text
in the embedded TTF fonts, and a French description of the same numbers (:func:`describe`).
Axis labels and values go through :mod:`bulletin.typography`, like every other number.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bulletin.edition import Edition
from bulletin.fonts import text_width
from bulletin.history import History
from bulletin.textflow import Fragment, TextStyle, layout_text
from bulletin.theme import MM, Theme
from bulletin.typography import NumberFormat, fr_month, fr_month_short, format_value, shared_format


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
    found = [(e.month_date, e.figures[key]) for e in history.earlier if key in e.figures]
    found.append((edition.month_date, edition.figures[key]))
    points = tuple((month, figure.number) for month, figure in found)
    return Curve(label, points, edition.figures[key].unit), [_provenance(figure) for _, figure in found]


def _series_curve(name: str, label: str, edition: Edition) -> tuple[Curve, list[Provenance]]:
    """A series of series.csv: its dated points, each with its own source."""
    points = edition.series[name]
    curve = Curve(label, tuple((p.x, p.value) for p in points), points[0].unit)  # type: ignore[misc]
    return curve, [(p.source, p.as_of, p.status) for p in points]


def group_sources(sources: tuple[tuple[str, dt.date], ...]) -> list[tuple[tuple[str, ...], tuple[dt.date, ...]]]:
    """Group a chart's (source, as-of) pairs for its source line, losing none and keeping their order.

    Each source is named once with all its dates (« ANCT, 1er décembre 2021, 1er février 2022 »), and
    sources sharing the same dates are named together (« Anah, Cerema, 1er janvier 2022 »), so a
    chart of five sources at one date does not repeat the date five times.
    """
    dates: dict[str, list[dt.date]] = {}
    for source, as_of in sources:
        dates.setdefault(source, []).append(as_of)
    groups: dict[tuple[dt.date, ...], list[str]] = {}
    for source, found in dates.items():
        groups.setdefault(tuple(found), []).append(source)
    return [(tuple(names), found) for found, names in groups.items()]


def value_text(value: Decimal, unit: str) -> str:
    """A value in full, as the data table under a chart prints it (« 1 046 000 000 € »)."""
    return format_value(value if unit != "count" else int(value), unit)


def drawn_values(data: ChartData) -> list[Decimal]:
    """Every number a chart prints: points, target and bars or slices."""
    values = [v for c in data.curves for _, v in c.points] + [s.value for s in data.slices]
    return values + ([data.target] if data.target is not None else [])


def line_scale(data: ChartData) -> Scale:
    """The value axis of a line chart."""
    return value_scale(drawn_values(data), data.unit)


def chart_format(data: ChartData) -> NumberFormat:
    """The one number format of all the labels of a chart: values, ticks, target, legend, alt text."""
    step = line_scale(data).step if data.curves else None
    return shared_format(drawn_values(data), data.unit, step)


def nice_step(span: Decimal, whole: bool = False, ticks: int = 4) -> Decimal:
    """A round tick step (1, 2 or 5 × 10^k) giving about ``ticks`` intervals over ``span`` (> 0).

    ``whole`` (counts) keeps the step a whole number. The step is an exact Decimal, so ticks are
    exact multiples and never print as 0,30000000000000004.
    """
    raw = span / ticks
    power = Decimal(1).scaleb(raw.adjusted())
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(step, Decimal(1)) if whole else step


@dataclass(frozen=True)
class Scale:
    """A linear value axis from ``low`` to ``high`` (multiples of ``step``; zero always inside)."""

    low: Decimal
    high: Decimal
    step: Decimal

    @property
    def ticks(self) -> list[Decimal]:
        """Every multiple of the step from low to high."""
        count = int((self.high - self.low) / self.step)
        return [self.low + self.step * k for k in range(count + 1)]

    def fraction(self, value: Decimal | float) -> float:
        """Where ``value`` falls on the axis: 0 at low, 1 at high."""
        return float((Decimal(value) - self.low) / (self.high - self.low))


def value_scale(values: list[Decimal], unit: str, headroom: Decimal = Decimal("1.08")) -> Scale:
    """The axis for ``values``: from zero (or below, for negatives) to a round step above the largest.

    Zero is always on the axis, so lengths compare honestly; all-zero data get one step above zero.
    """
    low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
    step = nice_step(high - low if high > low else Decimal(1), whole=unit == "count")
    top = step * math.ceil(high * headroom / step)
    bottom = step * math.floor(low * headroom / step)
    return Scale(bottom, top if top > bottom else bottom + step, step)


def draw_chart(surface: Any, box: Any, options: Any, data: ChartData, theme: Theme, accent: str | None = None) -> None:
    """Draw the chart of kind ``options['kind']`` inside ``box``; ``accent`` is the page's accent colour name."""
    kind = options["kind"]
    colors = chart_colors(theme, accent, single=kind in ("bar", "hbar") or len(data.curves) == 1)
    {"line": _line_chart, "bar": _bar_chart, "hbar": _hbar_chart, "donut": _donut_chart}[kind](
        surface, box, data, theme, colors)


def chart_colors(theme: Theme, accent: str | None, single: bool) -> list[str]:
    """The colours of a chart's series: one colour for a single series, the theme's palette otherwise.

    A single series (every bar of a bar chart, the one curve of a line chart) encodes nothing by
    colour, so it takes the page's accent when the accent stands out on white paper (contrast
    ≥ 3:1, WCAG 2.1 criterion 1.4.11 for graphical objects), else the theme's primary colour.
    """
    if not single:
        return [theme.color(name) for name in theme.palette]
    color = theme.color(accent) if accent else theme.color("primary")
    return [color if contrast_ratio(color, "#FFFFFF") >= 3.0 else theme.color("primary")]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(color: str) -> float:
    """Relative luminance of a ``#RRGGBB`` colour (WCAG 2.1 definition, sRGB)."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _line_chart(surface: Any, box: Any, data: ChartData, theme: Theme, colors: list[str]) -> None:
    size, font = theme.sizes["chart"], theme.font("regular")
    scale, number = line_scale(data), chart_format(data)
    label_width = max(text_width(number(t), font, size) for t in scale.ticks)
    legend_h = size * 1.8 if len(data.curves) > 1 or data.target is not None else 0.0
    end_labels = [number(c.points[-1][1]) for c in data.curves]
    gutter = max(text_width(t, theme.font("bold"), size + 0.5) for t in end_labels) + 3 * MM
    left, right = box.x + label_width + 2 * MM, box.x + box.width - gutter
    top, bottom = box.y + legend_h + size, box.bottom - size * 2.4
    dates = [d for c in data.curves for d, _ in c.points]
    first, last = min(dates), max(dates)

    def xy(day: dt.date, value: Decimal | float) -> tuple[float, float]:
        span = max((last - first).days, 1)
        return left + (right - left) * (day - first).days / span, bottom - (bottom - top) * scale.fraction(value)

    _y_axis(surface, theme, left, right, scale, number, lambda v: xy(first, v)[1])
    _x_axis(surface, theme, sorted(set(dates)), lambda d: xy(d, 0)[0], xy(first, scale.low)[1], right - left)
    ends = []
    for index, curve in enumerate(data.curves):
        points = [xy(d, v) for d, v in curve.points]
        if len(points) > 1:
            surface.polyline(points, colors[index % len(colors)], 1.6)
        for x, y in points:
            surface.circle(x, y, 1.3, colors[index % len(colors)])
        ends.append(points[-1][1] + size * 0.35)
    for text, baseline in zip(end_labels, spread_labels(ends, (size + 0.5) * 1.2), strict=True):
        surface.text(right + 2 * MM, baseline, text, theme.font("bold"), size + 0.5, theme.color("text"))
    if data.target is not None:
        _target_line(surface, theme, left, right, xy(first, data.target)[1], number(data.target))
    if legend_h:
        _legend(surface, theme, box.x + label_width + 2 * MM, box.y + size, data, colors)


def spread_labels(baselines: list[float], gap: float) -> list[float]:
    """Move label baselines apart (keeping their order) so that no two are closer than ``gap``."""
    order = sorted(range(len(baselines)), key=lambda i: baselines[i])
    placed = list(baselines)
    for before, after in zip(order, order[1:]):
        placed[after] = max(placed[after], placed[before] + gap)
    return placed


def _y_axis(surface: Any, theme: Theme, left: float, right: float, scale: Scale, number: NumberFormat,
            y_of: Any) -> None:
    """Horizontal grid lines at every tick, labelled in the chart's number format (zero line darker)."""
    size, font = theme.sizes["chart"], theme.font("regular")
    for tick in scale.ticks:
        y = y_of(tick)
        surface.line(left, y, right, y, theme.color("rule"), 0.9 if tick == 0 else 0.5)
        surface.text(left - 1.5 * MM, y + size * 0.35, number(tick), font, size, theme.color("muted"), "right")


def _x_axis(surface: Any, theme: Theme, dates: list[dt.date], x_of: Any, bottom: float, width: float) -> None:
    size, font = theme.sizes["chart"], theme.font("regular")
    label_width = max(text_width(fr_month_short(d), font, size) for d in dates) + 2 * MM
    every = max(1, math.ceil(len(dates) * label_width / width))
    shown = dates[::-1][::every][::-1]  # always label the latest month
    for day in shown:
        x = x_of(day)
        surface.line(x, bottom, x, bottom + 1 * MM, theme.color("muted"), 0.5)
        surface.text(x, bottom + size * 1.7, fr_month_short(day), font, size, theme.color("muted"), "center")


def _target_line(surface: Any, theme: Theme, left: float, right: float, y: float, value: str) -> None:
    red = theme.color("red")
    surface.line(left, y, right, y, red, 1.0, (3, 2))
    surface.text(left + 1 * MM, y - 1.2 * MM, "cible\u00a0: " + value, theme.font("bold"), theme.sizes["chart"], red)


def _legend(surface: Any, theme: Theme, x: float, y: float, data: ChartData, colors: list[str]) -> None:
    size, font = theme.sizes["chart"], theme.font("regular")
    for index, curve in enumerate(data.curves):
        color = colors[index % len(colors)]
        surface.line(x, y - size * 0.35, x + 5 * MM, y - size * 0.35, color, 1.6)
        x += 6 * MM + surface.text(x + 6 * MM, y, curve.label, font, size, theme.color("text")) + 4 * MM
    if data.target is not None:
        surface.line(x, y - size * 0.35, x + 5 * MM, y - size * 0.35, theme.color("red"), 1.0, (3, 2))
        surface.text(x + 6 * MM, y, "cible", font, size, theme.color("text"))


def extent(values: list[Decimal]) -> tuple[float, float]:
    """The range bars are drawn over: from min(0, values) to max(0, values), never empty."""
    low, high = float(min([Decimal(0), *values])), float(max([Decimal(0), *values]))
    return (low, high) if high > low else (low, low + 1.0)


def _bar_chart(surface: Any, box: Any, data: ChartData, theme: Theme, colors: list[str]) -> None:
    size = theme.sizes["chart"]
    values = [s.value for s in data.slices]
    number, (low, high) = chart_format(data), extent(values)
    slot = box.width / len(data.slices)
    label_style = TextStyle(theme.font("regular"), size, theme.color("text"))
    labels = [layout_text([Fragment(s.label, label_style)], slot - 2 * MM, size * 1.2) for s in data.slices]
    label_h = max(layout.height for layout in labels)
    top, bottom = box.y + size * 1.8, box.bottom - label_h - 1.5 * MM - (size * 1.8 if low < 0 else 0.0)

    def y_of(value: Decimal | float) -> float:
        return bottom - (bottom - top) * (float(value) - low) / (high - low)

    zero = y_of(0)
    for index, (item, layout) in enumerate(zip(data.slices, labels, strict=True)):
        y, x = y_of(item.value), box.x + index * slot + slot * 0.2
        surface.rect(x, min(y, zero), slot * 0.6, abs(zero - y), fill=colors[index % len(colors)])
        baseline = y - 1.5 * MM if item.value >= 0 else y + size + 1.5 * MM
        surface.text(x + slot * 0.3, baseline, number(item.value), theme.font("bold"), size + 0.5,
                     theme.color("text"), "center")
        surface.text_layout(layout, box.x + index * slot + 1 * MM, box.bottom - label_h, slot - 2 * MM, "center")
    surface.line(box.x, zero, box.x + box.width, zero, theme.color("muted"), 0.8)


def _hbar_chart(surface: Any, box: Any, data: ChartData, theme: Theme, colors: list[str]) -> None:
    size, bold = theme.sizes["chart"], theme.font("bold")
    label_style = TextStyle(theme.font("regular"), size, theme.color("text"))
    values = [s.value for s in data.slices]
    number, (low, high) = chart_format(data), extent(values)
    label_w = box.width * 0.42
    value_w = max(text_width(number(v), bold, size + 0.5) for v in values) + 1.5 * MM
    left = box.x + label_w + (value_w if low < 0 else 0.0)  # negative bars need room for their value
    bar_area = box.x + box.width - value_w - left
    row = box.height / len(data.slices)
    zero = left + bar_area * (0 - low) / (high - low)
    for index, item in enumerate(data.slices):
        y, color = box.y + index * row, colors[index % len(colors)]
        layout = layout_text([Fragment(item.label, label_style)], label_w - 2 * MM, size * 1.2)
        surface.text_layout(layout, box.x, y + (row - layout.height) / 2, label_w - 2 * MM, "right")
        end = zero + bar_area * float(item.value) / (high - low)
        bar_h = min(row * 0.62, 6 * MM)
        surface.rect(min(zero, end), y + (row - bar_h) / 2, max(abs(end - zero), 0.5), bar_h, fill=color)
        right_side = item.value >= 0
        surface.text(end + (1.5 * MM if right_side else -1.5 * MM), y + row / 2 + size * 0.35, number(item.value),
                     bold, size + 0.5, theme.color("text"), "left" if right_side else "right")
    if low < 0:
        surface.line(zero, box.y, zero, box.bottom, theme.color("muted"), 0.8)


def _donut_chart(surface: Any, box: Any, data: ChartData, theme: Theme, colors: list[str]) -> None:
    radius = min(box.height, box.width * 0.45) / 2 - 1 * MM
    cx, cy = box.x + radius + 1 * MM, box.y + box.height / 2
    total = sum(float(s.value) for s in data.slices if s.value > 0)
    if total <= 0:  # nothing to share out: an empty ring, the legend says the values
        surface.ring_segment(cx, cy, radius, radius * 0.58, 0.0, 359.99, theme.color("rule"))
    start = 0.0
    for index, item in enumerate(data.slices):
        if item.value <= 0 or total <= 0:
            continue  # a 0 % slice has no arc; it stays in the legend
        extent = min(360.0 * float(item.value) / total, 359.99)
        surface.ring_segment(cx, cy, radius, radius * 0.58, start, extent, colors[index % len(colors)])
        start += extent
    _donut_legend(surface, theme, cx + radius + 4 * MM, box, data, colors)


def _donut_legend(surface: Any, theme: Theme, x: float, box: Any, data: ChartData, colors: list[str]) -> None:
    size, number = theme.sizes["chart"], chart_format(data)
    width = box.x + box.width - x - 5 * MM
    style = TextStyle(theme.font("regular"), size, theme.color("text"))
    bold = TextStyle(theme.font("bold"), size, theme.color("text"))
    layouts = [layout_text([Fragment(s.label + " ", style), Fragment(number(s.value), bold)], width, size * 1.25)
               for s in data.slices]
    total = sum(layout.height for layout in layouts) + (len(layouts) - 1) * 1.5 * MM
    y = box.y + (box.height - total) / 2
    for index, layout in enumerate(layouts):
        surface.rect(x, y + size * 0.2, size, size, fill=colors[index % len(colors)])
        surface.text_layout(layout, x + size + 2 * MM, y, width)
        y += layout.height + 1.5 * MM


def describe(title: str, options: Any, data: ChartData) -> str:
    """A French text alternative listing the numbers the chart draws, as its labels print them."""
    number, parts = chart_format(data), []
    for curve in data.curves:
        points = ", ".join(f"{number(v)} en {fr_month(d)}" for d, v in curve.points)
        parts.append(f"{curve.label} : {points}" if len(data.curves) > 1 else points)
    parts += [f"{s.label} : {number(s.value)}" for s in data.slices]
    text = f"{title} : " + " ; ".join(parts) + "."
    if data.target is not None:
        text += f" Cible : {number(data.target)}."
    if data.illustrative:
        text += " Données illustratives."
    return text


def table_rows(data: ChartData) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the data table printed under a chart (same numbers, same typography)."""
    if data.slices:
        return ["Catégorie", "Valeur"], [[s.label, value_text(s.value, s.unit)] for s in data.slices]
    dates = sorted({d for c in data.curves for d, _ in c.points})
    values = [{d: v for d, v in c.points} for c in data.curves]
    header = ["Mois"] + [c.label for c in data.curves]
    rows = [[fr_month(d)] + [value_text(v[d], c.unit) if d in v else "" for v, c in zip(values, data.curves)]
            for d in dates]
    return header, rows
