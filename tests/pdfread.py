"""Read a built PDF the way a reader sees it: text per page, fonts, links, outline, sizes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from pypdf import PdfReader

MM = 72 / 25.4


def page_texts(path: Path) -> list[str]:
    """Text of each page, as pdfium extracts it."""
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def flat(text: str) -> str:
    """Text with line breaks and pdfium's CR/LF folded into single spaces."""
    return " ".join(text.replace("\r", " ").split(" ")).replace("\n", " ")


def char_boxes(path: Path) -> list[list[CharBox]]:
    """Every non-blank character of every page with its box."""
    document = pdfium.PdfDocument(str(path))
    pages = []
    try:
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            text = textpage.get_text_range()
            boxes = []
            for i in range(textpage.count_chars()):
                char = text[i] if i < len(text) else ""
                if char.strip():
                    boxes.append(CharBox(char, i, *textpage.get_charbox(i)))
            pages.append(boxes)
    finally:
        document.close()
    return pages


def fonts(path: Path) -> list[tuple[str, str, bool]]:
    """(subtype, base font name, embedded?) of every font object in the file."""
    found = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                descriptor = obj.get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                found.append((str(obj.get("/Subtype")), str(obj.get("/BaseFont")), embedded))
    return found


@dataclass(frozen=True)
class CharBox:
    """A printed character, its position in the page's text and its box (PDF points, bottom-left origin)."""

    char: str
    index: int
    left: float
    bottom: float
    right: float
    top: float


def link_uris(path: Path) -> list[tuple[int, str]]:
    """(page index, URI) of every link annotation."""
    reader = PdfReader(path)
    links = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if annotation.get("/Subtype") == "/Link" and action is not None:
                links.append((index, str(action.get_object().get("/URI"))))
    return links


def outline_titles(path: Path) -> list[str]:
    """Titles of the outline (bookmarks), depth-first."""
    reader = PdfReader(path)

    def walk(items: list) -> list[str]:  # type: ignore[type-arg]
        titles = []
        for item in items:
            titles.extend(walk(item) if isinstance(item, list) else [item.title])
        return titles

    return walk(reader.outline)


def font_sizes(path: Path) -> list[float]:
    """Every size set by a Tf operator in the page content streams."""
    sizes = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    sizes.append(float(operands[1]))
    return sizes
