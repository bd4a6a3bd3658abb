"""Editions accumulate: deltas since the previous edition, curves across editions, and diff."""

from __future__ import annotations

import re

import csv
import io
import json
import shutil
from pathlib import Path


from conftest import MINI, layout_copy, replace_in_file, run_cli
from delivery import mini_editions
from pdfread import document_text, flat, page_texts

def figure_values(month_folder: Path) -> dict[str, str]:
    with (month_folder / "figures.csv").open(encoding="utf-8") as handle:
        return {row["key"]: row["value"] for row in csv.DictReader(handle)}


def diff_rows(editions: Path, *extra: str) -> list[dict[str, str]]:
    result = run_cli("diff", "--from", "2022-01", "--to", "2022-02", "--format", "csv", "--editions-dir", editions,
                     *extra)
    assert result.code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_diff_lists_every_changed_added_and_removed_figure(editions: Path) -> None:
    old, new = figure_values(editions / "2022-01"), figure_values(editions / "2022-02")
    rows = [r for r in diff_rows(editions) if r["kind"] == "figure"]
    values = {r["key"]: r for r in rows if r["field"] == "value"}
    changed = {k for k in old.keys() & new.keys() if old[k] != new[k]}
    assert {k for k, r in values.items() if r["status"] == "changed"} == changed
    assert {k for k, r in values.items() if r["status"] == "added"} == new.keys() - old.keys()
    assert {k for k, r in values.items() if r["status"] == "removed"} == old.keys() - new.keys()
    signataires = values["conventions.communes_signataires"]
    assert (signataires["old"], signataires["new"], signataires["change"]) == ("1532", "1579", "47")
    dates = {r["key"]: r for r in rows if r["field"] == "as_of"}
    assert (dates["conventions.communes_signataires"]["old"], dates["conventions.communes_signataires"]["new"]) == (
        "2022-01-01", "2022-02-01")


def test_diff_lists_status_source_and_series_points(editions: Path) -> None:
    replace_in_file(editions / "2022-02" / "figures.csv", "ort.communes_engagees,127,count,2022-02-01,ANCT,published",
                    "ort.communes_engagees,127,count,2022-02-01,ANCT et Cerema,provisional")
    rows = diff_rows(editions)
    ort = {r["field"]: r for r in rows if r["key"] == "ort.communes_engagees"}
    assert (ort["status"]["old"], ort["status"]["new"]) == ("published", "provisional")
    assert (ort["source"]["old"], ort["source"]["new"]) == ("ANCT", "ANCT et Cerema")
    january = {(p["series"], p["x"]) for p in csv.DictReader(io.StringIO(
        (editions / "2022-01" / "series.csv").read_text(encoding="utf-8")))}
    february = {(p["series"], p["x"]) for p in csv.DictReader(io.StringIO(
        (editions / "2022-02" / "series.csv").read_text(encoding="utf-8")))}
    points = {(r["key"], r["x"]): r["status"] for r in rows if r["kind"] == "series" and r["field"] == "value"}
    whole = {r["key"]: r["status"] for r in rows if r["kind"] == "series" and r["field"] == "points"}
    kept = {name for name, _ in january} & {name for name, _ in february}
    assert {k for k, s in points.items() if s == "added"} == {p for p in february - january if p[0] in kept}
    assert {k for k, s in points.items() if s == "removed"} == {p for p in january - february if p[0] in kept}
    # a series February no longer draws (its points were illustrative) is one row, not one per point
    assert whole == {name: "removed" for name in {n for n, _ in january} - {n for n, _ in february}}
    assert whole  # the OPAH and chefs de projet curves are gone
    assert ("conventions.communes_signataires", "2022-02-01") in february - january


def test_diff_json_numbers_and_readable_table_in_points(editions: Path) -> None:
    as_json = run_cli("diff", "--from", "2022-01", "--to", "2022-02", "--format", "json", "--editions-dir", editions)
    records = json.loads(as_json.stdout)
    assert {"kind": "figure", "key": "ort.part_communes", "x": None, "field": "value", "status": "changed",
            "unit": "percent", "old": 12.9, "new": 7.7, "change": -5.2, "change_unit": "pt"} in records
    money = next(r for r in records if r["key"] == "chefs_projet.financement_anct_bdt" and r["field"] == "value")
    assert (money["old"], money["new"], money["change"], money["change_unit"]) == (10123456.78, 11246951.27,
                                                                                   1123494.49, "eur")
    table = run_cli("diff", "--from", "2022-01", "--to", "2022-02", "--editions-dir", editions)
    assert table.code == 0
    lines = table.stdout.splitlines()
    money_line = next(l for l in lines if l.startswith("chefs_projet.financement_anct_bdt ") and "valeur" in l)
    assert "10 123 456,78 €" in money_line and "11 246 951,27 €" in money_line and "+1 123 494,49 €" in money_line
    share = next(l for l in lines if l.startswith("ort.part_communes ") and "valeur" in l)
    assert share.split()[-6:] == ["12,9", "%", "7,7", "%", "\u22125,2", "pt"]
    assert "Chiffres :" in lines[-1] and "modifié(s)" in lines[-1]


def test_diff_defaults_to_the_latest_edition_against_the_one_before(editions: Path) -> None:
    explicit = run_cli("diff", "--from", "2022-01", "--to", "2022-02", "--editions-dir", editions)
    assert run_cli("diff", "--editions-dir", editions).stdout == explicit.stdout
    assert run_cli("diff", "--to", "2022-02", "--editions-dir", editions).stdout == explicit.stdout
    alone = run_cli("diff", "--to", "2022-01", "--editions-dir", editions)
    assert alone.code == 1 and "aucune édition avant 2022-01 dans ce dossier" in alone.stderr


def test_diff_csv_never_writes_a_formula(editions: Path) -> None:
    replace_in_file(editions / "2022-02" / "figures.csv", "ort.communes_engagees,127,count,2022-02-01,ANCT,",
                    'ort.communes_engagees,127,count,2022-02-01,"=HYPERLINK(""http://exemple.invalid"",""clic"")",')
    replace_in_file(editions / "2022-02" / "figures.csv", "programme.site_url,https://petitesvillesdedemain.anct.gouv.fr/,"
                    "url,2022-02-01,ANCT,", "programme.site_url,https://petitesvillesdedemain.anct.gouv.fr/,url,"
                    "2022-02-01,@SOMME(A1:A9),")
    result = run_cli("diff", "--from", "2022-01", "--to", "2022-02", "--format", "csv", "--editions-dir", editions)
    assert result.code == 0, result.stderr
    cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
    assert "'=HYPERLINK(\"http://exemple.invalid\",\"clic\")" in cells and "'@SOMME(A1:A9)" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r")) or
                (c.startswith("-") and not c[1:].replace(".", "", 1).isdigit())]
    assert "-5.2" in cells  # a negative number stays a number


def test_diff_warns_when_a_series_disagrees_with_its_figure_or_stops_early(editions: Path) -> None:
    series = editions / "2022-02" / "series.csv"
    replace_in_file(series, "conventions.communes_signataires,2022-02-01,1579,", "conventions.communes_signataires,"
                    "2022-02-01,1575,")
    with series.open("a", encoding="utf-8") as handle:  # a series that follows a figure but stops in January
        handle.write("chefs_projet.en_poste,2021-12-01,980,count,2021-12-01,ANCT,published,\n"
                     "chefs_projet.en_poste,2022-01-01,1031,count,2022-01-01,ANCT,published,\n")
    result = run_cli("diff", "--editions-dir", editions)
    assert result.code == 0
    warnings = [l for l in result.stderr.splitlines() if l.startswith("Warning: ")]
    assert any("series.csv:" in w and "dernier point de la série « conventions.communes_signataires » (1575 count) "
               "diffère du chiffre du même nom (1579 count" in w for w in warnings), warnings
    assert any("la série « chefs_projet.en_poste » s’arrête en janvier" in w for w in warnings), warnings
    checked = run_cli("check", "--data-dir", editions / "2022-02")
    assert checked.code == 0 and "conventions.communes_signataires" in checked.stderr  # check agrees


def test_diff_of_unknown_edition_is_a_clear_error(editions: Path) -> None:
    result = run_cli("diff", "--from", "2021-12", "--to", "2022-02", "--editions-dir", editions)
    assert result.code == 1 and "aucune édition 2021-12 dans" in result.stderr \
        and "hint: éditions disponibles : 2022-01, 2022-02" in result.stderr
    backwards = run_cli("diff", "--from", "2022-02", "--to", "2022-01", "--editions-dir", editions)
    assert backwards.code == 1 and "Error: --from: --from 2022-02 doit précéder --to 2022-01" in backwards.stderr


def test_a_unit_that_changed_is_reported_and_crashes_nothing(tmp_path: Path) -> None:
    editions = mini_editions(tmp_path / "editions")
    result = run_cli("diff", "--editions-dir", editions, "--format", "json")
    assert result.code == 0, result.stderr
    records = [r for r in json.loads(result.stdout) if r["key"] == "c.signataires"]
    assert {"field": "unit", "old": "text", "new": "count"}.items() <= next(
        r for r in records if r["field"] == "unit").items()
    value = next(r for r in records if r["field"] == "value")
    assert (value["old"], value["new"], value["change"]) == ("environ 1 500", 1579, None)
    table = run_cli("diff", "--editions-dir", editions)
    assert "unité changée" in table.stdout and "+3 pt" in table.stdout
    layout = layout_copy(tmp_path, (MINI / "layout.yaml").read_text(encoding="utf-8"))
    replace_in_file(layout, "figure: c.signataires,", "figure: c.signataires, delta: true,")
    output = tmp_path / "unite.pdf"
    built = run_cli("build", "--data-dir", editions / "2022-02", "--layout", layout, "--output", output)
    assert built.code == 0, built.stderr
    assert "depuis" not in flat(" ".join(page_texts(output)))  # no change computed from a text
    # a curve across the editions leaves January out (another unit): one real point is too few to draw
    replace_in_file(layout, "series: [c.evol]", "history: [c.signataires]")
    curve = run_cli("build", "--data-dir", editions / "2022-02", "--layout", layout, "--output", tmp_path / "c.pdf")
    assert curve.code == 1 and "Traceback" not in curve.stderr
    assert "Error:" in curve.stderr and "bloc « ch1 » : la courbe « c.signataires »" in curve.stderr


def test_pdf_shows_deltas_in_french_typography(editions: Path, tmp_path: Path) -> None:
    layout = layout_copy(tmp_path)
    for block_id in ("conventions-communes", "ort-communes", "ort-projets", "financements-anct-bdt"):
        indent = re.search(rf"^( *)(?:- )*id: {block_id}$", layout.read_text(encoding="utf-8"), re.M)
        assert indent, block_id
        width = len(indent.group(0)) - len(f"id: {block_id}")
        replace_in_file(layout, f"id: {block_id}\n", f"id: {block_id}\n{' ' * width}delta: true\n")
    replace_in_file(layout, "figure: ort.communes_projets", "figure: ort.part_communes")  # a share that fell
    output = tmp_path / "deltas.pdf"
    result = run_cli("build", "--data-dir", editions / "2022-02", "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr
    text = document_text(output)
    assert "+47 depuis janvier 2022" in text
    assert "\u221285 depuis janvier 2022" in text
    assert "\u22125,2\u202fpt depuis janvier 2022" in text
    assert "+1\u202f123\u202f494,49 € depuis janvier 2022" in text


def add_december(editions: Path) -> None:
    """A FICTITIOUS December 2021 edition: January's figures, one month earlier, 20 fewer conventions."""
    december = editions / "2021-12"
    shutil.copytree(editions / "2022-01", december)
    replace_in_file(december / "edition.yaml", 'edition: "2022-01"\npublished: 2022-01-15', 'edition: "2021-12"\npublished: 2021-12-15')
    figures = (december / "figures.csv").read_text(encoding="utf-8").replace(",2022-01-01,", ",2021-12-01,")
    (december / "figures.csv").write_text(figures.replace("conventions.conventions_signees,891,", "conventions.conventions_signees,871,"),
                                          encoding="utf-8")


def test_line_chart_of_two_editions_is_refused_with_a_hint(editions: Path, tmp_path: Path) -> None:
    layout = layout_copy(tmp_path)
    replace_in_file(layout, "        series: [conventions.communes_signataires]\n",
                    "        history: [conventions.conventions_signees]\n")
    for extra in ([], ["--output", tmp_path / "x.pdf"]):
        command = "build" if extra else "check"
        result = run_cli(command, "--data-dir", editions / "2022-02", "--layout", layout, *extra)
        assert result.code == 1 and "Traceback" not in result.stderr
        assert "n’a que 2 points réels" in result.stderr, result.stderr
        assert "hint: trop peu de points réels : utilisez un chiffre clé ou retirez le graphique" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_line_chart_fed_from_earlier_editions(editions: Path, tmp_path: Path) -> None:
    add_december(editions)
    layout = layout_copy(tmp_path)
    replace_in_file(layout, "        series: [conventions.communes_signataires]\n",
                    "        history: [conventions.conventions_signees]\n")
    output = tmp_path / "history.pdf"
    result = run_cli("build", "--data-dir", editions / "2022-02", "--layout", layout, "--output", output)
    assert result.code == 0, result.stderr
    first = next(flat(t) for t in page_texts(output) if "Évolution du nombre" in t).replace("\u00a0", " ")
    assert "déc. 2021" in first and "janv. 2022" in first and "févr." in first  # a tick per month
    assert "données illustratives" not in first.split("Évolution")[1]  # both editions' values are published
    # each edition's value has its own as-of date: the chart names the dates other than its page's, the
    # page's sources line the page's own
    page = " ".join(first.split())
    assert "(ANCT, 1er décembre 2021, 1er janvier 2022)" in page
    assert "Source : ANCT, données au 1er février 2022 sauf mention contraire." in page
