"""Chart axes: round value scales and calendar time scales.

Input: the numbers or dates a chart draws. Output: a :class:`Scale` (value axis from zero, exact
Decimal ticks), the chart's one :class:`~bulletin.typography.NumberFormat`, and month ticks for a
time axis (:func:`month_ticks`) with their French labels. No drawing here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from bulletin.blocks.chartdata import ChartData, drawn_values
from bulletin.typography import NumberFormat, fr_month_short, fr_year, shared_format

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


@lru_cache(maxsize=1024)  # a chart is measured several times while pages are laid out, then drawn
def line_scale(data: ChartData) -> Scale:
    """The value axis of a line chart."""
    return value_scale(drawn_values(data), data.unit)


@lru_cache(maxsize=1024)
def chart_format(data: ChartData) -> NumberFormat:
    """The one number format of all the labels of a chart: values, ticks, target, legend, alt text."""
    step = line_scale(data).step if data.curves else None
    return shared_format(drawn_values(data), data.unit, step)


#: Calendar steps a time axis may use, in months: monthly, every two months, quarterly, half-yearly,
#: yearly and multi-year. The first whose labels do not collide is used.
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)


@dataclass(frozen=True)
class TimeScale:
    """A calendar axis from ``start`` to ``end``: points sit at their true date."""

    start: dt.date
    end: dt.date

    def fraction(self, day: dt.date) -> float:
        """Where ``day`` falls on the axis: 0 at start, 1 at end."""
        return (day - self.start).days / max((self.end - self.start).days, 1)


def time_scale(days: list[dt.date]) -> TimeScale:
    """The axis around the dates drawn, padded so that the first and last markers stand clear of its
    ends (4 % of the span, at least 12 days; a month each side for a single date or a short span)."""
    first, last = min(days), max(days)
    span = (last - first).days
    pad = dt.timedelta(days=31 if span < 60 else max(round(span * 0.04), 12))
    return TimeScale(first - pad, last + pad)


def month_ticks(scale: TimeScale, months: int) -> list[dt.date]:
    """First days of the months inside the axis, every ``months`` months (aligned on January)."""
    day = dt.date(scale.start.year, scale.start.month, 1)
    ticks = []
    while day <= scale.end:
        if day >= scale.start and (day.year * 12 + day.month - 1) % months == 0:
            ticks.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return ticks


def tick_label(day: dt.date, months: int, first: bool) -> str:
    """« juil. 2021 », « août »… (the year on the first tick and on January), or « 2022 » for yearly steps."""
    if months >= 12:
        return fr_year(day.year)
    return fr_month_short(day, with_year=first or day.month == 1)
