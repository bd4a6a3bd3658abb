"""Read a built PDF the way a reader sees it: text per page, fonts, links, outline, sizes."""

from __future__ import annotations

import re
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


def reading_text(text: str) -> str:
    """Text as a reader reads it: line breaks, runs of spaces and no-break spaces each one space."""
    return re.sub(r"[ \r\n]+", " ", flat(text).replace("\u00a0", " "))


def reading_pages(path: Path) -> list[str]:
    """The reading text (:func:`reading_text`) of each page."""
    return [reading_text(text) for text in page_texts(path)]


def document_text(path: Path) -> str:
    """The reading text of the whole document, page after page."""
    return reading_text(" ".join(page_texts(path)))


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


def _unicode_map(font: pikepdf.Dictionary) -> dict[int, str]:
    """Byte → text of a simple font, from its ToUnicode CMap (bfchar entries, as ReportLab writes them)."""
    import re

    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    return {int(code, 16): chr(int(text, 16)) for code, text in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>", cmap)}


def marked_texts(pdf: pikepdf.Pdf, page_index: int) -> tuple[dict[int, str], list[tuple[str, str]]]:
    """Text of each MCID on a page, and every text shown with the marked-content context it is in.

    The second list holds (context, text) where context is "artifact", "mcid:N" or "none".
    """
    page = pdf.pages[page_index]
    fonts = {str(name): _unicode_map(font) for name, font in page.Resources.Font.items()}
    by_mcid: dict[int, str] = {}
    shown: list[tuple[str, str]] = []
    stack: list[str] = []
    current: dict[int, str] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            props = operands[1]
            tag = str(operands[0])
            stack.append("artifact" if tag == "/Artifact" else f"mcid:{int(props.MCID)}" if "/MCID" in props else "none")
        elif op == "BMC":
            stack.append("artifact" if str(operands[0]) == "/Artifact" else "none")
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            current = fonts[str(operands[0])]
        elif op in ("Tj", "TJ", "'", '"'):
            strings = operands[0] if op == "TJ" else [operands[-1]]
            text = "".join(current.get(b, "?") for s in strings if isinstance(s, pikepdf.String) for b in bytes(s))
            context = next((c for c in reversed(stack) if c != "none"), "none")
            shown.append((context, text))
            if context.startswith("mcid:"):
                mcid = int(context[5:])
                by_mcid[mcid] = by_mcid.get(mcid, "") + text
    return by_mcid, shown


def structure_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, depth-first in the tree's (reading) order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: pikepdf.Object) -> None:
        kids = node.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in items:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                found.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def element_text(elem: pikepdf.Dictionary, texts: dict[tuple[int, int], str], page_numbers: dict) -> str:
    """The text an element marks (its own MCIDs and its descendants'), in tree order."""
    kids = elem.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    parts = []
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            parts.append(texts.get((page_numbers[kid.Pg.objgen], int(kid.MCID)), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            parts.append(element_text(kid, texts, page_numbers))
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class TextRun:
    """A string drawn by one text operator, with its page (0-based), font size and fill colour (#RRGGBB)."""

    page: int
    text: str
    size: float
    color: str


def text_runs(path: Path) -> list[TextRun]:
    """Every string the pages draw, with the size and fill colour it is drawn in."""
    runs = []
    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            fonts = {str(name): _unicode_map(font) for name, font in page.Resources.Font.items()}
            current, size, color = {}, 0.0, "#000000"
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "Tf":
                    current, size = fonts[str(operands[0])], float(operands[1])
                elif op == "rg":
                    color = "#" + "".join(f"{round(float(v) * 255):02X}" for v in operands)
                elif op in ("Tj", "TJ"):
                    strings = operands[0] if op == "TJ" else [operands[0]]
                    text = "".join(current.get(b, "?") for s in strings if isinstance(s, pikepdf.String) for b in bytes(s))
                    runs.append(TextRun(index, text, size, color))
    return runs


@dataclass(frozen=True)
class TextRect:
    """One text object's box (PDF points, bottom-left origin) and the text inside it."""

    text: str
    left: float
    bottom: float
    right: float
    top: float


def text_rects(path: Path) -> list[list[TextRect]]:
    """The boxes pdfium gives each text object of each page (a label, a word, a line…), with their text."""
    document = pdfium.PdfDocument(str(path))
    pages = []
    try:
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]
            pages.append([TextRect(textpage.get_text_bounded(*r), *r) for r in rects])
    finally:
        document.close()
    return pages


def labels(rects: list[TextRect], gap: float = 3.0) -> list[TextRect]:
    """Text objects printed one after the other on one line with no space between them, joined: a
    number and its fallback-font minus sign, a number and its superscript ordinal ending."""
    joined: list[TextRect] = []
    for rect in rects:
        last = joined[-1] if joined else None
        same_line = last is not None and (min(last.top, rect.top) - max(last.bottom, rect.bottom)
                                          > 0.3 * min(last.top - last.bottom, rect.top - rect.bottom))
        glued = last is not None and not last.text[-1:].isspace() and not rect.text[:1].isspace()
        if last is not None and same_line and glued and -0.5 <= rect.left - last.right <= gap:
            joined[-1] = TextRect(last.text + rect.text, last.left, min(last.bottom, rect.bottom),
                                  rect.right, max(last.top, rect.top))
        else:
            joined.append(rect)
    return joined


def figure_fills(path: Path, page_index: int = 0) -> list[tuple[str, str]]:
    """(shape, #RRGGBB) of every filled shape drawn inside a Figure (a chart) of a page, in drawing
    order; shape is "rect" for a rectangle (bars, legend keys) and "path" for other shapes."""
    fills: list[tuple[str, str]] = []
    with pikepdf.open(path) as pdf:
        stack: list[str] = []
        color, shape = "#000000", "path"
        for operands, operator in pikepdf.parse_content_stream(pdf.pages[page_index]):
            op = str(operator)
            if op in ("BDC", "BMC"):
                stack.append(str(operands[0]))
            elif op == "EMC":
                stack.pop()
            elif op == "rg":
                color = "#" + "".join(f"{round(float(v) * 255):02X}" for v in operands)
            elif op in ("re", "m"):
                shape = "rect" if op == "re" else "path"
            elif op in ("f", "F", "f*", "B", "B*", "b", "b*") and "/Figure" in stack:
                fills.append((shape, color))
    return fills


def overlapping_labels(path: Path, tolerance: float = 0.5) -> list[tuple[int, str, str]]:
    """(page number, text, text) of every two labels whose ink boxes overlap by more than ``tolerance``
    points both ways: two pieces of text printed over each other."""
    found = []
    for number, rects in enumerate(text_rects(path), start=1):
        boxes = labels(rects)
        for index, first in enumerate(boxes):
            for second in boxes[index + 1:]:
                across = min(first.right, second.right) - max(first.left, second.left)
                down = min(first.top, second.top) - max(first.bottom, second.bottom)
                if across > tolerance and down > tolerance:
                    found.append((number, first.text.strip(), second.text.strip()))
    return found
