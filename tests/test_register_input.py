"""The commune register as input: register.yaml and the commune file, validated like the edition.

Each hostile case asserts the French message a user would read, with its file, line, column and
INSEE code. The real PVD list (../shared/data/territoires/) is read when present.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from bulletin.errors import DataError
from bulletin.register import load_register, parse_territory, read_register
from bulletin.register.territories import DEPARTEMENTS, REGIONS, all_territories, region_code
from conftest import replace_in_file, run_cli

ROOT = Path(__file__).resolve().parent.parent
TERRITOIRES = ROOT.parent / "shared" / "data" / "territoires"
needs_territoires = pytest.mark.skipif(not (TERRITOIRES / "pvd-communes-2021.csv").is_file(),
                                       reason=f"real territorial data absent: {TERRITOIRES} (see its README)")

HEADER = "insee_com,lib_com,insee_dep,lib_reg,pop,date_convention,ort,opah,financement"
ROWS = [
    "58001,Alpha,58,Bourgogne-Franche-Comté,1200,2021-03-15,oui,RU,1000.50",
    "58002,Beta,58,Bourgogne-Franche-Comté,800,,non,aucune,",
    "21003,Gamma,21,Bourgogne-Franche-Comté,5000,2021-11-02,oui,classique,2500",
    "2A004,Delta,2A,Corse,3100,2022-03-01,non,RR,99.5",
    "97101,Epsilon,971,Guadeloupe,9000,2020-12-31,,aucune,0",
]
DECLARATION = """\
register:
  file: communes.csv
  source: ANCT
  as_of: 2022-02-01
  status: published
  columns: {insee: insee_com, name: lib_com, departement: insee_dep, region: lib_reg, population: pop}
  indicators:
    convention: {column: date_convention, type: date}
    ort: {column: ort, type: yesno}
    opah: {column: opah, type: category, values: [aucune, classique, RU, RR]}
    financement: {column: financement, type: amount}
"""


def write_register(folder: Path, rows: list[str] | None = None, declaration: str = DECLARATION,
                   header: str = HEADER, encoding: str = "utf-8") -> Path:
    """A register.yaml and its communes.csv in ``folder``; returns the YAML path."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [header, *(ROWS if rows is None else rows)]
    (folder / "communes.csv").write_bytes(("\n".join(lines) + "\n").encode(encoding))
    path = folder / "register.yaml"
    path.write_text(declaration, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    """Every problem reported when loading the register, as the user reads them."""
    with pytest.raises(DataError) as caught:
        load_register(path)
    return [str(p) for p in caught.value.problems]


def test_a_valid_register_is_read_with_typed_values(tmp_path: Path) -> None:
    register = load_register(write_register(tmp_path))
    assert [c.insee for c in register.communes] == ["58001", "58002", "21003", "2A004", "97101"]
    alpha = register.communes[0]
    assert (alpha.name, alpha.departement, alpha.region, alpha.population) == ("Alpha", "58", "27", 1200)
    assert str(alpha.values["convention"]) == "2021-03-15" and alpha.values["ort"] is True
    assert str(alpha.values["financement"]) == "1000.50" and alpha.values["opah"] == "RU"
    assert register.communes[1].values["convention"] is None and register.communes[4].values["ort"] is None
    assert [c.name for c in register.communes_in(parse_territory("reg:27"))] == ["Alpha", "Beta", "Gamma"]
    assert [c.name for c in register.communes_in(parse_territory("dep:971"))] == ["Epsilon"]


def test_french_excel_export_is_read(tmp_path: Path) -> None:
    rows = ["58001;Alpha;58;Bourgogne-Franche-Comté;1 200;15/03/2021;Oui;RU;1 000,50"]
    path = write_register(tmp_path, rows, header=HEADER.replace(",", ";"), encoding="cp1252")
    alpha = load_register(path).communes[0]
    assert (alpha.population, str(alpha.values["convention"]), str(alpha.values["financement"])) == \
        (1200, "2021-03-15", "1000.50")
    assert alpha.values["ort"] is True


def test_a_workbook_is_read_and_leading_zeros_come_back(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "communes"
    sheet.append(HEADER.split(","))
    sheet.append([1004, "Ambérieu", 1, "Auvergne-Rhône-Alpes", 14000, None, "non", "aucune", 12.5])
    workbook.save(tmp_path / "communes.xlsx")
    path = tmp_path / "register.yaml"
    path.write_text(DECLARATION.replace("communes.csv", "communes.xlsx"), encoding="utf-8")
    commune = load_register(path).communes[0]
    assert (commune.insee, commune.departement, commune.region, commune.population) == ("01004", "01", "84", 14000)


@pytest.mark.parametrize(("row", "expected"), [
    ("5800,Alpha,58,Bourgogne-Franche-Comté,1200,,,,", "commune 5800 (Alpha), colonne « insee_com » : code INSEE « 5800 » mal formé"),
    ("99001,Alpha,99,Bourgogne-Franche-Comté,1200,,,,", "commune 99001 (Alpha), colonne « insee_dep » : département « 99 » inconnu"),
    ("21001,Alpha,58,Bourgogne-Franche-Comté,1200,,,,", "le code INSEE 21001 n’est pas dans le département 58"),
    ("58001,Alpha,58,Bretagne,1200,,,,", "région « Bretagne », mais le département 58 est en Nièvre (27)"),
    ("58001,Alpha,58,Atlantide,1200,,,,", "colonne « lib_reg » : région « Atlantide » inconnue"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,NA,,,,", "commune 58001 (Alpha), colonne « pop » : population « NA » invalide"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,0,,,,", "population « 0 » invalide"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,2021-02-30,,,", "colonne « date_convention » : « 2021-02-30 » n’est pas une date"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,,peut-être,,", "colonne « ort » : « peut-être » n’est ni oui ni non"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,,,OPAH-X,", "colonne « opah » : « OPAH-X » n’est pas une catégorie déclarée"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,,,,-5", "colonne « financement » : « -5 » n’est pas un montant positif"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,,,,12.345", "« 12.345 » n’est pas un montant positif en euros (au plus 2 décimales)"),
    # The documented plain form only, as in figures.csv: an exponent would make a number of a billion digits
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,,,,1E+999999999", "« 1E+999999999 » n’est pas un montant"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,,,,1_000", "« 1_000 » n’est pas un montant"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,١٢٠٠,,,,", "population « ١٢٠٠ » invalide"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,,,,١٢", "« ١٢ » n’est pas un montant"),
    ("58001,,58,Bourgogne-Franche-Comté,1200,,,,", "commune 58001, colonne « lib_com » : nom vide"),
    ("58001,Alpha,58,Bourgogne-Franche-Comté,1200,,,", "commune 58001 (Alpha) : nombre de cellules différent de l’en-tête"),
])
def test_each_bad_cell_is_reported_with_file_line_column_and_code(tmp_path: Path, row: str, expected: str) -> None:
    path = write_register(tmp_path, [ROWS[0].replace("58001", "58009"), row])
    found = problems_of(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'communes.csv'}:3: "), found[0]
    assert expected in found[0]
    assert "\n  hint: " in found[0]


def test_duplicate_commune_names_its_first_line(tmp_path: Path) -> None:
    found = problems_of(write_register(tmp_path, [*ROWS, ROWS[2]]))
    assert found == [f"{tmp_path / 'communes.csv'}:7: commune 21003 (Gamma) en double (déjà ligne 4)\n"
                     "  hint: gardez une ligne par commune"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    rows = [ROWS[0], "5800X,Bad,58,Bourgogne-Franche-Comté,1200,,,,", ROWS[1], "58003,Worse,58,Bourgogne-Franche-Comté,x,,,,",
            ROWS[1]]
    found = problems_of(write_register(tmp_path, rows))
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in found] == ["3", "5", "6"]


def test_missing_columns_are_named_with_those_found(tmp_path: Path) -> None:
    found = problems_of(write_register(tmp_path, header=HEADER.replace("insee_dep", "dep")))
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'communes.csv'}:1: colonne(s) absente(s) : insee_dep ; colonnes trouvées : "
                               "insee_com, lib_com, dep,")


def test_a_missing_register_file_is_named(tmp_path: Path) -> None:
    path = write_register(tmp_path)
    (tmp_path / "communes.csv").unlink()
    assert problems_of(path) == [f"{tmp_path / 'communes.csv'}: fichier du registre introuvable\n"
                                 "  hint: corrigez register: file: dans register.yaml"]


@pytest.mark.parametrize(("change", "expected"), [
    (("status: published", "status: final"), "register.yaml:5: statut « final » inconnu"),
    (("as_of: 2022-02-01", "as_of: 2022-02-31"), "register.yaml:4: « as_of » : « 2022-02-31 » n’est pas une date"),
    (("  source: ANCT\n", ""), "register.yaml:2: « source » manque ou est vide"),
    (("file: communes.csv", "file: communes.txt"), "register.yaml:2: register: fichier « communes.txt » ni .csv ni .xlsx"),
    (("type: yesno", "type: boolean"), "register.yaml:9: indicateur « ort » : il faut column: et type:"),
    (("values: [aucune, classique, RU, RR]", "values: []"), "register.yaml:10: indicateur « opah » : une catégorie a besoin de values:"),
    (("region: lib_reg, ", "region: lib_reg, commune: x, "), "register.yaml:6: columns: clé inconnue « commune »"),
    (("  status: published\n", "  status: published\n  colour: red\n"), "register.yaml:6: register: clé inconnue « colour »"),
])
def test_hostile_declarations_are_located(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    found = problems_of(write_register(tmp_path, declaration=DECLARATION.replace(*change)))
    assert any(p.startswith(str(tmp_path / expected)) for p in found), found


def test_a_register_yaml_without_register_section_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    path.write_text("figures: {}\n", encoding="utf-8")
    assert problems_of(path) == [f"{path}:1: register.yaml doit contenir une section « register: »\n"
                                 "  hint: voir docs/register.md pour le format"]


@pytest.mark.parametrize(("text", "expected"), [
    ("dep:58", ("dep", "58", "Nièvre")), ("reg:27", ("reg", "27", "Bourgogne-Franche-Comté")),
    ("dep:2A", ("dep", "2A", "Corse-du-Sud")), ("dep:976", ("dep", "976", "Mayotte")), ("fr", ("fr", "", "France")),
])
def test_territories_are_parsed(text: str, expected: tuple[str, str, str]) -> None:
    territory = parse_territory(text)
    assert (territory.kind, territory.code, territory.name) == expected
    assert territory.key == text


@pytest.mark.parametrize(("text", "message"), [
    ("dep:99", "département « 99 » inconnu du code officiel géographique (COG 2023)"),
    ("reg:05", "région « 05 » inconnue du code officiel géographique (COG 2023)"),
    ("departement:58", "territoire « departement:58 » mal écrit : écrivez dep:58 pour un département, reg:27 pour une région"),
])
def test_bad_territories_are_explained(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        parse_territory(text)


def test_tables_count_the_french_territories() -> None:
    assert len(all_territories("dep")) == 101 and len(all_territories("reg")) == 18
    assert region_code("Provence-Alpes-Côte d’Azur") == "93" and region_code("ile de france") == "11"
    assert region_code("Région") is None


@needs_territoires
def test_tables_agree_with_the_anct_outlines() -> None:
    departements = json.loads((TERRITOIRES / "departements-fr-drom.geojson").read_text(encoding="utf-8"))
    regions = json.loads((TERRITOIRES / "regions-fr-drom.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["insee_dep"]: (f["properties"]["lib_dep"], f["properties"]["insee_reg"])
            for f in departements["features"]} == DEPARTEMENTS
    assert {f["properties"]["insee_reg"]: f["properties"]["lib_reg"] for f in regions["features"]} == REGIONS


REAL_DECLARATION = f"""\
register:
  file: {TERRITOIRES / 'pvd-communes-2021.csv'}
  source: ANCT
  as_of: 2021-01-22
  status: published
  columns: {{insee: insee_com, name: lib_com, departement: insee_dep, region: lib_reg, population: pop}}
"""


@needs_territoires
def test_the_real_pvd_list_has_one_bad_row_the_placeholder_at_line_1516(tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    path.write_text(REAL_DECLARATION, encoding="utf-8")
    register, problems = read_register(path)
    where = f"{TERRITOIRES / 'pvd-communes-2021.csv'}:1516: commune 999999 (Trifouilly-les-Oies), colonne"
    assert [str(p).split("\n")[0] for p in problems] == [
        f"{where} « insee_com » : code INSEE « 999999 » mal formé",
        f"{where} « insee_dep » : département « 99 » inconnu",
        f"{where} « lib_reg » : région « Région » inconnue",
    ]
    assert register is not None and len(register.communes) == 1606
    assert len({c.departement for c in register.communes}) == 97 and len({c.region for c in register.communes}) == 18


def test_importing_the_build_does_not_import_pandas() -> None:
    code = "import sys, bulletin.build, bulletin.register; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_an_impossible_date_in_edition_yaml_is_an_error_with_its_line(edition_copy: Path) -> None:
    replace_in_file(edition_copy / "edition.yaml", "published: 2022-02-15", "published: 2022-02-31")
    result = run_cli("check", "--data-dir", edition_copy)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert f"Error: {edition_copy / 'edition.yaml'}:3: published: « 2022-02-31 » n’est pas une date du calendrier" in result.stderr


def test_the_register_documentation_example_is_a_valid_declaration(tmp_path: Path) -> None:
    from bulletin.maps.block import MAP_OPTIONS
    from bulletin.register.spec import read_register_spec

    text = (ROOT / "docs" / "register.md").read_text(encoding="utf-8")
    examples = [e for e in re.findall(r"^```yaml\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL) if "register:" in e]
    assert examples
    for example in examples:
        path = tmp_path / "register.yaml"
        path.write_text(example, encoding="utf-8")
        spec, problems = read_register_spec(path)
        assert spec is not None and problems == [], problems
        assert spec.figures and spec.series
    for name in MAP_OPTIONS:
        assert f"`{name}`" in text, f"map option {name!r} is not documented in docs/register.md"
    assert "« Contours : ANCT, 2023 — Licence Ouverte 2.0 »" in text
