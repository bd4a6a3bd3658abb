"""Preview stage: render the pages of a built PDF to PNG files with pypdfium2.

Input: a PDF path and a folder. Output: ``page-01.png``, ``page-02.png``… in that folder.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium


def render_png(pdf: Path, folder: Path, dpi: int = 110) -> list[Path]:
    """Write one PNG per page of ``pdf`` into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(str(pdf))
    written = []
    try:
        for index in range(len(document)):
            image = document[index].render(scale=dpi / 72).to_pil()
            path = folder / f"page-{index + 1:02d}.png"
            image.save(path)
            written.append(path)
    finally:
        document.close()
    return written
