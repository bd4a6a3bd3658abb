"""Superscript ordinals: « 1er » is drawn as a 1 and a raised, smaller « er », and still reads « 1er »."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from bulletin.pdf.fonts import plain_width, register_fonts, text_width
from bulletin.pdf.surface import Surface
from bulletin.theme import load_theme
from bulletin.typography import fr_date, split_ordinals
from conftest import ROOT
from pdfread import CharBox, char_boxes, page_texts

THEME = load_theme(ROOT / "layouts" / "themes" / "pvd.yaml")
register_fonts(THEME)


@pytest.mark.parametrize(("text", "expected"), [
    ("le 1er octobre", (("le 1", False), ("er", True), (" octobre", False))),
    ("1re et 1res, 1ers", (("1", False), ("re", True), (" et 1", False), ("res", True), (", 1", False), ("ers", True))),
    ("la 2e, la 2de, le 21e siècle", (("la 2", False), ("e", True), (", la 2", False), ("de", True), (", le 21", False),
                                      ("e", True), (" siècle", False))),
    ("1er\u00a0février\u00a02022", (("1", False), ("er", True), ("\u00a0février\u00a02022", False))),
])
def test_ordinal_endings_are_found(text: str, expected: tuple[tuple[str, bool], ...]) -> None:
    assert split_ordinals(text) == expected


@pytest.mark.parametrize("text", ["2,5e", "https://exemple.fr/1er-mai", "a1er", "1e", "3er", "11er", "01e", "1erx",
                                  "#3e4e", "−1er", "2nd", "version 1.2e"])
def test_other_digits_and_letters_are_left_alone(text: str) -> None:
    assert split_ordinals(text) == ((text, False),)


@given(st.text(alphabet="0123456789 erdsxà,.-/\u00a0", max_size=40))
def test_splitting_never_changes_the_text(text: str) -> None:
    assert "".join(piece for piece, _ in split_ordinals(text)) == text


def draw_line(path: Path, text: str, font: str, size: float) -> float:
    """One line of text at the top of a page, through the Surface every block uses; return its width."""
    canvas = Canvas(str(path), pagesize=(595, 842))
    width = Surface(canvas, 842).text(40, 100, text, font, size, "#161616")
    canvas.showPage()
    canvas.save()
    return width


# Every size text with words is set in (key figures at 21 and 30 pt are numbers: no ordinal there).
TEXT_SIZES = sorted({size for name, size in THEME.sizes.items() if not name.startswith("key_")})


@settings(max_examples=150, deadline=None)
@given(before=st.sampled_from(["", "au ", "Le ", "(", "soit 96 % au "]), number=st.sampled_from(["1er", "1re", "2e", "3e", "2de", "21es"]),
       after=st.sampled_from(["", " octobre 2021", "\u00a0février", ".", ", puis", " tour"]),
       style=st.sampled_from(["regular", "bold", "italic"]), size=st.sampled_from(TEXT_SIZES))
def test_superscripts_still_extract_as_one_line_of_text(tmp_path_factory: pytest.TempPathFactory, before: str,
                                                        number: str, after: str, style: str, size: float) -> None:
    text = before + number + after
    path = tmp_path_factory.mktemp("ordinal") / "line.pdf"
    draw_line(path, text, THEME.font(style), size)
    assert page_texts(path)[0].replace("\u00a0", " ") == text.replace("\u00a0", " ")


def ordinal_boxes(pdf: Path) -> list[tuple[CharBox, list[CharBox]]]:
    """Every « 1er »… of a PDF: the box of its last digit and the boxes of its ending."""
    found = []
    for text, boxes in zip(page_texts(pdf), char_boxes(pdf), strict=True):
        by_index = {box.index: box for box in boxes}
        for piece_start, (piece, raised) in _offsets(text):
            if raised and piece_start - 1 in by_index:
                found.append((by_index[piece_start - 1], [by_index[i] for i in range(piece_start, piece_start + len(piece))]))
    return found


def _offsets(text: str) -> list[tuple[int, tuple[str, bool]]]:
    offsets, position = [], 0
    for piece in split_ordinals(text):
        offsets.append((position, piece))
        position += len(piece[0])
    return offsets


def test_every_ordinal_of_the_bulletin_is_raised_and_smaller(default_pdf: Path) -> None:
    found = ordinal_boxes(default_pdf)
    assert len(found) >= 10  # « 1er » is in many dates: of the sources, of the text (each one is checked)
    for digit, ending in found:
        height = digit.top - digit.bottom
        for box in ending:
            assert box.bottom > digit.bottom + 0.2 * height, (digit, box)  # raised
            assert box.top - box.bottom < 0.8 * height or box.char in "d", (digit, box)  # smaller
            assert box.left >= digit.right - 0.3  # after the number, on the same line


def test_ordinals_from_dates_and_layout_text_read_as_typed(default_pdf: Path) -> None:
    text = " ".join(page_texts(default_pdf))
    assert fr_date(dt.date(2022, 2, 1)).replace("\u00a0", " ") in text.replace("\u00a0", " ")  # « 1er février 2022 »
    assert "1\r\ner" not in text and "1 er" not in text


def test_measured_width_is_the_drawn_width(tmp_path: Path) -> None:
    font = THEME.font("regular")
    assert text_width("1er octobre", font, 9.5) < plain_width("1er octobre", font, 9.5) - 1  # the ending is smaller
    assert draw_line(tmp_path / "w.pdf", "1er octobre", font, 9.5) == pytest.approx(text_width("1er octobre", font, 9.5))
