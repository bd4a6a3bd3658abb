"""`prefix`, chart `legend` and chart `figures` labels are templates like `label`; any theme colour
may be an accent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import replace_in_file, run_cli
from pdfread import document_text


def _line_of(layout: Path, needle: str) -> int:
    return next(n for n, line in enumerate(layout.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def test_prefix_legend_and_bar_labels_quote_figures(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(layout, "id: k1, figure: c.signataires,", 'id: k1, figure: c.signataires, prefix: "en {c.date:month},",')
    replace_in_file(layout, "series: [c.evol], target: c.cible,",
                    'series: [c.evol], legend: ["Signataires depuis le {c.date}"], target: c.cible,')
    replace_in_file(layout, "kind: hbar, title: \"Genre\", figures: [{figure: g.f, label: Femme}",
                    "kind: hbar, title: \"Genre\", figures: [{figure: g.f, label: \"Femmes, soit {g.f}\"}")
    output = tmp_path / "out.pdf"
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr
    text = document_text(output)
    assert "en octobre 2021, 1\u202f579" in text
    assert "Signataires depuis le 1er octobre 2021" in text
    assert "Femmes, soit 69\u202f%" in text
    assert "{" not in text and "}" not in text


@pytest.mark.parametrize("old, new, needle, message", [
    ('prefix: "plus de"', 'prefix: "plus de {c.part"', "prefix:", r"option « prefix » : accolade seule"),
    ("series: [c.evol], target: c.cible,", 'series: [c.evol], legend: ["{c.inconnue}"], target: c.cible,',
     "id: ch1", r"legend : la clé « c.inconnue » n’est pas dans"),
    ("figures: [{figure: g.f, label: Femme}, {figure: g.h, label: Homme}], height: 45}\n          - - {type: chart, id: ch3",
     "figures: [{figure: g.f, label: \"{c.date:fancy}\"}, {figure: g.h, label: Homme}], height: 45}\n"
     "          - - {type: chart, id: ch3", "id: ch2", r"style inconnu « fancy »"),
    ('prefix: "plus de"', 'prefix: "plus de 3"', "id: k2", r"l’option « prefix » tape le nombre « 3 »"),
    ("series: [c.evol], target: c.cible,", 'series: [c.evol], legend: ["Vague 2"], target: c.cible,', "id: ch1",
     r"l’option « legend » tape le nombre « 2 »"),
])
def test_template_errors_in_prefix_legend_and_labels_are_located(mini: tuple[Path, Path], old: str, new: str,
                                                                 needle: str, message: str) -> None:
    edition, layout = mini
    replace_in_file(layout, old, new)
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    line = _line_of(layout, needle)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr  # one cause, one message
    assert re.search(rf"Error: {re.escape(str(layout))}:{line}: .*{message}", errors[0]), result.stderr


def test_any_theme_colour_is_an_accent(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(layout, "accent: coral", "accent: red")  # a theme colour outside the five PVD accents
    output = tmp_path / "out.pdf"
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr


def test_an_accent_the_theme_does_not_define_is_an_error_listing_the_colours(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(layout, "accent: coral", "accent: violet")
    replace_in_file(layout, "- - {type: key_figure, id: k2,", "- - {type: key_figure, id: k2, accent: mauve,")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert re.search(rf"{re.escape(str(layout))}:{_line_of(layout, 'accent: violet')}: la couleur d’accent « violet » "
                     r"n’est pas une couleur du thème\n  hint: choisissez une couleur du thème pvd\.yaml : primary, "
                     r"red, .*coral", result.stderr), result.stderr
    assert f"{layout}:{_line_of(layout, 'id: k2')}: la couleur d’accent « mauve »" in result.stderr
