"""A finished publication: cover with headline figures, a sommaire whose links lead to the sections,
a back page, and logos only as files the user supplies."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from PIL import Image

from bulletin.layout_spec import LayoutSpec, load_layout
from bulletin.territorial.layout import edition_layout
from bulletin.territorial.scope import NATIONAL
from conftest import LAYOUT, layout_copy, replace_in_file, run_cli
from pdfread import reading_pages, structure_elements


def national(layout: LayoutSpec) -> LayoutSpec:
    """The layout of the national edition (without the blocks and sections of territorial editions)."""
    return edition_layout(layout, NATIONAL)[0]


def test_cover_shows_title_month_and_headline_figures(default_pdf: Path) -> None:
    cover = reading_pages(default_pdf)[0]
    for shown in ("Petites villes de demain", "Les chiffres clés", "Février 2022", "1\u202f579", "1\u202f063", "127",
                  "M€", "soit 36\u202f556\u202f685 €", "Agence nationale de la cohésion des territoires",
                  "Source : ANCT, données au 1er février 2022 sauf mention contraire"):
        assert shown in cover, shown
    assert "page 1" not in cover and "PETITES VILLES DE DEMAIN — CHIFFRES CLÉS" not in cover  # no page furniture


def test_sommaire_lists_every_section_with_the_page_its_link_leads_to(default_pdf: Path) -> None:
    layout = national(load_layout(LAYOUT))
    assert layout.back is not None
    titles = [s.title for s in layout.sections if not s.continues and s.title != "Sommaire"] + [layout.back.title]
    pages = reading_pages(default_pdf)
    sommaire = pages[1]
    with pikepdf.open(default_pdf) as pdf:
        numbers = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        links = [a for a in pdf.pages[1].get("/Annots", []) if "/Dest" in a]
        targets = [numbers[a.Dest[0].objgen] for a in links]
        descriptions = [str(a.Contents) for a in links]
    assert len(links) == len(titles)
    for title, target, description in zip(titles, targets, descriptions, strict=True):
        printed = re.search(re.escape(title) + r" (\d+)", sommaire)
        assert printed, title
        assert int(printed.group(1)) == target + 1  # the printed number is the page the link opens
        assert title in pages[target]  # and the section starts there
        assert description == f"Aller à « {title} », page {target + 1}"


def test_sommaire_is_tagged_as_a_table_of_contents(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        roles = [str(e.S) for e in structure_elements(pdf)]
    assert roles.count("/TOC") == 1
    assert roles.count("/TOCI") == len(national(load_layout(LAYOUT)).sections)  # every section but the sommaire, + the back page


def test_back_page_closes_the_document(default_pdf: Path) -> None:
    back = reading_pages(default_pdf)[-1]
    for shown in ("À propos", "À propos de l’ANCT", "Agence nationale de la cohésion des territoires",
                  "Petites villes de demain — Chiffres clés — février 2022", "petitesvillesdedemain@anct.gouv.fr"):
        assert shown in back, shown
    assert "PETITES VILLES DE DEMAIN — CHIFFRES CLÉS" not in back


LOGOS = """
cover:
  title: "Bulletin de test"
  figures:
    - {figure: c.signataires, label: "communes ont signé."}
  logos:
    - {path: logos/marque.png, alt: "Marque de l’État", height: 18}
"""


def _with_logo(layout: Path) -> Path:
    """The layout with a cover declaring the logo logos/marque.png, and that file supplied; its path."""
    logo = layout.parent / "logos" / "marque.png"
    logo.parent.mkdir()
    Image.new("RGB", (300, 100), (0, 0, 145)).save(logo)
    replace_in_file(layout, "sections:\n", LOGOS + "sections:\n")
    return logo


def test_a_declared_logo_without_its_file_names_the_file_and_how_to_supply_it(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(layout, "sections:\n", LOGOS + "sections:\n")
    for command in ("check", "build"):
        result = run_cli(command, "--data-dir", edition, "--layout", layout)
        assert result.code == 1 and "Traceback" not in result.stderr
        line = next(n for n, text in enumerate(layout.read_text(encoding="utf-8").splitlines(), 1) if "marque.png" in text)
        assert f"{layout}:{line}: logo « Marque de l’État » : le fichier {layout.parent / 'logos' / 'marque.png'} " \
               "est introuvable" in result.stderr
        assert "ne sont pas fournis avec le projet" in result.stderr and "README" in result.stderr


def test_a_supplied_logo_is_drawn_with_its_text_alternative(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    _with_logo(layout)
    output = tmp_path / "out.pdf"
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr
    with pikepdf.open(output) as pdf:
        images = [name for name, obj in pdf.pages[0].Resources.get("/XObject", {}).items()
                  if obj.get("/Subtype") == "/Image"]
        alts = [str(e.get("/Alt", "")) for e in structure_elements(pdf) if str(e.S) == "/Figure"]
    assert len(images) == 1 and "Marque de l’État" in alts
    assert "Bulletin de test" in reading_pages(output)[0]


def test_a_build_never_writes_over_a_logo_it_reads(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    logo = _with_logo(layout)
    before = logo.read_bytes()
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", logo)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert f"{logo} est un fichier d’entrée" in result.stderr
    assert logo.read_bytes() == before


def test_a_back_page_that_does_not_fit_names_its_first_block_left_out(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, _ = mini
    paragraph = "Une phrase du texte de la dernière page, assez longue pour la remplir. " * 60
    text = (national(load_layout(LAYOUT)).path.read_text(encoding="utf-8")[:0] +
            "document: {title: \"Bulletin de test\", theme: themes/pvd.yaml}\n"
            "sections:\n  - title: \"Une section\"\n    blocks:\n      - {type: text, id: t1, text: \"Un texte.\"}\n"
            "back:\n  title: \"À propos\"\n  blocks:\n"
            f"    - {{type: text, id: b1, text: \"{paragraph}\"}}\n"
            f"    - {{type: text, id: b2, text: \"{paragraph}\"}}\n"
            "    - {type: link, id: b3, figure: c.url, text: \"La plateforme\"}\n")
    layout = layout_copy(tmp_path, text)
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert re.search(r"layout\.yaml:\d+: la quatrième de couverture ne tient pas sur une page : le bloc « b[23] » "
                     r"\((text|link)\) et les suivants n’y entrent plus", result.stderr), result.stderr


def test_a_cover_takes_one_to_four_figures(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    five = "".join(f"    - {{figure: c.signataires, label: \"communes {n}.\"}}\n" for n in "abcde")
    replace_in_file(layout, "sections:\n", "cover:\n  figures:\n" + five + "sections:\n")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert "« figures: » de la couverture : une liste de un à quatre chiffres" in result.stderr


def test_an_archived_edition_keeps_its_logos_and_rebuilds(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    _with_logo(layout)
    archive = tmp_path / "archive"
    result = run_cli("archive", "--data-dir", edition, "--layout", layout, "--archive-dir", archive)
    assert result.code == 0, result.stderr
    assert (archive / "2022-02" / "layout" / "logos" / "marque.png").is_file()
    verified = run_cli("archive", "verify", "--archive-dir", archive)
    assert verified.code == 0, verified.stderr
