"""How much of each page's body is left blank, measured from the rendered pixels.

Input: an edition and a layout (default: the latest edition and ``layouts/pvd-chiffres-cles.yaml``), or a
built PDF and its layout. Output: the page count, the blank share of every page and their average,
printed as a table (and returned by :func:`measure_pdf` for tests).

Definition (see ``benchmarks/RESULTS.md``):

- Each page is rendered with pypdfium2 at ``--dpi`` (72 by default: one pixel row per point) in
  greyscale.
- The **body** of a page is the area between the running header and the footer, inside the margins:
  from ``margin_top + header_height`` to ``page height − margin_bottom − footer_height``, from
  ``margin_left`` to ``page width − margin_right`` (the theme's values). The same rectangle is measured
  on every page, the back page included (its closing band counts as ink).
- A pixel is **background** when its grey level is at least 250 of 255 (white paper, with room for
  anti-aliasing); a tinted card (``panel`` #F5F5FE, grey 246) is not background.
- A pixel row of the body is **blank** when every pixel of it is background. The page's blank share is
  blank rows / body rows. Every blank row counts: the space left at the bottom of a page, the gaps
  between blocks, between paragraphs and between the lines of a text alike.
- The **cover is excluded** (it is a designed page, mostly a title band); every other page — the
  sommaire, the sections, the back page — is measured, and the average is their plain mean.

Also printed, to see where the blank is: the share of the body taken by its largest blank gap (the
space left above the sources line of an unfinished page shows there).

Usage::

    .venv/bin/python benchmarks/blank_share.py [--edition 2022-02 | --data-dir DIR] [--layout FILE]
                                               [--pdf FILE] [--dpi 72]

Not a timed test: it measures the composition, not the speed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bulletin.build import BuildRequest, build  # noqa: E402
from bulletin.layout_spec import load_layout  # noqa: E402
from bulletin.theme import Theme, load_theme  # noqa: E402

BACKGROUND = 250  # grey level from which a pixel is paper
TARGET_PAGES, TARGET_BLANK = 12, 0.20


@dataclass(frozen=True)
class PageBlank:
    """One page's measure: its number, whether it is the cover, the blank share and the largest blank gap."""

    number: int
    cover: bool
    blank: float
    largest_gap: float


def body_rows(image: Image.Image, theme: Theme, dpi: float) -> list[bool]:
    """For each pixel row of the page's body: True when the whole row is background."""
    grey = image.convert("L")
    scale = dpi / 72
    page = theme.page
    left, right = round(page.margin_left * scale), round((page.width - page.margin_right) * scale)
    top = round((page.margin_top + page.header_height) * scale)
    bottom = round((page.height - page.margin_bottom - page.footer_height) * scale)
    width, pixels = grey.width, grey.tobytes()
    return [min(pixels[y * width + left:y * width + right]) >= BACKGROUND for y in range(top, bottom)]


def measure_image(image: Image.Image, theme: Theme, dpi: float) -> tuple[float, float]:
    """(blank share, largest blank gap share) of a rendered page's body."""
    rows = body_rows(image, theme, dpi)
    largest = run = 0
    for blank in rows:
        run = run + 1 if blank else 0
        largest = max(largest, run)
    return sum(rows) / len(rows), largest / len(rows)


def measure_pdf(pdf: Path, theme: Theme, has_cover: bool, dpi: float = 72) -> list[PageBlank]:
    """Render every page of ``pdf`` and measure it."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for index in range(len(document)):
            image = document[index].render(scale=dpi / 72, grayscale=True).to_pil()
            blank, gap = measure_image(image, theme, dpi)
            pages.append(PageBlank(index + 1, has_cover and index == 0, blank, gap))
        return pages
    finally:
        document.close()


def average(pages: list[PageBlank]) -> float:
    """Mean blank share of the measured pages (the cover left out)."""
    measured = [p.blank for p in pages if not p.cover]
    return sum(measured) / len(measured) if measured else 0.0


def report(pages: list[PageBlank]) -> str:
    """The table printed by the script."""
    lines = ["page  blank  largest gap"]
    for page in pages:
        note = "  (cover: not counted)" if page.cover else ""
        lines.append(f"{page.number:>4}  {page.blank * 100:4.0f} %  {page.largest_gap * 100:5.0f} %{note}")
    mean = average(pages)
    lines.append(f"pages: {len(pages)} (target ≤ {TARGET_PAGES}: {'met' if len(pages) <= TARGET_PAGES else 'NOT met'})")
    lines.append(f"average blank share, cover excluded: {mean * 100:.1f} % "
                 f"(target ≤ {TARGET_BLANK * 100:.0f} %: {'met' if mean <= TARGET_BLANK else 'NOT met'})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edition", default="2022-02", help="edition month in data/editions (default 2022-02)")
    parser.add_argument("--data-dir", type=Path, help="an edition folder anywhere")
    parser.add_argument("--layout", type=Path, default=ROOT / "layouts" / "pvd-chiffres-cles.yaml")
    parser.add_argument("--pdf", type=Path, help="measure this PDF (built with --layout) instead of building")
    parser.add_argument("--dpi", type=float, default=72)
    args = parser.parse_args(argv)
    layout = load_layout(args.layout)
    theme = load_theme(layout.theme_path)
    with tempfile.TemporaryDirectory() as folder:
        pdf = args.pdf
        if pdf is None:
            edition = args.data_dir or ROOT / "data" / "editions" / args.edition
            pdf, _ = build(BuildRequest(edition, args.layout, Path(folder) / "bulletin.pdf"))
        print(report(measure_pdf(pdf, theme, layout.cover is not None, args.dpi)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
