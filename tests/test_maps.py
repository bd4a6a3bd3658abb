"""The choropleth map: outlines validated, classes chosen from the data, drawn as vectors in a real PDF.

The map block is drawn through bulletin.pdf.surface.Surface onto a ReportLab canvas, tagged like a
build, then read back with pikepdf and pypdfium2: paths, no image, French legend and credit,
the Figure's /Alt listing the classes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from bulletin.blocks.base import Context
from bulletin.data.edition import load_edition
from bulletin.errors import DataError, Where
from bulletin.pdf.fonts import register_fonts
from bulletin.geometry import Box
from bulletin.layout_spec import BlockSpec
from bulletin.maps.block import MAP_OPTIONS, MapBlock
from bulletin.maps.classes import classify, natural_breaks, nice, quantile_breaks, ramp
from bulletin.maps.data import MapData, communes_per_territory
from bulletin.maps.outlines import load_outlines
from bulletin.maps.projection import fit_shapes, lambert
from bulletin.register import read_register
from bulletin.pdf.structure import StructureRecorder
from bulletin.pdf.surface import Surface
from bulletin.pdf.tagging import tag_pdf
from bulletin.templates import parse_template
from bulletin.theme import MM, load_theme
from pdfread import flat, page_texts, structure_elements
from test_register_input import TERRITOIRES, needs_territoires, write_register

ROOT = Path(__file__).resolve().parent.parent
CREDIT = "Contours : ANCT, 2023 — Licence Ouverte 2.0"
SQUARE = [[0, 45], [1, 45], [1, 46], [0, 46], [0, 45]]


def feature(code: str, coordinates: object = None, kind: str = "Polygon", **properties: object) -> dict:
    return {"type": "Feature", "properties": {"insee_dep": code, "lib_dep": f"Dép. {code}", **properties},
            "geometry": {"type": kind, "coordinates": coordinates if coordinates is not None else [SQUARE]}}


def write_geojson(path: Path, features: list[dict] | None = None, data: object = None) -> Path:
    shifted = [[[x + 2, y] for x, y in SQUARE]]
    path.write_text(json.dumps(data if data is not None else {
        "type": "FeatureCollection", "features": features if features is not None else
        [feature("58"), feature("21", shifted), feature("89", [[[[x + 1, y + 1] for x, y in SQUARE]]], "MultiPolygon")]}),
        encoding="utf-8")
    return path


def test_outlines_are_read_with_codes_names_and_rings(tmp_path: Path) -> None:
    outlines = load_outlines(write_geojson(tmp_path / "d.geojson"), "dep")
    assert [o.code for o in outlines.features] == ["58", "21", "89"]
    assert outlines.names()["89"] == "Dép. 89" and outlines.credit == CREDIT
    assert len(outlines.features[2].polygons) == 1 and len(outlines.features[2].polygons[0][0]) == 5


@pytest.mark.parametrize(("content", "expected"), [
    ('{"type": "FeatureCollection",\n "features": [,]}', "d.geojson:2: JSON invalide : Expecting value"),
    ({"type": "Feature", "features": []}, "d.geojson: ce n’est pas une FeatureCollection GeoJSON"),
    ({"type": "FeatureCollection", "features": []}, "d.geojson: 0 entités : il en faut de 1 à 2000"),
    ([feature("58", [5, 45], "Point")], "d.geojson: entité n° 1 (code 58) : géométrie Point ; attendu Polygon ou MultiPolygon"),
    ([{"type": "Feature", "properties": {"code": "58"}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}],
     "d.geojson: entité n° 1 : propriété « insee_dep » absente ou vide"),
    ([feature("58"), feature("58")], "d.geojson: code 58 en double"),
    ([feature("58", [[[0, 45], [200, 45], [1, 46], [0, 45]]])], "d.geojson: entité n° 1 (code 58) : coordonnées invalides"),
    ([feature("58", [[[0, 45], [1, 46], [0, 45]]])], "d.geojson: entité n° 1 (code 58) : coordonnées invalides"),
    ([feature("58", [[[0, 45], ["1", 45], [1, 46], [0, 45]]])], "d.geojson: entité n° 1 (code 58) : coordonnées invalides"),
])
def test_hostile_outlines_are_located_french_errors(tmp_path: Path, content: object, expected: str) -> None:
    path = tmp_path / "d.geojson"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, list):
        write_geojson(path, content)
    else:
        write_geojson(path, data=content)
    with pytest.raises(DataError) as caught:
        load_outlines(path, "dep")
    assert any(str(p).startswith(str(tmp_path / expected)) for p in caught.value.problems), caught.value.problems


def test_an_oversized_outline_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bulletin.maps.outlines.MAX_BYTES", 100)
    with pytest.raises(DataError, match="fichier de contours trop gros"):
        load_outlines(write_geojson(tmp_path / "d.geojson"), "dep")


def test_a_missing_outline_file_says_where_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_outlines(tmp_path / "absent.geojson", "dep")
    assert caught.value.problems[0].hint == "corrigez le chemin des contours dans la configuration"


def test_projection_is_centred_on_france_and_fits_the_box(tmp_path: Path) -> None:
    assert lambert(3.0, 46.5) == pytest.approx((0.0, 0.0), abs=1e-12)
    west, east = lambert(-4.0, 48.0), lambert(7.0, 48.0)
    assert west[0] < 0 < east[0] and west[1] == pytest.approx(lambert(-4.0, 48.0)[1])
    box = Box(20, 30, 100, 60)
    shapes = fit_shapes(load_outlines(write_geojson(tmp_path / "d.geojson"), "dep"), box)
    points = [p for s in shapes for ring in s.rings for p in ring]
    assert all(box.x - 0.01 <= x <= box.x + box.width + 0.01 and box.y - 0.01 <= y <= box.bottom + 0.01 for x, y in points)
    assert max(y for _, y in points) == pytest.approx(box.bottom, abs=0.01)  # the height limits the fit


@pytest.mark.parametrize(("value", "integer", "expected"), [
    ("13", True, "15"), ("27", True, "25"), ("0.37", False, "0.4"), ("7.2", False, "7"), ("1.4", True, "1"), ("140", True, "150"),
])
def test_class_bounds_are_round_numbers(value: str, integer: bool, expected: str) -> None:
    assert nice(Decimal(value), integer) == Decimal(expected)


def test_natural_breaks_find_the_gaps_and_quantiles_split_evenly() -> None:
    data = [Decimal(v) for v in (1, 2, 3, 10, 11, 12, 30, 31, 33)]
    assert natural_breaks(data, 3) == [Decimal(10), Decimal(30)]
    assert quantile_breaks(data, 3) == [Decimal(10), Decimal(30)]
    assert quantile_breaks([Decimal(v) for v in range(1, 101)], 4) == [Decimal(26), Decimal(51), Decimal(76)]


def test_count_classes_have_zero_apart_french_labels_and_no_data_last() -> None:
    values: dict[str, Decimal | None] = {f"{i:02d}": Decimal(v) for i, v in enumerate(
        [0, 0, 3, 4, 5, 11, 12, 13, 14, 27, 29, 31, 45, 1200], start=1)}
    values["99"] = None
    classification = classify(values, "count", 5, "natural", "#104590", "#C8C8C8")
    labels = [c.label for c in classification.classes]
    assert labels[0] == "0" and labels[-1] == "pas de donnée" and labels[-2].endswith("1\u202f200")
    assert sorted(code for c in classification.classes for code in c.codes) == sorted(values)
    assert classification.class_of("99").codes == ("99",)  # type: ignore[union-attr]
    assert classification.color_of()["99"] == "#C8C8C8"
    colours = [c.color for c in classification.classes[:-1]]
    assert colours[-1] == "#104590" and len(set(colours)) == len(colours)
    lightness = [sum(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in colours]
    assert lightness == sorted(lightness, reverse=True)  # pale to dark


def test_percent_classes_read_moins_de_and_et_plus() -> None:
    values: dict[str, Decimal | None] = {str(i): Decimal(v) for i, v in enumerate(
        [2.5, 3, 4, 21, 22, 23, 24, 61, 62, 64.5])}
    labels = [c.label for c in classify(values, "percent", 3, "natural", "#104590", "#C8C8C8").classes]
    assert labels == ["moins de 20\u202f%", "20 à moins de 60\u202f%", "60\u202f% et plus"]


def test_ramp_goes_from_a_pale_tint_to_the_accent() -> None:
    assert ramp("#104590", 3) == ["#D4DEEB", "#7291BE", "#104590"]


# ------------------------------------------------------------------------------------------------
# The block, drawn into a real PDF

def spec(**options: object) -> BlockSpec:
    values = {name: option.default for name, option in MAP_OPTIONS.items()}
    values.update(options)
    return BlockSpec("map", "carte", MappingProxyType(values), Where(ROOT / "layouts" / "test.yaml", 3))


@pytest.fixture(scope="module")
def ctx() -> Context:
    theme = load_theme(ROOT / "layouts" / "themes" / "pvd.yaml")
    register_fonts(theme)
    return Context(load_edition(ROOT / "data" / "editions" / "2022-02"), theme, "blue", ROOT / "layouts")


def draw_pdf(path: Path, block: MapBlock, width: float = 180 * MM) -> Path:
    """Draw ``block`` on an A4 page through Surface, tag the PDF as a build does."""
    canvas = Canvas(str(path), pagesize=(210 * MM, 297 * MM), invariant=1, pageCompression=1)
    structure = StructureRecorder()
    structure.new_page()
    structure.enter_section("Carte")
    measure = block.measure(width)
    assert measure.overflows == ()
    block.draw(Surface(canvas, 297 * MM, structure), Box(15 * MM, 20 * MM, width, measure.height))
    canvas.showPage()
    canvas.save()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        tag_pdf(pdf, structure)
        pdf.save(path)
    return path


def operators(path: Path) -> list[tuple[list, str]]:
    with pikepdf.open(path) as pdf:
        return [(list(operands), str(op)) for operands, op in pikepdf.parse_content_stream(pdf.pages[0])]


def figure_alts(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(e.Alt) for e in structure_elements(pdf) if str(e.S) == "/Figure"]


def small_data(values: dict[str, Decimal | None], note: str = "") -> MapData:
    import datetime as dt

    return MapData("dep", MappingProxyType(values), "count", "Nombre de communes PVD",
                   (("ANCT", dt.date(2022, 2, 1)),), "published", note)


def test_a_small_map_is_vector_paths_with_french_legend_credit_and_alt(tmp_path: Path, ctx: Context) -> None:
    outlines = load_outlines(write_geojson(tmp_path / "d.geojson"), "dep")
    block = MapBlock(spec(outlines="departements", height=90, title=parse_template("Communes par département")), ctx,
                     small_data({"58": Decimal(12), "21": Decimal(3)}), outlines)
    pdf = draw_pdf(tmp_path / "map.pdf", block)
    ops = [op for _, op in operators(pdf)]
    assert ops.count("m") == 3 and ops.count("re") == 3 and "Do" not in ops  # a path per territory, 3 swatches, no image
    assert ops.count("B*") == 6
    text = flat(page_texts(pdf)[0]).replace("\u00a0", " ")
    for shown in ("Communes par département", "Nombre de communes PVD", "3", "12", "pas de donnée",
                  "Source : ANCT, 1er février 2022", CREDIT):
        assert shown in text, shown
    assert figure_alts(pdf) == [
        "Carte — Communes par département : 3 départements en 2 classes. 3 : 1 département (Dép. 21) ; "
        "12 : 1 département (Dép. 58) ; pas de donnée : 1 département (Dép. 89)."]


def test_the_territory_of_the_edition_is_outlined_thicker_and_named(tmp_path: Path, ctx: Context) -> None:
    outlines = load_outlines(write_geojson(tmp_path / "d.geojson"), "dep")
    data = small_data({"58": Decimal(12), "21": Decimal(3), "89": Decimal(7)}, "données fictives")
    national = draw_pdf(tmp_path / "fr.pdf", MapBlock(spec(outlines="departements", height=90), ctx, data, outlines))
    own = draw_pdf(tmp_path / "58.pdf", MapBlock(spec(outlines="departements", height=90), ctx, data, outlines, "58"))
    widths = [float(operands[0]) for operands, op in operators(own) if op == "w"]
    assert 1.6 in widths and 1.6 not in [float(o[0]) for o, op in operators(national) if op == "w"]
    stroked = [op for _, op in operators(own)].count("S")
    assert stroked >= 1  # the outline alone, over the fills
    assert "Dép. 58" in flat(page_texts(own)[0]) and "Dép. 58" not in flat(page_texts(national)[0])
    alt = figure_alts(own)[0]
    assert alt.endswith("En évidence : Dép. 58, 12 (classe « 12 »). Données fictives.")
    assert "données fictives" in flat(page_texts(own)[0])


def test_a_map_too_short_for_its_legend_is_an_overflow(tmp_path: Path, ctx: Context) -> None:
    outlines = load_outlines(write_geojson(tmp_path / "d.geojson"), "dep")
    block = MapBlock(spec(outlines="departements", height=30), ctx, small_data({"58": Decimal(1)}), outlines)
    what = [o.what for o in block.measure(180 * MM).overflows]
    assert "la carte (moins de 40 mm de haut : augmentez height)" in what


@needs_territoires
def test_the_national_map_of_pvd_communes_per_departement(tmp_path: Path, ctx: Context) -> None:
    register, problems = read_register(write_register(tmp_path / "registre", [], declaration=(
        f"register:\n  file: {TERRITOIRES / 'pvd-communes-2021.csv'}\n  source: ANCT\n  as_of: 2021-01-22\n"
        "  status: published\n  credit: \"Liste des communes : ANCT, janvier 2021\"\n"
        "  columns: {insee: insee_com, name: lib_com, departement: insee_dep, region: lib_reg, population: pop}\n")))
    assert register is not None and {p.where.line for p in problems} == {1516}  # the placeholder row only
    data = communes_per_territory(register)
    assert sum(data.values.values()) == 1606 and data.values["75"] == 0 and data.values["58"] == 19  # type: ignore[arg-type]
    outlines = load_outlines(TERRITOIRES / "departements-fr-drom.geojson", "dep")
    title = parse_template("Communes PVD par département")
    pdf = draw_pdf(tmp_path / "france.pdf", MapBlock(spec(outlines="departements", height=150, title=title), ctx,
                                                    data, outlines))
    ops = [op for _, op in operators(pdf)]
    assert ops.count("m") >= 101 and "Do" not in ops
    text = flat(page_texts(pdf)[0])
    assert "Liste des communes : ANCT, janvier 2021" in text and CREDIT in text and "fictives" not in text
    alt = figure_alts(pdf)[0]
    assert alt.startswith("Carte — Communes PVD par département : 101 départements en ")
    assert "0 : 4 départements (Hauts-de-Seine, Paris, Seine-Saint-Denis, Val-de-Marne)" in alt
    assert "Nièvre" in alt and "pas de donnée" not in alt
    assert pdf.stat().st_size < 120_000  # simplified outlines keep the page small
    from pdfua.validator import validate

    # Language, title display and XMP are set by the build's post-processing, not by a block.
    document_level = {"UA-06-001", "UA-07-002", "UA-28-004"}
    findings = [f"{f.rule_id}: {f.message}" for o in validate(str(pdf)).outcomes for f in o.findings
                if f.rule_id not in document_level]
    assert findings == []
