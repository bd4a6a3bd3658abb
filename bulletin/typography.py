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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Final

from bulletin.errors import quoted

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
        raise TypographyError(f"un nombre est attendu, pas {type(value).__name__} : {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    number = Decimal(repr(value)) if isinstance(value, float) else value
    if not number.is_finite():
        raise TypographyError(f"impossible d’écrire un nombre non fini : {value!r}")
    return number


def _shift(number: Decimal, places: int) -> Decimal:
    """Input: a finite Decimal and a power of ten. Output: number / 10**places, exactly."""
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    return Decimal((sign, digits, exponent - places))


def _check_decimals(decimals: object) -> int:
    """Input: a requested number of decimals. Output: it, if a non-negative int."""
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise TypographyError(f"decimals doit être un entier positif ou nul, ou None, pas {decimals!r}")
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
            raise TypographyError(f"impossible d’arrondir {number} à {places} décimales") from error


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
        raise TypographyError(f"un entier est attendu, pas {type(value).__name__} : {value!r}")
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
        raise TypographyError(f"un nombre (count) est entier, pas {value!r}")
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


def fr_amount_compact(value: Number) -> str:
    """Input: an amount in euros. Output: its compact form, by the rule of :func:`shared_format`.

    11246951.27 -> "11,2 M€", 36556685 -> "36,6 M€", 6246000000 -> "6,2 Md€",
    1046000000 -> "1 046 M€" (not "1,0 Md€", 4 % off), 150000000 -> "150 M€";
    below a million it is :func:`fr_amount` (999999 -> "999 999 €").
    """
    return shared_format([value], "eur")(value)


def compact_is_exact(value: Number) -> bool:
    """Input: an amount in euros. Output: True when its compact form loses nothing (3 000 000 000 ->
    "3 Md€"), so that a key figure need not repeat the exact amount beside it."""
    rule = shared_format([value], "eur")
    number = _to_decimal(value)
    return _round(_shift(number, rule.power), rule.decimals) == _shift(number, rule.power)


# --------------------------------------------------------------------------- #
# One number format for a group of values (a chart, a compact amount)         #
# --------------------------------------------------------------------------- #

#: An amount is printed in Md€ only if that moves no value by more than this share of itself.
COMPACT_TOLERANCE: Final = Decimal("0.01")
_AMOUNT_UNITS: Final = {0: "€", 6: "M€", 9: "Md€"}


@dataclass(frozen=True)
class NumberFormat:
    """How every number of a group is printed: its unit, power of ten (amounts) and decimals.

    ``NumberFormat("eur", 6, 1)(2457000)`` -> "2,5 M€"; the same object formats every label of a
    chart, so they all share one unit and one number of decimals.
    """

    unit: str  # count | percent | eur
    power: int = 0  # eur only: 0 (€), 6 (M€) or 9 (Md€)
    decimals: int = 0

    @property
    def suffix(self) -> str:
        """What follows the number: "" for counts, " %" (U+202F), " €", " M€" or " Md€" (U+00A0)."""
        if self.unit == "percent":
            return NNBSP + "%"
        if self.unit == "eur":
            return NBSP + _AMOUNT_UNITS[self.power]
        return ""

    def number(self, value: Number) -> str:
        """Input: a value in the group's unit. Output: the number alone, e.g. "2,5"."""
        return _render(_round(_shift(_to_decimal(value), self.power), self.decimals))

    def __call__(self, value: Number) -> str:
        """Input: a value in the group's unit. Output: it with its suffix, e.g. "2,5 M€"."""
        return self.number(value) + self.suffix


def shared_format(values: Iterable[Number], unit: str, step: Number | None = None) -> NumberFormat:
    """Input: the values printed together (a chart's labels), their unit and an axis step.

    Output: one :class:`NumberFormat` for all of them, so that one chart never mixes
    "2,457 M€" with "18,2 M€", or "1,046 Md€" with "907 M€". The rule:

    * counts: no decimals; percentages: the decimals the data are written with (69 and 50,6 -> one);
    * amounts below a million (the largest value): in euros, with cents only if a value has cents;
    * amounts from a million: in M€; in Md€ from a milliard if rounding moves no value by more
      than 1 % (6 246 000 000 -> "6,2 Md€", but 1 046 000 000 -> "1 046 M€", not "1,0 Md€");
      one decimal when the smallest non-zero value is below 100 in that unit, none from 100 or
      when every value is a whole number of units ("18,2 M€ · 2,5 M€"; "1 046 M€ · 212 M€");
      in full euros if a non-zero value would print as zero ("0,0 M€");
    * an axis ``step`` adds the decimals its ticks need (0,1 % steps print "0,1 %", "0,2 %"…),
      so ticks are never truncated to identical labels.
    """
    if unit not in ("count", "percent", "eur"):
        raise TypographyError(f"unité inconnue {unit!r} pour un format commun ; unités possibles : count, percent, eur")
    numbers = [_to_decimal(v) for v in values]
    if unit == "eur":
        found = _amount_format(numbers)
    else:
        found = NumberFormat(unit, 0, 0 if unit == "count" else max(map(_places, numbers), default=0))
    if step is not None:
        needed = _places(_shift(_to_decimal(step), found.power))
        found = NumberFormat(found.unit, found.power, max(found.decimals, needed))
    return found


def _places(number: Decimal) -> int:
    """Input: a finite Decimal. Output: how many decimals print it exactly (7.70 -> 1, 150 -> 0)."""
    exponent = _strip_zeros(number).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _amount_format(numbers: list[Decimal]) -> NumberFormat:
    """The compact format of amounts (see :func:`shared_format`)."""
    nonzero = [n for n in numbers if n != 0]
    largest = max((abs(n) for n in nonzero), default=Decimal(0))
    if largest >= 10**9:
        found = _scaled(nonzero, 9)
        if all(abs(_shift(_round(_shift(n, 9), found.decimals), -9) - n) <= COMPACT_TOLERANCE * abs(n)
               for n in nonzero):
            return found
    if largest >= 10**6:
        found = _scaled(nonzero, 6)
        if not any(_is_zero_text(found.number(n)) for n in nonzero):
            return found
    cents = any(_round(n, 2) != _round(n, 0) for n in numbers)
    return NumberFormat("eur", 0, 2 if cents else 0)


def _scaled(nonzero: list[Decimal], power: int) -> NumberFormat:
    """Amounts in 10**power euros: one decimal below 100 units, none from 100 or for whole units."""
    scaled = [abs(_shift(n, power)) for n in nonzero]
    whole = all(s == s.to_integral_value() for s in scaled)
    smallest = _round(min(scaled, default=Decimal(0)), 1)  # 99,95 M€ prints « 100 M€ », not « 100,0 M€ »
    return NumberFormat("eur", power, 0 if whole or smallest >= 100 else 1)


# --------------------------------------------------------------------------- #
# Dates                                                                       #
# --------------------------------------------------------------------------- #


def _check_date(value: object) -> datetime.date:
    """Input: any object. Output: it, if it is a datetime.date (a datetime is accepted too)."""
    if not isinstance(value, datetime.date):
        raise TypographyError(f"une date est attendue, pas {type(value).__name__} : {value!r}")
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


def fr_month_short(value: datetime.date, with_year: bool = True) -> str:
    """Input: a date (day ignored). Output: an axis label, e.g. "janv. 2022", "mai 2022" (U+00A0),
    or the month alone ("janv.") with ``with_year=False``."""
    day = _check_date(value)
    month = _MONTHS_SHORT[day.month - 1]
    return month + NBSP + str(day.year) if with_year else month


def fr_year(value: int) -> str:
    """Input: a year as an int (not bool). Output: its digits without grouping, e.g. "2021"."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypographyError(f"une année entière est attendue, pas {type(value).__name__} : {value!r}")
    return str(value) if value >= 0 else MINUS + str(-value)


# --------------------------------------------------------------------------- #
# Ordinals                                                                    #
# --------------------------------------------------------------------------- #

# A number followed by an ordinal ending, as a whole word: not inside another word, a decimal
# number, a URL, an address or a hyphenated code (« 1er », « 2e », « 21es », not « 2,5e » nor « /1er- »).
_ORDINAL: Final = re.compile(r"(?<![\w.,/@#:\-\u2212])([1-9]\d*)(ers|er|res|re|es|e|des|de|ds|d)(?![\w/@\-])")
_ENDINGS: Final = {"1": ("er", "ers", "re", "res"), "2": ("e", "es", "d", "de", "ds", "des")}


@lru_cache(maxsize=65536)
def split_ordinals(text: str) -> tuple[tuple[str, bool], ...]:
    """Input: any text. Output: its pieces in order, each with True when it is the ending of an
    ordinal to set as a superscript (Lexique des règles typographiques de l’Imprimerie nationale).

    « 1er », « 1re », « 1ers », « 1res »; « 2e », « 2es » and « 2d », « 2de » (second); « 3e », « 21es »…
    "le 1er octobre" -> (("le 1", False), ("er", True), (" octobre", False)). Joined, the pieces are
    the text unchanged, so extracted text still reads « 1er ». Roman numerals (« XXIe ») are not
    recognised: « Le » would be taken for one.
    """
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _ORDINAL.finditer(text):
        number, ending = match.groups()
        if ending not in _ENDINGS.get(number, ("e", "es")):
            continue
        pieces.append((text[position:match.start(2)], False))
        pieces.append((ending, True))
        position = match.end()
    pieces.append((text[position:], False))
    return tuple(piece for piece in pieces if piece[0])


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
        raise TypographyError(f"unité inconnue {unit!r} pour fr_signed ; unités possibles : {', '.join(_SIGNED)}")
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
        raise TypographyError(f"unité inconnue {quoted(unit)} ; unités possibles : {', '.join(_UNITS)}")
    styles = _valid_styles(unit)
    if style not in styles:
        listed = ", ".join("sans style" if s is None else s for s in styles)
        raise TypographyError(f"le style {quoted(style)} ne va pas avec l’unité {quoted(unit)} ; styles possibles : "
                              f"{listed}")


def format_value(value: object, unit: str, style: str | None = None) -> str:
    """Input: a value, its unit and an optional style. Output: the French string for templates.

    Units: count, percent, eur (styles "bare", and "compact" for eur), date (style
    "month"), month, year, text and url (``str(value)``). ``None`` and booleans are
    rejected for every unit, so a missing value never prints as "None" or "True".
    """
    key = (type(value), str(value), unit, style)  # str keeps what equality loses: Decimal("7.70") is not "7.7"
    text = _FORMATTED.get(key)
    if text is None:
        _check_unit_style(unit, style)
        if value is None or isinstance(value, bool):
            raise TypographyError(f"cannot format {value!r} as unit {unit!r}")
        text = _FORMATTERS[(unit, style)](value)
        if len(_FORMATTED) < 16384:
            _FORMATTED[key] = text
    return text


#: Values already formatted (at most 16 384, about 2.5 MB): blocks format a figure to measure it and again to
#: draw it, charts their ticks.
_FORMATTED: dict[tuple[type, str, str, str | None], str] = {}
