"""French typography for the bulletin: numbers, percentages, amounts and dates.

Every function takes a Python value and returns the string to print in the PDF,
following the project's contract (CLDR ``fr`` conventions):

* thousands grouped by a narrow no-break space U+202F (``1 579``);
* decimal comma (``7,7``) and the true minus sign U+2212 (``−5,2``);
* U+202F before ``%``, U+00A0 before ``€``, ``M€`` and ``Md€``;
* dates such as ``1er octobre 2021`` with U+00A0 between the words.

Values that cannot be formatted (NaN, infinities, booleans, wrong types, unknown
units or styles) raise :class:`TypographyError`. No output ever uses scientific
notation, and negative zero is printed as ``0``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Final

NNBSP: Final = "\u202f"
NBSP: Final = "\u00a0"
MINUS: Final = "\u2212"

Number = float | int | Decimal

_MONTHS: Final = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)
_MONTHS_SHORT: Final = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)
_NONZERO_DIGITS: Final = frozenset("123456789")


class TypographyError(ValueError):
    """Raised for a value, unit or style that cannot be formatted."""


# --------------------------------------------------------------------------- #
# Internal helpers on Decimal                                                 #
# --------------------------------------------------------------------------- #


def _to_decimal(value: object) -> Decimal:
    """Input: an int, float or Decimal (not bool). Output: the exact finite Decimal.

    Floats go through ``repr`` (shortest round-trip form), so ``7.7`` gives
    ``Decimal('7.7')``. Raises TypographyError for other types and non-finite values.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypographyError(f"expected a number, got {type(value).__name__}: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    number = Decimal(repr(value)) if isinstance(value, float) else value
    if not number.is_finite():
        raise TypographyError(f"cannot format a non-finite number: {value!r}")
    return number


def _shift(number: Decimal, places: int) -> Decimal:
    """Input: a finite Decimal and a power of ten. Output: number / 10**places, exactly."""
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    return Decimal((sign, digits, exponent - places))


def _check_decimals(decimals: object) -> int:
    """Input: a requested number of decimals. Output: it, if a non-negative int."""
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise TypographyError(f"decimals must be a non-negative int or None, got {decimals!r}")
    return decimals


def _round(number: Decimal, decimals: int) -> Decimal:
    """Input: a finite Decimal and a count of decimals.

    Output: the Decimal rounded ROUND_HALF_UP to exactly that many places,
    computed with enough precision that large values are never truncated.
    """
    places = _check_decimals(decimals)
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + places + 3)
        try:
            return number.quantize(Decimal((0, (1,), -places)), rounding=ROUND_HALF_UP)
        except InvalidOperation as error:
            raise TypographyError(f"cannot round {number} to {places} decimals") from error


def _strip_zeros(number: Decimal) -> Decimal:
    """Input: a finite Decimal. Output: the same value without trailing fractional zeros.

    Works on the fixed-point text, so it never rounds and never yields an exponent form.
    """
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def _group(digits: str) -> str:
    """Input: a string of ASCII digits. Output: groups of 3 from the right joined by U+202F."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return NNBSP.join(groups)


def _render(number: Decimal) -> str:
    """Input: a finite Decimal, already rounded. Output: its French form, all digits kept.

    ``Decimal('-1234.50')`` -> ``"−1 234,50"``; a negative zero prints without sign.
    """
    whole, _, fraction = format(number.copy_abs(), "f").partition(".")
    body = _group(whole) + ("," + fraction if fraction else "")
    return MINUS + body if number < 0 else body


def _is_zero_text(text: str) -> bool:
    """Input: a formatted string. Output: True if it shows no non-zero digit."""
    return _NONZERO_DIGITS.isdisjoint(text)


# --------------------------------------------------------------------------- #
# Numbers                                                                     #
# --------------------------------------------------------------------------- #


def fr_integer(value: int) -> str:
    """Input: an int (not bool). Output: it grouped by U+202F, e.g. 1579 -> "1 579", -5 -> "−5"."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypographyError(f"expected an int, got {type(value).__name__}: {value!r}")
    return _render(Decimal(value))


def fr_decimal(value: Number, decimals: int | None = None) -> str:
    """Input: a finite number and an optional count of decimals.

    Output: the French decimal form. With ``decimals=None`` the shortest exact
    form without trailing zeros (7.7 -> "7,7", 50.0 -> "50"); otherwise exactly
    that many decimals, rounded ROUND_HALF_UP (11246951.27, 2 -> "11 246 951,27").
    """
    number = _to_decimal(value)
    if decimals is None:
        return _render(_strip_zeros(number))
    return _render(_round(number, decimals))


def fr_count(value: int | float | Decimal) -> str:
    """Input: a whole number (int, or float/Decimal without fractional part).

    Output: it grouped like :func:`fr_integer` (1579.0 -> "1 579").
    A fractional part raises TypographyError.
    """
    number = _to_decimal(value)
    if number != number.to_integral_value():
        raise TypographyError(f"a count must be a whole number, got {value!r}")
    return _render(_round(number, 0))


def fr_percent(value: Number, decimals: int | None = None) -> str:
    """Input: a value already in percent, optional decimals. Output: e.g. 7.7 -> "7,7 %" (U+202F)."""
    return fr_decimal(value, decimals) + NNBSP + "%"


def _amount_number(value: Number) -> str:
    """Input: an amount in euros. Output: the number alone, with 2 decimals iff cents ≠ 0.

    The amount is first rounded to the cent (ROUND_HALF_UP): 4461976.5 -> "4 461 976,50",
    36556685 -> "36 556 685", 0.004 -> "0".
    """
    cents = _round(_to_decimal(value), 2)
    if cents == cents.to_integral_value():
        return _render(_round(cents, 0))
    return _render(cents)


def fr_amount(value: Number) -> str:
    """Input: an amount in euros. Output: e.g. 11246951.27 -> "11 246 951,27 €" (U+00A0 before €)."""
    return _amount_number(value) + NBSP + "€"


def _compact(number: Decimal, power: int, unit: str) -> str:
    """Input: an amount, a power of ten and its unit. Output: e.g. "1,046 Md€" (≤ 3 decimals)."""
    scaled = _strip_zeros(_round(_shift(number, power), 3))
    return _render(scaled) + NBSP + unit


def fr_amount_compact(value: Number) -> str:
    """Input: an amount in euros. Output: a compact form.

    |value| ≥ 1e9 -> "Md€", ≥ 1e6 -> "M€", with up to 3 decimals and trailing zeros
    removed (1046000000 -> "1,046 Md€", 1500000 -> "1,5 M€"); below 1e6 it is
    :func:`fr_amount`. A value in M€ that rounds to 1 000 M€ is shown as "1 Md€".
    """
    number = _to_decimal(value)
    magnitude = number.copy_abs()
    in_millions = _round(_shift(magnitude, 6), 3)
    if magnitude >= Decimal(10**9) or in_millions >= 1000:
        return _compact(number, 9, "Md€")
    if magnitude >= Decimal(10**6):
        return _compact(number, 6, "M€")
    return fr_amount(number)


# --------------------------------------------------------------------------- #
# Dates                                                                       #
# --------------------------------------------------------------------------- #


def _check_date(value: object) -> datetime.date:
    """Input: any object. Output: it, if it is a datetime.date (a datetime is accepted too)."""
    if not isinstance(value, datetime.date):
        raise TypographyError(f"expected a datetime.date, got {type(value).__name__}: {value!r}")
    return value


def fr_date(value: datetime.date) -> str:
    """Input: a date. Output: e.g. "1er octobre 2021", "15 janvier 2022" (U+00A0 between words).

    A date known only to the month or the year (an ``edition.AsOf`` whose ``precision`` is
    "month" or "year") prints at that precision: "octobre 2021", "2021".
    """
    day = _check_date(value)
    precision = getattr(day, "precision", "day")
    if precision == "month":
        return fr_month(day)
    if precision == "year":
        return str(day.year)
    ordinal = "1er" if day.day == 1 else str(day.day)
    return NBSP.join((ordinal, _MONTHS[day.month - 1], str(day.year)))


def fr_month(value: datetime.date) -> str:
    """Input: a date (day ignored). Output: e.g. "juin 2021" (U+00A0)."""
    day = _check_date(value)
    return _MONTHS[day.month - 1] + NBSP + str(day.year)


def fr_month_short(value: datetime.date) -> str:
    """Input: a date (day ignored). Output: an axis label, e.g. "janv. 2022", "mai 2022" (U+00A0)."""
    day = _check_date(value)
    return _MONTHS_SHORT[day.month - 1] + NBSP + str(day.year)


def fr_year(value: int) -> str:
    """Input: a year as an int (not bool). Output: its digits without grouping, e.g. "2021"."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypographyError(f"expected an int year, got {type(value).__name__}: {value!r}")
    return str(value) if value >= 0 else MINUS + str(-value)


# --------------------------------------------------------------------------- #
# Signed changes and template dispatch                                        #
# --------------------------------------------------------------------------- #

_SIGNED: Final[dict[str, Callable[[Number], str]]] = {
    "count": fr_count,
    "percent": fr_percent,
    "eur": fr_amount,
}


def fr_signed(value: Number, unit: str) -> str:
    """Input: a change since last edition and a unit among "count", "percent", "eur".

    Output: the formatted magnitude prefixed by "+" (positive) or U+2212 (negative);
    no sign when it prints as zero. E.g. 1234, "count" -> "+1 234"; -5.2, "percent" -> "−5,2 %".
    """
    formatter = _SIGNED.get(unit) if isinstance(unit, str) else None
    if formatter is None:
        raise TypographyError(f"unknown unit {unit!r} for fr_signed; valid units: {', '.join(_SIGNED)}")
    number = _to_decimal(value)
    body = formatter(number.copy_abs())
    if _is_zero_text(body):
        return body
    return ("+" if number > 0 else MINUS) + body


def _text(value: object) -> str:
    """Input: any object. Output: ``str(value)`` unchanged."""
    return str(value)


_FORMATTERS: Final[dict[tuple[str, str | None], Callable[..., str]]] = {
    ("count", None): fr_count,
    ("count", "bare"): fr_count,
    ("percent", None): fr_percent,
    ("percent", "bare"): fr_decimal,
    ("eur", None): fr_amount,
    ("eur", "bare"): _amount_number,
    ("eur", "compact"): fr_amount_compact,
    ("date", None): fr_date,
    ("date", "month"): fr_month,
    ("month", None): fr_month,
    ("year", None): fr_year,
    ("text", None): _text,
    ("url", None): _text,
}
_UNITS: Final = tuple(dict.fromkeys(unit for unit, _ in _FORMATTERS))


def _valid_styles(unit: str) -> list[str | None]:
    """Input: a known unit. Output: the styles accepted for it (None = default)."""
    return [style for known, style in _FORMATTERS if known == unit]


def _check_unit_style(unit: object, style: object) -> None:
    """Input: a unit and a style. Output: None; raises TypographyError if the pair is invalid."""
    if not isinstance(unit, str) or unit not in _UNITS:
        raise TypographyError(f"unknown unit {unit!r}; valid units: {', '.join(_UNITS)}")
    styles = _valid_styles(unit)
    if style not in styles:
        listed = ", ".join(repr(s) for s in styles)
        raise TypographyError(f"style {style!r} is not valid for unit {unit!r}; valid styles: {listed}")


def format_value(value: object, unit: str, style: str | None = None) -> str:
    """Input: a value, its unit and an optional style. Output: the French string for templates.

    Units: count, percent, eur (styles "bare", and "compact" for eur), date (style
    "month"), month, year, text and url (``str(value)``). ``None`` and booleans are
    rejected for every unit, so a missing value never prints as "None" or "True".
    """
    _check_unit_style(unit, style)
    if value is None or isinstance(value, bool):
        raise TypographyError(f"cannot format {value!r} as unit {unit!r}")
    return _FORMATTERS[(unit, style)](value)
