"""Every page of the default edition and of the mini fixture looks as its committed reference image.

A failure names the page and how much it changed, and writes the new render and the difference beside
the test's temporary files. After an intended change: ``make references``, look at the images, commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

import references
from conftest import run_cli


def check_pages(name: str, pdf: Path, scratch: Path) -> None:
    expected = references.reference_paths(name)
    rendered = references.render_pages(pdf)
    assert expected, f"no reference images in tests/references/{name}: run `make references` and commit them"
    assert len(rendered) == len(expected), (
        f"{name}: {len(rendered)} pages rendered, {len(expected)} reference pages; if intended, run `make references`")
    failures = []
    for number, (image, path) in enumerate(zip(rendered, expected, strict=True), start=1):
        with Image.open(path) as reference:
            difference = references.compare(image, reference)
            if not difference.acceptable:
                image.save(scratch / f"{name}-page-{number:02d}.png")
                ImageChops.difference(image, reference.convert("L")).save(scratch / f"{name}-page-{number:02d}-diff.png")
                failures.append(f"page {number} differs from {path.relative_to(references.ROOT)}: {difference}")
    assert not failures, "\n".join(failures) + f"\n(renders and differences in {scratch}; if the change is " \
                                                "intended, run `make references` and review the images)"


def test_default_edition_pages_match_their_references(default_pdf: Path, tmp_path: Path) -> None:
    check_pages("default", default_pdf, tmp_path)


def test_mini_edition_pages_match_their_references(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    output = tmp_path / "mini.pdf"
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr
    check_pages("mini", output, tmp_path)


def test_the_comparison_sees_a_changed_number_and_ignores_nothing_else(tmp_path: Path) -> None:
    page = Image.new("L", (298, 421), 255)
    same = references.compare(page, page.copy())
    assert same.acceptable and same.mean == 0
    changed = page.copy()
    changed.paste(0, (40, 60, 60, 75))  # a few digits' worth of ink (300 pixels)
    difference = references.compare(changed, page)
    assert not difference.acceptable and "0.24 % of its pixels changed" in str(difference)


@pytest.mark.parametrize("name", ["default", "mini"])
def test_references_are_small_greyscale_images(name: str) -> None:
    for path in references.reference_paths(name):
        with Image.open(path) as image:
            assert image.mode == "L" and image.size == (298, 421)
        assert path.stat().st_size < 16_000, path
