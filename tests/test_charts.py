"""Charts as a reader sees them: one small FICTITIOUS edition per case, built through the CLI,
its PDF read back with pypdfium2 (labels, ticks, sources)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from bulletin.blocks import charts
from bulletin.blocks.charts import ChartData
from bulletin.pdf.fonts import register_fonts
from bulletin.geometry import Box
from bulletin.pdf.surface import Surface
from bulletin.theme import load_theme
from conftest import ROOT, run_cli
from pdfread import TextRect, figure_fills, flat, labels, overlapping_labels, page_texts, structure_elements, text_rects

HEADER = "key,value,unit,as_of,source,status,note\n"
SERIES_HEADER = "series,x,value,unit,as_of,source,status,note\n"
NUMBER = re.compile(r"^[\u2212\d][\d\u202f\u00a0 ]*(,\d+)?([\u202f\u00a0 ]?(%|€|M€|Md€))?$")


def chart_edition(mini: tuple[Path, Path], chart: str, series: list[str] = (), figures: list[str] = ()) -> tuple[Path, Path]:  # type: ignore[assignment]
    """The mini edition with extra series rows and figures, and a layout holding only ``chart``."""
    edition, layout = mini
    if series:
        (edition / "series.csv").write_text(SERIES_HEADER + "".join(row + "\n" for row in series), encoding="utf-8")
    with (edition / "figures.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(row + "\n" for row in figures)
    text = layout.read_text(encoding="utf-8")
    head = text[:text.index("sections:")]
    layout.write_text(head + "sections:\n  - title: \"Graphiques\"\n    accent: coral\n    blocks:\n"
                      + "".join(f"      - {line}\n" for line in chart.strip().splitlines()), encoding="utf-8")
    return edition, layout


def spaces(text: str) -> str:
    """Text with U+202F and U+00A0 shown as the plain spaces a reader sees (pdfium reads U+00A0 so)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def build_pdf(edition: Path, layout: Path, output: Path, draft: bool = False) -> Path:
    """Build through the CLI; the build must succeed without a traceback and print no label over another."""
    result = run_cli("build", *(["--draft"] if draft else []), "--data-dir", edition, "--layout", layout,
                     "--output", output)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.code == 0, result.stderr
    assert [o for o in overlapping_labels(output) if "BROUILLON" not in o[1] + o[2]] == []
    return output


def numbers_on_page(pdf: Path) -> list[TextRect]:
    """Every text object of page 1 that reads as a number (with its unit)."""
    return [r for r in labels(text_rects(pdf)[0]) if NUMBER.match(r.text.strip())]


def split_ticks(pdf: Path) -> tuple[list[str], list[str]]:
    """(y-axis labels top to bottom, the other numbers): ticks are right-aligned in the leftmost column."""
    numbers = numbers_on_page(pdf)
    edge = min(r.right for r in numbers)
    column = [r for r in numbers if r.right < edge + 2.0]  # right-aligned; ink boxes differ by a glyph
    others = [r.text.strip() for r in numbers if r not in column]
    return [r.text.strip() for r in sorted(column, key=lambda r: -r.top)], others


def y_ticks(pdf: Path) -> list[str]:
    """The y-axis labels, top to bottom."""
    return split_ticks(pdf)[0]


def value_of(label: str) -> Decimal:
    """The number a French label shows (« −1 234,5 % » → -1234.5)."""
    digits = re.sub(r"[\u202f\u00a0 ]|%|M€|Md€|€", "", label).replace("\u2212", "-").replace(",", ".")
    return Decimal(digits)


def assert_even_ticks(ticks: list[str]) -> None:
    """Ticks are distinct, evenly spaced and printed with the same decimals."""
    assert len(ticks) >= 2, ticks
    assert len(set(ticks)) == len(ticks), ticks
    values = [value_of(t) for t in ticks][::-1]
    steps = {b - a for a, b in zip(values, values[1:])}
    assert len(steps) == 1 and steps.pop() > 0, ticks
    assert len({len(t.split(",")[1]) if "," in t else 0 for t in ticks}) == 1, ticks


def series_rows(name: str, unit: str, points: list[tuple[str, str]]) -> list[str]:
    return [f"{name},{day},{value},{unit},{day},ANCT,published," for day, value in points]


LINE = "{type: chart, id: g, kind: line, title: \"Courbe\", series: [t.s], height: 70}"
DATES = ["2021-07-01", "2021-10-01", "2022-02-01"]


def test_a_line_of_zeros_draws_with_a_zero_axis(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = chart_edition(mini, LINE, series_rows("t.s", "count", [(d, "0") for d in DATES]))
    pdf = build_pdf(edition, layout, tmp_path / "zeros.pdf")
    ticks = y_ticks(pdf)
    assert_even_ticks(ticks)
    assert ticks[-1] == "0"


@pytest.mark.parametrize(("values", "expected"), [
    (["0.1", "0.2", "0.4"], ["0,5 %", "0,4 %", "0,3 %", "0,2 %", "0,1 %", "0,0 %"]),
    (["0.5", "1.2", "1.9"], ["2,5 %", "2,0 %", "1,5 %", "1,0 %", "0,5 %", "0,0 %"]),
])
def test_y_ticks_keep_the_decimals_of_their_step(mini: tuple[Path, Path], tmp_path: Path, values: list[str],
                                                 expected: list[str]) -> None:
    points = list(zip(DATES, values, strict=True))
    edition, layout = chart_edition(mini, LINE, series_rows("t.s", "percent", points))
    ticks = y_ticks(build_pdf(edition, layout, tmp_path / "ticks.pdf"))
    assert [spaces(t) for t in ticks] == expected
    assert_even_ticks(ticks)


def test_tiny_values_get_ticks_and_labels_that_are_not_zero(mini: tuple[Path, Path], tmp_path: Path) -> None:
    points = list(zip(DATES, ["0.001", "0.002", "0.001"], strict=True))
    edition, layout = chart_edition(mini, LINE, series_rows("t.s", "percent", points))
    pdf = build_pdf(edition, layout, tmp_path / "tiny.pdf")
    ticks, labels = split_ticks(pdf)
    assert_even_ticks(ticks)
    assert labels and all(value_of(label) in (Decimal("0.001"), Decimal("0.002")) for label in labels), labels


DONUT = ("{type: chart, id: g, kind: donut, title: \"Parts\", height: 45, "
         "figures: [{figure: t.a, label: Aucun}, {figure: t.b, label: Tous}]}")


def test_a_zero_percent_donut_slice_is_listed_not_drawn(mini: tuple[Path, Path], tmp_path: Path) -> None:
    figures = ["t.a,0,percent,2022-02-01,ANCT,published,", "t.b,100,percent,2022-02-01,ANCT,published,"]
    edition, layout = chart_edition(mini, DONUT, figures=figures)
    text = spaces(flat(page_texts(build_pdf(edition, layout, tmp_path / "donut.pdf"))[0]))
    assert "Aucun 0 %" in text and "Tous 100 %" in text


BAR = ("{type: chart, id: g, kind: bar, title: \"Montants\", height: 60, "
       "figures: [{figure: t.a, label: Seul}]}")


def test_a_single_bar_draws(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = chart_edition(mini, BAR, figures=["t.a,2457000,eur,2022-02-01,ANCT,published,"])
    text = spaces(flat(page_texts(build_pdf(edition, layout, tmp_path / "bar.pdf"))[0]))
    assert "2,5 M€" in text and "Seul" in text


def draw_alone(path: Path, kind: str, data: ChartData) -> Path:
    """Draw one chart on an empty A4 page (for values the data format cannot hold, such as negatives)."""
    theme = load_theme(ROOT / "layouts" / "themes" / "pvd.yaml")
    register_fonts(theme)
    canvas = Canvas(str(path), pagesize=(theme.page.width, theme.page.height))
    charts.draw_chart(Surface(canvas, theme.page.height), Box(60, 100, 420, 220), {"kind": kind}, data, theme)
    canvas.showPage()
    canvas.save()
    return path


def signed_data(kind: str) -> ChartData:
    values = [Decimal("-5.5"), Decimal("3"), Decimal("-1.2")]
    if kind == "line":
        days = [dt.date(2021, 7, 1), dt.date(2021, 10, 1), dt.date(2022, 2, 1)]
        return ChartData((charts.Curve("Solde", tuple(zip(days, values, strict=True)), "percent"),), (), None,
                         "count", (), False)
    slices = tuple(charts.Slice(label, v, "percent") for label, v in zip(["Baisse", "Hausse", "Recul"], values))
    return ChartData((), slices, None, "count", (), False)


@pytest.mark.parametrize("kind", ["line", "bar", "hbar"])
def test_negative_values_draw_on_both_sides_of_zero(tmp_path: Path, kind: str) -> None:
    pdf = draw_alone(tmp_path / f"{kind}.pdf", kind, signed_data(kind))
    labels = {spaces(r.text.strip()): r for r in numbers_on_page(pdf)}
    assert {"−5,5 %", "3,0 %", "−1,2 %"} <= set(labels) or kind == "line", sorted(labels)
    if kind == "line":
        ticks = y_ticks(pdf)
        assert_even_ticks(ticks)
        assert any(t.startswith("\u2212") for t in ticks) and "0,0\u202f%" in ticks, ticks
        assert value_of(ticks[-1]) <= Decimal("-5.5") and value_of(ticks[0]) >= 3
    elif kind == "bar":  # the negative value is printed below the positive one
        assert labels["−5,5 %"].top < labels["3,0 %"].bottom
    else:  # the negative value is printed left of the positive one
        assert labels["−5,5 %"].right < labels["3,0 %"].left


def test_a_single_point_draws_its_marker_and_value(tmp_path: Path) -> None:
    curve = charts.Curve("Seul", ((dt.date(2022, 2, 1), Decimal("1579")),), "count")
    pdf = draw_alone(tmp_path / "one.pdf", "line", ChartData((curve,), (), None, "count", (), False))
    assert "1\u202f579" in [r.text.strip() for r in numbers_on_page(pdf)]


def amounts(values: list[int]) -> list[str]:
    return [f"t.m{index},{value},eur,2022-02-01,ANCT,published," for index, value in enumerate(values)]


def amount_chart(kind: str, count: int, accent: str = "coral") -> str:
    entries = ", ".join(f"{{figure: t.m{index}, label: Poste {chr(65 + index)}}}" for index in range(count))
    return f"{{type: chart, id: g, kind: {kind}, title: \"Montants\", height: 60, figures: [{entries}]}}"


def with_accent(layout: Path, accent: str) -> None:
    layout.write_text(layout.read_text(encoding="utf-8").replace("accent: coral", f"accent: {accent}"), encoding="utf-8")


@pytest.mark.parametrize(("accent", "expected"), [("coral", "#E85957"), ("blue", "#104590"),
                                                  ("green", "#000091"), ("orange", "#000091")])
@pytest.mark.parametrize("kind", ["bar", "hbar"])
def test_bars_of_one_series_share_one_colour_the_accent_when_dark_enough(mini: tuple[Path, Path], tmp_path: Path,
                                                                           kind: str, accent: str, expected: str) -> None:
    edition, layout = chart_edition(mini, amount_chart(kind, 4), figures=amounts([18_200_000, 8_900_000, 2_457_000, 1_600_000]))
    with_accent(layout, accent)
    fills = figure_fills(build_pdf(edition, layout, tmp_path / "bars.pdf"))
    bars = [color for shape, color in fills if shape == "rect"]
    assert len(bars) == 4 and set(bars) == {expected}, fills


def test_a_donut_keeps_one_colour_per_slice(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = chart_edition(mini, amount_chart("donut", 3), figures=amounts([18_200_000, 8_900_000, 2_457_000]))
    fills = figure_fills(build_pdf(edition, layout, tmp_path / "donut.pdf"))
    slices = [color for shape, color in fills if shape == "path"]
    keys = [color for shape, color in fills if shape == "rect"]
    assert len(set(slices)) == 3 and keys == slices, fills


@pytest.mark.parametrize(("kind", "values", "printed", "absent"), [
    ("bar", [18_200_000, 8_900_000, 2_457_000], ["18,2 M€", "8,9 M€", "2,5 M€"], ["2,457"]),
    ("hbar", [6_246_000_000, 212_000_000], ["6 246 M€", "212 M€"], ["Md€"]),  # not « 6,2 Md€ » beside « 212 M€ »
    ("bar", [1_046_000_000, 907_000_000, 212_000_000], ["1 046 M€", "907 M€", "212 M€"], ["Md€"]),
    ("donut", [18_200_000, 2_457_000], ["Poste A 18,2 M€", "Poste B 2,5 M€"], ["18 200 000"]),
])
def test_one_number_format_per_chart(mini: tuple[Path, Path], tmp_path: Path, kind: str, values: list[int],
                                     printed: list[str], absent: list[str]) -> None:
    edition, layout = chart_edition(mini, amount_chart(kind, len(values)), figures=amounts(values))
    pdf = build_pdf(edition, layout, tmp_path / "format.pdf")
    text = spaces(flat(page_texts(pdf)[0]))
    for label in printed:
        assert label in text
    for label in absent:
        assert label not in text
    with pikepdf.open(pdf) as document:  # the text alternative says the same numbers
        alt = spaces(next(str(e.Alt) for e in structure_elements(document) if e.S == "/Figure"))
    assert all(label.split(" ", 2)[-1] in alt for label in printed), alt


def test_donut_percentages_share_their_decimals(mini: tuple[Path, Path], tmp_path: Path) -> None:
    figures = ["t.a,70,percent,2022-02-01,ANCT,published,", "t.b,29.5,percent,2022-02-01,ANCT,published,"]
    edition, layout = chart_edition(mini, DONUT, figures=figures)
    text = spaces(flat(page_texts(build_pdf(edition, layout, tmp_path / "donut.pdf"))[0]))
    assert "Aucun 70,0 %" in text and "Tous 29,5 %" in text


def reading(pdf: Path, page: int = 0) -> str:
    """A page's text with every run of spaces, no-break spaces and line breaks read as one space."""
    return " ".join(page_texts(pdf)[page].split())


def test_a_chart_names_every_source_it_draws(mini: tuple[Path, Path], tmp_path: Path) -> None:
    edition, layout = mini  # ch1 draws c.evol: four points from three sources, and the target c.cible
    text = reading(build_pdf(edition, layout, tmp_path / "mini.pdf", draft=True))
    # the chart names every source and date it draws that differs from its page's, grouped by source;
    # the page's own (the last point's) is stated once, by the page's sources line
    assert "(APVF, 8 juillet 2021 ; Banque des territoires, 25 octobre 2021 ; ANCT, 1er décembre 2021)" in text
    assert "Source : ANCT, données au 1er février 2022 sauf mention contraire." in text
    assert "cible : 1 600" in text  # the target line, drawn from its figure, and labelled in the chart's format


def test_sources_sharing_a_date_name_it_once(mini: tuple[Path, Path], tmp_path: Path) -> None:
    figures = [f"t.m{index},{value},eur,2022-01-01,{source},published,"
               for index, (value, source) in enumerate([(18_200_000, "Banque des Territoires"), (8_900_000, "ANCT"),
                                                        (2_457_000, "Cerema")])]
    edition, layout = chart_edition(mini, amount_chart("bar", 3), figures=figures)
    text = reading(build_pdf(edition, layout, tmp_path / "bar.pdf"))
    # the page states the first source and the shared date once; the others are named together, without it
    assert "Source : Banque des Territoires, données au 1er janvier 2022 sauf mention contraire." in text
    assert "(ANCT, Cerema)" in text and text.count("janvier 2022") == 1


IRREGULAR = [("2021-07-01", "850"), ("2021-10-01", "1300"), ("2022-02-01", "1579")]


def centre(rect: TextRect) -> float:
    return (rect.left + rect.right) / 2


def test_a_line_sits_on_a_calendar_axis_with_every_real_point_marked_and_labelled(mini: tuple[Path, Path],
                                                                                  tmp_path: Path) -> None:
    edition, layout = chart_edition(mini, LINE, series_rows("t.s", "count", IRREGULAR))
    pdf = build_pdf(edition, layout, tmp_path / "line.pdf")
    rects = {spaces(r.text.strip()): r for r in labels(text_rects(pdf)[0])}
    months = ["juil. 2021", "août", "sept.", "oct.", "nov.", "déc.", "janv. 2022", "févr."]
    assert all(month in rects for month in months), sorted(rects)  # the calendar, not one tick per point
    august, october, january = (centre(rects[m]) for m in ("août", "oct.", "janv. 2022"))
    assert abs((october - august) / (january - october) - 61 / 92) < 0.02  # spaced by days, not evenly
    ticks, values = split_ticks(pdf)
    assert sorted(spaces(v) for v in values) == ["1 300", "1 579", "850"]  # every real point, once
    assert [shape for shape, _ in figure_fills(pdf)].count("path") == 3  # one marker per real point


def test_crowded_dates_get_coarser_calendar_ticks(mini: tuple[Path, Path], tmp_path: Path) -> None:
    points = [(f"{year}-{month:02d}-01", str(100 + 7 * index))
              for index, (year, month) in enumerate((y, m) for y in range(2012, 2022) for m in (1, 4, 7, 10))]
    chart = "{type: row, id: r, columns: [[" + LINE + "], [{type: spacer, id: s, height: 1}]]}"
    edition, layout = chart_edition(mini, chart, series_rows("t.s", "count", points))
    pdf = build_pdf(edition, layout, tmp_path / "years.pdf")
    texts = [spaces(r.text.strip()) for r in labels(text_rects(pdf)[0])]
    years = [t for t in texts if re.fullmatch(r"20\d\d", t)]
    assert len(years) >= 3 and len(years) < len(points), texts  # yearly (or multi-year) ticks
    assert all(int(b) - int(a) == int(years[1]) - int(years[0]) for a, b in zip(years, years[1:])), years


@pytest.mark.parametrize("count", [1, 2])
def test_a_line_of_too_few_real_points_is_refused_with_a_hint(mini: tuple[Path, Path], tmp_path: Path,
                                                             count: int) -> None:
    edition, layout = chart_edition(mini, LINE, series_rows("t.s", "count", IRREGULAR[:count]))
    for command, extra in (("check", []), ("build", ["--output", tmp_path / "few.pdf"])):
        result = run_cli(command, "--data-dir", edition, "--layout", layout, *extra)
        assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
        assert re.search(rf"Error: {re.escape(str(layout))}:\d+: bloc « g » : la courbe « t.s » n’a que {count} point",
                         result.stderr), result.stderr
        assert "hint: trop peu de points réels : utilisez un chiffre clé ou retirez le graphique" in result.stderr
    assert not (tmp_path / "few.pdf").exists()


def test_a_chart_mixing_units_is_refused(mini: tuple[Path, Path], tmp_path: Path) -> None:
    figures = ["t.a,40,percent,2022-02-01,ANCT,published,", "t.b,60,count,2022-02-01,ANCT,published,"]
    chart = DONUT.replace("kind: donut", "kind: bar")
    edition, layout = chart_edition(mini, chart, figures=figures)
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1 and "le graphique mélange des unités (percent, count)" in result.stderr, result.stderr


def in_half_column(chart: str) -> str:
    return "{type: row, id: r, columns: [[" + chart + "], [{type: spacer, id: s, height: 1}]]}"


def test_crowded_bar_values_shrink_to_fit_without_overlap(mini: tuple[Path, Path], tmp_path: Path) -> None:
    values = [912_345 + 1_111 * i for i in range(8)]  # bars of one height: their values side by side
    chart = amount_chart("bar", len(values)).replace("height: 60,", "height: 60, panel: false,")  # the plain chart
    edition, layout = chart_edition(mini, in_half_column(chart), figures=amounts(values))
    pdf = build_pdf(edition, layout, tmp_path / "bars.pdf")  # asserts that no two labels overlap
    texts = spaces(reading(pdf))
    assert all(f"{v // 1000} {v % 1000:03d} €" in texts for v in values)


def test_bar_values_that_cannot_fit_are_a_fit_error(mini: tuple[Path, Path], tmp_path: Path) -> None:
    values = [912_345 - 1_000 * i for i in range(12)]
    edition, layout = chart_edition(mini, in_half_column(amount_chart("bar", len(values))), figures=amounts(values))
    for command, extra in (("check", []), ("build", ["--output", tmp_path / "bars.pdf"])):
        result = run_cli(command, "--data-dir", edition, "--layout", layout, *extra)
        assert result.code == 1 and "Traceback" not in result.stderr
        assert re.search(r"bloc « g » \(chart\) : débordement de [\d,]+ mm : les étiquettes des barres "
                         r"\(essayez kind: hbar\)", result.stderr), result.stderr
    assert not (tmp_path / "bars.pdf").exists()


def test_hbar_labels_taller_than_their_rows_are_a_fit_error(mini: tuple[Path, Path]) -> None:
    entries = ", ".join(f"{{figure: t.m{i}, label: Une étiquette de catégorie assez longue pour deux lignes}}"
                        for i in range(8))
    chart = f"{{type: chart, id: g, kind: hbar, title: \"Montants\", height: 40, figures: [{entries}]}}"
    edition, layout = chart_edition(mini, in_half_column(chart), figures=amounts([10 * (i + 1) for i in range(8)]))
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1 and "les étiquettes des barres (augmentez height)" in result.stderr, result.stderr
