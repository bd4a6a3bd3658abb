"""The tagged PDF: structure tree, marked content, reading order, chart descriptions, pdfua."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from pdfua.validator import validate

from bulletin.layout_spec import LayoutSpec, load_layout
from bulletin.territorial.layout import edition_layout
from bulletin.territorial.scope import NATIONAL
from conftest import LAYOUT, replace_in_file, run_cli
from pdfread import element_text, marked_texts, structure_elements

HEADING = re.compile(r"^/H([1-6])$")


def national(layout: LayoutSpec) -> LayoutSpec:
    """The layout of the national edition (without the blocks and sections of territorial editions)."""
    return edition_layout(layout, NATIONAL)[0]


@pytest.fixture(scope="module")
def tagged(default_pdf: Path):  # type: ignore[no-untyped-def]
    with pikepdf.open(default_pdf) as pdf:
        page_numbers = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        texts = {}
        shown = []
        for index in range(len(pdf.pages)):
            by_mcid, page_shown = marked_texts(pdf, index)
            texts.update({(index, mcid): text for mcid, text in by_mcid.items()})
            shown.append(page_shown)
        elements = [(str(e.S), e, element_text(e, texts, page_numbers)) for e in structure_elements(pdf)]
        yield pdf, elements, shown


def test_document_is_marked_with_language_and_title(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "fr-FR"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert pdf.Root.StructTreeRoot.K.S == "/Document"


def test_every_text_is_tagged_content_or_artifact(tagged) -> None:  # type: ignore[no-untyped-def]
    pdf, _, shown = tagged
    for index, page_shown in enumerate(shown):
        assert page_shown, f"page {index + 1} shows no text"
        untagged = [text for context, text in page_shown if context == "none"]
        assert untagged == [], (index, untagged[:5])
        parents = pdf.Root.StructTreeRoot.ParentTree.Nums
        mapping = dict(zip(parents[0::2], parents[1::2]))[int(pdf.pages[index].StructParents)]
        mcids = {int(c[5:]) for c, _ in page_shown if c.startswith("mcid:")}
        assert all(mcid < len(mapping) and mapping[mcid].get("/Type") == "/StructElem" for mcid in mcids)


def test_page_furniture_is_artifact(tagged) -> None:  # type: ignore[no-untyped-def]
    _, _, shown = tagged
    for index, page_shown in enumerate(shown):
        furniture = [c for c, text in page_shown if text.startswith("page\u00a0") or text == "PETITES VILLES DE DEMAIN — CHIFFRES CLÉS"]
        cover_or_back = index in (0, len(shown) - 1)  # designed pages, without running header and footer
        assert (not furniture) if cover_or_back else (furniture and set(furniture) == {"artifact"})


def test_every_figure_has_a_french_alternative_with_its_numbers(tagged) -> None:  # type: ignore[no-untyped-def]
    _, elements, _ = tagged
    figures = [e for role, e, _ in elements if role == "/Figure"]
    assert len(figures) >= 8
    for figure in figures:
        alt = str(figure.get("/Alt", ""))
        assert alt and re.search(r"\d", alt), alt
        assert not re.search(r"\d\.\d", alt) and not re.search(r"\d{5,}", alt)  # decimal comma, grouped thousands
    conventions = str(figures[0].Alt)
    assert conventions.startswith("Évolution du nombre de communes signataires des conventions d’adhésion : ")
    assert "850 en juillet\u00a02021" in conventions and "1\u202f579 en février\u00a02022" in conventions
    assert "illustrati" not in conventions  # a published edition draws only sourced points


def test_headings_are_ordered(tagged) -> None:  # type: ignore[no-untyped-def]
    _, elements, _ = tagged
    levels = [int(HEADING.match(role).group(1)) for role, _, _ in elements if HEADING.match(role)]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, levels


def test_reading_order_follows_the_layout(tagged) -> None:  # type: ignore[no-untyped-def]
    _, elements, _ = tagged
    layout = national(load_layout(LAYOUT))
    assert layout.cover and layout.back
    sections = ["Les chiffres clés"] + [section.title for section in layout.sections] + [layout.back.title]
    h1 = [text for role, _, text in elements if role == "/H1"]
    assert h1 == sections
    layout_headings = [b.options["text"][0].text.replace("\u00a0", " ")
                       for b in national(load_layout(LAYOUT)).blocks() if b.type == "heading"]
    tagged_headings = [text.replace("\u00a0", " ") for role, _, text in elements if role in ("/H2", "/H3")]
    assert len(tagged_headings) == len(layout_headings)
    for tagged_heading, layout_heading in zip(tagged_headings, layout_headings):
        assert tagged_heading.startswith(layout_heading)  # the layout's text, then any figure it quotes


def test_key_figure_reads_number_then_label_in_one_paragraph(tagged) -> None:  # type: ignore[no-untyped-def]
    _, elements, _ = tagged
    paragraphs = [text for role, _, text in elements if role == "/P"]
    assert any(p.startswith("1\u202f579 communes ont signé leur convention d’adhésion, soit 96\u202f%") for p in paragraphs)


COVER_READING = ["Petites villes de demain", "Les chiffres clés", "Février 2022", "1\u202f579",
                 "communes ont signé leur convention", "1\u202f063", "chef de projet en poste", "M€",
                 "engagés en soutien à l’ingénierie", "127", "Agence nationale de la cohésion des territoires",
                 "Source : ANCT, données au 1er février 2022 sauf mention contraire"]
CONVENTIONS_READING = ["Les conventions Petites villes de demain", "Les conventions d’adhésion", "1\u202f579",
                       "communes ont signé leur convention", "919", "conventions d’adhésion signées",
                       "Évolution du nombre de communes signataires", "[figure]",
                       "Les parts sont calculées sur les 1\u202f646 communes",
                       "Source : ANCT, données au 1er février 2022 sauf mention contraire"]


@pytest.mark.parametrize("page_index, expected_order", [(0, COVER_READING), (2, CONVENTIONS_READING)],
                         ids=["cover", "first-section"])
def test_pages_read_as_a_person_would(tagged, page_index: int, expected_order: list[str]) -> None:  # type: ignore[no-untyped-def]
    pdf, elements, _ = tagged
    page = pdf.pages[page_index].obj.objgen
    reading = []
    for role, element, text in elements:
        pages = {k.Pg.objgen for k in (element.K if isinstance(element.K, pikepdf.Array) else [element.K])
                 if isinstance(k, pikepdf.Dictionary) and "/Pg" in k}
        if role in ("/H1", "/H2", "/P", "/Figure") and page in pages:
            reading.append(text if role != "/Figure" else "[figure]")
    joined = " | ".join(reading).replace("\u00a0", " ")
    positions = [joined.find(fragment) for fragment in expected_order]
    assert -1 not in positions, (joined, positions)
    assert positions == sorted(positions), joined


def test_links_are_tagged_with_a_description(tagged) -> None:  # type: ignore[no-untyped-def]
    pdf, elements, _ = tagged
    links = [e for role, e, _ in elements if role == "/Link"]
    assert links and all(str(e.get("/Alt", "")) for e in links)
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            assert str(annotation.Contents).startswith(("Lien vers ", "Aller à « "))  # a web link, or the sommaire
            assert "/StructParent" in annotation
            assert page.Tabs == "/S"


def test_data_table_under_a_chart_has_header_cells(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(layout, "{figure: g.h, label: Homme}], height: 45}\n          - - {type: chart, id: ch3",
                    "{figure: g.h, label: Homme}], height: 45, table: true}\n          - - {type: chart, id: ch3")
    pdf_path = tmp_path / "mini.pdf"
    assert run_cli("build", "--data-dir", edition, "--layout", layout, "--output", pdf_path).code == 0
    with pikepdf.open(pdf_path) as pdf:
        page_numbers = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        texts = {(index, mcid): text for index in range(len(pdf.pages))
                 for mcid, text in marked_texts(pdf, index)[0].items()}
        elements = [(str(e.S), e, element_text(e, texts, page_numbers)) for e in structure_elements(pdf)]
    assert [role for role, _, _ in elements].count("/Table") == 1
    header_cells = [e for role, e, _ in elements if role == "/TH"]
    assert header_cells and all(str(e.A.Scope) == "/Column" for e in header_cells)
    assert any(role == "/TD" and text == "69\u202f%" for role, _, text in elements)


def test_pdfua_checker_finds_no_error(default_pdf: Path) -> None:
    report = validate(str(default_pdf))
    assert not report.skipped, [o.skipped_reason for o in report.skipped]
    # The one remaining finding is the absence of a PDF/UA claim in XMP (pdfuaid:part): deliberate, since
    # the output is only « designed for » PDF/UA until a reference validator confirms it (docs/accessibility.md).
    assert [f.rule_id for f in report.findings] == ["UA-28-004"]
