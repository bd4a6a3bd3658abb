"""The archive: immutable versions, re-issues, a catalogue rebuilt from the manifests, verification
that names what was altered, extraction outside the archive."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EDITION, ROOT, run_cli
from delivery import PDF_NAME, alter, archive_with, copy_archive, edition_copy_in, snapshot


def archive(archive_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "make_bulletin.py"), "archive", "--edition", "2022-02",
                           "--archive-dir", str(archive_dir)], capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding the February 2022 edition (read-only for the tests using it)."""
    folder = tmp_path_factory.mktemp("archive")
    result = archive(folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Archivé : {folder / '2022-02'} (version 1).\n"
    return folder


@pytest.fixture(scope="module")
def reissued(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(archive, editions): February 2022 archived, then corrected and re-issued as version 2."""
    root = tmp_path_factory.mktemp("reissue")
    edition = edition_copy_in(root / "editions")
    folder = root / "archive"
    assert archive_with(folder, data_dir=edition).code == 0
    alter(edition / "figures.csv", b"communes PVD ayant d\xc3\xa9j\xc3\xa0 leur chef de projet en poste",
          b"communes PVD ayant leur chef de projet en poste (note corrig\xc3\xa9e)")
    result = archive_with(folder, "--reissue", "--reason", "note des chefs de projet corrigée", data_dir=edition)
    assert result.code == 0, result.stderr
    assert f"Archivé : {folder / '2022-02-v2'} (version 2" in result.stdout and "--erratum" in result.stdout
    return folder, edition


def catalogue_rows(folder: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / "catalogue.sqlite3") as db:
        return db.execute(query).fetchall()


def test_archived_edition_holds_pdf_data_layout_theme_fonts_and_manifest(archived: Path) -> None:
    edition = archived / "2022-02"
    names = set(snapshot(edition))
    assert {PDF_NAME, "manifest.json", "data/edition.yaml", "data/figures.csv", "data/series.csv",
            "layout/pvd-chiffres-cles.yaml", "theme/pvd.yaml", "fonts/NotoSans-Regular.ttf"} <= names
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {n for n in names if (edition / n).is_file()} - {"manifest.json"}
    assert manifest["tool"].startswith("bulletin ") and manifest["build_options"]["draft"] is False
    assert (manifest["format"], manifest["edition"], manifest["version"], manifest["reason"]) == (2, "2022-02", 1, "")
    assert manifest["documents"] == [{"territory": "", "pdf": PDF_NAME}] and manifest["pdf"] == PDF_NAME
    assert (edition / "data" / "figures.csv").read_bytes() == (EDITION / "figures.csv").read_bytes()
    assert catalogue_rows(archived, "SELECT month, version, folder, reason FROM editions") == [
        ("2022-02", 1, "2022-02", "")]
    assert catalogue_rows(archived, "SELECT territory, pdf FROM documents") == [("", PDF_NAME)]
    assert catalogue_rows(archived, "SELECT count(*) FROM files")[0][0] == len(manifest["files"])


def test_archived_pdf_is_the_built_pdf(archived: Path, default_pdf: Path) -> None:
    assert (archived / "2022-02" / PDF_NAME).read_bytes() == default_pdf.read_bytes()


def test_folders_0755_archived_files_read_only_catalogue_0644(archived: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    modes = {name: mode for name, (mode, _) in snapshot(archived / "2022-02").items()}
    assert modes and all(mode == (0o755 if (archived / "2022-02" / name).is_dir() else 0o444) & ~mask
                         for name, mode in modes.items()), modes
    assert stat.S_IMODE((archived / "2022-02").stat().st_mode) == 0o755 & ~mask
    assert stat.S_IMODE((archived / "catalogue.sqlite3").stat().st_mode) == 0o644 & ~mask


def test_second_archive_of_the_same_edition_is_refused_and_changes_nothing(archived: Path) -> None:
    before = snapshot(archived)
    result = archive(archived)
    assert result.returncode == 1
    assert "l’édition 2022-02 est déjà archivée (version 1)" in result.stderr
    assert "--reissue --reason" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(archived) == before


def test_list_and_verify_a_sound_archive(archived: Path) -> None:
    listed = run_cli("archive", "list", "--archive-dir", archived)
    assert listed.code == 0 and listed.stdout.startswith(f"2022-02  v1  2022-02/{PDF_NAME}  sha256 ")
    verified = run_cli("archive", "verify", "2022-02", "--archive-dir", archived)
    assert verified.code == 0, verified.stderr
    assert verified.stdout.startswith("OK : 1 version(s) vérifiée(s)")


@pytest.mark.parametrize("victim", [PDF_NAME, "data/figures.csv", "data/edition.yaml", "layout/pvd-chiffres-cles.yaml",
                                    "theme/pvd.yaml", "fonts/NotoSans-Bold.ttf", "manifest.json"])
def test_verify_names_a_file_with_one_flipped_byte(archived: Path, tmp_path: Path, victim: str) -> None:
    copy = copy_archive(archived, tmp_path / "archive")
    path = copy / "2022-02" / victim
    alter(path)
    result = run_cli("archive", "verify", "--archive-dir", copy)
    assert result.code == 1
    assert f"Error: {path}:" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_extract_recovers_the_data_byte_for_byte_outside_the_archive(archived: Path, tmp_path: Path) -> None:
    pdf = archived / "2022-02" / PDF_NAME
    mask = os.umask(0)
    os.umask(mask)
    before = snapshot(archived)
    result = run_cli("archive", "extract", pdf, cwd=tmp_path)  # the default output follows the current folder
    assert result.code == 0, result.stderr
    out = tmp_path / "out" / "pvd-chiffres-cles-2022-02-donnees"
    for name in ("edition.yaml", "figures.csv", "series.csv"):
        assert (out / name).read_bytes() == (EDITION / name).read_bytes()
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644 & ~mask  # the user's own copy, writable
    assert snapshot(archived) == before
    again = run_cli("archive", "extract", pdf, cwd=tmp_path)
    assert again.code == 1 and "existe déjà ; rien n’est remplacé" in again.stderr
    assert run_cli("archive", "verify", "--archive-dir", archived).code == 0


@pytest.mark.parametrize("where", ["2022-02/donnees", "2022-02", "donnees", "."])
def test_extract_never_writes_inside_the_archive(archived: Path, where: str) -> None:
    before = snapshot(archived)
    result = run_cli("archive", "extract", archived / "2022-02" / PDF_NAME, "--output", archived / where,
                     "--archive-dir", archived.parent / "elsewhere")
    assert result.code == 1
    assert "Error: " in result.stderr and "dans l’archive" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(archived) == before


def test_reissue_stores_version_2_beside_version_1_which_stays_verifiable(reissued: tuple[Path, Path],
                                                                            archived: Path) -> None:
    folder, _ = reissued
    assert (folder / "2022-02" / PDF_NAME).read_bytes() == (archived / "2022-02" / PDF_NAME).read_bytes()
    assert (folder / "2022-02-v2" / PDF_NAME).read_bytes() != (folder / "2022-02" / PDF_NAME).read_bytes()
    manifest = json.loads((folder / "2022-02-v2" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["reason"]) == (2, "note des chefs de projet corrigée")
    rows = catalogue_rows(folder, "SELECT version, folder, reason, archived_at FROM editions ORDER BY version")
    assert [r[:3] for r in rows] == [(1, "2022-02", ""), (2, "2022-02-v2", "note des chefs de projet corrigée")]
    assert all(str(r[3]).startswith("20") for r in rows)
    listed = run_cli("archive", "list", "--archive-dir", folder).stdout.splitlines()
    assert listed[0].startswith("2022-02  v1  2022-02/") and listed[1].startswith("2022-02  v2  2022-02-v2/")
    assert listed[1].endswith("motif : note des chefs de projet corrigée")
    verified = run_cli("archive", "verify", "--archive-dir", folder)
    assert verified.code == 0, verified.stderr
    assert verified.stdout.startswith("OK : 2 version(s) vérifiée(s)")


def test_reissue_of_an_unchanged_edition_is_refused(archived: Path, tmp_path: Path) -> None:
    copy = copy_archive(archived, tmp_path / "archive")
    before = snapshot(copy)
    result = archive_with(copy, "--reissue", "--reason", "rien")
    assert result.code == 1 and "exactement le même PDF que la version 1" in result.stderr
    assert snapshot(copy) == before


def test_deleted_folder_is_not_rearchived_silently_and_reindex_forgets_it(archived: Path, tmp_path: Path) -> None:
    copy = copy_archive(archived, tmp_path / "archive")
    shutil.rmtree(copy / "2022-02")
    before = snapshot(copy)
    refused = archive_with(copy)
    assert refused.code == 1, refused.stderr
    assert "IntegrityError" not in refused.stderr and "Traceback" not in refused.stderr
    assert "la version 1 de 2022-02 est au catalogue mais son dossier a disparu" in refused.stderr
    assert "archive reindex" in refused.stderr
    assert snapshot(copy) == before
    reindexed = run_cli("archive", "reindex", "--archive-dir", copy)
    assert reindexed.code == 0, reindexed.stderr
    assert "0 version(s) de 0 édition(s)" in reindexed.stdout
    assert archive_with(copy).code == 0
    assert run_cli("archive", "verify", "--archive-dir", copy).code == 0


def test_reindex_rebuilds_a_lost_catalogue_from_the_manifests(reissued: tuple[Path, Path], tmp_path: Path) -> None:
    copy = copy_archive(reissued[0], tmp_path / "archive")
    query = "SELECT month, version, folder, archived_at, reason, manifest_sha256 FROM editions ORDER BY version"
    expected = catalogue_rows(copy, query), catalogue_rows(copy, "SELECT * FROM files ORDER BY version, path")
    (copy / "catalogue.sqlite3").unlink()
    result = run_cli("archive", "reindex", "--archive-dir", copy)
    assert result.code == 0, result.stderr
    assert "2 version(s) de 1 édition(s)" in result.stdout
    assert (catalogue_rows(copy, query), catalogue_rows(copy, "SELECT * FROM files ORDER BY version, path")) == expected
    assert run_cli("archive", "verify", "--archive-dir", copy).code == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "directory", "empty-tables"])
def test_damaged_catalogue_is_an_error_with_the_way_out(archived: Path, tmp_path: Path, damage: str) -> None:
    copy = copy_archive(archived, tmp_path / "archive")
    path = copy / "catalogue.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "directory":
        path.unlink()
        path.mkdir()
    else:
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE files")
    for command in (("archive", "list"), ("archive", "verify"), ("archive", "--edition", "2022-02")):
        before = snapshot(copy)
        result = run_cli(*command, "--archive-dir", copy)
        assert result.code == 1, (command, result.stderr)
        assert f"Error: {path}: catalogue" in result.stderr and "archive reindex" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(copy) == before
    if damage == "directory":
        path.rmdir()
    else:
        path.unlink()
    assert run_cli("archive", "reindex", "--archive-dir", copy).code == 0
    assert run_cli("archive", "verify", "--archive-dir", copy).code == 0


def test_schema_1_archive_is_migrated_and_still_verifies(archived: Path, tmp_path: Path) -> None:
    """An archive written before re-issues (manifest format 1, catalogue schema 1 with its journal)."""
    copy = copy_archive(archived, tmp_path / "archive")
    manifest_path = copy / "2022-02" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    old = {k: manifest[k] for k in ("edition", "pdf", "tool", "versions", "build_options", "files")}
    os.chmod(manifest_path, 0o644)
    manifest_path.write_text(json.dumps(old, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    import hashlib

    manifest_sha = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    (copy / "catalogue.sqlite3").unlink()
    with sqlite3.connect(copy / "catalogue.sqlite3") as db:
        db.executescript("""
            CREATE TABLE editions (month TEXT PRIMARY KEY, archived_at TEXT NOT NULL, tool_version TEXT NOT NULL,
                pdf TEXT NOT NULL, pdf_sha256 TEXT NOT NULL, manifest_sha256 TEXT NOT NULL);
            CREATE TABLE files (month TEXT NOT NULL REFERENCES editions(month), path TEXT NOT NULL,
                sha256 TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (month, path));
            CREATE TABLE deliveries (month TEXT NOT NULL, email TEXT NOT NULL, message_id TEXT NOT NULL,
                state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, detail TEXT NOT NULL DEFAULT '',
                updated_at TEXT NOT NULL, PRIMARY KEY (month, email));""")
        db.execute("INSERT INTO editions VALUES ('2022-02', '2022-02-15T09:00:00+00:00', ?, ?, ?, ?)",
                   (old["tool"], PDF_NAME, old["files"][PDF_NAME]["sha256"], manifest_sha))
        db.executemany("INSERT INTO files VALUES ('2022-02', ?, ?, ?)",
                       [(p, e["sha256"], e["size"]) for p, e in old["files"].items()])
        db.execute("INSERT INTO deliveries VALUES ('2022-02', 'ancien@exemple.fr', '<x@y>', 'sent', 1, '', "
                   "'2022-02-15T10:00:00+00:00')")
    verified = run_cli("archive", "verify", "--archive-dir", copy)
    assert verified.code == 0, verified.stderr
    assert catalogue_rows(copy, "SELECT month, version, folder, archived_at FROM editions") == [
        ("2022-02", 1, "2022-02", "2022-02-15T09:00:00+00:00")]
    with sqlite3.connect(copy / "journal.sqlite3") as db:
        assert db.execute("SELECT month, version, territory, email, kind, state FROM deliveries").fetchall() == [
            ("2022-02", 1, "", "ancien@exemple.fr", "edition", "sent")]


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
    assert any("déjà archivée" in err for _, err in outputs)
    assert codes == [0, 1]
    assert run_cli("archive", "verify", "--archive-dir", folder).code == 0


def test_archived_pdf_keeps_the_changes_since_earlier_editions(tmp_path: Path) -> None:
    """A layout with `delta: true` reads the earlier editions: the archive keeps them, so that the archived
    PDF is the built one (« +47 depuis janvier 2022 ») and still rebuilds to the same bytes."""
    from conftest import layout_copy, replace_in_file
    from pdfread import flat, page_texts

    editions = tmp_path / "editions"
    shutil.copytree(ROOT / "tests" / "fixtures" / "editions" / "2022-01", editions / "2022-01")  # FICTITIOUS
    shutil.copytree(EDITION, editions / "2022-02")
    layout = layout_copy(tmp_path)
    replace_in_file(layout, "        id: conventions-communes\n", "        id: conventions-communes\n        delta: true\n")
    built = tmp_path / "construit.pdf"
    assert run_cli("build", "--data-dir", editions / "2022-02", "--layout", layout, "--output", built).code == 0
    folder = tmp_path / "archive"
    result = archive_with(folder, "--layout", layout, data_dir=editions / "2022-02")
    assert result.code == 0, result.stderr
    archived = folder / "2022-02" / "layout-2022-02.pdf"
    assert "+47 depuis janvier 2022" in flat(" ".join(page_texts(archived)))
    assert archived.read_bytes() == built.read_bytes()
    manifest = json.loads((folder / "2022-02" / "manifest.json").read_text(encoding="utf-8"))
    assert {"2022-01/figures.csv", "2022-01/edition.yaml", "2022-01/series.csv"} <= set(manifest["files"])
    assert run_cli("archive", "verify", "--archive-dir", folder).code == 0


def test_a_catalogue_left_mid_transaction_by_a_killed_run_is_read_again(archived: Path, tmp_path: Path) -> None:
    """A run killed while it writes the catalogue leaves SQLite's rollback journal beside it (a « hot
    journal »); the read-only commands (verify, list, send --status) must roll it back, not report the
    catalogue as unwritable until some other command happens to open it for writing."""
    folder = copy_archive(archived, tmp_path / "archive")
    script = ("import os, sqlite3, sys\n"
              "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "db.execute('BEGIN IMMEDIATE')\n"
              "db.execute(\"UPDATE editions SET reason = 'à moitié écrit'\")\n"
              "db.execute('PRAGMA cache_size = 0')\n"
              "db.execute(\"CREATE TABLE filler AS SELECT * FROM files, files AS f2\")\n"
              "os._exit(9)  # killed before COMMIT\n")
    catalogue_file = next(folder.glob("*.sqlite*"))
    done = subprocess.run([sys.executable, "-c", script, str(catalogue_file)], capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    hot = catalogue_file.with_name(catalogue_file.name + "-journal")
    assert hot.is_file() and hot.stat().st_size > 0  # the situation a SIGKILL mid-write leaves
    verified = run_cli("archive", "verify", "--archive-dir", folder)
    assert verified.code == 0, verified.stderr
    listed = run_cli("archive", "list", "--archive-dir", folder)
    assert listed.code == 0 and "2022-02" in listed.stdout and "à moitié écrit" not in listed.stdout, listed.stderr
