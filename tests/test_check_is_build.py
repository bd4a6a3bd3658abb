"""`check` is the build without the file: it draws every page, so the two never disagree; a drawing
failure is a located error naming the block, and the running header is measured with the real font."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bulletin.blocks import charts
from bulletin.build import BuildRequest, build, check
from bulletin.errors import BulletinError
from bulletin.pdf.fonts import register_fonts, text_width
from bulletin.theme import MM, load_theme
from bulletin.typography import fr_month
from conftest import ROOT, replace_in_file, run_cli

ZERO_CHARTS = ("      - {type: chart, id: z1, kind: donut, title: \"Réponses\", figures: [{figure: z.a, label: Oui}, "
               "{figure: z.b, label: Non}], height: 45}\n"
               "      - {type: chart, id: z2, kind: line, title: \"Évolution\", series: [z.s], height: 45}\n")


def _line_of(layout: Path, needle: str) -> int:
    return next(n for n, line in enumerate(layout.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def test_check_and_build_agree_on_a_zero_series_and_a_zero_slice(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    with (edition / "figures.csv").open("a", encoding="utf-8") as handle:
        handle.write("z.a,100,percent,2022-02-01,ANCT,published,\nz.b,0,percent,2022-02-01,ANCT,published,\n")
    with (edition / "series.csv").open("a", encoding="utf-8") as handle:
        handle.write("z.s,2021-07-01,0,count,2021-07-08,ANCT,published,\nz.s,2021-10-01,0,count,2021-10-25,ANCT,published,\n"
                     "z.s,2022-01-01,0,count,2022-01-05,ANCT,published,\n")  # a curve needs three real points
    replace_in_file(layout, "      - {type: divider, id: d1}\n", ZERO_CHARTS)
    output = tmp_path / "out.pdf"

    checked = run_cli("check", "--data-dir", edition, "--layout", layout)
    built = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)

    assert checked.code == built.code, (checked, built)
    for result in (checked, built):
        assert "Traceback" not in result.stderr
        for line in result.stderr.splitlines():
            if line.startswith("Error:"):  # drawing these charts may fail, but then it says which block
                assert re.match(rf"Error: {re.escape(str(layout))}:\d+: bloc « z[12] » \(chart\) : ", line), line
    assert output.exists() == (built.code == 0)


def test_a_drawing_failure_names_the_block_in_check_and_in_build(mini: tuple[Path, Path], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    edition, layout = mini

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(charts, "draw_chart", broken)
    output = tmp_path / "out.pdf"
    request = BuildRequest(edition, layout, output)
    for run in (check, build):
        with pytest.raises(BulletinError) as caught:
            run(request)
        messages = [str(p) for p in caught.value.problems]
        # every chart is named, the ones inside a row included (ch2, ch3), at its own line
        for block in ("ch1", "ch2", "ch3"):
            expected = f"{layout}:{_line_of(layout, f'id: {block},')}: bloc « {block} » (chart) : le dessin a échoué " \
                       "(ZeroDivisionError : float division by zero)"
            assert any(m.startswith(expected) for m in messages), messages
    assert not output.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def _title_clipped_by_a_wider_font(theme_path: Path) -> str:
    """A title that fits the running header in Noto Sans Bold but not in the wider DejaVu Sans Bold."""
    theme = load_theme(theme_path)
    register_fonts(theme)
    width = theme.page.width - theme.page.margin_left - theme.page.margin_right
    room = width - 6 * MM - text_width(fr_month(dt.date(2022, 2, 1)), theme.font("regular"), 7)
    words = "Petites villes de demain un titre courant qui ne finit pas".split()
    title = ""
    for word in words * 10:
        longer = f"{title} {word}".strip()
        if text_width(longer.upper(), "NotoSans-Bold", 7) > room - 2:
            break
        title = longer
    return title


def test_running_header_is_measured_with_the_real_font(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini
    theme = layout.parent / "themes" / "pvd.yaml"
    title = _title_clipped_by_a_wider_font(theme)
    replace_in_file(layout, 'title: "Bulletin de test"', f'title: "{title}"')
    assert run_cli("check", "--data-dir", edition, "--layout", layout).code == 0  # fits in Noto Sans

    replace_in_file(theme, "bold: NotoSans-Bold.ttf", "bold: DejaVuSans-Bold.ttf")
    output = tmp_path / "out.pdf"
    checked = run_cli("check", "--data-dir", edition, "--layout", layout)
    built = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", output)
    for result in (checked, built):
        assert result.code == 1
        match = re.search(rf"Error: {re.escape(str(layout))}:(\d+): le titre « {re.escape(title.upper())} » ne tient "
                          r"pas dans l’en-tête courant : il dépasse de ([\d,]+) mm avec la police DejaVuSans-Bold",
                          result.stderr)
        assert match, result.stderr
        assert int(match.group(1)) == _line_of(layout, "title:")
    assert not output.exists()


@pytest.mark.parametrize("content, message", [
    (None, "est introuvable"),
    (b"not an image", "n’est pas une image PNG ou JPEG lisible"),
])
def test_image_file_missing_or_unreadable_is_a_located_error(mini: tuple[Path, Path], content: bytes | None,
                                                             message: str) -> None:
    edition, layout = mini
    if content is not None:
        (layout.parent / "logo.png").write_bytes(content)
    replace_in_file(layout, "      - {type: divider, id: d1}\n",
                    "      - {type: image, id: im1, path: logo.png, height: 20, alt: \"Logo\"}\n")
    for command in ("check", "build"):
        result = run_cli(command, "--data-dir", edition, "--layout", layout)
        assert result.code == 1
        assert f"{layout}:{_line_of(layout, 'id: im1')}: bloc « im1 » (image) : le fichier " in result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr


def test_default_edition_checks_as_it_builds() -> None:
    assert run_cli("check", "--edition", "2022-02").code == 0
    assert (ROOT / "layouts" / "pvd-chiffres-cles.yaml").is_file()
