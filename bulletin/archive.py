"""Archive stage: an immutable folder per edition, a SQLite catalogue, verification years later.

Input: a build request and an archive folder. Output: ``<archive>/<YYYY-MM>/`` holding the PDF,
the exact data, layout, theme and fonts it was built from, and ``manifest.json`` (SHA-256 of every
file, tool versions, build options); one row per edition and per file in ``catalogue.sqlite3``.
The folder is assembled under a hidden temporary name and renamed when complete, under an
exclusive lock: an existing edition is never overwritten, two runs cannot interleave, and a run
killed half-way leaves only a hidden temporary folder, removed by the next run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import platform
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from bulletin import __version__
from bulletin.build import BuildRequest, build, prepare, source_files
from bulletin.errors import BulletinError, Problem, Where
from bulletin.files import sha256_file
from bulletin.project import lock_file

log = logging.getLogger(__name__)
CATALOGUE = "catalogue.sqlite3"
MANIFEST = "manifest.json"
SCHEMA = """
CREATE TABLE IF NOT EXISTS editions (
    month TEXT PRIMARY KEY, archived_at TEXT NOT NULL, tool_version TEXT NOT NULL,
    pdf TEXT NOT NULL, pdf_sha256 TEXT NOT NULL, manifest_sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    month TEXT NOT NULL REFERENCES editions(month), path TEXT NOT NULL, sha256 TEXT NOT NULL,
    size INTEGER NOT NULL, PRIMARY KEY (month, path));
"""


class ArchiveError(BulletinError):
    """The archive refuses an operation, or found a damaged file."""


@dataclass(frozen=True)
class ArchivedEdition:
    """A catalogue row."""

    month: str
    archived_at: str
    tool_version: str
    pdf: str
    pdf_sha256: str


@contextlib.contextmanager
def locked(archive_dir: Path) -> Iterator[None]:
    """Hold the archive's exclusive lock (other runs wait), and clear what killed runs left."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    with (archive_dir / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for stale in archive_dir.glob(".*.tmp-*"):
                shutil.rmtree(stale, ignore_errors=True)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def catalogue(archive_dir: Path) -> Iterator[sqlite3.Connection]:
    """The catalogue database (created if needed); commits on success."""
    connection = sqlite3.connect(archive_dir / CATALOGUE, timeout=30)
    try:
        connection.executescript(SCHEMA)
        with connection:
            yield connection
    finally:
        connection.close()


def archive_edition(request: BuildRequest, archive_dir: Path) -> Path:
    """Build and archive the edition of ``request``; return the archived folder."""
    prepared = prepare(request)
    month = prepared.edition.month
    with locked(archive_dir):
        target = archive_dir / month
        if target.exists():
            raise ArchiveError(Problem(Where(target), f"edition {month} is already archived; an archive is never "
                                       "overwritten", "check it with: make_bulletin.py archive verify " + month))
        staging = Path(tempfile.mkdtemp(prefix=f".{month}.tmp-", dir=archive_dir))
        try:
            manifest = _assemble(staging, request, prepared)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _record(archive_dir, manifest, sha256_file(target / MANIFEST))
    log.info("archived %s in %s", month, target)
    return target


def _assemble(folder: Path, request: BuildRequest, prepared) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """Copy the inputs, build the PDF from the copies, write the manifest; return it."""
    edition, layout, theme = prepared.edition, prepared.layout, prepared.theme
    for path in source_files(edition):
        _copy(path, folder / "data" / path.name)
    _copy(layout.path, folder / "layout" / layout.path.name)
    _copy(theme.path, folder / "theme" / theme.path.name)
    for path in sorted(set(theme.font_files.values())):
        _copy(path, folder / "fonts" / path.name)
    pdf_name = f"{layout.path.stem}-{edition.month}.pdf"
    build(replace(archived_request(folder), output=folder / pdf_name))
    manifest = {
        "edition": edition.month, "pdf": pdf_name, "tool": f"bulletin {__version__}",
        "versions": _versions(), "build_options": {"draft": False, "layout": layout.path.name,
                                                   "theme": theme.path.name},
        "files": {str(p.relative_to(folder)): {"sha256": sha256_file(p), "size": p.stat().st_size}
                  for p in sorted(folder.rglob("*")) if p.is_file()},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def archived_request(folder: Path) -> BuildRequest:
    """A build request that reads only the archived copies in ``folder``."""
    layout = next((folder / "layout").glob("*.yaml"))
    theme = next((folder / "theme").glob("*.yaml"))
    return BuildRequest(folder / "data", layout, None, False, folder / "fonts", theme)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("reportlab", "pikepdf", "pyyaml", "openpyxl"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    if (lock := lock_file()) is not None:  # the exact versions and hashes `make` installed (README)
        versions["requirements.lock"] = "sha256:" + sha256_file(lock)
    return versions


def _record(archive_dir: Path, manifest: dict, manifest_sha256: str) -> None:  # type: ignore[type-arg]
    month, files = manifest["edition"], manifest["files"]
    with catalogue(archive_dir) as db:
        db.execute("INSERT INTO editions VALUES (?, ?, ?, ?, ?, ?)",
                   (month, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), manifest["tool"],
                    manifest["pdf"], files[manifest["pdf"]]["sha256"], manifest_sha256))
        db.executemany("INSERT INTO files VALUES (?, ?, ?, ?)",
                       [(month, path, entry["sha256"], entry["size"]) for path, entry in files.items()])


def reconcile(archive_dir: Path) -> None:
    """Catalogue an archived folder whose run was killed between the rename and the catalogue write."""
    with catalogue(archive_dir) as db:
        known = {row[0] for row in db.execute("SELECT month FROM editions")}
    for folder in sorted(p for p in archive_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.name not in known and (folder / MANIFEST).is_file():
            log.warning("edition %s was archived but not catalogued; adding it", folder.name)
            manifest = folder / MANIFEST
            _record(archive_dir, json.loads(manifest.read_text(encoding="utf-8")), sha256_file(manifest))


def list_editions(archive_dir: Path) -> list[ArchivedEdition]:
    """Every catalogued edition, oldest first."""
    if not (archive_dir / CATALOGUE).is_file():
        return []
    with locked(archive_dir):
        reconcile(archive_dir)
        with catalogue(archive_dir) as db:
            rows = db.execute("SELECT month, archived_at, tool_version, pdf, pdf_sha256 FROM editions ORDER BY month")
            return [ArchivedEdition(*row) for row in rows]


def verify(archive_dir: Path, month: str | None = None) -> list[Problem]:
    """Recompute every checksum and rebuild each PDF from its archived inputs; return what differs."""
    if not (archive_dir / CATALOGUE).is_file():
        return [Problem(Where(archive_dir), "no archive catalogue here", "give the right --archive-dir")]
    with locked(archive_dir):
        reconcile(archive_dir)
        with catalogue(archive_dir) as db:
            months = [month] if month else [row[0] for row in db.execute("SELECT month FROM editions ORDER BY month")]
            problems: list[Problem] = []
            for name in months:
                problems += _verify_edition(archive_dir / name, db)
    return problems


def _verify_edition(folder: Path, db: sqlite3.Connection) -> list[Problem]:
    row = db.execute("SELECT pdf, manifest_sha256 FROM editions WHERE month = ?", (folder.name,)).fetchone()
    if row is None:
        return [Problem(Where(folder), f"edition {folder.name} is not in the archive", "see: archive list")]
    expected = {path: sha for path, sha in db.execute("SELECT path, sha256 FROM files WHERE month = ?", (folder.name,))}
    problems = _check_files(folder, expected)
    manifest = folder / MANIFEST
    if not manifest.is_file() or sha256_file(manifest) != row[1]:
        problems.append(Problem(Where(folder / MANIFEST), "manifest.json differs from the catalogue",
                                "restore the edition from a backup copy"))
    return problems + _check_rebuild(folder, row[0])


def _check_files(folder: Path, expected: dict[str, str]) -> list[Problem]:
    problems = []
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    for path in sorted(expected.keys() | present):
        file = folder / path
        if path not in expected:
            problems.append(Problem(Where(file), "file not in the catalogue (added after archiving)", "remove it"))
        elif not file.is_file():
            problems.append(Problem(Where(file), "archived file is missing", "restore it from a backup copy"))
        elif sha256_file(file) != expected[path]:
            problems.append(Problem(Where(file), "checksum differs from the catalogue: the file was altered",
                                    "restore it from a backup copy"))
    return problems


def _check_rebuild(folder: Path, pdf_name: str) -> list[Problem]:
    """Rebuild from the archived data, layout, theme and fonts; the bytes must be the archived PDF's."""
    with tempfile.TemporaryDirectory() as scratch:
        rebuilt = Path(scratch) / pdf_name
        try:
            build(replace(archived_request(folder), output=rebuilt))
        except Exception as exc:  # a damaged archived input may break the build in any way: report it
            return [Problem(Where(folder), f"rebuilding the PDF from the archived inputs failed: {exc}",
                            "restore the damaged inputs named above")]
        archived = folder / pdf_name
        if not archived.is_file() or rebuilt.read_bytes() != archived.read_bytes():
            return [Problem(Where(archived), "rebuilding from the archived inputs does not give the same bytes",
                            "the PDF or its inputs were altered, or the tool versions differ (see manifest.json)")]
    return []


def extract(pdf: Path, output: Path) -> list[Path]:
    """Write the data files attached to ``pdf`` into ``output`` (never over existing files)."""
    import pikepdf

    try:
        document = pikepdf.open(pdf)
    except (pikepdf.PdfError, OSError) as exc:
        raise ArchiveError(Problem(Where(pdf), f"cannot open the PDF: {exc}", "give a bulletin PDF")) from None
    with document:
        files = {name: spec.get_file().read_bytes() for name, spec in document.attachments.items()}
    if not files:
        raise ArchiveError(Problem(Where(pdf), "this PDF carries no attached data", "give an archived bulletin PDF"))
    clashes = [output / name for name in files if (output / name).exists()]
    if clashes:
        raise ArchiveError(Problem(Where(clashes[0]), "already exists; nothing is overwritten", "choose another --output"))
    output.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (output / Path(name).name).write_bytes(data)
    return [output / Path(name).name for name in files]
