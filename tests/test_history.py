"""Editions accumulate: deltas since the previous edition, curves across editions, and diff."""

from __future__ import annotations

import re

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import EDITION, ROOT, layout_copy, replace_in_file, run_cli
from pdfread import flat, page_texts

JANUARY = ROOT / "tests" / "fixtures" / "editions" / "2022-01"  # FICTITIOUS


@pytest.fixture()
def editions(tmp_path: Path) -> Path:
    """An editions folder holding the fictitious January and the real February 2022."""
    folder = tmp_path / "editions"
    shutil.copytree(JANUARY, folder / "2022-01")
    shutil.copytree(EDITION, folder / "2022-02")
    return folder


def figure_values(month_folder: Path) -> dict[str, str]:
    with (month_folder / "figures.csv").open(encoding="utf-8") as handle:
        return {row["key"]: row["value"] for row in csv.DictReader(handle)}


def test_diff_lists_every_changed_added_and_removed_figure(editions: Path) -> None:
    old, new = figure_values(editions / "2022-01"), figure_values(editions / "2022-02")
    result = run_cli("diff", "--from", "2022-01", "--to", "2022-02", "--format", "csv", "--editions-dir", editions)
    assert result.code == 0, result.stderr
    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    changed = {k for k in old.keys() & new.keys() if old[k] != new[k]}
    assert {k for k, r in rows.items() if r["status"] == "changed"} == changed
    assert {k for k, r in rows.items() if r["status"] == "added"} == new.keys() - old.keys()
    assert {k for k, r in rows.items() if r["status"] == "removed"} == old.keys() - new.keys()
    signataires = rows["conventions.communes_signataires"]
    assert (signataires["old"], signataires["new"], signataires["change"]) == ("1532", "1579", "47")


def test_diff_json_and_readable_table(editions: Path) -> None:
    as_json = run_cli("diff", "--from", "2022-01", "--to", "2022-02", "--format", "json", "--editions-dir", editions)
    records = json.loads(as_json.stdout)
    assert {"key": "ort.part_communes", "status": "changed", "unit": "percent", "old": "12.9", "new": "7.7",
            "change": "-5.2"} in records
    table = run_cli("diff", "--from", "2022-01", "--to", "2022-02", "--editions-dir", editions)
    assert table.code == 0
    line = next(l for l in table.stdout.splitlines() if l.startswith("chefs_projet.financement_anct_bdt "))
    assert "10 123 456,78 €" in line and "11 246 951,27 €" in line and "+1 123 494,49 €" in line
    assert "modifié(s)" in table.stdout


def test_diff_of_unknown_edition_is_a_clear_error(editions: Path) -> None:
    result = run_cli("diff", "--from", "2021-12", "--to", "2022-02", "--editions-dir", editions)
    assert result.code == 1 and "no edition 2021-12" in result.stderr and "2022-01, 2022-02" in result.stderr


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
    text = re.sub(r"[ \r\n]+", " ", flat(" ".join(page_texts(output))).replace("\u00a0", " "))
    assert "+47 depuis janvier 2022" in text
    assert "\u221285 depuis janvier 2022" in text
    assert "\u22125,2\u202f% depuis janvier 2022" in text
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
