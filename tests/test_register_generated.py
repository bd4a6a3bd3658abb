"""The generated register: real PVD communes, fictitious indicators hitting the typed national totals.

Built in a temporary folder from ../shared/data/territoires/pvd-communes-2021.csv (never committed);
skipped with the reason when that folder is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bulletin.edition import load_edition
from bulletin.register import all_territories, load_register
from bulletin.register.compute import compare_figures, compute_figures
from bulletin.register.generate import REGISTER_CSV, generate_register, targets_from_edition
from test_register_input import TERRITOIRES, needs_territoires

ROOT = Path(__file__).resolve().parent.parent
EDITION = ROOT / "data" / "editions" / "2022-02"
COMMUNES = TERRITOIRES / "pvd-communes-2021.csv"
pytestmark = needs_territoires


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    edition = load_edition(EDITION)
    return generate_register(COMMUNES, tmp_path_factory.mktemp("registre"), targets_from_edition(edition))


@pytest.fixture(scope="module")
def national(generated: Path):  # type: ignore[no-untyped-def]
    return compute_figures(load_register(generated))


def test_generated_file_holds_the_real_communes_without_the_placeholder(generated: Path) -> None:
    with (generated.parent / REGISTER_CSV).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1606
    assert "999999" not in {row["insee_com"] for row in rows}
    with COMMUNES.open(encoding="utf-8") as handle:
        real = {row["insee_com"]: row for row in csv.DictReader(handle)}
    assert all(real[row["insee_com"]]["lib_com"] == row["lib_com"] and real[row["insee_com"]]["pop"] == row["pop"]
               for row in rows)


def test_the_same_seed_gives_the_same_bytes_another_seed_other_values(generated: Path, tmp_path: Path) -> None:
    targets = targets_from_edition(load_edition(EDITION))
    again = generate_register(COMMUNES, tmp_path / "again", targets)
    other = generate_register(COMMUNES, tmp_path / "other", targets, seed=7)
    first = (generated.parent / REGISTER_CSV).read_bytes()
    assert (again.parent / REGISTER_CSV).read_bytes() == first
    assert (other.parent / REGISTER_CSV).read_bytes() != first


def test_national_counts_amounts_and_series_equal_the_typed_ones(national) -> None:  # type: ignore[no-untyped-def]
    edition = load_edition(EDITION)
    for key in ("conventions.communes_signataires", "ort.communes_engagees", "opah.communes_financees",
                "opah.communes_opah_ru", "opah.communes_opah_rr", "chefs_projet.en_poste", "services.france_services",
                "chefs_projet.financement_anct_bdt"):
        assert national.figures[key].number == edition.figures[key].number, key
    # The register gives a monthly curve; the typed series keeps only its published, irregularly dated
    # points. Where both have a point (the edition month), they agree.
    typed = {p.x: p.value for p in edition.series["conventions.communes_signataires"]}
    computed = {p.x: p.value for p in national.series["conventions.communes_signataires"]}
    common = typed.keys() & computed.keys()
    assert max(typed) in common and all(typed[x] == computed[x] for x in common)


def test_check_reports_only_the_shares_whose_reference_population_differs(national) -> None:  # type: ignore[no-untyped-def]
    # The typed shares divide by the programme's 1 646 communes (2022); the register lists the 1 606 of 2021.
    problems = compare_figures(load_edition(EDITION), national)
    assert [p.message.split(" d’après")[0] for p in problems] == [
        "« conventions.part_communes_signataires » vaut 96 % dans figures.csv mais 98 %",
        "« ort.part_communes » vaut 7,7 % dans figures.csv mais 7,9 %",
        "« opah.part_communes » vaut 39 % dans figures.csv mais 40 %",
    ]


def test_everything_computed_from_generated_values_says_donnees_fictives(national) -> None:  # type: ignore[no-untyped-def]
    notes = [f.note for f in national.figures.values()] + [p.note for s in national.series.values() for p in s]
    assert notes and all(note.startswith("données fictives") for note in notes)
    assert {f.status for f in national.figures.values()} == {"illustrative"}


@pytest.mark.parametrize("kind", ["dep", "reg"])
def test_all_territories_add_up_to_the_national_figures(generated: Path, national, kind: str) -> None:  # type: ignore[no-untyped-def]
    register = load_register(generated)
    parts = [compute_figures(register, territory) for territory in all_territories(kind)]
    assert len(parts) == {"dep": 101, "reg": 18}[kind]
    for key, figure in national.figures.items():
        if figure.unit != "percent":
            assert sum(p.figures[key].number for p in parts) == figure.number, key
    assert sum(p.figures["programme.communes_registre"].number > 0 for p in parts) == {"dep": 97, "reg": 18}[kind]
