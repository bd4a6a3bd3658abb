"""Partners' spreadsheets: the same edition from CSV, from edition.xlsx and from a French Excel CSV."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pikepdf
import pytest
from openpyxl import Workbook

from conftest import EDITION, replace_in_file, run_cli
from pdfread import flat, page_texts

TABLES = ("figures", "series")


def rows_of(name: str) -> list[dict[str, str]]:
    with (EDITION / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_workbook(path: Path, percent_cells: bool = False) -> None:
    """edition.xlsx with real numbers and dates in the cells, as Excel would store them."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in TABLES:
        sheet = workbook.create_sheet(name)
        rows = rows_of(name)
        sheet.append(list(rows[0].keys()))
        for row in rows:
            sheet.append([_cell(column, text, row["unit"]) for column, text in row.items()])
            if percent_cells and row["unit"] == "percent":
                value_cell = sheet.cell(row=sheet.max_row, column=list(row).index("value") + 1)
                value_cell.value = float(row["value"]) / 100
                value_cell.number_format = "0.0%"
    workbook.save(path)


def _cell(column: str, text: str, unit: str) -> object:
    import datetime as dt

    if column in ("as_of", "x") and len(text) == 10 and text[4] == "-":
        return dt.datetime.fromisoformat(text)
    if column == "value" and unit in ("count", "year"):
        return int(text)
    if column == "value" and unit in ("percent", "eur"):
        return float(text)
    return text


def write_french_csv(path: Path, name: str) -> None:
    """What « CSV (séparateur : point-virgule) » of a French Excel writes: cp1252, ;, 7,7, 30/09/2021."""
    rows = rows_of(name)
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(rows[0].keys())
        for row in rows:
            writer.writerow([_french(column, text, row["unit"]) for column, text in row.items()])


def _french(column: str, text: str, unit: str) -> str:
    if column in ("as_of", "x", "value") and len(text) == 10 and text[4] == "-" and text[7] == "-":
        year, month, day = text.split("-")
        return f"{day}/{month}/{year}"
    if column == "value" and unit in ("percent", "eur"):
        return text.replace(".", ",")
    return text


def build(folder: Path, output: Path) -> list[bytes]:
    """Build and return what is printed: each page's drawing operations, fonts and links, and the metadata.

    The whole files differ only by the source files they carry as attachments (a workbook, or CSV).
    """
    result = run_cli("build", "--data-dir", folder, "--output", output)
    assert result.code == 0, result.stderr
    with pikepdf.open(output) as pdf:
        printed = [bytes(repr(pdf.docinfo), "utf-8")]
        numbers = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        for page in pdf.pages:
            printed.append(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)))
            printed.append(repr(sorted(str(f.BaseFont) for f in page.Resources.Font.values())).encode())
            # a web link's address, or the page a sommaire link leads to
            printed.append(repr([str(a.A.URI) if "/A" in a else numbers[a.Dest[0].objgen]
                                 for a in page.get("/Annots", [])]).encode())
    return printed


@pytest.fixture(scope="module")
def reference_bytes(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    return build(EDITION, tmp_path_factory.mktemp("ref") / "ref.pdf")


def test_printed_texts_survive_cp1252() -> None:
    for row in rows_of("figures"):
        if row["unit"] in ("text", "url"):
            row["value"].encode("cp1252")  # a French Excel export must be able to hold them


def test_same_pdf_from_workbook(tmp_path: Path, reference_bytes: list[bytes]) -> None:
    folder = tmp_path / "2022-02"
    folder.mkdir()
    shutil.copy(EDITION / "edition.yaml", folder)
    write_workbook(folder / "edition.xlsx")
    assert build(folder, tmp_path / "xlsx.pdf") == reference_bytes


def test_same_pdf_from_workbook_with_percent_formatted_cells(tmp_path: Path, reference_bytes: list[bytes]) -> None:
    folder = tmp_path / "2022-02"
    folder.mkdir()
    shutil.copy(EDITION / "edition.yaml", folder)
    write_workbook(folder / "edition.xlsx", percent_cells=True)
    assert build(folder, tmp_path / "xlsx.pdf") == reference_bytes


def test_same_pdf_from_french_excel_csv(tmp_path: Path, reference_bytes: list[bytes]) -> None:
    folder = tmp_path / "2022-02"
    folder.mkdir()
    shutil.copy(EDITION / "edition.yaml", folder)
    for name in TABLES:
        write_french_csv(folder / f"{name}.csv", name)
    assert (folder / "figures.csv").read_bytes().count(b";") > 100
    assert build(folder, tmp_path / "fr.pdf") == reference_bytes


def test_same_pdf_from_utf8_csv_with_bom(tmp_path: Path, reference_bytes: list[bytes]) -> None:
    folder = tmp_path / "2022-02"
    shutil.copytree(EDITION, folder)
    for name in TABLES:
        path = folder / f"{name}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert build(folder, tmp_path / "bom.pdf") == reference_bytes


def test_import_workbook_makes_a_new_edition_and_never_overwrites(tmp_path: Path, reference_bytes: list[bytes]) -> None:
    editions = tmp_path / "editions"
    shutil.copytree(EDITION, editions / "2022-01")  # an earlier edition whose metadata is carried over
    workbook = tmp_path / "chiffres.xlsx"
    write_workbook(workbook)

    first = run_cli("import", workbook, "--edition", "2022-02", "--published", "2022-02-15", "--editions-dir", editions)
    assert first.code == 0, first.stderr
    created = editions / "2022-02"
    assert sorted(p.name for p in created.iterdir()) == ["edition.yaml", "figures.csv", "series.csv"]
    assert build(created, tmp_path / "imported.pdf") == reference_bytes

    before = {p.name: p.read_bytes() for p in created.iterdir()}
    second = run_cli("import", workbook, "--edition", "2022-02", "--editions-dir", editions)
    assert second.code == 1 and "l’édition 2022-02 existe déjà ; elle n’est jamais remplacée" in second.stderr and "Traceback" not in second.stderr
    assert {p.name: p.read_bytes() for p in created.iterdir()} == before


def test_import_of_bad_data_creates_nothing(tmp_path: Path) -> None:
    editions = tmp_path / "editions"
    source = tmp_path / "figures.csv"
    source.write_text((EDITION / "figures.csv").read_text(encoding="utf-8").replace(
        "2021-09-30,date", "2021-09-31,date", 1), encoding="utf-8")
    result = run_cli("import", source, EDITION / "series.csv", "--edition", "2022-03", "--editions-dir", editions)
    assert result.code == 1
    assert f"{source}:" in result.stderr and "2021-09-31" in result.stderr
    assert not editions.exists()  # not even the editions folder it would have created


def test_as_of_known_to_the_month_or_year_prints_at_that_precision(mini: tuple[Path, Path], tmp_path: Path) -> None:
    """« 2021 » and « octobre 2021 », never an invented « 1er janvier 2021 » or « 1er octobre 2021 »."""
    edition, layout = mini
    replace_in_file(edition / "figures.csv", "c.montant,11246951.27,eur,2021-12-31,", "c.montant,11246951.27,eur,2021,")
    replace_in_file(edition / "figures.csv", "c.signataires,1579,count,2022-02-01,", "c.signataires,1579,count,2021-10,")
    pdf = tmp_path / "mini.pdf"
    result = run_cli("build", "--data-dir", edition, "--layout", layout, "--output", pdf)
    assert result.code == 0, result.stderr
    text = flat(page_texts(pdf)[0]).replace("\u00a0", " ")
    assert "ANCT, 2021" in text and "ANCT, octobre 2021" in text
    assert "1er janvier 2021" not in text and "Source : ANCT, 1er octobre 2021" not in text


@pytest.mark.parametrize("as_of", ["2021-13", "2021-00", "21", "2021-1", "2021-10-32", "٢٠٢١"])
def test_malformed_as_of_is_located(mini: tuple[Path, Path], as_of: str) -> None:
    edition, layout = mini
    replace_in_file(edition / "figures.csv", "c.montant,11246951.27,eur,2021-12-31,", f"c.montant,11246951.27,eur,{as_of},")
    result = run_cli("check", "--data-dir", edition, "--layout", layout)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "figures.csv:5: clé « c.montant » : as_of" in result.stderr and "AAAA-MM" in result.stderr
