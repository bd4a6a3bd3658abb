"""Charts drawn natively as PDF vectors, in the page's fonts and palette.

Input: a chart's :class:`~bulletin.blocks.chartdata.ChartData`, its kind, a plot :class:`~bulletin.geometry.Box`,
the theme and the page's accent. Output: lines, bars or donut slices on the
:class:`~bulletin.pdf.surface.Surface`, text kept as text in the embedded TTF fonts, and a French
description of the same numbers (:func:`describe`). Every label of a chart is printed in the chart's
one number format (:func:`~bulletin.blocks.chartaxes.chart_format`); line charts sit on a true time axis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bulletin.blocks.chartaxes import (MONTH_STEPS, Scale, TimeScale, chart_format, line_scale, month_ticks, tick_label,
                                time_scale)
from bulletin.blocks.chartdata import ChartData, Curve, Slice, chart_data
from bulletin.pdf.fonts import text_width
from bulletin.textflow import Fragment, TextLayout, TextStyle, layout_text
from bulletin.theme import MIN_FONT_SIZE, MM, Theme
from bulletin.typography import NumberFormat, fr_month, format_value

__all__ = ["ChartData", "Curve", "Slice", "chart_data", "draw_chart", "describe", "table_rows", "label_overflow"]

Rect = tuple[float, float, float, float]  # left, top, right, bottom (top-left page coordinates)


def value_text(value: Decimal, unit: str) -> str:
    """A value in full, as the data table under a chart prints it (« 1 046 000 000 € »)."""
    return format_value(value if unit != "count" else int(value), unit)


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


@dataclass(frozen=True)
class Plot:
    """The plotting area of a line chart and its two scales."""

    left: float
    top: float
    right: float
    bottom: float
    values: Scale
    time: TimeScale

    def x(self, day: dt.date) -> float:
        return self.left + (self.right - self.left) * self.time.fraction(day)

    def y(self, value: Decimal | float) -> float:
        return self.bottom - (self.bottom - self.top) * self.values.fraction(value)


def _line_chart(surface: Any, box: Any, data: ChartData, theme: Theme, colors: list[str]) -> None:
    size, number = theme.sizes["chart"], chart_format(data)
    plot = _line_plot(box, data, theme, number)
    _y_axis(surface, theme, plot, number)
    _x_axis(surface, theme, plot, box)
    obstacles: list[Rect] = []
    if data.target is not None:
        y = plot.y(data.target)
        obstacles += [_target_line(surface, theme, plot, data.target, number(data.target)),
                      (plot.left, y - 0.6, plot.right, y + 0.6)]
    for index, curve in enumerate(data.curves):
        _curve(surface, [(plot.x(d), plot.y(v)) for d, v in curve.points], colors[index % len(colors)])
    ends = [plot.y(c.points[-1][1]) + size * 0.35 for c in data.curves]
    for curve, baseline in zip(data.curves, spread_labels(ends, (size + 0.5) * 1.2), strict=True):
        surface.text(plot.right + 2 * MM, baseline, number(curve.points[-1][1]), theme.font("bold"), size + 0.5,
                     theme.color("text"))
    _point_labels(surface, theme, plot, data, number, obstacles)
    if len(data.curves) > 1 or data.target is not None:
        _legend(surface, theme, plot.left, box.y + size, data, colors)


def _line_plot(box: Any, data: ChartData, theme: Theme, number: NumberFormat) -> Plot:
    """Room for the legend above, the tick labels on the left, the end values on the right and the
    month labels below; the rest is the plot."""
    size, values = theme.sizes["chart"], line_scale(data)
    label_width = max(text_width(number(t), theme.font("regular"), size) for t in values.ticks)
    gutter = max(text_width(number(c.points[-1][1]), theme.font("bold"), size + 0.5) for c in data.curves) + 3 * MM
    legend_h = size * 1.8 if len(data.curves) > 1 or data.target is not None else 0.0
    days = [d for c in data.curves for d, _ in c.points]
    return Plot(box.x + label_width + 2 * MM, box.y + legend_h + size, box.x + box.width - gutter,
                box.bottom - size * 2.4, values, time_scale(days))


def _curve(surface: Any, points: list[tuple[float, float]], color: str) -> None:
    """Straight segments between the real points only, and a marker on each of them."""
    if len(points) > 1:
        surface.polyline(points, color, 1.6)
    for x, y in points:
        surface.circle(x, y, MARKER - 0.5, color, "#FFFFFF")


def spread_labels(baselines: list[float], gap: float) -> list[float]:
    """Move label baselines apart (keeping their order) so that no two are closer than ``gap``."""
    order = sorted(range(len(baselines)), key=lambda i: baselines[i])
    placed = list(baselines)
    for before, after in zip(order, order[1:]):
        placed[after] = max(placed[after], placed[before] + gap)
    return placed


def _y_axis(surface: Any, theme: Theme, plot: Plot, number: NumberFormat) -> None:
    """Horizontal grid lines at every tick, labelled in the chart's number format (zero line darker)."""
    size, font = theme.sizes["chart"], theme.font("regular")
    for tick in plot.values.ticks:
        y = plot.y(tick)
        surface.line(plot.left, y, plot.right, y, theme.color("rule"), 0.9 if tick == 0 else 0.5)
        surface.text(plot.left - 1.5 * MM, y + size * 0.35, number(tick), font, size, theme.color("muted"), "right")


def _x_axis(surface: Any, theme: Theme, plot: Plot, box: Any) -> None:
    """Calendar ticks (months, quarters, years: the finest whose labels do not collide), each label
    kept inside the chart's box. Ticks mark the calendar, not the points: they never suggest data."""
    size, font, muted = theme.sizes["chart"], theme.font("regular"), theme.color("muted")
    ticks, labels = _time_ticks(plot, theme)
    for day, label in zip(ticks, labels, strict=True):
        x, width = plot.x(day), text_width(label, font, size)
        surface.line(x, plot.bottom, x, plot.bottom + 1 * MM, muted, 0.5)
        start = min(max(x - width / 2, box.x), box.x + box.width - width)
        surface.text(start, plot.bottom + size * 1.7, label, font, size, muted)


def _time_ticks(plot: Plot, theme: Theme) -> tuple[list[dt.date], list[str]]:
    """The first month step whose labels leave at least 2 mm between them."""
    size, font = theme.sizes["chart"], theme.font("regular")
    for months in MONTH_STEPS:
        ticks = month_ticks(plot.time, months)
        labels = [tick_label(day, months, index == 0) for index, day in enumerate(ticks)]
        widths = [text_width(label, font, size) for label in labels]
        if all(plot.x(b) - plot.x(a) >= (wa + wb) / 2 + 2 * MM
               for a, b, wa, wb in zip(ticks, ticks[1:], widths, widths[1:])):
            return ticks, labels
    return ticks[:1], labels[:1]


@dataclass(frozen=True)
class PointLabel:
    """A value to print beside a point: its text, the point and its width."""

    text: str
    x: float
    y: float
    width: float

    def box(self, above: bool, size: float) -> Rect:
        """The label's box above or below the marker (digits: no descender), 1 pt clear of it."""
        baseline = self.y - MARKER - 1.0 if above else self.y + MARKER + 1.0 + 0.72 * size
        return (self.x - self.width / 2, baseline - 0.72 * size, self.x + self.width / 2, baseline)


MARKER = 2.4  # a point's marker reaches this far from its centre (radius and white outline)


def _point_labels(surface: Any, theme: Theme, plot: Plot, data: ChartData, number: NumberFormat,
                  obstacles: list[Rect]) -> None:
    """The value of every point but the last (printed at the end of its line) above or below its
    marker, if all of them fit without touching a label, a marker or a line; when they crowd, only
    the first point of each line, where it fits."""
    size, font = theme.sizes["chart"], theme.font("regular")
    lines = [[(plot.x(d), plot.y(v)) for d, v in c.points] for c in data.curves]
    markers = [(x - MARKER, y - MARKER, x + MARKER, y + MARKER) for points in lines for x, y in points]
    labels = [[PointLabel(number(v), x, y, text_width(number(v), font, size))
               for (_, v), (x, y) in zip(c.points[:-1], points)] for c, points in zip(data.curves, lines, strict=True)]
    every = [label for found in labels for label in found]
    for sides in ((True,), (False,), (True, False)):
        boxes = _place(every, sides, size, plot, obstacles + markers, lines)
        if len(boxes) == len(every):
            break
    else:
        boxes = _place([found[0] for found in labels if found], (True, False), size, plot, obstacles + markers, lines)
    for label, box in boxes:
        surface.text(label.x, box[3], label.text, font, size, theme.color("text"), "center")


def _place(labels: list[PointLabel], sides: tuple[bool, ...], size: float, plot: Plot, taken: list[Rect],
           lines: list[list[tuple[float, float]]]) -> list[tuple[PointLabel, Rect]]:
    """Each label on the first of ``sides`` (True: above) where it is free; labels that fit nowhere are left out."""
    placed: list[tuple[PointLabel, Rect]] = []
    for label in labels:
        for above in sides:
            box = label.box(above, size)
            if _free(box, plot, taken + [b for _, b in placed], lines):
                placed.append((label, box))
                break
    return placed


def _free(rect: Rect, plot: Plot, taken: list[Rect], lines: list[list[tuple[float, float]]]) -> bool:
    """True when ``rect`` stays inside the plot and touches no taken box and no line."""
    left, top, right, bottom = rect
    if left < plot.left or right > plot.right or top < plot.top - 2 or bottom > plot.bottom:
        return False
    if any(left < r[2] and r[0] < right and top < r[3] and r[1] < bottom for r in taken):
        return False
    return not any(_crosses(a, b, rect) for points in lines for a, b in zip(points, points[1:]))


def _crosses(a: tuple[float, float], b: tuple[float, float], rect: Rect) -> bool:
    """True when the segment from ``a`` to ``b`` passes through ``rect`` (Liang–Barsky clipping)."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - rect[0]), (dx, rect[2] - x0), (-dy, y0 - rect[1]), (dy, rect[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _target_line(surface: Any, theme: Theme, plot: Plot, target: Decimal, text: str) -> Rect:
    """The dashed target line across the plot and its label « cible : 1 200 »; returns the label's box."""
    red, size, bold = theme.color("red"), theme.sizes["chart"], theme.font("bold")
    y = plot.y(target)
    surface.line(plot.left, y, plot.right, y, red, 1.0, (3, 2))
    width = surface.text(plot.left + 1 * MM, y - 1.2 * MM, "cible\u00a0: " + text, bold, size, red)
    return (plot.left + 1 * MM, y - 1.2 * MM - size * 0.75, plot.left + 1 * MM + width, y)


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


def label_overflow(kind: str, data: ChartData, theme: Theme, width: float, height: float) -> tuple[float, str]:
    """How many points the widest or tallest label of a chart lacks in a plot of ``width`` × ``height``
    (0 when every label fits), and which labels: axes and labels are never cut, they are reported."""
    size, n = theme.sizes["chart"], max(len(data.slices), 1)
    if kind == "line":
        number = chart_format(data)
        ticks = max(text_width(number(t), theme.font("regular"), size) for t in line_scale(data).ticks)
        ends = max(text_width(number(c.points[-1][1]), theme.font("bold"), size + 0.5) for c in data.curves)
        return ticks + ends + 5 * MM + 30 * MM - width, "les étiquettes des axes (graphique trop étroit)"
    if kind == "bar":
        slot = width / n
        number, bold = chart_format(data), theme.font("bold")
        values = max(text_width(number(s.value), bold, bar_value_size(data, theme, slot)) for s in data.slices)
        words = max(_label_layout(s.label, theme, slot - 2 * MM).overflow for s in data.slices)
        return max(values - (slot - 1 * MM), words), "les étiquettes des barres (essayez kind: hbar)"
    if kind == "hbar":
        layouts = [_label_layout(s.label, theme, width * 0.42 - 2 * MM) for s in data.slices]
        taller = max(layout.height for layout in layouts) - height / n
        return max(max(layout.overflow for layout in layouts), taller * n), "les étiquettes des barres (augmentez height)"
    return 0.0, ""


def _label_layout(label: str, theme: Theme, width: float) -> TextLayout:
    """A category label broken for ``width`` at the chart size."""
    style = TextStyle(theme.font("regular"), theme.sizes["chart"], theme.color("text"))
    return layout_text([Fragment(label, style)], width, theme.sizes["chart"] * 1.2)


def bar_value_size(data: ChartData, theme: Theme, slot: float) -> float:
    """The size of a bar chart's values: the chart size + 0.5 pt, less (down to the 6 pt minimum)
    when the widest value would not fit above its bar."""
    number, bold = chart_format(data), theme.font("bold")
    per_point = max(text_width(number(s.value), bold, 10.0) for s in data.slices) / 10.0
    return max(MIN_FONT_SIZE, min(theme.sizes["chart"] + 0.5, (slot - 1 * MM) / per_point))


def _bar_chart(surface: Any, box: Any, data: ChartData, theme: Theme, colors: list[str]) -> None:
    size = theme.sizes["chart"]
    values = [s.value for s in data.slices]
    number, (low, high) = chart_format(data), extent(values)
    slot = box.width / len(data.slices)
    value_size = bar_value_size(data, theme, slot)
    labels = [_label_layout(s.label, theme, slot - 2 * MM) for s in data.slices]
    label_h = max(layout.height for layout in labels)
    top, bottom = box.y + size * 1.8, box.bottom - label_h - 1.5 * MM - (size * 1.8 if low < 0 else 0.0)

    def y_of(value: Decimal | float) -> float:
        return bottom - (bottom - top) * (float(value) - low) / (high - low)

    zero, bar = y_of(0), min(slot * 0.6, 22 * MM)  # two bars across a page stay bars, not slabs
    for index, (item, layout) in enumerate(zip(data.slices, labels, strict=True)):
        y, middle = y_of(item.value), box.x + (index + 0.5) * slot
        surface.rect(middle - bar / 2, min(y, zero), bar, abs(zero - y), fill=colors[index % len(colors)])
        baseline = y - 1.5 * MM if item.value >= 0 else y + size + 1.5 * MM
        surface.text(middle, baseline, number(item.value), theme.font("bold"), value_size, theme.color("text"), "center")
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


def describe(title: str, options: Any, data: ChartData, illustrative_label: str) -> str:
    """A French text alternative listing the numbers the chart draws, as its labels print them, and the mark
    the page prints beside values that are not real (``illustrative_label``: données illustratives/fictives)."""
    number, parts = chart_format(data), []
    for curve in data.curves:
        points = ", ".join(f"{number(v)} en {fr_month(d)}" for d, v in curve.points)
        parts.append(f"{curve.label} : {points}" if len(data.curves) > 1 else points)
    parts += [f"{s.label} : {number(s.value)}" for s in data.slices]
    text = f"{title} : " + " ; ".join(parts) + "."
    if data.target is not None:
        text += f" Cible : {number(data.target)}."
    if data.illustrative:
        text += f" {illustrative_label[:1].upper()}{illustrative_label[1:]}."
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
