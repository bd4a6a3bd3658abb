"""Tests for bulletin.typography: French number, amount and date formatting."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulletin.typography import (
    compact_is_exact,
    MINUS,
    NBSP,
    NNBSP,
    TypographyError,
    format_value,
    fr_amount,
    fr_amount_compact,
    fr_count,
    fr_date,
    fr_decimal,
    fr_integer,
    fr_month,
    fr_month_short,
    fr_percent,
    fr_signed,
    fr_year,
    shared_format,
)
from bulletin.typography import Number

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def parse_fr(text: str) -> Decimal:
    """Input: a French-formatted number (no unit). Output: its Decimal value."""
    return Decimal(text.replace(NNBSP, "").replace(MINUS, "-").replace(",", "."))


# --------------------------------------------------------------------------- #
# Constants                                                                   #
# --------------------------------------------------------------------------- #


def test_constants() -> None:
    assert NNBSP == "\u202f"
    assert NBSP == "\u00a0"
    assert MINUS == "\u2212"
    assert issubclass(TypographyError, ValueError)


# --------------------------------------------------------------------------- #
# fr_integer                                                                  #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1579, "1\u202f579"),
        (-5, "\u22125"),
        (-1579, "\u22121\u202f579"),
        (1000000, "1\u202f000\u202f000"),
        (36556685, "36\u202f556\u202f685"),
    ],
)
def test_fr_integer_examples(value: int, expected: str) -> None:
    assert fr_integer(value) == expected


@pytest.mark.parametrize("value", [True, False, 1.0, "12", None, Decimal(3)])
def test_fr_integer_rejects_non_int(value: object) -> None:
    with pytest.raises(TypographyError):
        fr_integer(value)  # type: ignore[arg-type]


@given(st.integers())
def test_fr_integer_round_trips(n: int) -> None:
    text = fr_integer(n)
    assert int(text.replace(NNBSP, "").replace(MINUS, "-")) == n
    assert " " not in text and "," not in text and "-" not in text
    groups = text.lstrip(MINUS).split(NNBSP)
    assert 1 <= len(groups[0]) <= 3
    assert all(len(group) == 3 for group in groups[1:])
    assert all(group.isdigit() for group in groups)
    assert text.startswith(MINUS) == (n < 0)


# --------------------------------------------------------------------------- #
# fr_decimal                                                                  #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (7.7, None, "7,7"),
        (50.0, None, "50"),
        (1234.5, None, "1\u202f234,5"),
        (0.1, None, "0,1"),
        (Decimal("2.500"), None, "2,5"),
        (Decimal("1E+3"), None, "1\u202f000"),
        (11246951.27, 2, "11\u202f246\u202f951,27"),
        (2.675, 2, "2,68"),  # ROUND_HALF_UP on Decimal("2.675"), not binary float
        (0.125, 2, "0,13"),
        (-0.125, 2, "\u22120,13"),
        (1.5, 0, "2"),
        (7, 1, "7,0"),
        (-5.2, None, "\u22125,2"),
    ],
)
def test_fr_decimal_examples(value: float | Decimal, decimals: int | None, expected: str) -> None:
    assert fr_decimal(value, decimals) == expected


@pytest.mark.parametrize(("value", "decimals"), [(-0.0, None), (-0.0, 2), (-0.001, 2), (Decimal("-0"), None)])
def test_fr_decimal_negative_zero_has_no_sign(value: float | Decimal, decimals: int | None) -> None:
    assert MINUS not in fr_decimal(value, decimals)
    assert fr_decimal(value, decimals).startswith("0")


def test_fr_decimal_never_scientific() -> None:
    assert fr_decimal(1e-7) == "0,0000001"
    assert fr_decimal(1e20) == "100\u202f000\u202f000\u202f000\u202f000\u202f000\u202f000"
    big = fr_decimal(1e300, 2)
    assert "e" not in big.lower() and big.endswith(",00") and len(big.replace(NNBSP, "")) == 304


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("Infinity"), True, "1", None],
)
def test_fr_decimal_rejects_bad_values(value: object) -> None:
    with pytest.raises(TypographyError):
        fr_decimal(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("decimals", [-1, True, 1.5])
def test_fr_decimal_rejects_bad_decimals(decimals: object) -> None:
    with pytest.raises(TypographyError):
        fr_decimal(1.5, decimals)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# fr_count                                                                    #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1579, "1\u202f579"), (1579.0, "1\u202f579"), (0, "0"), (-0.0, "0"), (-12, "\u221212"), (1e16, "10\u202f000\u202f000\u202f000\u202f000\u202f000")],
)
def test_fr_count_examples(value: int | float, expected: str) -> None:
    assert fr_count(value) == expected


@pytest.mark.parametrize("value", [1.5, 0.1, True, float("nan"), float("inf"), "3"])
def test_fr_count_rejects(value: object) -> None:
    with pytest.raises(TypographyError):
        fr_count(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# fr_percent                                                                  #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (7.7, None, "7,7\u202f%"),
        (100, None, "100\u202f%"),
        (-5.2, None, "\u22125,2\u202f%"),
        (12.345, 1, "12,3\u202f%"),
        (12.35, 1, "12,4\u202f%"),
        (1250.5, None, "1\u202f250,5\u202f%"),
    ],
)
def test_fr_percent_examples(value: float | int, decimals: int | None, expected: str) -> None:
    assert fr_percent(value, decimals) == expected


def _check_percent(value: Decimal | float, integral: bool) -> None:
    """Input: a percentage and whether it is a whole number. Output: None (asserts)."""
    text = fr_percent(value)
    assert text.endswith(NNBSP + "%")
    assert ("," in text) == (not integral)
    assert parse_fr(text[:-2]) == Decimal(str(value))


@given(st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False))
def test_fr_percent_property_decimal(value: Decimal) -> None:
    _check_percent(value, value == value.to_integral_value())


@given(st.integers(min_value=0, max_value=1000))
def test_fr_percent_property_float(tenths: int) -> None:
    _check_percent(tenths / 10, tenths % 10 == 0)


# --------------------------------------------------------------------------- #
# fr_amount / fr_amount_compact                                               #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (36556685, "36\u202f556\u202f685\u00a0€"),
        (11246951.27, "11\u202f246\u202f951,27\u00a0€"),
        (4461976.5, "4\u202f461\u202f976,50\u00a0€"),
        (Decimal("1500.00"), "1\u202f500\u00a0€"),
        (0, "0\u00a0€"),
        (0.004, "0\u00a0€"),
        (0.005, "0,01\u00a0€"),
        (-1234.5, "\u22121\u202f234,50\u00a0€"),
        (-0.0, "0\u00a0€"),
    ],
)
def test_fr_amount_examples(value: float | int | Decimal, expected: str) -> None:
    assert fr_amount(value) == expected


@given(
    st.decimals(
        min_value=Decimal("-9999999999999.99"),
        max_value=Decimal("9999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_fr_amount_property(value: Decimal) -> None:
    text = fr_amount(value)
    assert text.endswith(NBSP + "€")
    number = text[: -len(NBSP + "€")]
    assert parse_fr(number) == value
    assert not set("eE.") & set(text)
    assert " " not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (11246951.27, "11,2\u00a0M€"),
        (36556685, "36,6\u00a0M€"),
        (6200000000, "6,2\u00a0Md€"),
        (6246000000, "6,2\u00a0Md€"),  # 0,7 % off: Md€ is faithful enough
        (1046000000, "1\u202f046\u00a0M€"),  # « 1,0 Md€ » would be 4 % off
        (1460000000, "1\u202f460\u00a0M€"),
        (150000000, "150\u00a0M€"),
        (91689327.95, "91,7\u00a0M€"),
        (2457000, "2,5\u00a0M€"),
        (1500000, "1,5\u00a0M€"),
        (1000000, "1\u00a0M€"),
        (1040000, "1,0\u00a0M€"),
        (2000000000, "2\u00a0Md€"),
        (1234567890123, "1\u202f235\u00a0Md€"),
        (999999999, "1\u202f000\u00a0M€"),
        (-1500000, "\u22121,5\u00a0M€"),
        (999999, "999\u202f999\u00a0€"),
        (4461.5, "4\u202f461,50\u00a0€"),
    ],
)
def test_fr_amount_compact_examples(value: float | int, expected: str) -> None:
    assert fr_amount_compact(value) == expected


def _scale(text: str) -> Decimal:
    return {"Md€": Decimal(10**9), "M€": Decimal(10**6), "€": Decimal(1)}[text.rsplit("\u00a0", 1)[1]]


@given(st.decimals(min_value=Decimal("1000000"), max_value=Decimal("99999999999999.99"), places=2))
def test_fr_amount_compact_property(value: Decimal) -> None:
    text = fr_amount_compact(value)
    number, unit = text.rsplit("\u00a0", 1)
    assert unit in ("M€", "Md€")
    assert len(number.partition(",")[2]) <= 1  # at most one decimal
    shown = parse_fr(number) * _scale(text)
    decimals = len(number.partition(",")[2])
    assert abs(shown - value) <= _scale(text) / 2 / 10**decimals  # rounded to the last digit shown
    if unit == "Md€":
        assert abs(shown - value) <= value / 100  # never more than 1 % off in Md€
    elif value >= 10**9:
        assert abs(parse_fr(format(value / 10**9, ".1f").replace(".", ",")) * 10**9 - value) > value / 100
    if parse_fr(number) >= 100:
        assert decimals == 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([18_200_000, 8_900_000, 5_400_000, 2_457_000, 1_600_000], ["18,2 M€", "8,9 M€", "5,4 M€", "2,5 M€", "1,6 M€"]),
        ([1_046_000_000, 907_000_000, 212_000_000, 150_000_000], ["1 046 M€", "907 M€", "212 M€", "150 M€"]),
        ([4_461_976.52, 1_850_941.32, 91_689_327.95, 43_636_749.94], ["4,5 M€", "1,9 M€", "91,7 M€", "43,6 M€"]),
        ([6_246_000_000, 907_000_000], ["6,2 Md€", "0,9 Md€"]),  # each within 1 %
        ([6_246_000_000, 212_000_000], ["6 246 M€", "212 M€"]),  # « 0,2 Md€ » would be 6 % off
        ([36_556_685, 25_580], ["36 556 685 €", "25 580 €"]),  # « 0,0 M€ » would hide a non-zero amount
        ([1_500, 25.5], ["1 500,00 €", "25,50 €"]),
        ([Decimal("69"), Decimal("31")], ["69 %", "31 %"]),
        ([Decimal("4.6"), Decimal("50.6"), Decimal("96")], ["4,6 %", "50,6 %", "96,0 %"]),
    ],
)
def test_shared_format_examples(values: list[Number], expected: list[str]) -> None:
    unit = "percent" if isinstance(values[0], Decimal) else "eur"
    found = shared_format(values, unit)
    assert [found(v).replace(NBSP, " ").replace(NNBSP, " ") for v in values] == expected


@pytest.mark.parametrize(
    ("maximum", "step", "ticks"),
    [
        ("0.4", "0.1", ["0,0", "0,1", "0,2", "0,3", "0,4"]),
        ("1.9", "0.5", ["0,0", "0,5", "1,0", "1,5", "2,0"]),
        ("0.001", "0.0005", ["0,0000", "0,0005", "0,0010", "0,0015"]),
    ],
)
def test_shared_format_step_gives_distinct_ticks(maximum: str, step: str, ticks: list[str]) -> None:
    found = shared_format([Decimal(maximum)], "percent", Decimal(step))
    assert [found.number(Decimal(step) * k) for k in range(len(ticks))] == ticks


amount_lists = st.lists(st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2), min_size=1, max_size=8)


@given(amount_lists)
def test_shared_format_one_unit_and_decimals_and_no_hidden_value(values: list[Decimal]) -> None:
    found = shared_format(values, "eur")
    texts = [found(v) for v in values]
    assert len({t.rsplit("\u00a0", 1)[1] for t in texts}) == 1
    assert len({len(t.rsplit("\u00a0", 1)[0].partition(",")[2]) for t in texts}) == 1
    for value, text in zip(values, texts):
        if value >= Decimal("0.005"):
            assert set(text) & set("123456789"), (value, text)  # a non-zero amount never prints as 0
        if found.power:
            assert found.decimals <= 1
        if found.power == 9:
            assert abs(parse_fr(found.number(value)) * 10**9 - value) <= value / 100


def test_shared_format_rejects_other_units() -> None:
    with pytest.raises(TypographyError):
        shared_format([1], "date")


@pytest.mark.parametrize("value", [float("nan"), True, "1000", None])
def test_fr_amount_rejects(value: object) -> None:
    with pytest.raises(TypographyError):
        fr_amount(value)  # type: ignore[arg-type]
    with pytest.raises(TypographyError):
        fr_amount_compact(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# Dates                                                                       #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2021, 10, 1), "1er\u00a0octobre\u00a02021"),
        (datetime.date(2022, 1, 15), "15\u00a0janvier\u00a02022"),
        (datetime.date(2022, 2, 2), "2\u00a0février\u00a02022"),
        (datetime.date(2022, 8, 31), "31\u00a0août\u00a02022"),
        (datetime.datetime(2022, 12, 1, 13, 45), "1er\u00a0décembre\u00a02022"),
    ],
)
def test_fr_date_examples(value: datetime.date, expected: str) -> None:
    assert fr_date(value) == expected


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_fr_date_property(value: datetime.date) -> None:
    text = fr_date(value)
    assert " " not in text
    day, month, year = text.split(NBSP)
    assert not day.startswith("0")
    assert day == ("1er" if value.day == 1 else str(value.day))
    assert month == month.lower() == MONTHS[value.month - 1]
    assert year == str(value.year)


def test_fr_month() -> None:
    assert fr_month(datetime.date(2021, 6, 1)) == "juin\u00a02021"
    assert fr_month(datetime.date(2021, 6, 30)) == "juin\u00a02021"
    assert fr_month(datetime.date(2023, 2, 14)) == "février\u00a02023"


def test_fr_month_short_all_months() -> None:
    expected = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ]
    got = [fr_month_short(datetime.date(2022, month, 17)) for month in range(1, 13)]
    assert got == [label + "\u00a02022" for label in expected]


@pytest.mark.parametrize("function", [fr_date, fr_month, fr_month_short])
@pytest.mark.parametrize("value", ["2021-10-01", 2021, None, True])
def test_date_functions_reject_non_dates(function: object, value: object) -> None:
    with pytest.raises(TypographyError):
        function(value)  # type: ignore[operator]


def test_fr_year() -> None:
    assert fr_year(2021) == "2021"
    assert fr_year(12345) == "12345"
    for bad in (True, 2021.0, "2021", None):
        with pytest.raises(TypographyError):
            fr_year(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# fr_signed                                                                   #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (34, "count", "+34"),
        (1234, "count", "+1\u202f234"),
        (-1234, "count", "\u22121\u202f234"),
        (0, "count", "0"),
        (-0.0, "count", "0"),
        (-5.2, "percent", "\u22125,2\u202f%"),
        (3.25, "percent", "+3,25\u202f%"),
        (0, "percent", "0\u202f%"),
        (1500, "eur", "+1\u202f500\u00a0€"),
        (-4461976.5, "eur", "\u22124\u202f461\u202f976,50\u00a0€"),
        (0.001, "eur", "0\u00a0€"),
    ],
)
def test_fr_signed_examples(value: float | int, unit: str, expected: str) -> None:
    assert fr_signed(value, unit) == expected


@pytest.mark.parametrize(("value", "unit"), [(1, "date"), (1, "text"), (1, "EUR"), (True, "count"), (1.5, "count")])
def test_fr_signed_rejects(value: object, unit: str) -> None:
    with pytest.raises(TypographyError):
        fr_signed(value, unit)  # type: ignore[arg-type]


def _check_sign(text: str, value: Decimal | int) -> None:
    """Input: a fr_signed output and its value. Output: None (asserts the sign)."""
    if value > 0:
        assert text.startswith("+") and MINUS not in text[1:]
    elif value < 0:
        assert text.startswith(MINUS) and "+" not in text
    else:
        assert text[0].isdigit()
    assert "-" not in text


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_fr_signed_property_count(value: int) -> None:
    _check_sign(fr_signed(value, "count"), value)


@given(st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False, allow_infinity=False))
def test_fr_signed_property_percent(value: Decimal) -> None:
    _check_sign(fr_signed(value, "percent"), value)


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_fr_signed_property_eur(value: Decimal) -> None:
    _check_sign(fr_signed(value, "eur"), value)


# --------------------------------------------------------------------------- #
# format_value                                                                #
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("value", "unit", "style", "expected"),
    [
        (1579, "count", None, "1\u202f579"),
        (1579, "count", "bare", "1\u202f579"),
        (7.7, "percent", None, "7,7\u202f%"),
        (7.7, "percent", "bare", "7,7"),
        (36556685, "eur", None, "36\u202f556\u202f685\u00a0€"),
        (36556685, "eur", "bare", "36\u202f556\u202f685"),
        (4461976.5, "eur", "bare", "4\u202f461\u202f976,50"),
        (1046000000, "eur", "compact", "1\u202f046\u00a0M€"),
        (11246951.27, "eur", "compact", "11,2\u00a0M€"),
        (datetime.date(2021, 10, 1), "date", None, "1er\u00a0octobre\u00a02021"),
        (datetime.date(2021, 10, 1), "date", "month", "octobre\u00a02021"),
        (datetime.date(2021, 6, 17), "month", None, "juin\u00a02021"),
        (2021, "year", None, "2021"),
        ("Données 2021 - brutes", "text", None, "Données 2021 - brutes"),
        ("https://example.org/a?b=1", "url", None, "https://example.org/a?b=1"),
        (42, "text", None, "42"),
    ],
)
def test_format_value_dispatch(value: object, unit: str, style: str | None, expected: str) -> None:
    assert format_value(value, unit, style) == expected


def test_format_value_unknown_unit_lists_valid_units() -> None:
    with pytest.raises(TypographyError) as info:
        format_value(1, "kg")
    message = str(info.value)
    assert "unité inconnue « kg »" in message
    for unit in ("count", "percent", "eur", "date", "month", "year", "text", "url"):
        assert unit in message


@pytest.mark.parametrize(
    ("unit", "style"),
    [("count", "compact"), ("percent", "month"), ("text", "bare"), ("year", "bare"), ("eur", "Compact"), ("date", "bare")],
)
def test_format_value_bad_style_names_it(unit: str, style: str) -> None:
    with pytest.raises(TypographyError) as info:
        format_value(1, unit, style)
    message = str(info.value)
    assert f"le style « {style} » ne va pas avec l’unité « {unit} »" in message and "styles possibles" in message


def test_format_value_bad_style_lists_valid_ones() -> None:
    with pytest.raises(TypographyError) as info:
        format_value(1, "eur", "month")
    assert "styles possibles : sans style, bare, compact" in str(info.value)


@pytest.mark.parametrize("unit", ["count", "percent", "eur", "year", "text", "url", "date", "month"])
@pytest.mark.parametrize("value", [True, None])
def test_format_value_rejects_bool_and_none(unit: str, value: object) -> None:
    with pytest.raises(TypographyError):
        format_value(value, unit)


def test_format_value_wrong_value_type() -> None:
    with pytest.raises(TypographyError):
        format_value("2021-10-01", "date")
    with pytest.raises(TypographyError):
        format_value(1.5, "count")
    with pytest.raises(TypographyError):
        format_value(float("nan"), "percent")


@pytest.mark.parametrize(("value", "exact"), [(3_000_000_000, True), (250_000_000, True), (1_046_000_000, True),
                                              (36_556_685, False), (11_246_951.27, False), (2_500_000, True)])
def test_compact_is_exact_only_when_nothing_is_rounded(value: float, exact: bool) -> None:
    assert compact_is_exact(value) is exact
