"""What does not fit: text flows to the next page; an atomic block taller than a page is an error
naming that block, its page and by how much; a number too wide for its column is an error."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import replace_in_file, run_cli
from pdfread import flat, page_texts

SENTENCE = "Une phrase assez longue pour remplir la page ligne après ligne."


def _line_of(layout: Path, needle: str) -> int:
    lines = layout.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def test_long_text_flows_onto_the_next_pages_without_losing_a_word(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    numbered = " ".join(f"{SENTENCE} Fin de la phrase {word}." for word in ("alpha", "beta", "gamma") * 40)
    replace_in_file(layout, "Deuxième paragraphe", numbered + " Deuxième paragraphe")
    output = tmp_path / "out.pdf"

    assert run_cli("check", "--data-dir", edition, "--layout", layout).code == 0
    built = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)

    assert built.code == 0, built.stderr
    pages = [flat(text) for text in page_texts(output)]
    assert len(pages) >= 3
    text = " ".join(" ".join(pages).replace("\u00a0", " ").split())
    # every sentence printed once and in order (a sentence cut by a page break has the footer inside it)
    assert text.count("remplir") == 120
    assert re.findall(r"\b(alpha|beta|gamma)\b", text) == ["alpha", "beta", "gamma"] * 40
    assert text.index("Fin de la phrase alpha") < text.index("Deuxième paragraphe")
    # the blocks after the text follow it on the last page, in the layout's order
    assert "La plateforme" in pages[-1] and "Deuxième paragraphe" in pages[-1]


def test_block_taller_than_a_page_is_named_with_its_page_and_overflow(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    # The tall chart is in the middle of the section: the error must name it, not the last block.
    replace_in_file(layout, "series: [c.evol], target: c.cible, height: 60}", "series: [c.evol], target: c.cible, height: 290}")
    output = tmp_path / "out.pdf"

    checked = run_cli("check", "--data-dir", edition, "--layout", layout)
    built = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)

    for result in (checked, built):
        assert result.code == 1
        assert "Traceback" not in result.stderr
        match = re.search(r"Error: (\S+):(\d+): bloc « (\S+) » \(chart\) : trop haut pour une page, il dépasse de "
                          r"([\d,]+) mm le bas de la page (\d+)", result.stderr)
        assert match, result.stderr
        assert match.group(1) == str(layout)
        assert int(match.group(2)) == _line_of(layout, "id: ch1")
        assert match.group(3) == "ch1"
        assert 20 < float(match.group(4).replace(",", ".")) < 80  # 290 mm against a body of about 250 mm
        assert match.group(5) == "2"  # the section title and first row fill page 1; the chart starts page 2
        assert "d1" not in result.stderr and "n1" not in result.stderr
    assert not output.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_number_too_wide_for_its_column_is_reported(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(layout, "- - {type: key_figure, id: k2,", "- - {type: key_figure, id: k2, size: medium,")
    replace_in_file(layout, "        columns:\n          - - {type: key_figure, id: k1",
                    "        widths: [12, 1]\n        columns:\n          - - {type: key_figure, id: k1")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert re.search(r"bloc « k2 » \(key_figure\) : débordement de [\d,]+ mm : le nombre\n", result.stderr), \
        result.stderr


def test_fitting_layout_passes_check(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 0, result.stderr
    assert "OK" in result.stdout
