"""An edition folder with a commune register: read with it, every typed figure checked against its computed value.

The generated register (fictitious indicators on the real 1 606 communes, made in a temporary folder)
gives the typed national figures of February 2022; a register changed by one commune must make
``check`` and ``build`` report each typed figure it no longer agrees with, located in figures.csv.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, replace_in_file, run_cli
from territories import edition_with_generated_register, needs_territoires

pytestmark = needs_territoires


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return edition_with_generated_register(tmp_path_factory.mktemp("avec-registre") / "2022-02")


def test_check_finds_the_typed_national_figures_equal_to_the_register(edition: Path) -> None:
    result = run_cli("check", "--data-dir", edition, "--draft")
    assert result.code == 0, result.stderr
    assert "Error" not in result.stderr and "registre" not in result.stderr
    published = run_cli("check", "--data-dir", edition)  # generated indicators never make a published edition
    assert published.code == 1
    assert published.stderr.startswith(f"Error: {edition / 'register.yaml'}: le registre des communes est illustratif "
                                       "(données fictives) : une édition publiée ne peut pas s’en servir")


def _drop_one_convention(folder: Path) -> str:
    """Empty the convention date of the first commune that has one; return its INSEE code."""
    path = folder / "registre-fictif.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    changed = next(row for row in rows if row["date_convention"])
    changed["date_convention"] = ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed["insee_com"]


def test_a_register_that_disagrees_makes_check_and_build_report_each_typed_figure(edition: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "2022-02"
    shutil.copytree(edition, copy)
    _drop_one_convention(copy)
    for command in (("check",), ("build", "--output", tmp_path / "x.pdf")):
        result = run_cli(*command, "--data-dir", copy, "--draft")
        assert result.code == 1, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert errors == [
            f"Error: {copy / 'figures.csv'}:16: « conventions.communes_signataires » vaut 1 579 dans figures.csv mais "
            f"1 578 d’après le registre des communes ({copy / 'register.yaml'}:22)",
            f"Error: {copy / 'series.csv'}:4: série « conventions.communes_signataires », 2022-02-01 : 1 579 saisi "
            f"mais 1 578 d’après le registre des communes ({copy / 'register.yaml'}:37)"], result.stderr
        assert "hint: corrigez la valeur saisie ou le registre, pour qu’ils s’accordent" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_national_typed_figure_missing_from_the_edition_is_located(edition: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "2022-02"
    shutil.copytree(edition, copy)
    replace_in_file(copy / "register.yaml", "programme.communes_pvd: {count: {}, national: typed}",
                    "programme.communes_pvd: {count: {}, national: typed}\n"
                    "  programme.communes_total: {count: {}, national: typed}")
    result = run_cli("check", "--data-dir", copy, "--draft")
    assert result.code == 1
    assert (f"Error: {copy / 'register.yaml'}:22: « programme.communes_total » est déclarée national: typed mais "
            "figures.csv ne la donne pas") in result.stderr


def test_the_register_travels_in_the_pdf_beside_the_edition_files(edition: Path, tmp_path: Path) -> None:
    import pikepdf

    output = tmp_path / "national.pdf"
    assert run_cli("build", "--data-dir", edition, "--output", output, "--draft").code == 0
    with pikepdf.open(output) as pdf:
        names = sorted(pdf.attachments)
    assert names == ["edition.yaml", "figures.csv", "register.yaml", "registre-fictif.csv", "series.csv"]


def test_a_national_check_without_register_never_imports_pandas() -> None:
    code = ("import sys; from pathlib import Path; from bulletin.build import BuildRequest, check; "
            f"check(BuildRequest(Path({str(ROOT / 'data' / 'editions' / '2022-02')!r}), "
            f"Path({str(ROOT / 'layouts' / 'pvd-chiffres-cles.yaml')!r}))); print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"
