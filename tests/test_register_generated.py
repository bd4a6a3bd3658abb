"""The generated register: real PVD communes, fictitious indicators hitting the typed national totals.

Built in a temporary folder from ../shared/data/territoires/pvd-communes-2021.csv (never committed);
skipped with the reason when that folder is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bulletin.data.edition import load_edition
from bulletin.register import FRANCE, all_territories, load_register
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
    return compute_figures(load_register(generated), FRANCE, load_edition(EDITION).figures)


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


def test_the_national_edition_from_the_register_equals_the_typed_one(generated: Path, national) -> None:  # type: ignore[no-untyped-def]
    # programme.communes_pvd is declared « national: typed »: for France, the programme's 1 646 communes
    # typed in figures.csv, so the national shares divide by the same population as the typed ones.
    edition = load_edition(EDITION)
    assert compare_figures(edition, national) == []
    common = national.figures.keys() & edition.figures.keys()
    assert {"conventions.part_communes_signataires", "ort.part_communes", "opah.part_communes",
            "programme.communes_pvd"} <= common
    assert all(national.figures[key].number == edition.figures[key].number for key in common)
    # Without the typed reference population, the shares divide by the 1 606 communes of the 2021 list.
    alone = compute_figures(load_register(generated))
    assert [p.message.split(" d’après")[0] for p in compare_figures(edition, alone)] == [
        "« programme.communes_pvd » vaut 1 646 dans figures.csv mais 1 606",
        "« conventions.part_communes_signataires » vaut 96 % dans figures.csv mais 98 %",
        "« ort.part_communes » vaut 7,7 % dans figures.csv mais 7,9 %",
        "« opah.part_communes » vaut 39 % dans figures.csv mais 40 %",
    ]


def test_everything_computed_from_generated_values_says_donnees_fictives(national) -> None:  # type: ignore[no-untyped-def]
    computed = [f for f in national.figures.values() if Path(f.where.path).name == "register.yaml"]
    assert len(computed) == len(national.figures) - 1  # programme.communes_pvd is the typed figure
    notes = [f.note for f in computed] + [p.note for s in national.series.values() for p in s]
    assert notes and all(note.startswith("données fictives") for note in notes)
    assert {f.status for f in computed} == {"illustrative"}


@pytest.mark.parametrize("kind", ["dep", "reg"])
def test_all_territories_add_up_to_the_national_figures(generated: Path, national, kind: str) -> None:  # type: ignore[no-untyped-def]
    register = load_register(generated)
    parts = [compute_figures(register, territory) for territory in all_territories(kind)]
    assert len(parts) == {"dep": 101, "reg": 18}[kind]
    for key, figure in national.figures.items():
        if figure.unit != "percent" and key != "programme.communes_pvd":
            assert sum(p.figures[key].number for p in parts) == figure.number, key
    # The reference population is the typed one for France; the territories count the list's communes.
    assert sum(p.figures["programme.communes_pvd"].number for p in parts) == 1606
    assert sum(p.figures["programme.communes_pvd"].number > 0 for p in parts) == {"dep": 97, "reg": 18}[kind]
