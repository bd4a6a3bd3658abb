"""Figures declared in register.yaml and computed from the communes, for France and for territories.

The small register of test_register_input (five communes) is counted by hand in the comments;
the computed figures must say exactly that, carry their provenance, add up over territories,
and every typed figure that disagrees with its computed value must be reported.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bulletin.data.edition import load_edition
from bulletin.errors import DataError
from bulletin.register import FRANCE, all_territories, load_register, parse_territory
from bulletin.register.compute import compare_figures, compute_figures
from test_register_input import DECLARATION, write_register

# The five communes: Alpha (58, conv. 2021-03-15, ORT oui, RU, 1000.50), Beta (58, no conv., ORT non, aucune),
# Gamma (21, conv. 2021-11-02, ORT oui, classique, 2500), Delta (2A, conv. 2022-03-01 — after the as-of date —,
# ORT non, RR, 99.5), Epsilon (971, conv. 2020-12-31, ORT empty, aucune, 0).
FIGURES = DECLARATION + """\
figures:
  programme.communes: {count: {}}
  conventions.communes_signataires: {count: {convention: oui}}
  conventions.part_communes_signataires: {share: {part: conventions.communes_signataires, of: programme.communes, decimals: 1}}
  ort.communes_engagees: {count: {ort: oui}}
  ort.communes_non: {count: {ort: non}}
  opah.communes_financees: {count: {opah: [classique, RU, RR]}}
  opah.ru_en_ort: {count: {opah: RU, ort: true}}
  financement.total: {sum: {amount: financement}}
  financement.signataires: {sum: {amount: financement, where: {convention: oui}}}
  conventions.sans_convention: {count: {convention: non}}
  conventions.octobre: {count: {convention: oui}, as_of: 2021-10-01, source: Banque des territoires}
series:
  conventions.communes_signataires: {count_by_month: convention, from: "2020-12"}
"""


@pytest.fixture()
def register(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_register(write_register(tmp_path, declaration=FIGURES))


def values(computed) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {key: figure.value for key, figure in computed.figures.items()}


def test_national_figures_are_the_hand_counts(register) -> None:  # type: ignore[no-untyped-def]
    assert values(compute_figures(register)) == {
        "programme.communes": 5,
        "conventions.communes_signataires": 3,  # Alpha, Gamma, Epsilon; Delta signed after 2022-02-01
        "conventions.part_communes_signataires": Decimal("60.0"),
        "ort.communes_engagees": 2,  # Alpha, Gamma
        "ort.communes_non": 2,  # Beta, Delta; Epsilon's empty cell is neither
        "opah.communes_financees": 3,  # Alpha RU, Gamma classique, Delta RR
        "opah.ru_en_ort": 1,  # Alpha
        "financement.total": Decimal("3600.00"),  # 1000.50 + 2500 + 99.5 + 0
        "financement.signataires": Decimal("3500.50"),  # Alpha, Gamma, Epsilon
        "conventions.sans_convention": 2,  # Beta, Delta (not yet on 2022-02-01)
        "conventions.octobre": 2,  # Alpha, Epsilon by 2021-10-01
    }


def test_computed_figures_carry_unit_and_provenance(register, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    figures = compute_figures(register).figures
    signed, share, amount = (figures[k] for k in ("conventions.communes_signataires",
                                                  "conventions.part_communes_signataires", "financement.total"))
    assert (signed.unit, share.unit, amount.unit) == ("count", "percent", "eur")
    assert (signed.as_of, signed.source, signed.status) == (dt.date(2022, 2, 1), "ANCT", "published")
    assert signed.note == "calculé depuis le registre des communes (fr)"
    assert str(signed.where) == f"{tmp_path / 'register.yaml'}:14"
    october = figures["conventions.octobre"]
    assert (october.as_of, october.source) == (dt.date(2021, 10, 1), "Banque des territoires")


def test_monthly_series_is_cumulative_at_the_first_of_each_month(register) -> None:  # type: ignore[no-untyped-def]
    points = compute_figures(register).series["conventions.communes_signataires"]
    assert [p.x for p in points][:2] == [dt.date(2020, 12, 1), dt.date(2021, 1, 1)] and points[-1].x == dt.date(2022, 2, 1)
    # Epsilon counts from 1 January 2021, Alpha from 1 April, Gamma from 1 December 2021.
    assert [int(p.value) for p in points] == [0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3]
    assert {p.unit for p in points} == {"count"} and {p.as_of for p in points} == {dt.date(2022, 2, 1)}  # the register's


@pytest.mark.parametrize(("territory", "expected"), [
    ("dep:58", {"programme.communes": 2, "conventions.communes_signataires": 1,
                "conventions.part_communes_signataires": Decimal("50.0"), "financement.total": Decimal("1000.50")}),
    ("reg:27", {"programme.communes": 3, "conventions.communes_signataires": 2,
                "conventions.part_communes_signataires": Decimal("66.7"), "financement.total": Decimal("3500.50")}),
    ("dep:2A", {"programme.communes": 1, "conventions.communes_signataires": 0,
                "conventions.part_communes_signataires": Decimal("0.0"), "financement.total": Decimal("99.50")}),
])
def test_territorial_figures_count_only_the_territory(register, territory: str, expected: dict) -> None:  # type: ignore[no-untyped-def]
    computed = compute_figures(register, parse_territory(territory))
    assert {k: v for k, v in values(computed).items() if k in expected} == expected
    assert computed.figures["programme.communes"].note == f"calculé depuis le registre des communes ({territory})"


def test_a_territory_without_communes_has_zero_counts_and_no_share(register) -> None:  # type: ignore[no-untyped-def]
    computed = compute_figures(register, parse_territory("dep:75"))
    assert computed.figures["programme.communes"].value == 0
    assert "conventions.part_communes_signataires" not in computed.figures
    assert [p.message for p in computed.problems] == [
        "« conventions.part_communes_signataires » : part incalculable pour Paris (dep:75) "
        "(aucune commune dans « programme.communes »)"]
    assert all(p.warning for p in computed.problems)


@pytest.mark.parametrize("kind", ["dep", "reg"])
def test_territories_add_up_to_the_national_figures(register, kind: str) -> None:  # type: ignore[no-untyped-def]
    national = compute_figures(register)
    parts = [compute_figures(register, territory) for territory in all_territories(kind)]
    for key, figure in national.figures.items():
        if figure.unit in ("count", "eur"):
            assert sum(p.figures[key].number for p in parts) == figure.number, key
    for name, points in national.series.items():
        totals = [sum(p.series[name][i].value for p in parts) for i in range(len(points))]
        assert totals == [p.value for p in points]


def test_fictitious_registers_say_so_in_every_note(tmp_path: Path) -> None:
    declaration = FIGURES.replace("status: published", "status: illustrative")
    computed = compute_figures(load_register(write_register(tmp_path, declaration=declaration)), parse_territory("dep:58"))
    notes = [f.note for f in computed.figures.values()] + [p.note for p in computed.series["conventions.communes_signataires"]]
    assert notes and all(n.startswith("données fictives ; ") for n in notes)
    assert {f.status for f in computed.figures.values()} == {"illustrative"}


TYPED = """\
key,value,unit,as_of,source,status,note
programme.communes,5,count,2022-02-01,ANCT,published,
conventions.communes_signataires,4,count,2022-02-01,ANCT,published,
conventions.part_communes_signataires,60,percent,2022-02-01,ANCT,published,
financement.total,3600,eur,2022-02-01,ANCT,published,
ort.communes_engagees,2,percent,2022-02-01,ANCT,published,
autre.donnee,12,count,2022-02-01,ANCT,published,
"""
TYPED_SERIES = """\
series,x,value,unit,as_of,source,status,note
conventions.communes_signataires,2021-04-01,2,count,2021-04-01,ANCT,published,
conventions.communes_signataires,2021-12-01,4,count,2021-12-01,ANCT,published,
conventions.communes_signataires,2022-03-01,9,count,2022-03-01,ANCT,published,
"""


def test_every_typed_figure_that_disagrees_is_reported(register, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "edition"
    folder.mkdir()
    (folder / "edition.yaml").write_text('title: T\nedition: "2022-02"\npublished: 2022-02-15\n', encoding="utf-8")
    (folder / "figures.csv").write_text(TYPED, encoding="utf-8")
    (folder / "series.csv").write_text(TYPED_SERIES, encoding="utf-8")
    problems = compare_figures(load_edition(folder), compute_figures(register))
    yaml = tmp_path / "register.yaml"
    assert [str(p).split("\n")[0] for p in problems] == [
        f"{folder / 'figures.csv'}:3: « conventions.communes_signataires » vaut 4 dans figures.csv "
        f"mais 3 d’après le registre des communes ({yaml}:14)",
        f"{folder / 'figures.csv'}:6: « ort.communes_engagees » est en unité percent dans figures.csv "
        f"mais en count d’après le registre des communes ({yaml}:16)",
        f"{folder / 'series.csv'}:3: série « conventions.communes_signataires », 2021-12-01 : 4 saisi mais 3 "
        f"d’après le registre des communes ({yaml}:25)",
    ]
    assert problems[0].hint == "corrigez la valeur saisie ou le registre, pour qu’ils s’accordent"


@pytest.mark.parametrize(("figures", "expected"), [
    ("  a.b: {count: {signature: oui}}\n", "register.yaml:13: figures : « a.b » : indicateur « signature » non déclaré"),
    ("  a.b: {count: {opah: OPAH-X}}\n", "register.yaml:13: figures : « a.b » : « opah » n’a pas la catégorie OPAH-X"),
    ("  a.b: {count: {ort: peut-être}}\n", "register.yaml:13: figures : « a.b » : « ort : peut-être » : attendu oui ou non"),
    ("  a.b: {count: {}, sum: {amount: financement}}\n", "register.yaml:13: figures : « a.b » doit déclarer un seul calcul"),
    ("  a.b: {sum: {amount: ort}}\n", "register.yaml:13: figures : « a.b » : sum: amount doit nommer un indicateur de type amount"),
    ("  a.b: {share: {part: c.d}}\n", "register.yaml:13: figures : « a.b » : part « c.d » n’est pas un compte déclaré"),
    ("  a.b: {share: {part: c.d, decimals: 7}}\n  c.d: {count: {}}\n", "register.yaml:13: figures : « a.b » : decimals doit"),
    ("  A-B: {count: {}}\n", "register.yaml:13: figures : clé « A-B » invalide"),
    ("  a.b: {count: {}, colour: red}\n", "register.yaml:13: figures: a.b: clé inconnue « colour »"),
    ("  a.b: {count: {}, national: saisi}\n", "register.yaml:13: figures : « a.b » : national: « saisi » inconnu"),
    ("  a.b: {sum: {amount: financement}, national: typed}\n",
     "register.yaml:13: figures : « a.b » : national: « typed » inconnu"),
])
def test_hostile_figure_declarations_are_located(tmp_path: Path, figures: str, expected: str) -> None:
    path = write_register(tmp_path, declaration=DECLARATION + "figures:\n" + figures)
    with pytest.raises(DataError) as caught:
        load_register(path)
    assert any(str(p).startswith(str(tmp_path / expected)) for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(("series", "expected"), [
    ("  s: {count_by_month: ort, from: \"2021-01\"}\n", "register.yaml:13: series : « s » : count_by_month doit nommer"),
    ("  s: {count_by_month: convention, from: 2021}\n", "register.yaml:13: series : « from » : « 2021 » n’est pas un mois"),
    ("  s: {count_by_month: convention, from: \"٢٠٢١-01\"}\n",
     "register.yaml:13: series : « from » : « ٢٠٢١-01 » n’est pas un mois"),
    ("  s: {count_by_month: convention, from: \"2022-01\", to: \"2022-06\"}\n",
     "register.yaml:13: series : « s » : de 2022-01 à 2022-06 : période vide, trop longue ou après la date des chiffres"),
    ("  s: {count_by_month: convention, from: \"1990-01\"}\n", "register.yaml:13: series : « s » : de 1990-01 à 2022-02"),
])
def test_hostile_series_declarations_are_located(tmp_path: Path, series: str, expected: str) -> None:
    path = write_register(tmp_path, declaration=DECLARATION + "series:\n" + series)
    with pytest.raises(DataError) as caught:
        load_register(path)
    assert any(str(p).startswith(str(tmp_path / expected)) for p in caught.value.problems), caught.value.problems


def test_a_count_declared_national_typed_is_the_typed_figure_for_france_only(tmp_path: Path) -> None:
    # The five communes stand for a programme of 8 (typed): France's shares divide by 8, a territory's by its
    # own communes of the register.
    declaration = FIGURES.replace("programme.communes: {count: {}}", "programme.communes: {count: {}, national: typed}")
    register = load_register(write_register(tmp_path / "registre", declaration=declaration))
    folder = tmp_path / "edition"
    folder.mkdir()
    (folder / "edition.yaml").write_text('title: T\nedition: "2022-02"\npublished: 2022-02-15\n', encoding="utf-8")
    (folder / "figures.csv").write_text(TYPED.replace("programme.communes,5,", "programme.communes,8,"), encoding="utf-8")
    (folder / "series.csv").write_text(TYPED_SERIES, encoding="utf-8")
    typed = load_edition(folder).figures
    france = compute_figures(register, FRANCE, typed)
    assert france.figures["programme.communes"] is typed["programme.communes"]
    assert france.figures["conventions.part_communes_signataires"].value == Decimal("37.5")  # 3 / 8
    nievre = compute_figures(register, parse_territory("dep:58"), typed)
    assert nievre.figures["programme.communes"].value == 2  # Alpha, Beta
    assert nievre.figures["conventions.part_communes_signataires"].value == Decimal("50.0")  # Alpha / 2
    assert compute_figures(register).figures["programme.communes"].value == 5  # without typed figures


def test_france_is_the_default_territory(register) -> None:  # type: ignore[no-untyped-def]
    assert compute_figures(register).territory == FRANCE == parse_territory("fr")
