"""A block whose content does not fit makes check and build fail, saying where and by how much."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import replace_in_file, run_cli


def _line_of(layout: Path, needle: str) -> int:
    lines = layout.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def test_text_running_off_the_page_is_reported_with_file_line_block_and_amount(mini: tuple[Path, Path],
                                                                                 tmp_path: Path) -> None:
    edition, layout = mini
    long_text = " ".join(["Une phrase bien trop longue pour tenir sur la page."] * 120)
    replace_in_file(layout, "Deuxième paragraphe", long_text + " Deuxième paragraphe")
    output = tmp_path / "out.pdf"

    checked = run_cli("check", "--data-dir", edition, "--layout", layout)
    built = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)

    for result in (checked, built):
        assert result.code == 1
        assert "Traceback" not in result.stderr
        match = re.search(r"Error: (\S+):(\d+): block '(\S+)' .*overflows by ([\d.]+) mm", result.stderr)
        assert match, result.stderr
        assert match.group(1) == str(layout)
        assert int(match.group(2)) >= _line_of(layout, "id: t1") - 1
        assert float(match.group(4)) > 10
    assert not output.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_number_too_wide_for_its_column_is_reported(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    replace_in_file(layout, "- - {type: key_figure, id: k2,", "- - {type: key_figure, id: k2, size: medium,")
    replace_in_file(layout, "        columns:\n          - - {type: key_figure, id: k1",
                    "        widths: [12, 1]\n        columns:\n          - - {type: key_figure, id: k1")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1
    assert re.search(r"block 'k2' \(key_figure\): the number overflows by [\d.]+ mm", result.stderr), result.stderr


def test_fitting_layout_passes_check(mini: tuple[Path, Path]) -> None:
    edition, layout = mini
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 0, result.stderr
    assert "OK" in result.stdout
