"""The blank-share measure of benchmarks/blank_share.py: what it counts, on synthetic pages and on the
fictitious mini edition (the default edition's figures are in benchmarks/RESULTS.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from bulletin.layout_spec import load_layout
from bulletin.theme import load_theme
from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
import blank_share  # noqa: E402

DPI = 72


@pytest.fixture(scope="module")
def theme():  # type: ignore[no-untyped-def]
    return load_theme(ROOT / "layouts" / "themes" / "pvd.yaml")


def page(theme, fill=None) -> Image.Image:  # type: ignore[no-untyped-def]
    image = Image.new("L", (round(theme.page.width), round(theme.page.height)), 255)
    if fill:
        fill(ImageDraw.Draw(image), theme.page)
    return image


def test_an_empty_body_is_all_blank_and_furniture_does_not_count(theme) -> None:  # type: ignore[no-untyped-def]
    def furniture(draw, geometry):  # type: ignore[no-untyped-def]
        draw.rectangle([0, 0, geometry.width, geometry.margin_top + geometry.header_height - 2], fill=0)  # header
        draw.rectangle([0, geometry.height - geometry.margin_bottom - geometry.footer_height + 1, geometry.width,
                        geometry.height], fill=0)  # footer
        draw.rectangle([0, 300, geometry.margin_left - 2, 400], fill=0)  # in the margin
    assert blank_share.measure_image(page(theme, furniture), theme, DPI)[0] == 1.0


def test_a_tinted_card_is_not_blank_but_gaps_between_lines_are(theme) -> None:  # type: ignore[no-untyped-def]
    geometry = theme.page
    top = round(geometry.margin_top + geometry.header_height)
    bottom = round(geometry.height - geometry.margin_bottom - geometry.footer_height)

    def half_card(draw, g):  # type: ignore[no-untyped-def]
        draw.rectangle([g.margin_left, top, g.margin_left + 50, top + (bottom - top) // 2 - 1], fill=246)  # panel

    blank, gap = blank_share.measure_image(page(theme, half_card), theme, DPI)
    assert blank == pytest.approx(0.5, abs=0.01) and gap == pytest.approx(0.5, abs=0.01)

    def lines(draw, g):  # type: ignore[no-untyped-def]
        for y in range(top, bottom, 4):  # a one-pixel line every four rows: three blank rows in four
            draw.line([g.margin_left + 10, y, g.margin_left + 20, y], fill=0)

    blank, gap = blank_share.measure_image(page(theme, lines), theme, DPI)
    assert blank == pytest.approx(0.75, abs=0.01) and gap == pytest.approx(3 / (bottom - top), abs=0.01)


def test_the_mini_edition_is_measured_page_by_page(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    output = tmp_path / "mini.pdf"
    assert run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output).code == 0
    spec = load_layout(layout)
    pages = blank_share.measure_pdf(output, load_theme(spec.theme_path), spec.cover is not None, DPI)
    assert len(pages) == 1 and not pages[0].cover
    assert 0.05 < pages[0].blank < 0.9  # a real page: some ink, some blank
    assert blank_share.average(pages) == pages[0].blank
    assert "average blank share, cover excluded" in blank_share.report(pages)


def test_the_cover_is_left_out_of_the_average() -> None:
    pages = [blank_share.PageBlank(1, True, 0.9, 0.5), blank_share.PageBlank(2, False, 0.2, 0.1),
             blank_share.PageBlank(3, False, 0.3, 0.1)]
    assert blank_share.average(pages) == pytest.approx(0.25)
    assert "(cover: not counted)" in blank_share.report(pages)
