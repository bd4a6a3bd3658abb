"""Reference renders: every page of the default edition and of the mini fixture as a small greyscale PNG.

The tests (``tests/test_reference_renders.py``) render the pages the same way and compare them with
the committed images in ``tests/references/``, failing with the page number and the difference. After
an intended change of the look, regenerate them explicitly, look at them, and commit them:

    make references        # or: .venv/bin/python tests/references.py

Nothing regenerates them by itself: a test never writes a reference.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "tests" / "references"
MINI = ROOT / "tests" / "fixtures" / "mini"
DPI = 36  # 298 × 421 pixels an A4 page: a few kB, enough to see a block move or a number change
LEVELS = 16  # grey levels kept (4-bit PNG)
STRONG = 40  # a pixel whose grey level moved by more than this has really changed
MAX_STRONG_SHARE = 0.001  # at most 0.1 % of a page's pixels may change strongly
MAX_MEAN = 1.5  # and the mean difference stays under 1.5 grey levels (rendering noise is far below)


@dataclass(frozen=True)
class Difference:
    """How a rendered page differs from its reference."""

    strong_share: float
    mean: float

    @property
    def acceptable(self) -> bool:
        """True when the page is the same as its reference, rendering noise aside."""
        return self.strong_share <= MAX_STRONG_SHARE and self.mean <= MAX_MEAN

    def __str__(self) -> str:
        return f"{self.strong_share * 100:.2f} % of its pixels changed (mean difference {self.mean:.2f} grey levels)"


def render_pages(pdf: Path) -> list[Image.Image]:
    """Every page of ``pdf`` at :data:`DPI`, in greyscale, reduced to :data:`LEVELS` levels."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        step = 256 // LEVELS
        return [document[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
                .point(lambda v: (v // step) * (255 // (LEVELS - 1))) for i in range(len(document))]
    finally:
        document.close()


def compare(image: Image.Image, reference: Image.Image) -> Difference:
    """The difference between a rendered page and its reference (same size expected)."""
    if image.size != reference.size:
        return Difference(1.0, 255.0)
    diff = ImageChops.difference(image, reference.convert("L"))
    histogram = diff.histogram()
    pixels = image.width * image.height
    strong = sum(histogram[STRONG + 1:])
    mean = sum(level * count for level, count in enumerate(histogram)) / pixels
    return Difference(strong / pixels, mean)


def reference_paths(name: str) -> list[Path]:
    """The committed reference images of ``name`` (``default`` or ``mini``), in page order."""
    return sorted((REFERENCES / name).glob("page-*.png"))


def build(edition: Path, layout: Path | None, output: Path) -> Path:
    """Build a PDF through the command line, as the tests do."""
    command = [sys.executable, str(ROOT / "make_bulletin.py"), "build", "--data-dir", str(edition),
               "--output", str(output)] + (["--layout", str(layout)] if layout else [])
    subprocess.run(command, check=True, cwd=ROOT)
    return output


def mini_project(folder: Path) -> tuple[Path, Path]:
    """The mini fixture's edition and layout, beside a copy of the themes (as the tests' fixture does)."""
    edition = folder / "edition"
    shutil.copytree(MINI, edition, ignore=shutil.ignore_patterns("layout.yaml"))
    shutil.copytree(ROOT / "layouts" / "themes", folder / "themes")
    theme = folder / "themes" / "pvd.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("../../fonts", str(ROOT / "fonts")), encoding="utf-8")
    layout = folder / "layout.yaml"
    shutil.copy(MINI / "layout.yaml", layout)
    return edition, layout


def write(name: str, pdf: Path) -> list[Path]:
    """Replace the references of ``name`` by the pages of ``pdf``."""
    folder = REFERENCES / name
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("page-*.png"):
        stale.unlink()
    written = []
    for number, image in enumerate(render_pages(pdf), start=1):
        path = folder / f"page-{number:02d}.png"
        image.save(path, "PNG", optimize=True, bits=4)
        written.append(path)
    return written


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        default = build(ROOT / "data" / "editions" / "2022-02", None, folder / "default.pdf")
        edition, layout = mini_project(folder / "mini")
        mini = build(edition, layout, folder / "mini.pdf")
        for name, pdf in (("default", default), ("mini", mini)):
            paths = write(name, pdf)
            size = sum(p.stat().st_size for p in paths) / 1024
            print(f"Wrote {len(paths)} reference pages to {REFERENCES / name} ({size:.0f} kB); look at them before "
                  "committing.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
