"""The archive catalogue: one SQLite row per archived version, its PDFs and its files.

Input: an archive folder and the manifests of its version folders. Output: ``catalogue.sqlite3``
(schema 2, recorded in ``PRAGMA user_version``)::

    editions(month, version, folder, archived_at, reason, tool_version, manifest_sha256)
    documents(month, version, territory, pdf, pdf_sha256)   territory '' = national edition
    files(month, version, path, sha256, size)

Everything in it can be rebuilt from the manifests (:func:`reindex`); a damaged or unreadable
catalogue is an :class:`ArchiveError` that says so. A catalogue of schema 1 (one row per month,
before re-issues) is migrated in place the first time it is opened, its delivery journal moved
to ``journal.sqlite3``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bulletin.publish.archive import journal
from bulletin.publish.archive.folders import ArchiveError, locked, require_archive_dir, version_folders
from bulletin.publish.archive.manifest import MANIFEST, Manifest, read_manifest
from bulletin.errors import COMMAND, Problem, Where, os_reason, sqlite_reason
from bulletin.files import current_umask, sha256_file

log = logging.getLogger(__name__)
CATALOGUE = "catalogue.sqlite3"
SCHEMA_VERSION = 2
TABLES = (
    """CREATE TABLE editions (
        month TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), folder TEXT NOT NULL UNIQUE,
        archived_at TEXT NOT NULL, reason TEXT NOT NULL, tool_version TEXT NOT NULL, manifest_sha256 TEXT NOT NULL,
        PRIMARY KEY (month, version))""",
    """CREATE TABLE documents (
        month TEXT NOT NULL, version INTEGER NOT NULL, territory TEXT NOT NULL, pdf TEXT NOT NULL,
        pdf_sha256 TEXT NOT NULL, PRIMARY KEY (month, version, territory),
        FOREIGN KEY (month, version) REFERENCES editions(month, version))""",
    """CREATE TABLE files (
        month TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,
        size INTEGER NOT NULL, PRIMARY KEY (month, version, path),
        FOREIGN KEY (month, version) REFERENCES editions(month, version))""",
)
REINDEX_HINT = "reconstruisez-le depuis les manifestes : " + COMMAND + " archive reindex --archive-dir {}"


@dataclass(frozen=True)
class ArchivedVersion:
    """A catalogue row: one version of one edition, with its national PDF."""

    month: str
    version: int
    folder: str
    archived_at: str
    reason: str
    tool_version: str
    manifest_sha256: str
    pdf: str
    pdf_sha256: str


@contextlib.contextmanager
def catalogue(archive_dir: Path, *, create: bool = False, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """The catalogue (created if ``create``), checked and migrated; commits on success.

    Every SQLite failure becomes an ArchiveError naming the file, with the way out."""
    path = archive_dir / CATALOGUE
    if not create:
        require_catalogue(archive_dir)
    with _sqlite_errors(path, archive_dir, opening=True):
        _roll_back_interrupted(path)
        if _needs_migration(path):
            _migrate(archive_dir)
        connection = _open(path, readonly)
    try:
        with _sqlite_errors(path, archive_dir), connection:
            yield connection
    finally:
        connection.close()


def require_catalogue(archive_dir: Path) -> None:
    """ArchiveError unless ``archive_dir`` is a folder holding a catalogue."""
    if not (archive_dir / CATALOGUE).exists():
        require_archive_dir(archive_dir)
        raise ArchiveError(Problem(Where(archive_dir / CATALOGUE), "aucun catalogue d’archive ici",
                                   "indiquez le bon --archive-dir ; si le catalogue a été perdu, "
                                   + REINDEX_HINT.format(archive_dir)))


@contextlib.contextmanager
def _sqlite_errors(path: Path, archive_dir: Path, opening: bool = False) -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if any(word in text for word in ("readonly", "disk is full", "disk I/O", "locked", "unable to open")):
            raise ArchiveError(Problem(Where(path), f"impossible d’écrire le catalogue : {sqlite_reason(exc)}",
                                       "vérifiez l’espace disque et les droits sur le dossier d’archive")) from None
        raise _damaged(path, archive_dir, sqlite_reason(exc)) from None
    except sqlite3.Error as exc:
        raise _damaged(path, archive_dir, sqlite_reason(exc)) from None
    except OSError as exc:
        if not opening:
            raise
        raise ArchiveError(Problem(Where(path), f"catalogue inaccessible : {os_reason(exc)}",
                                   "vérifiez les droits sur le dossier d’archive")) from None


def _damaged(path: Path, archive_dir: Path, detail: str) -> ArchiveError:
    return ArchiveError(Problem(Where(path), f"catalogue endommagé ou illisible ({detail})",
                                REINDEX_HINT.format(archive_dir)))


def _roll_back_interrupted(path: Path) -> None:
    """Undo the transaction of a run killed while it wrote the catalogue. SQLite does it on the next
    connection that may write (its rollback journal, « hot », is still beside the file); a read-only
    connection cannot, and fails with « base en lecture seule », so verify, list and send --status open it
    for writing once first. The catalogue is then as it was before that run (SQLite's atomic commit)."""
    hot = path.with_name(path.name + "-journal")
    if path.is_file() and hot.is_file() and hot.stat().st_size > 0:
        connection = sqlite3.connect(path, timeout=30)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()


def _open(path: Path, readonly: bool) -> sqlite3.Connection:
    if path.exists() and not path.is_file():
        raise sqlite3.DatabaseError("ce n’est pas un fichier")
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    connection = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and not readonly and not _tables(connection):
            _create_tables(connection)
        elif version == 0:
            raise sqlite3.DatabaseError("catalogue vide ou incomplet")
        elif version != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"schéma {version} inconnu de cette version de bulletin")
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("la vérification d’intégrité SQLite a échoué")
        if not {"editions", "documents", "files"} <= _tables(connection):
            raise sqlite3.DatabaseError("des tables manquent")
    except BaseException:
        connection.close()
        raise
    return connection


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _create_tables(connection: sqlite3.Connection) -> None:
    """The schema, in one transaction: a run killed here leaves an empty catalogue, never half a schema."""
    journal.atomic_script(connection, [*TABLES, f"PRAGMA user_version = {SCHEMA_VERSION}"])


def _needs_migration(path: Path) -> bool:
    """True for a schema 1 catalogue (one row per month, before re-issues)."""
    if not path.is_file():
        return False
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        columns = {row[1] for row in connection.execute("PRAGMA table_info(editions)")}
        return version == 0 and "pdf" in columns
    finally:
        connection.close()


def _migrate(archive_dir: Path) -> None:
    """Schema 1 → 2: rebuild from the manifests (keeping the archiving dates), move the journal."""
    log.warning("catalogue %s au format 1 : mise à jour au format %d", archive_dir / CATALOGUE, SCHEMA_VERSION)
    with locked(archive_dir):
        if _needs_migration(archive_dir / CATALOGUE):  # another run may have done it while we waited
            reindex(archive_dir)


def record(db: sqlite3.Connection, manifest: Manifest, manifest_sha256: str, folder: str, archived_at: str) -> None:
    """Insert the rows of one archived version."""
    db.execute("INSERT INTO editions VALUES (?, ?, ?, ?, ?, ?, ?)",
               (manifest.month, manifest.version, folder, archived_at, manifest.reason, manifest.tool, manifest_sha256))
    db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
                   [(manifest.month, manifest.version, d.territory, d.pdf, manifest.files[d.pdf].sha256)
                    for d in manifest.documents])
    db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)",
                   [(manifest.month, manifest.version, path, e.sha256, e.size) for path, e in manifest.files.items()])


SELECT_VERSIONS = """SELECT e.month, e.version, e.folder, e.archived_at, e.reason, e.tool_version, e.manifest_sha256,
    d.pdf, d.pdf_sha256 FROM editions e JOIN documents d ON d.month = e.month AND d.version = e.version
    AND d.territory = ''"""


def versions(db: sqlite3.Connection, month: str | None = None) -> list[ArchivedVersion]:
    """The catalogued versions (of ``month``, or all), oldest first."""
    query = SELECT_VERSIONS + (" WHERE e.month = ?" if month else "") + " ORDER BY e.month, e.version"
    return [ArchivedVersion(*row) for row in db.execute(query, (month,) if month else ())]


def latest(db: sqlite3.Connection, month: str) -> ArchivedVersion | None:
    """The latest version of ``month``, if archived."""
    found = versions(db, month)
    return found[-1] if found else None


def previous_month(db: sqlite3.Connection, month: str) -> ArchivedVersion | None:
    """The latest version of the latest archived month before ``month``."""
    row = db.execute("SELECT max(month) FROM editions WHERE month < ?", (month,)).fetchone()
    return latest(db, row[0]) if row and row[0] else None


def catalogued_files(db: sqlite3.Connection, month: str, version: int) -> dict[str, str]:
    """path → SHA-256 of every file of one version."""
    return dict(db.execute("SELECT path, sha256 FROM files WHERE month = ? AND version = ?", (month, version)))


def list_editions(archive_dir: Path) -> list[ArchivedVersion]:
    """Every catalogued version, oldest first; nothing for a folder without catalogue."""
    if not (archive_dir / CATALOGUE).exists():
        require_archive_dir(archive_dir)
        return []
    with locked(archive_dir), catalogue(archive_dir) as db:
        reconcile(db, archive_dir)
        return versions(db)


def reconcile(db: sqlite3.Connection, archive_dir: Path) -> None:
    """Catalogue a version folder whose run was killed between the rename and the catalogue write."""
    known = {row[0] for row in db.execute("SELECT folder FROM editions")}
    for month, version, folder in version_folders(archive_dir):
        if folder.name in known or not (folder / MANIFEST).is_file():
            continue
        try:
            manifest = read_manifest(folder)
        except ArchiveError as exc:
            log.warning("%s", exc.problems[0])
            continue
        log.warning("l’édition %s version %d était archivée mais pas au catalogue : ajoutée", month, version)
        record(db, manifest, sha256_file(folder / MANIFEST), folder.name, manifest.archived_at or _mtime(folder))


def _mtime(folder: Path) -> str:
    stamp = (folder / MANIFEST).stat().st_mtime
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).isoformat(timespec="seconds")


def reindex(archive_dir: Path) -> list[ArchivedVersion]:
    """Rebuild the catalogue from the manifests of the version folders; nothing changes on an error."""
    _require_archive(archive_dir)  # before the lock, which would leave a .lock file in any folder
    with locked(archive_dir):
        return _reindex(archive_dir)


def _require_archive(archive_dir: Path) -> None:
    require_archive_dir(archive_dir)
    if not version_folders(archive_dir) and not (archive_dir / CATALOGUE).exists():
        raise ArchiveError(Problem(Where(archive_dir), "aucune édition archivée ici (aucun dossier AAAA-MM "
                                   "avec manifest.json)", "indiquez le bon --archive-dir"))


def _reindex(archive_dir: Path) -> list[ArchivedVersion]:
    _require_archive(archive_dir)
    found = [(folder, read_manifest(folder)) for _, _, folder in version_folders(archive_dir)]
    path = archive_dir / CATALOGUE
    old_dates, legacy = _salvage(path)
    journal.adopt(archive_dir, legacy)
    handle, name = tempfile.mkstemp(prefix=f".{CATALOGUE}.tmp-", dir=archive_dir)
    os.close(handle)
    try:
        with _sqlite_errors(path, archive_dir):
            fresh = sqlite3.connect(name)
            try:
                _create_tables(fresh)
                with fresh:
                    for folder, manifest in found:
                        date = manifest.archived_at or old_dates.get(folder.name) or _mtime(folder)
                        record(fresh, manifest, sha256_file(folder / MANIFEST), folder.name, date)
                rebuilt = versions(fresh)
            finally:
                fresh.close()
        os.chmod(name, 0o644 & ~current_umask())
        os.replace(name, path)
    except OSError as exc:
        raise ArchiveError(Problem(Where(path), f"impossible d’écrire le catalogue : {os_reason(exc)}",
                                   "vérifiez l’espace disque et les droits sur le dossier d’archive")) from None
    finally:
        Path(name).unlink(missing_ok=True)
    return rebuilt


def _salvage(path: Path) -> tuple[dict[str, str], list[tuple[object, ...]]]:
    """What a readable old catalogue knows that the manifests may not: archiving dates of format 1
    versions, and the delivery journal of schema 1. Nothing if it is unreadable."""
    if not path.is_file():
        return {}, []
    try:
        _roll_back_interrupted(path)
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = _tables(connection)
            column = "folder" if "folder" in {r[1] for r in connection.execute("PRAGMA table_info(editions)")} \
                else "month"
            dates = dict(connection.execute(f"SELECT {column}, archived_at FROM editions")) if "editions" in tables \
                else {}
            legacy = connection.execute("SELECT month, email, message_id, state, attempts, detail, updated_at "
                                        "FROM deliveries").fetchall() if "deliveries" in tables else []
            return dates, legacy
        finally:
            connection.close()
    except sqlite3.Error:
        log.warning("l’ancien catalogue %s est illisible : les dates d’archivage sont reprises des manifestes", path)
        return {}, []
