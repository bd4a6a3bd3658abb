"""Territorial editions on the FICTITIOUS mini fixture (tests/fixtures/territoires-mini, counted by hand in its
README): the territory's figures beside the national ones, national-only and territorial-only blocks, the
title, file name and metadata, the commune table (tagged, flowing over pages with its header repeated),
and the errors a user can meet. Everything is read from the built PDFs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest

from bulletin.build import BuildRequest, build
from bulletin.errors import BulletinError
from conftest import ROOT, replace_in_file, run_cli
from pdfread import flat, marked_texts, page_texts, structure_elements
from territories import DEPARTEMENTS, REGIONS, needs_territoires

MINI = ROOT / "tests" / "fixtures" / "territoires-mini"
EDITION, LAYOUT = MINI / "2022-02", MINI / "layout.yaml"


def built(tmp_path: Path, territory: str = "", edition: Path = EDITION, layout: Path = LAYOUT,
          outlines: dict[str, Path] | None = None) -> Path:
    """Build the edition of ``territory`` in-process (a publication build) and return the PDF."""
    request = BuildRequest(edition, layout, None, out_dir=tmp_path, territory=territory, outlines=outlines or {})
    path, _ = build(request)
    return path


def text_of(path: Path) -> str:
    return " ".join(" ".join(page_texts(path)).replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.mark.parametrize(("territory", "expected"), [
    ("dep:58", ["3 communes du territoire. France : 8 communes", "2 communes ont signé, soit 67 %. France : 5, soit 63 %",
                "1 commune en ORT. France : 3", "2 communes en OPAH. France : 4",
                "2 chefs de projet en poste. France : 4", "27 000,50 € engagés. France : 54 000,50 €"]),
    ("dep:35", ["2 communes du territoire.", "2 communes ont signé, soit 100 %.", "1 commune en ORT.",
                "1 commune en OPAH.", "1 chef de projet en poste.", "9 000 € engagés."]),
    ("reg:27", ["5 communes du territoire.", "3 communes ont signé, soit 60 %.", "2 communes en ORT.",
                "3 communes en OPAH.", "3 chefs de projet en poste.", "45 000,50 € engagés."]),
])
def test_each_territory_prints_its_hand_counts_beside_france(tmp_path: Path, territory: str, expected: list[str]) -> None:
    text = text_of(built(tmp_path, territory))
    for shown in expected:
        assert shown in text, shown
    assert "Le programme compte 8 communes." in text  # {programme.communes_pvd:national}


def test_national_only_and_territorial_only_blocks_go_to_their_edition(tmp_path: Path) -> None:
    national, nievre = text_of(built(tmp_path / "fr")), text_of(built(tmp_path / "58", "dep:58"))
    assert "annoncés pour le programme" in national and "annoncés pour le programme" not in nievre
    assert "Les communes du territoire" in nievre and "Les communes du territoire" not in national
    assert "communes du territoire." not in national  # the territorial cover figure
    assert "France :" not in national and "5 communes ont signé, soit 63 %." in national


def test_title_file_name_running_header_and_metadata_name_the_territory(tmp_path: Path) -> None:
    path = built(tmp_path, "reg:27")
    assert path.name == "layout-2022-02-reg-27.pdf"
    pages = [flat(p) for p in page_texts(path)]
    assert "Région Bourgogne-Franche-Comté" in pages[0]
    assert "Région Bourgogne-Franche-Comté — février 2022" in pages[1]
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == "Bulletin de test des territoires — Région Bourgogne-Franche-Comté — février 2022"
        assert str(info.Subject) == "Test — Région Bourgogne-Franche-Comté"
        assert "Région Bourgogne-Franche-Comté" in str(info.Keywords)
        assert sorted(pdf.attachments) == ["communes.csv", "edition.yaml", "figures.csv", "register.yaml", "series.csv"]
    assert built(tmp_path / "58", "dep:58").name == "layout-2022-02-dep-58.pdf"


def table_rows(path: Path) -> list[tuple[str, list[str]]]:
    """(TR's cell roles, cell texts) of every row of the Table elements, in reading order."""
    with pikepdf.open(path) as pdf:
        page_numbers = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        texts = {(i, mcid): text for i in range(len(pdf.pages)) for mcid, text in marked_texts(pdf, i)[0].items()}
        from pdfread import element_text

        rows = []
        for elem in structure_elements(pdf):
            if str(elem.S) == "/TR":
                kids = list(elem.K) if isinstance(elem.K, pikepdf.Array) else [elem.K]
                rows.append(("".join(str(k.S)[1:3] for k in kids),
                             [element_text(k, texts, page_numbers).replace("\u202f", " ") for k in kids]))
        tables = [e for e in structure_elements(pdf) if str(e.S) == "/Table"]
        assert len(tables) == 1
        return rows


def test_the_commune_table_is_a_tagged_table_with_statuses(tmp_path: Path) -> None:
    rows = table_rows(built(tmp_path, "dep:21"))
    assert rows[0] == ("THTHTHTHTHTHTH", ["Code INSEE", "Commune", "Population", "Convention", "ORT", "OPAH",
                                          "Financement"])
    assert rows[1:] == [("TDTDTDTDTDTDTD", ["21901", "Digitale-en-Auxois", "5 000", "signée le 20 mai 2021", "oui",
                                            "aucune", "18 000 €"]),
                        ("TDTDTDTDTDTDTD", ["21902", "Églantine-sur-Ouche", "640", "non signée", "non", "RR", "—"])]
    with pikepdf.open(built(tmp_path / "again", "dep:21")) as pdf:
        headers = [e for e in structure_elements(pdf) if str(e.S) == "/TH"]
        assert {str(e.A.Scope) for e in headers} == {"/Column"}


def many_communes(folder: Path, count: int) -> Path:
    """A copy of the mini edition whose register lists ``count`` FICTITIOUS communes of the Nièvre, each with
    every indicator, and whose typed national figures say so."""
    shutil.copytree(EDITION, folder)
    rows = [f"58{index:03d},Commune fictive numéro {index:03d},58,{100 + index},2021-03-15,oui,RU,2021-06-01,1000"
            for index in range(1, count + 1)]
    header = (folder / "communes.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "communes.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    typed = {"programme.communes_pvd": count, "conventions.communes_signataires": count, "ort.communes_engagees": count,
             "opah.communes_financees": count, "chefs_projet.en_poste": count, "conventions.part_communes_signataires": 100,
             "chefs_projet.financement": f"{count * 1000}.50"}
    lines = (folder / "figures.csv").read_text(encoding="utf-8").splitlines()
    lines = [",".join([key, str(typed[key]), *rest]) if (key := line.split(",")[0]) in typed else line
             for line in lines for _, *rest in [line.split(",")[1:]]]
    (folder / "figures.csv").write_text("\n".join(lines).replace(f"{count * 1000}.50", f"{count * 1000}") + "\n",
                                         encoding="utf-8")
    series = (folder / "series.csv").read_text(encoding="utf-8").splitlines()
    (folder / "series.csv").write_text("\n".join([series[0], *(re.sub(r",\d+,count,", f",{count},count,", line)
                                                              for line in series[1:])]) + "\n", encoding="utf-8")
    return folder


def test_a_long_commune_table_flows_over_pages_with_its_header_repeated_and_no_row_cut(tmp_path: Path) -> None:
    folder = many_communes(tmp_path / "2022-02", 110)
    request = BuildRequest(folder, LAYOUT, tmp_path / "long.pdf", draft=True, territory="dep:58")
    path, prepared = build(request)
    pages = [flat(p).replace("\u202f", " ") for p in page_texts(path)]
    table_pages = [p for p in pages if "Commune fictive" in p]
    assert len(table_pages) >= 3
    assert all(p.count("INSEE") == 1 and "Financement" in p for p in table_pages)  # the header on every page
    names = [name for p in table_pages for name in re.findall(r"Commune fictive numéro (\d{3})", p)]
    assert names == [f"{i:03d}" for i in range(1, 111)]  # every row once, in order, never cut between pages
    rows = table_rows(path)
    assert [r[0][:2] for r in rows].count("TH") == 1 and len(rows) == 111  # one Table, its header read once
    with pikepdf.open(path) as pdf:  # the header is tagged on the first page, an artifact where it is repeated
        contexts = [[context for context, text in marked_texts(pdf, i)[1] if "Population" in text]
                    for i, page in enumerate(pages) if "Commune fictive" in page]
    assert contexts[0][0].startswith("mcid:") and all(c == ["artifact"] for c in contexts[1:])
    from pdfua.validator import validate

    report = validate(str(path))  # the one finding of every build: no PDF/UA claim (docs/accessibility.md)
    assert not report.skipped and [f.rule_id for f in report.findings] == ["UA-28-004"]


def test_a_national_figure_printed_in_a_territorial_edition_is_an_error(tmp_path: Path) -> None:
    layout = tmp_path / "layout.yaml"
    layout.write_text(LAYOUT.read_text(encoding="utf-8").replace("../../../layouts", str(ROOT / "layouts")).replace(
        'text: "Le programme compte {programme.communes_pvd:national} communes."',
        'text: "Le programme a {programme.enveloppe}."'), encoding="utf-8")
    built(tmp_path / "fr", layout=layout)  # the national edition prints it rightly
    with pytest.raises(BulletinError) as caught:
        built(tmp_path / "58", "dep:58", layout=layout)
    assert [str(p).split("\n")[0] for p in caught.value.problems] == [
        f"{layout}:32: bloc « programme » : « programme.enveloppe » n’est pas calculé pour Nièvre (58) : l’imprimer "
        "ferait passer le chiffre national pour celui du territoire"]
    assert "{programme.enveloppe:national}" in caught.value.problems[0].hint


@pytest.mark.parametrize(("change", "expected"), [
    (("id: enveloppe, national_only: true", "id: enveloppe, national_only: oui"),
     "layout.yaml:31: bloc « enveloppe » : « national_only: » vaut true ou false"),
    (("id: enveloppe, national_only: true", "id: enveloppe, national_only: true, territorial_only: true"),
     "layout.yaml:31: bloc « enveloppe » : national_only et territorial_only à la fois"),
    (("national: \"France : {ort.communes_engagees:national}\"", "national: \"France : {ort.communes_engagees}\""),
     "layout.yaml:27: bloc « ort » : national: cite {ort.communes_engagees} : la ligne « France » imprimerait"),
    (("{indicator: ort, label: \"ORT\"}", "{indicator: orth, label: \"ORT\"}"),
     "layout.yaml:40: bloc « communes » : l’indicateur « orth » n’est pas déclaré dans register.yaml"),
    (("{indicator: ort, label: \"ORT\"}", "{indicator: ort}"),
     "layout.yaml:42: bloc « communes » : option « indicators » : {'indicator': 'ort'} : chaque colonne a besoin"),
])
def test_hostile_territorial_layouts_are_located_errors(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    layout = tmp_path / "layout.yaml"
    layout.write_text(LAYOUT.read_text(encoding="utf-8").replace("../../../layouts", str(ROOT / "layouts")),
                      encoding="utf-8")
    replace_in_file(layout, *change)
    result = run_cli("check", "--data-dir", EDITION, "--layout", layout, "--territory", "dep:58")
    assert result.code == 1 and "Traceback" not in result.stderr
    assert f"Error: {tmp_path / expected}" in result.stderr, result.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (("--territory", "dep:99"), "Error: --territory: département « 99 » inconnu du code officiel géographique"),
    (("--territory", "58"), "Error: --territory: territoire « 58 » mal écrit : écrivez dep:58"),
    (("--territory", "dep:75"), "communes.csv: Paris (75) n’a aucune commune dans le registre : pas d’édition"),
])
def test_a_territory_that_cannot_be_built_is_a_located_error(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    result = run_cli("build", "--data-dir", EDITION, "--layout", LAYOUT, "--output", tmp_path / "x.pdf", *args)
    assert result.code == 1 and "Traceback" not in result.stderr and not (tmp_path / "x.pdf").exists()
    assert expected in result.stderr, result.stderr


def test_a_territorial_edition_needs_a_register(tmp_path: Path) -> None:
    result = run_cli("build", "--territory", "dep:58", "--output", tmp_path / "x.pdf")
    assert result.code == 1 and not (tmp_path / "x.pdf").exists()
    assert "register.yaml: l’édition de Nièvre (58) se calcule depuis le registre des communes" in result.stderr


@needs_territoires
def test_the_map_outlines_the_territory_and_a_region_its_departements(tmp_path: Path) -> None:
    outlines = {"dep": DEPARTEMENTS, "reg": REGIONS}

    def alt(territory: str) -> str:
        with pikepdf.open(built(tmp_path / territory.replace(":", ""), territory, outlines=outlines)) as pdf:
            return next(str(e.Alt) for e in structure_elements(pdf) if str(e.S) == "/Figure" and "Carte" in str(e.Alt))

    assert alt("dep:58").endswith("En évidence : Nièvre (58), 3 (classe « 3 »).")
    assert alt("reg:27").endswith("En évidence : Région Bourgogne-Franche-Comté, soit 8 départements : Côte-d'Or (2), "
                                  "Doubs (0), Jura (0), Nièvre (3), Haute-Saône (0), Saône-et-Loire (0), Yonne (0), "
                                  "Territoire de Belfort (0).")
    assert "En évidence" not in alt("")


@needs_territoires
def test_the_national_edition_draws_its_map_only_with_outlines_and_a_register(tmp_path: Path) -> None:
    outlines = {"dep": DEPARTEMENTS, "reg": REGIONS}
    request = BuildRequest(EDITION, LAYOUT, tmp_path / "carte.pdf", outlines=outlines)
    path, prepared = build(request)
    with pikepdf.open(path) as pdf:
        alts = [str(e.Alt) for e in structure_elements(pdf) if str(e.S) == "/Figure" and "Carte" in str(e.Alt)]
    assert len(alts) == 1 and alts[0].startswith("Carte — Communes par département : 101 départements en ")
    assert "Contours : ANCT, 2023 — Licence Ouverte 2.0" in text_of(path)
    path, prepared = build(BuildRequest(EDITION, LAYOUT, tmp_path / "sans-contours.pdf"))
    assert "Carte" not in text_of(path) and "Contours" not in text_of(path) and prepared.warnings == []


@needs_territoires
def test_outlines_without_register_leave_the_national_edition_byte_for_byte_as_it_was(tmp_path: Path) -> None:
    default = ROOT / "data" / "editions" / "2022-02"
    layout = ROOT / "layouts" / "pvd-chiffres-cles.yaml"
    plain, _ = build(BuildRequest(default, layout, tmp_path / "sans.pdf"))
    with_outlines, prepared = build(BuildRequest(default, layout, tmp_path / "avec.pdf",
                                                 outlines={"dep": DEPARTEMENTS, "reg": REGIONS}))
    assert plain.read_bytes() == with_outlines.read_bytes() and prepared.scope.register is None


@pytest.mark.parametrize(("content", "expected"), [
    (None, "departements.geojson: fichier de contours illisible"),
    ("{\"type\": \"FeatureCollection\",\n \"features\": [", "departements.geojson:2: JSON invalide"),
    ('{"type": "Feature"}', "departements.geojson: ce n’est pas une FeatureCollection GeoJSON"),
])
def test_a_missing_or_damaged_outline_file_is_a_located_error(tmp_path: Path, content: str | None, expected: str) -> None:
    outlines = tmp_path / "departements.geojson"
    if content is not None:
        outlines.write_text(content, encoding="utf-8")
    for territory in ("", "dep:58"):
        with pytest.raises(BulletinError) as caught:
            built(tmp_path / (territory or "fr").replace(":", ""), territory, outlines={"dep": outlines})
        assert any(str(p).startswith(str(tmp_path / expected)) for p in caught.value.problems), caught.value.problems


def test_outline_settings_of_bulletin_toml_are_checked_with_their_line(tmp_path: Path) -> None:
    (tmp_path / "bulletin.toml").write_text('editions = "data"\noutlines_departements = 3\noutline_regions = "r.json"\n',
                                            encoding="utf-8")
    result = run_cli("check", cwd=tmp_path)
    assert result.code == 1
    assert "bulletin.toml:2: « outlines_departements » doit être le chemin d’un fichier, entre guillemets" in result.stderr
    assert "bulletin.toml:3: réglage inconnu « outline_regions » : vouliez-vous dire « outlines_regions » ?" \
        in result.stderr


def test_preview_of_a_territory_renders_its_pages(tmp_path: Path) -> None:
    result = run_cli("preview", "--data-dir", EDITION, "--layout", LAYOUT, "--territory", "dep:58",
                     "--output", tmp_path / "apercu")
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "apercu").iterdir()) == ["page-01.png", "page-02.png"]
