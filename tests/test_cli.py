"""The command line as a user meets it: help, exit codes, error format, defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import replace_in_file, run_cli


@pytest.mark.parametrize("command", ["build", "check", "preview"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.code == 0
    assert "\nexemple" in result.stdout and "  make_bulletin.py " + command in result.stdout.split("\nexemple")[-1]
    assert "--edition" in result.stdout and "--data-dir" in result.stdout and "--layout" in result.stdout


@pytest.mark.parametrize("command", ["import", "new", "init", "diff", "archive", "send"])
def test_other_commands_have_help_with_an_example(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.code == 0
    assert "make_bulletin.py " + command in result.stdout.split("\nexemple")[-1]


def test_bad_usage_exits_2() -> None:
    assert run_cli("frobnicate").code == 2
    assert run_cli("build", "--no-such-option").code == 2


def test_unknown_edition_month_is_a_clear_error() -> None:
    result = run_cli("check", "--edition", "1999-01")
    assert result.code == 1
    assert result.stderr.startswith("Error: ")
    assert "1999-01" in result.stderr and "Traceback" not in result.stderr


def test_check_reports_every_problem_at_once(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(edition / "figures.csv", "c.date,2021-10-01,date", "c.date,2021-09-31,date")
    replace_in_file(edition / "figures.csv", "c.part,96,percent", "c.part,9 6,percent")
    replace_in_file(layout, "{type: note, id: n1, text: \"MBC : marché\"}",
                    "{type: note, id: n1, text: \"{inconnu.cle}\"}\n      - {type: carousel, id: c9}")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert any("figures.csv:6" in e and "« 2021-09-31 » n’est pas une date du calendrier" in e for e in errors), errors
    assert any("figures.csv:4: clé « c.part » : valeur « 9 6 » n’est pas un nombre" in e for e in errors), errors
    assert any("type de bloc inconnu « carousel »" in e for e in errors), errors
    assert ("hint: types possibles : chart, communes, contents, divider, heading, image, key_figure, link, map, note, "
            "row, spacer, text") in result.stderr
    assert any("la clé « inconnu.cle » n’est pas dans" in e for e in errors), errors
    assert not any("« c.part » n’est pas dans" in e for e in errors), errors  # its bad line is reported once
    assert "Traceback" not in result.stderr


def test_missing_figure_key_names_layout_line_block_and_data_file(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(layout, "figure: c.signataires,", "figure: c.absente,")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    line = next(n for n, text in enumerate(layout.read_text().splitlines(), 1) if "c.absente" in text)
    assert f"{layout}:{line}: bloc « k1 » : figure : la clé « c.absente » n’est pas dans" in result.stderr
    assert "figures.csv" in result.stderr


def test_number_typed_in_layout_is_refused(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(layout, "Deuxième paragraphe", "Plus de 1 600 communes")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert "l’option « text » tape le nombre « 1 »" in result.stderr
    assert "l’option « text » tape le nombre « 600 »" in result.stderr


def test_draft_adds_visible_watermark(mini: tuple[Path, Path], tmp_path: Path) -> None:
    from pdfread import page_texts

    edition, layout = mini
    draft, final = tmp_path / "draft.pdf", tmp_path / "final.pdf"
    assert run_cli("build", "--data-dir", edition, "--layout", layout, "--output", draft, "--draft").code == 0
    assert run_cli("build", "--data-dir", edition, "--layout", layout, "--output", final).code == 0
    assert all("BROUILLON" in text for text in page_texts(draft))
    assert not any("BROUILLON" in text for text in page_texts(final))


def test_preview_writes_one_png_per_page(mini: tuple[Path, Path], tmp_path: Path) -> None:
    from PIL import Image

    edition, layout = mini
    folder = tmp_path / "png"
    result = run_cli("preview", "--data-dir", edition, "--layout", layout, "--output", folder)
    assert result.code == 0, result.stderr
    pngs = sorted(folder.glob("page-*.png"))
    assert [p.name for p in pngs] == ["page-01.png"]
    with Image.open(pngs[0]) as image:
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.01
        assert len(image.convert("L").getcolors(maxcolors=65536) or ()) > 10  # not a blank page
