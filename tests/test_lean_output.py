"""A lean PDF: a line of text is one text object, a text one marked-content sequence (issue 12, item 6)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
from reportlab.pdfgen.canvas import Canvas

from bulletin.pdf.fonts import register_fonts
from bulletin.pdf.structure import MarkRef
from bulletin.pdf.surface import Surface
from bulletin.textflow import Fragment, TextStyle, layout_text
from bulletin.theme import load_theme
from conftest import EDITION, LAYOUT, ROOT, layout_copy, replace_in_file
from pdfread import fonts, page_texts

THEME = load_theme(ROOT / "layouts" / "themes" / "pvd.yaml")
register_fonts(THEME)
REGULAR = TextStyle(THEME.font("regular"), 9.5, "#161616")
BOLD = TextStyle(THEME.font("bold"), 9.5, "#000091")
TEXT = [Fragment("Le 1er octobre 2021, ", REGULAR), Fragment("1\u202f579 communes", BOLD),
        Fragment(" avaient signé leur convention d’adhésion au programme Petites villes de demain.", REGULAR)]


def draw(path: Path, role: str | None) -> Surface:
    """The text above, broken over 180 points and drawn inside a table cell (TD), with ``role`` or without."""
    canvas = Canvas(str(path), pagesize=(595, 842))
    surface = Surface(canvas, 842)
    surface.structure.new_page()
    layout = layout_text(TEXT, 180, 12)
    assert len(layout.lines) >= 3
    with surface.element("TD", grouping=True):
        surface.text_layout(layout, 40, 100, 180, role=role)
    canvas.showPage()
    canvas.save()
    return surface


def operators(path: Path) -> list[str]:
    """The page's operators from the first marked content on (before it, the canvas sets its initial font)."""
    with pikepdf.open(path) as pdf:
        found = [str(operator) for _, operator in pikepdf.parse_content_stream(pdf.pages[0])]
    return found[found.index("BDC"):]


def test_each_line_is_one_text_object_with_its_fonts_set_only_where_they_change(tmp_path: Path) -> None:
    path = tmp_path / "lines.pdf"
    layout = layout_text(TEXT, 180, 12)
    draw(path, "P")
    ops = operators(path)
    assert ops.count("BT") == len(layout.lines)
    styles_per_line = [len({f.style for word in line.words for f in word}) for line in layout.lines]
    assert ops.count("rg") == sum(styles_per_line)  # one colour per style run, not one per word
    assert ops.count("Tf") == sum(styles_per_line) + 2  # the « er » of « 1er » is smaller: its size, then back
    assert " ".join(page_texts(path)[0].split()) == " ".join("".join(f.text for f in TEXT).split())


def test_a_text_without_a_role_is_one_marked_sequence_of_its_element(tmp_path: Path) -> None:
    surface = draw(tmp_path / "cell.pdf", None)
    cell = surface.structure.root.kids[0]
    assert cell.role == "TD" and [kid for kid in cell.kids if isinstance(kid, MarkRef)] == [MarkRef(0, 0)]
    assert operators(tmp_path / "cell.pdf").count("BDC") == 1


def test_a_raised_ordinal_leaves_no_rise_behind(default_pdf: Path) -> None:
    with pikepdf.open(default_pdf) as pdf:
        raised = 0
        for page in pdf.pages:
            rise = 0.0
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Ts":
                    rise = float(operands[0])
                    raised += rise > 0
                elif str(operator) == "ET":
                    assert rise == 0.0
    assert raised >= 10  # « 1er » of the dates, each raised by a rise that is reset before the text object ends


REGISTERED_AFTER_BUILD = """
import sys
from pathlib import Path
from reportlab.pdfbase import pdfmetrics
from bulletin.build import BuildRequest, build
edition = Path(sys.argv[1])
build(BuildRequest(edition, Path(sys.argv[2]), Path(sys.argv[3])))
print(" ".join(sorted(pdfmetrics.getRegisteredFontNames())))
"""


def registered_fonts(layout: Path, output: Path) -> set[str]:
    """The fonts registered (read and parsed) by a build of the default edition with ``layout``, in a new process."""
    done = subprocess.run([sys.executable, "-c", REGISTERED_AFTER_BUILD, str(EDITION), str(layout), str(output)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_fallback_font_is_read_only_when_a_character_needs_it(tmp_path: Path) -> None:
    assert registered_fonts(LAYOUT, tmp_path / "plain.pdf") == {"NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic"}
    assert not [name for _, name, _ in fonts(tmp_path / "plain.pdf") if "DejaVu" in name]
    layout = layout_copy(tmp_path)  # a note whose text has a minus sign, which Noto Sans lacks
    replace_in_file(layout, "text: \"Les parts sont calculées", "text: \"\u2212 Les parts sont calculées")
    assert "DejaVuSans" in registered_fonts(layout, tmp_path / "minus.pdf")
    assert [embedded for _, name, embedded in fonts(tmp_path / "minus.pdf") if "DejaVuSans" in name] == [True]


def test_a_text_is_laid_out_once_for_measuring_placing_and_drawing(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from bulletin import textflow
    from bulletin.build import BuildRequest, check

    laid_out: Counter[tuple[tuple[Fragment, ...], float, float, float]] = Counter()
    original = textflow.break_lines

    def counting(fragments, width, leading, gap):  # type: ignore[no-untyped-def]
        laid_out[(fragments, width, leading, gap)] += 1
        return original(fragments, width, leading, gap)

    monkeypatch.setattr(textflow, "break_lines", counting)
    textflow._layout.cache_clear()
    check(BuildRequest(EDITION, LAYOUT))  # composes every page (measuring blocks where they may go), then draws it
    assert len(laid_out) > 200 and max(laid_out.values()) == 1, laid_out.most_common(1)


BUILD_AND_LIST_MODULES = """
import runpy, sys
sys.argv = ["make_bulletin.py", "build", "--output", sys.argv[1]]
try:
    runpy.run_path("make_bulletin.py", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
print(" ".join(sorted(sys.modules)))
"""
#: Modules a national build has no use for: the register's reader and pandas, the maps' outlines, workbooks',
#: tests' and previews' PDF readers, mail and the archive's database, and what xml.sax.saxutils or pikepdf's
#: metadata editor would bring (the default edition has no register and no outlines).
NOT_ON_THE_BUILD_PATH = ("pandas", "numpy", "openpyxl", "pypdf", "pypdfium2", "matplotlib", "sqlite3", "smtplib",
                         "email", "http", "urllib.request", "ssl", "xml.sax", "lxml", "bulletin.register.reader",
                         "bulletin.register.spec", "bulletin.maps.outlines", "bulletin.publish.send",
                         "bulletin.publish.archive", "bulletin.publish.recipients", "bulletin.publish.mail", "bulletin.pdf.preview",
                         "bulletin.data.importer")


def test_a_national_build_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", BUILD_AND_LIST_MODULES, str(tmp_path / "b.pdf")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    modules = set(done.stdout.split())
    assert "bulletin.build" in modules and "reportlab" in modules and "pikepdf" in modules
    assert sorted(m for m in NOT_ON_THE_BUILD_PATH if m in modules) == []
