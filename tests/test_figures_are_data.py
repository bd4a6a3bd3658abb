"""Figures are data: change one in a copy of the edition and the PDF follows, text and chart alike."""

from __future__ import annotations

import re
from pathlib import Path

from bulletin.layout_spec import load_layout
from bulletin.data.validate import DIGIT
from conftest import LAYOUT, replace_in_file, run_cli
from pdfread import flat, page_texts


def test_changed_figure_replaces_the_old_value_where_it_was(edition_copy: Path, tmp_path: Path) -> None:
    replace_in_file(edition_copy / "figures.csv", "conventions.communes_signataires,1579,", "conventions.communes_signataires,1602,")
    replace_in_file(edition_copy / "series.csv", "conventions.communes_signataires,2022-02-01,1579,",
                    "conventions.communes_signataires,2022-02-01,1602,")
    replace_in_file(edition_copy / "figures.csv", "conventions.part_communes_signataires,96,",
                    "conventions.part_communes_signataires,97,")  # 1 602 / 1 646: the share check demands it
    output = tmp_path / "changed.pdf"
    result = run_cli("build", "--data-dir", edition_copy, "--output", output)
    assert result.code == 0, result.stderr
    first_page = next(flat(t) for t in page_texts(output) if "Les conventions d’adhésion" in t)  # not the cover
    assert "1\u202f602" in first_page
    assert first_page.count("1\u202f602") >= 2  # the key figure and the chart's last point
    assert "1\u202f579" not in " ".join(page_texts(output))
    assert "97\u202f%" in first_page


def test_changed_share_is_read_by_the_sentence_and_the_donut(edition_copy: Path, tmp_path: Path) -> None:
    replace_in_file(edition_copy / "figures.csv", "profil.genre.femmes,69,", "profil.genre.femmes,68.5,")
    replace_in_file(edition_copy / "figures.csv", "profil.genre.hommes,31,", "profil.genre.hommes,31.5,")
    output = tmp_path / "changed.pdf"
    assert run_cli("build", "--data-dir", edition_copy, "--output", output).code == 0
    survey_page = next(flat(t) for t in page_texts(output) if "Genre" in t)
    assert survey_page.count("68,5\u202f%") >= 2
    assert "69\u202f%" not in survey_page


def test_layout_types_no_number() -> None:
    layout = load_layout(LAYOUT)
    typed = []
    for block in layout.blocks():
        for name, value in block.options.items():
            if name in ("level", "height", "widths"):
                continue  # layout geometry, not printed
            texts = [piece.text for piece in value if hasattr(piece, "text")] if isinstance(value, tuple) else [value]
            texts += [label for item in value if isinstance(item, tuple) for label in item] if name == "figures" else []
            typed += [(block.id, name, t) for t in texts if isinstance(t, str) and DIGIT.search(t)]
    assert typed == []
    raw = LAYOUT.read_text(encoding="utf-8")
    assert not re.search(r"text: .*\d", re.sub(r"\{[^}]*\}", "", raw))
