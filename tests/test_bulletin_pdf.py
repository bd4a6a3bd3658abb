"""The default February 2022 edition, read from the real PDF as a reader sees it."""

from __future__ import annotations

import csv
from pathlib import Path

import pikepdf
import pytest

from bulletin.data.edition import parse_value
from bulletin.layout_spec import LayoutSpec, load_layout
from bulletin.territorial.layout import edition_layout
from bulletin.territorial.scope import NATIONAL
from bulletin.typography import format_value
from conftest import EDITION, LAYOUT
from pdfread import MM, char_boxes, flat, font_sizes, fonts, link_uris, outline_titles, overlapping_labels, page_texts

STANDARD_14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
               "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
               "Times-BoldItalic", "Symbol", "ZapfDingbats"}


def national(layout: LayoutSpec) -> LayoutSpec:
    """The layout of the national edition (without the blocks and sections of territorial editions)."""
    return edition_layout(layout, NATIONAL)[0]


def reader_text(pdf: Path) -> str:
    """All the text, lines joined, no-break spaces shown as the reader's spaces."""
    return flat(" ".join(page_texts(pdf))).replace("\u00a0", " ")


def seed_figures() -> list[dict[str, str]]:
    with (EDITION / "figures.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_page_is_a4(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        assert len(pdf.pages) <= 12  # issue 10: cover, sommaire, sections and back page in at most 12 pages
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            assert abs((x1 - x0) - 210 * MM) < 0.5 and abs((y1 - y0) - 297 * MM) < 0.5


def test_every_font_is_an_embedded_truetype_subset(default_pdf: Path) -> None:
    found = fonts(default_pdf)
    assert found, "no font at all"
    for subtype, base_font, embedded in found:
        assert subtype != "/Type3"
        name = base_font.lstrip("/").split("+")[-1]
        assert name not in STANDARD_14
        assert embedded, name


@pytest.mark.parametrize("address", [
    "https://petitesvillesdedemain.chefsdeprojet.anct.gouv.fr/",
    "https://www.jeveuxaider.gouv.fr/",
    "https://agence-cohesion-territoires.gouv.fr/ressources-PVD",
])
def test_programme_links_are_clickable(default_pdf: Path, address: str) -> None:
    uris = [uri for _, uri in link_uris(default_pdf)]
    assert address in uris
    assert all(uri.startswith(("https://", "http://", "mailto:")) for uri in uris)


def test_outline_has_an_entry_per_section(default_pdf: Path) -> None:
    titles = outline_titles(default_pdf)
    sections = list(dict.fromkeys(section.title for section in national(load_layout(LAYOUT)).sections))
    assert [t for t in titles if t in sections] == sections


def test_metadata_title_author_language(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == "Petites villes de demain — Chiffres clés — février 2022"
        assert str(info["/Author"]) == "ANCT"
        assert "Petites villes de demain" in str(info["/Keywords"])
        assert str(info["/Subject"])
        assert str(pdf.Root.Lang) == "fr-FR"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)


def test_size_under_one_megabyte(default_pdf: Path) -> None:
    assert default_pdf.stat().st_size < 1_000_000


@pytest.mark.parametrize("printed", [
    "1\u202f579", "96\u202f%", "919", "7,7\u202f%", "1er octobre 2021", "11\u202f246\u202f951,27 €",
    "36\u202f556\u202f685 €", "25\u202f580 €", "91\u202f689\u202f327,95 €", "43\u202f636\u202f749,94 €",
    "4\u202f461\u202f976,52 €", "1\u202f850\u202f941,32 €", "1\u202f046 M€", "15\u202f800", "2\u202f741", "12\u202f317",
    "5\u202f377", "30 septembre 2021", "1er octobre 2020", "50,6\u202f%", "1\u202f063", "1\u202f500\u202f000 €",
    # the experience figures as the seed's text published them (of all respondents), and its non-response
    "4\u202f% des chefs de projet ont moins d’un an", "23\u202f%", "44\u202f%", "16\u202f%", "13\u202f%",
])
def test_seed_figures_are_printed_in_french_typography(default_pdf: Path, printed: str) -> None:
    assert printed in reader_text(default_pdf)


@pytest.mark.parametrize("mistake", ["31 septembre", "7.7%", "7.7 %", "terriroires", "Banque des territoire ",
                                     "951, 27", "1e octobre", "Brigitte, Bourguignon", "87 %"])
def test_seed_mistakes_are_gone(default_pdf: Path, mistake: str) -> None:
    assert mistake not in reader_text(default_pdf).replace("\u202f", " ")


def test_launch_date_is_2020(default_pdf: Path) -> None:
    text = reader_text(default_pdf)
    sentence = text[text.index("Le programme Petites villes de demain a été lancé"):][:200]
    assert "1er octobre 2020" in sentence and "2021" not in sentence.split("Depuis")[0]


def test_every_figure_of_the_dataset_is_printed(default_pdf: Path) -> None:
    text = reader_text(default_pdf)
    missing = []
    for row in seed_figures():
        value = parse_value(row["value"], row["unit"])
        shown = {format_value(value, row["unit"]).replace("\u00a0", " ")}
        if row["unit"] == "eur":
            shown.add(format_value(value, "eur", "compact").replace("\u00a0", ""))
        if row["unit"] == "url":
            shown = {str(value).removeprefix("mailto:")}
        if not any(form in text or form in text.replace(" ", "") for form in shown):
            missing.append((row["key"], shown))
    assert missing == []


def test_nothing_printed_in_the_5_mm_margin(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    for number, boxes in enumerate(char_boxes(default_pdf), start=1):
        for box in boxes:
            assert box.left >= 5 * MM and box.right <= width - 5 * MM, (number, box)
            assert box.bottom >= 5 * MM and box.top <= height - 5 * MM, (number, box)


def test_no_two_characters_overlap(default_pdf: Path) -> None:
    for number, boxes in enumerate(char_boxes(default_pdf), start=1):
        boxes = sorted(boxes, key=lambda b: b.left)
        for index, box in enumerate(boxes):
            for other in boxes[index + 1:]:
                if other.left >= box.right - 0.3:
                    break
                overlap_x = min(box.right, other.right) - max(box.left, other.left)
                overlap_y = min(box.top, other.top) - max(box.bottom, other.bottom)
                neighbours = abs(box.index - other.index) == 1  # kerning pairs such as « T, » touch
                assert neighbours or not (overlap_x > 0.5 and overlap_y > 0.5), (number, box, other)


def test_no_two_labels_overlap(default_pdf: Path) -> None:
    """Chart values, ticks, legends and every other text object: none printed over another."""
    assert overlapping_labels(default_pdf) == []


def test_no_text_smaller_than_6_pt(default_pdf: Path) -> None:
    sizes = font_sizes(default_pdf)
    assert sizes and min(sizes) >= 6


def test_a_round_compact_amount_is_not_repeated_in_full(default_pdf: Path) -> None:
    """« 3 Md€ » needs no « soit 3 000 000 000 € »; « 11,2 M€ » keeps « soit 11 246 951,27 € »."""
    text = " ".join(flat(t) for t in page_texts(default_pdf)).replace("\u00a0", " ").replace("\u202f", " ")
    assert "3 Md€" in text and "soit 3 000 000 000" not in text and "soit 250 000 000" not in text
    assert "11,2 M€" in text and "soit 11 246 951,27 €" in text
