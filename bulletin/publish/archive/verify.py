"""Verification years later: checksums against the catalogue, and a byte-for-byte rebuild.

Input: an archive folder (and optionally a month). Output: the problems found, each naming the
file: altered, missing or added files, a manifest that differs from the catalogue, a PDF that no
longer rebuilds to the same bytes. :func:`checked_version` runs the same checksum checks (not the
rebuild) before ``send`` hands an archived PDF to anyone.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from bulletin.publish.archive.catalogue import (ArchivedVersion, catalogue, catalogued_files, previous_month, reconcile,
                                        require_catalogue, versions)
from bulletin.publish.archive.folders import ArchiveError, locked
from bulletin.publish.archive.manifest import MANIFEST, Document, Manifest, read_manifest
from bulletin.publish.archive.store import archived_request
from bulletin.build import build
from bulletin.errors import COMMAND, Problem, Where
from bulletin.files import sha256_file
from bulletin.territorial.batch import Outcome

RESTORE = "restaurez-le depuis une sauvegarde"


def verify(archive_dir: Path, month: str | None = None) -> tuple[list[ArchivedVersion], list[Problem]]:
    """Check every version (of ``month``, or all): the versions checked and every problem found."""
    require_catalogue(archive_dir)  # before the lock, which would leave a .lock file in any folder
    with locked(archive_dir), catalogue(archive_dir) as db:
        reconcile(db, archive_dir)
        checked = versions(db, month)
        problems = [] if checked or not month else [
            Problem(Where(archive_dir / month), f"l’édition {month} n’est pas dans l’archive",
                    f"voyez ce qu’elle contient : {COMMAND} archive list")]
        for row in checked:
            problems += _verify_version(archive_dir, row, db)
    return checked, problems


def _verify_version(archive_dir: Path, row: ArchivedVersion, db: sqlite3.Connection) -> list[Problem]:
    folder = archive_dir / row.folder
    if not folder.is_dir():
        return [Problem(Where(folder), f"la version {row.version} de {row.month} est au catalogue mais son dossier "
                        "a disparu", RESTORE + f" (ou {COMMAND} archive reindex pour l’oublier)")]
    problems = check_files(folder, catalogued_files(db, row.month, row.version), row.manifest_sha256)
    if problems:
        return problems
    return _check_rebuild(folder, row.pdf) + _check_territorial(folder)


def check_files(folder: Path, expected: dict[str, str], manifest_sha256: str) -> list[Problem]:
    """Every file of a version folder against the catalogue's checksums, the manifest included."""
    problems = []
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    for path in sorted(expected.keys() | present):
        file = folder / path
        if path not in expected:
            problems.append(Problem(Where(file), "fichier absent du catalogue (ajouté après l’archivage)",
                                    "retirez-le"))
        elif not file.is_file():
            problems.append(Problem(Where(file), "fichier archivé manquant", RESTORE))
        elif sha256_file(file) != expected[path]:
            problems.append(Problem(Where(file), "la somme de contrôle diffère du catalogue : le fichier a été "
                                    "modifié", RESTORE))
    manifest = folder / MANIFEST
    if not manifest.is_file() or sha256_file(manifest) != manifest_sha256:
        problems.append(Problem(Where(manifest), "manifest.json diffère du catalogue", RESTORE))
    return problems


def _check_rebuild(folder: Path, pdf_name: str) -> list[Problem]:
    """Rebuild from the archived data, layout, theme and fonts; the bytes must be the archived PDF's."""
    with tempfile.TemporaryDirectory() as scratch:
        rebuilt = Path(scratch) / pdf_name
        try:
            build(replace(archived_request(folder), output=rebuilt))
        except Exception as exc:  # a damaged archived input may break the build in any way: report it
            return [Problem(Where(folder), f"la reconstruction du PDF depuis les fichiers archivés a échoué : {exc}",
                            "restaurez les fichiers endommagés nommés ci-dessus")]
        archived = folder / pdf_name
        if not archived.is_file() or rebuilt.read_bytes() != archived.read_bytes():
            return [Problem(Where(archived), "la reconstruction depuis les fichiers archivés ne donne pas les mêmes "
                            "octets", "le PDF ou ses fichiers ont été modifiés, ou les versions des bibliothèques "
                            "diffèrent (voyez manifest.json)")]
    return []


def _check_territorial(folder: Path) -> list[Problem]:
    """Rebuild every territorial edition of the version (over the process pool) and compare bytes."""
    territorial = [d for d in read_manifest(folder).documents if d.territory]
    if not territorial:
        return []
    from bulletin.territorial.batch import run_batch

    with tempfile.TemporaryDirectory() as scratch:
        try:
            done = run_batch(replace(archived_request(folder), out_dir=Path(scratch)), [d.territory for d in territorial])
        except Exception as exc:  # noqa: BLE001 - a damaged archived input may break the build in any way
            return [Problem(Where(folder), f"la reconstruction des éditions territoriales a échoué : {exc}",
                            "restaurez les fichiers endommagés nommés ci-dessus")]
        rebuilt = {o.territory: o for o in done.outcomes}
        return [problem for document in territorial for problem in _same_bytes(folder, document, rebuilt)]


def _same_bytes(folder: Path, document: Document, rebuilt: dict[str, Outcome]) -> list[Problem]:
    outcome = rebuilt.get(document.territory)
    archived = folder / document.pdf
    if outcome is None or outcome.path is None:
        detail = "; ".join(p.message for p in outcome.problems) if outcome else "territoire sans commune"
        return [Problem(Where(archived), f"l’édition {document.territory} ne se reconstruit pas ({detail})",
                        "restaurez les fichiers endommagés de la version")]
    if not archived.is_file() or outcome.path.read_bytes() != archived.read_bytes():
        return [Problem(Where(archived), "la reconstruction depuis les fichiers archivés ne donne pas les mêmes "
                        "octets", "le PDF ou ses fichiers ont été modifiés, ou les versions des bibliothèques "
                        "diffèrent (voyez manifest.json)")]
    return []


@dataclass(frozen=True)
class CheckedVersion:
    """The latest version of an edition, its files found intact, ready to be sent."""

    row: ArchivedVersion
    folder: Path
    manifest: Manifest
    pdf: Path
    earlier: tuple[ArchivedVersion, ...]  # the versions before it, oldest first
    previous_month: Path | None  # the folder of the latest version of the month before (for changes)


def checked_version(archive_dir: Path, month: str) -> CheckedVersion:
    """The latest archived version of ``month``, every file checked against the catalogue;
    ArchiveError naming what differs, or that the edition is not archived."""
    with catalogue(archive_dir, readonly=True) as db:
        found = versions(db, month)
        if not found:
            raise ArchiveError(Problem(Where(archive_dir / month), f"l’édition {month} n’est pas archivée ; seules "
                                       "les éditions archivées sont envoyées",
                                       f"archivez-la d’abord : {COMMAND} archive --edition {month}"))
        *earlier, row = found
        expected = catalogued_files(db, month, row.version)
        before = previous_month(db, month)
    folder = archive_dir / row.folder
    problems = check_files(folder, expected, row.manifest_sha256) if folder.is_dir() else [
        Problem(Where(folder), "le dossier de cette version archivée a disparu", RESTORE)]
    if problems:
        raise ArchiveError([*problems, Problem(Where(folder), "rien n’est envoyé depuis une archive altérée",
                                               f"{COMMAND} archive verify {month} détaille l’état de l’archive")])
    manifest = read_manifest(folder)
    if manifest.national.pdf != row.pdf:
        raise ArchiveError(Problem(Where(folder / MANIFEST), "le PDF du manifeste n’est pas celui du catalogue",
                                   RESTORE))
    pdf = folder / row.pdf
    if pdf.is_symlink() or pdf.resolve().parent != folder.resolve():
        raise ArchiveError(Problem(Where(pdf), "le PDF n’est pas un fichier du dossier de l’édition", RESTORE))
    return CheckedVersion(row, folder, manifest, pdf, tuple(earlier),
                          archive_dir / before.folder if before else None)
