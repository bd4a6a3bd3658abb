"""A new month, as a programme officer prepares it: ``new`` from the last edition, ``import`` of a
partner's two CSV files or workbook, and ``import --onto`` of a partner's partial workbook."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

from openpyxl import Workbook

from conftest import EDITION, run_cli


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_new_copies_the_latest_edition_with_its_month_and_date_and_prints_what_to_update(editions: Path) -> None:
    february = tree(editions / "2022-02")
    result = run_cli("new", "2022-03", "--published", "2022-03-15", "--editions-dir", editions)
    assert result.code == 0, result.stderr
    march = editions / "2022-03"
    assert sorted(p.name for p in march.iterdir()) == ["edition.yaml", "figures.csv", "series.csv"]  # no NOTES.md
    assert (march / "figures.csv").read_bytes() == february["figures.csv"]
    assert (march / "series.csv").read_bytes() == february["series.csv"]
    meta = (march / "edition.yaml").read_text(encoding="utf-8").splitlines()
    old = february["edition.yaml"].decode("utf-8").splitlines()
    assert [line for line in meta if line not in old] == ['edition: "2022-03"', "published: 2022-03-15"]
    assert len(meta) == len(old)  # comments, notes, checks kept, line for line
    assert tree(editions / "2022-02") == february
    for expected in ("Édition 2022-03 créée", "copie de 2022-02", "notes:", "figures.csv", "series.csv",
                     "check --edition 2022-03", "diff --from 2022-02 --to 2022-03"):
        assert expected in result.stdout, result.stdout
    checked = run_cli("check", "--data-dir", march)
    assert checked.code == 0, checked.stderr


def test_new_defaults_to_today_and_never_overwrites(editions: Path) -> None:
    assert run_cli("new", "2022-04", "--editions-dir", editions).code == 0
    assert f"published: {dt.date.today().isoformat()}" in (editions / "2022-04" / "edition.yaml").read_text()
    before = tree(editions / "2022-04")
    again = run_cli("new", "2022-04", "--editions-dir", editions)
    assert again.code == 1 and "l’édition 2022-04 existe déjà" in again.stderr
    assert tree(editions / "2022-04") == before


def test_a_copied_folder_still_naming_the_old_month_never_replaces_the_old_pdf(editions: Path, tmp_path: Path) -> None:
    """The issue's silent loss: `cp -r 2022-02 2022-03`, then build 2022-03, overwrote the February PDF."""
    out = tmp_path / "out"
    assert run_cli("build", "--data-dir", editions / "2022-02", cwd=tmp_path).code == 0
    february_pdf = (out / "pvd-chiffres-cles-2022-02.pdf").read_bytes()
    shutil.copytree(editions / "2022-02", editions / "2022-03")
    for command in ("check", "build"):
        result = run_cli(command, "--data-dir", editions / "2022-03", cwd=tmp_path)
        assert result.code == 1
        assert f"{editions / '2022-03' / 'edition.yaml'}:2: edition: « 2022-02 » mais le dossier s’appelle « 2022-03 »" \
            in result.stderr
    assert (out / "pvd-chiffres-cles-2022-02.pdf").read_bytes() == february_pdf
    assert sorted(p.name for p in out.iterdir()) == ["pvd-chiffres-cles-2022-02.pdf"]


def test_import_takes_the_figures_and_series_files_together_in_any_order(editions: Path, tmp_path: Path) -> None:
    result = run_cli("import", EDITION / "series.csv", EDITION / "figures.csv", "--edition", "2022-03",
                     "--published", "2022-03-15", "--editions-dir", editions)
    assert result.code == 0, result.stderr
    march = editions / "2022-03"
    assert rows(march / "figures.csv") == rows(EDITION / "figures.csv")
    assert rows(march / "series.csv") == rows(EDITION / "series.csv")
    built = run_cli("build", "--data-dir", march, "--output", tmp_path / "march.pdf")
    assert built.code == 0, built.stderr


def write_french_export(path: Path, source: Path) -> None:
    """A French Excel « CSV (point-virgule) »: cp1252, « 7,7 % », « 11 246 951,27 € », 30/09/2021."""
    with source.open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(table[0].keys())
        for row in table:
            writer.writerow([_french_cell(name, text, row["unit"]) for name, text in row.items()])


def _french_cell(name: str, text: str, unit: str) -> str:
    if name == "value" and unit == "percent":
        return text.replace(".", ",") + "\u00a0%"
    if name == "value" and unit == "eur":
        whole, _, cents = text.partition(".")
        grouped = f"{int(whole):,}".replace(",", " ")  # a plain space, as French Excel may write it
        return grouped + ("," + cents if cents else "") + " €"
    if name in ("as_of", "x", "value") and len(text) == 10 and text[4] == "-":
        return f"{text[8:]}/{text[5:7]}/{text[:4]}"
    return text


def test_french_csv_reads_percent_and_euro_signs_in_value_cells(editions: Path, tmp_path: Path) -> None:
    figures, series = tmp_path / "chiffres.csv", tmp_path / "series.csv"
    write_french_export(figures, EDITION / "figures.csv")
    write_french_export(series, EDITION / "series.csv")
    text = figures.read_text(encoding="cp1252")
    assert "7,7\u00a0%" in text and "11 246 951,27 €" in text
    result = run_cli("import", figures, series, "--edition", "2022-03", "--editions-dir", editions)
    assert result.code == 0, result.stderr
    def values(path: Path) -> list[tuple[str, ...]]:  # the notes lose the characters cp1252 cannot hold
        return [(r["key"], r["value"], r["unit"], r["as_of"]) for r in rows(path)]
    assert values(editions / "2022-03" / "figures.csv") == values(EDITION / "figures.csv")


def test_a_percent_sign_on_a_count_is_refused(editions: Path, tmp_path: Path) -> None:
    figures, series = tmp_path / "chiffres.csv", tmp_path / "series.csv"
    write_french_export(figures, EDITION / "figures.csv")
    write_french_export(series, EDITION / "series.csv")
    text = figures.read_text(encoding="cp1252").replace(";1579;count", ";1579 %;count", 1)
    figures.write_text(text, encoding="cp1252")
    result = run_cli("import", figures, series, "--edition", "2022-03", "--editions-dir", editions)
    assert result.code == 1
    assert "« 1579 % » n’est pas un nombre entier positif ou nul" in result.stderr
    assert not (editions / "2022-03").exists()


def partner_workbook(path: Path) -> None:
    """What a partner sends: a few figures (one changed, one unchanged, one new) and one new series point."""
    book = Workbook()
    figures = book.active
    figures.title = "Figures"  # sheet names are compared without case
    figures.append(["key", "value", "unit", "as_of", "source", "status", "note"])
    figures.append(["ort.communes_engagees", 131, "count", dt.datetime(2022, 3, 1), "ANCT", "published", ""])
    unchanged = next(r for r in rows(EDITION / "figures.csv") if r["key"] == "programme.seuil_habitants")
    figures.append([unchanged[c] if c != "value" else int(unchanged[c]) for c in unchanged])
    figures.append(["anah.communes_aidees", 211, "count", dt.datetime(2022, 3, 1), "Anah", "published", "nouveau"])
    series = book.create_sheet("Series")
    series.append(["series", "x", "value", "unit", "as_of", "source", "status", "note"])
    series.append(["conventions.communes_signataires", dt.datetime(2022, 3, 1), 1612, "count",
                   dt.datetime(2022, 3, 1), "ANCT", "published", ""])
    book.save(path)


def test_import_onto_merges_a_partial_workbook_onto_a_copy_and_reports_the_changes(editions: Path,
                                                                                  tmp_path: Path) -> None:
    partner = tmp_path / "anah-mars.xlsx"
    partner_workbook(partner)
    february = tree(editions / "2022-02")
    result = run_cli("import", partner, "--onto", "2022-02", "--edition", "2022-03", "--published", "2022-03-15",
                     "--editions-dir", editions)
    assert result.code == 0, result.stderr
    assert "modifié : ort.communes_engagees : 127 → 131" in result.stdout
    assert "ajouté : anah.communes_aidees" in result.stdout
    assert "point de série ajouté : conventions.communes_signataires 2022-03-01" in result.stdout
    assert "1 chiffre(s) modifié(s), 1 ajouté(s), 0 point(s) de série modifié(s), 1 ajouté(s), 1 ligne(s) identique(s)" \
        in result.stdout
    assert tree(editions / "2022-02") == february  # the base is a copy, never changed

    march = editions / "2022-03"
    assert sorted(p.name for p in march.iterdir()) == ["edition.yaml", "figures.csv", "series.csv"]
    new, old = rows(march / "figures.csv"), rows(EDITION / "figures.csv")
    assert [r["key"] for r in new] == [r["key"] for r in old] + ["anah.communes_aidees"]
    changed = {r["key"]: r for r in new}
    assert changed["ort.communes_engagees"]["value"] == "131" and changed["ort.communes_engagees"]["as_of"] == "2022-03-01"
    assert [r for r in new if r["key"] not in ("ort.communes_engagees", "anah.communes_aidees")] == \
        [r for r in old if r["key"] != "ort.communes_engagees"]
    points = rows(march / "series.csv")
    assert points[:-1] == rows(EDITION / "series.csv") and points[-1]["x"] == "2022-03-01"
    meta = (march / "edition.yaml").read_text(encoding="utf-8")
    assert 'edition: "2022-03"' in meta and "published: 2022-03-15" in meta and "# Declared relations" in meta


def test_import_onto_with_a_partial_csv_and_an_error_names_the_partner_file(editions: Path, tmp_path: Path) -> None:
    partner = tmp_path / "partenaire.csv"
    partner.write_text("key,value,unit,as_of,source,status,note\n"
                       "ort.communes_engagees,131,count,2022-03-01,ANCT,published,\n"
                       "ort.part_communes,7.96,percent,2022-03-01,ANCT,published,\n", encoding="utf-8")
    good = run_cli("import", partner, "--onto", "2022-02", "--edition", "2022-03", "--editions-dir", editions)
    assert good.code == 0, good.stderr
    assert "modifié : ort.part_communes : 7.7 → 7.96" in good.stdout

    partner.write_text(partner.read_text(encoding="utf-8").replace("7.96", "796"), encoding="utf-8")
    bad = run_cli("import", partner, "--onto", "2022-02", "--edition", "2022-04", "--editions-dir", editions)
    assert bad.code == 1
    assert f"Error: {partner}:3: clé « ort.part_communes » : valeur 796 n’est pas un pourcentage" in bad.stderr
    assert ".tmp" not in bad.stderr and not (editions / "2022-04").exists()
    assert sorted(p.name for p in editions.iterdir()) == ["2022-01", "2022-02", "2022-03"]
