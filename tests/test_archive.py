"""The archive: immutable editions, a catalogue, verification that names what was altered, extraction."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EDITION, ROOT, run_cli


def archive(archive_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "make_bulletin.py"), "archive", "--edition", "2022-02",
                           "--archive-dir", str(archive_dir)], capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding the February 2022 edition (read-only for the tests using it)."""
    folder = tmp_path_factory.mktemp("archive")
    result = archive(folder)
    assert result.returncode == 0, result.stderr
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_archived_edition_holds_pdf_data_layout_theme_fonts_and_manifest(archived: Path) -> None:
    edition = archived / "2022-02"
    names = set(snapshot(edition))
    assert {"pvd-chiffres-cles-2022-02.pdf", "manifest.json", "data/edition.yaml", "data/figures.csv",
            "data/series.csv", "layout/pvd-chiffres-cles.yaml", "theme/pvd.yaml", "fonts/NotoSans-Regular.ttf"} <= names
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert manifest["tool"].startswith("bulletin ") and manifest["build_options"]["draft"] is False
    assert (edition / "data" / "figures.csv").read_bytes() == (EDITION / "figures.csv").read_bytes()
    with sqlite3.connect(archived / "catalogue.sqlite3") as db:
        assert db.execute("SELECT month, pdf FROM editions").fetchall() == [("2022-02", "pvd-chiffres-cles-2022-02.pdf")]
        assert db.execute("SELECT count(*) FROM files WHERE month = '2022-02'").fetchone()[0] == len(manifest["files"])


def test_archived_pdf_is_the_built_pdf(archived: Path, default_pdf: Path) -> None:
    assert (archived / "2022-02" / "pvd-chiffres-cles-2022-02.pdf").read_bytes() == default_pdf.read_bytes()


def test_second_archive_of_the_same_edition_is_refused_and_changes_nothing(archived: Path) -> None:
    before = snapshot(archived)
    result = archive(archived)
    assert result.returncode == 1
    assert "already archived" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(archived) == before


def test_list_and_verify_a_sound_archive(archived: Path) -> None:
    listed = run_cli("archive", "list", "--archive-dir", archived)
    assert listed.code == 0 and listed.stdout.startswith("2022-02  pvd-chiffres-cles-2022-02.pdf")
    verified = run_cli("archive", "verify", "2022-02", "--archive-dir", archived)
    assert verified.code == 0, verified.stderr


@pytest.mark.parametrize("victim", ["pvd-chiffres-cles-2022-02.pdf", "data/figures.csv", "data/edition.yaml",
                                    "layout/pvd-chiffres-cles.yaml", "theme/pvd.yaml", "fonts/NotoSans-Bold.ttf",
                                    "manifest.json"])
def test_verify_names_a_file_with_one_flipped_byte(archived: Path, tmp_path: Path, victim: str) -> None:
    import shutil

    copy = tmp_path / "archive"
    shutil.copytree(archived, copy)
    path = copy / "2022-02" / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = run_cli("archive", "verify", "--archive-dir", copy)
    assert result.code == 1
    assert f"Error: {path}:" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_extract_recovers_the_data_byte_for_byte(archived: Path, tmp_path: Path) -> None:
    pdf = archived / "2022-02" / "pvd-chiffres-cles-2022-02.pdf"
    out = tmp_path / "donnees"
    result = run_cli("archive", "extract", pdf, "--output", out)
    assert result.code == 0, result.stderr
    for name in ("edition.yaml", "figures.csv", "series.csv"):
        assert (out / name).read_bytes() == (EDITION / name).read_bytes()
    again = run_cli("archive", "extract", pdf, "--output", out)
    assert again.code == 1 and "nothing is overwritten" in again.stderr


def test_killed_archive_runs_leave_no_half_edition(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    rng = random.Random(20220215)
    for _ in range(4):
        process = subprocess.Popen([sys.executable, str(ROOT / "make_bulletin.py"), "archive", "--edition", "2022-02",
                                    "--archive-dir", str(folder)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        editions = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")] if folder.exists() else []
        for edition in editions:  # an edition that is there is complete
            assert (edition / "manifest.json").is_file()
        if editions:
            break
    result = archive(folder)  # finishes the work, or refuses because a complete edition exists
    assert result.returncode in (0, 1)
    assert [p.name for p in folder.iterdir() if p.is_dir()] == ["2022-02"]  # the temporary folders are gone
    verified = run_cli("archive", "verify", "--archive-dir", folder)
    assert verified.code == 0, verified.stderr


def test_two_archive_runs_at_once_make_one_sound_edition(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    command = [sys.executable, str(ROOT / "make_bulletin.py"), "archive", "--edition", "2022-02", "--archive-dir",
               str(folder)]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert any("already archived" in err for _, err in outputs)
    assert codes == [0, 1]
    assert run_cli("archive", "verify", "--archive-dir", folder).code == 0
