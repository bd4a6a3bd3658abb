"""Never publish an invented number: a value of status ``illustrative`` is refused unless ``--draft``.

Each test marks one value of the FICTITIOUS mini edition as illustrative, where a reader would see
it (key figure, text, chart point, target, delta, history curve), and checks that ``build`` and
``check`` refuse it with an ``Error:`` naming the value and the block, that nothing is written, and
that a ``--draft`` build prints it, watermarked and marked.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import MINI, layout_copy, replace_in_file, run_cli
from pdfread import flat, page_texts


def line_of(path: Path, start: str) -> int:
    """Line number (1-based) of the first line of ``path`` starting with ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(start))


def refused(edition: Path, layout: Path, tmp_path: Path) -> str:
    """Build and check both refuse; nothing is written; return build's stderr."""
    output = tmp_path / "out" / "bulletin.pdf"
    built = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    checked = run_cli("check", "--data-dir", edition, "--layout", layout)
    for result in (built, checked):
        assert result.code == 1, result.stdout
        assert "Traceback" not in result.stderr
    assert not output.parent.exists() or not any(output.parent.iterdir())  # nothing written, not even a temp file
    assert built.stderr == checked.stderr  # check and build agree
    return built.stderr


def test_default_edition_prints_no_illustrative_value(default_pdf: Path) -> None:
    text = " ".join(flat(t) for t in page_texts(default_pdf))
    assert "illustrati" not in text
    assert "BROUILLON" not in text
    assert "cible" not in text  # no target line without a published target


def test_illustrative_key_figure_is_refused_then_drafted(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(edition / "figures.csv", "c.signataires,1579,count,2022-02-01,ANCT,published,",
                    "c.signataires,1579,count,2022-02-01,ANCT,illustrative,")
    err = refused(edition, layout, tmp_path)
    figure_line, block_line = line_of(edition / "figures.csv", "c.signataires"), line_of(layout, "          - - {type: key_figure, id: k1")
    assert (f"Error: {layout}:{block_line}: bloc « k1 » : la valeur illustrative de « c.signataires » "
            f"({edition / 'figures.csv'}:{figure_line}) ne peut pas figurer dans une édition publiée") in err
    assert "--draft" in err
    # the text block quoting the same figure is refused too, with its own block id
    assert "bloc « t1 » : la valeur illustrative de « c.signataires »" in err
    draft = tmp_path / "draft.pdf"
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", draft, "--draft")
    assert result.code == 0, result.stderr
    first = flat(page_texts(draft)[0])
    assert "BROUILLON" in first and "données illustratives" in first


def test_illustrative_chart_point_is_refused(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(edition / "series.csv", "c.evol,2021-12-01,1450,count,2021-12-01,ANCT,published,",
                    "c.evol,2021-12-01,1450,count,2021-12-01,ANCT,illustrative,")
    err = refused(edition, layout, tmp_path)
    point_line = line_of(edition / "series.csv", "c.evol,2021-12-01")
    assert (f"bloc « ch1 » : 1 point(s) illustratif(s) de la série « c.evol » "
            f"(dont {edition / 'series.csv'}:{point_line})") in err


def test_illustrative_target_is_refused(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    replace_in_file(edition / "figures.csv", "c.cible,1600,count,2022-02-01,ANCT,published,",
                    "c.cible,1600,count,2022-02-01,ANCT,illustrative,")
    err = refused(edition, layout, tmp_path)
    assert "bloc « ch1 » : la valeur illustrative de « c.cible »" in err


def test_an_illustrative_value_nobody_prints_is_no_error(mini: tuple[Path, Path], tmp_path: Path) -> None:
    """The rule is about what is printed: an unused illustrative figure only gets the unused warning."""
    edition, layout = mini
    with (edition / "figures.csv").open("a", encoding="utf-8") as handle:
        handle.write("c.brouillon,12,count,2022-02-01,ANCT,illustrative,\n")
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", tmp_path / "x.pdf")
    assert result.code == 0, result.stderr
    assert "c.brouillon" in result.stderr and "n’est pas utilisé par la mise en page" in result.stderr


@pytest.fixture()
def two_months(tmp_path: Path) -> tuple[Path, Path]:
    """An editions folder with the mini edition as 2022-01 and 2022-02 (FICTITIOUS), and its layout."""
    editions = tmp_path / "editions"
    for month in ("2022-01", "2022-02"):
        shutil.copytree(MINI, editions / month, ignore=shutil.ignore_patterns("layout.yaml"))
    replace_in_file(editions / "2022-01" / "edition.yaml", 'edition: "2022-02"', 'edition: "2022-01"')
    replace_in_file(editions / "2022-01" / "edition.yaml", "published: 2022-02-15", "published: 2022-01-15")
    for path in (editions / "2022-01" / "figures.csv", editions / "2022-01" / "series.csv"):
        path.write_text(re.sub(r",2022-02-01,", ",2022-01-01,", path.read_text(encoding="utf-8")), encoding="utf-8")
    replace_in_file(editions / "2022-01" / "figures.csv", "c.signataires,1579,count,2022-01-01,ANCT,published,",
                    "c.signataires,1500,count,2022-01-01,ANCT,illustrative,")
    layout = layout_copy(tmp_path, (MINI / "layout.yaml").read_text(encoding="utf-8"))
    return editions, layout


def test_delta_from_an_illustrative_earlier_value_is_refused(two_months: tuple[Path, Path], tmp_path: Path) -> None:
    editions, layout = two_months
    replace_in_file(layout, "figure: c.signataires, label:", "figure: c.signataires, delta: true, label:")
    err = refused(editions / "2022-02", layout, tmp_path)
    assert ("bloc « k1 » : une évolution calculée depuis la valeur illustrative de « c.signataires » "
            "dans l’édition 2022-01") in err


def test_history_curve_through_an_illustrative_value_is_refused(two_months: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    editions, layout = two_months
    replace_in_file(layout, "series: [c.evol], target: c.cible,", "history: [c.signataires],")
    err = refused(editions / "2022-02", layout, tmp_path)
    january = editions / "2022-01" / "figures.csv"
    assert (f"bloc « ch1 » : la valeur illustrative de « c.signataires » dans l’édition 2022-01 "
            f"({january}:{line_of(january, 'c.signataires')})") in err
