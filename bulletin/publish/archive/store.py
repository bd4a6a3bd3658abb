"""Archiving: build an edition from copies of its inputs and store it, never over an earlier version.

Input: a build request, the archive folder, and for a re-issue its reason. Output: a version
folder (``2022-02`` for version 1, ``2022-02-v2``… for re-issues) holding the PDF, the exact
data, layout, theme and fonts it was built from and ``manifest.json``, read-only, recorded in
the catalogue. The folder is assembled under a hidden temporary name and renamed when complete,
under the archive's lock: two runs cannot interleave, and a run killed half-way leaves only a
hidden temporary folder, removed by the next run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import platform
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

from bulletin import __version__
from bulletin.publish.archive.catalogue import ArchivedVersion, catalogue, latest, reconcile, record, versions
from bulletin.publish.archive.folders import ArchiveError, folder_name, locked, protect, remove_tree
from bulletin.publish.archive.manifest import MANIFEST, Document, FileEntry, Manifest, manifest_data
from bulletin.build import BuildRequest, Prepared, build, prepare, source_files, uses_history
from bulletin.layout_spec import load_layout
from bulletin.territorial.batch import check_jobs
from bulletin.data.history import load_history
from bulletin.errors import COMMAND, Problem, Where, os_reason
from bulletin.files import sha256_file
from bulletin.project import lock_file

log = logging.getLogger(__name__)
MAX_REASON = 500


@dataclass(frozen=True)
class Archived:
    """What ``archive`` made: the version and its folder."""

    month: str
    version: int
    folder: Path
    warnings: tuple[Problem, ...] = ()  # the build's warnings (an unused figure…), as build prints them
    territorial: int = 0  # territorial editions archived beside the national one


@dataclass(frozen=True)
class Territorial:
    """Which territorial editions to archive with the national one (none by default), and how."""

    which: str | None = None  # departements | regions | all
    jobs: int | None = None
    progress: Callable[..., None] | None = None


def check_reason(reason: str | None) -> str:
    """The re-issue reason, one line of plain text; ArchiveError naming --reason otherwise."""
    text = (reason or "").strip()
    if not text:
        raise ArchiveError(Problem(Where("--reason"), "une réémission doit dire pourquoi",
                                   "ajoutez --reason « ce qui a été corrigé »"))
    if len(text) > MAX_REASON or any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 or c in "\u2028\u2029" for c in text):
        raise ArchiveError(Problem(Where("--reason"), f"le motif doit tenir sur une ligne de {MAX_REASON} caractères "
                                   "au plus, sans caractère de contrôle", "raccourcissez le motif"))
    return text


def archive_edition(request: BuildRequest, archive_dir: Path, reissue: str | None = None,
                    territories: str | None = None, jobs: int | None = None,
                    progress: Callable[..., None] | None = None) -> Archived:
    """Build and archive the edition of ``request``: version 1, or the next version when ``reissue``
    (its reason) is given; with ``territories`` (``departements``, ``regions``, ``all``), the territorial
    editions of the month too, all under one manifest; return what was archived."""
    reason = check_reason(reissue) if reissue is not None else ""
    prepared = prepare(request)
    if territories:
        check_jobs(jobs)
    month = prepared.edition.month
    with locked(archive_dir, create=True), catalogue(archive_dir, create=True) as db:
        reconcile(db, archive_dir)
        current = latest(db, month)
        version = _next_version(db, archive_dir, month, current, reissue is not None)
        target = archive_dir / folder_name(month, version)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=archive_dir))
        try:
            manifest = _assemble(staging, prepared, version, reason, Territorial(territories, jobs, progress))
            _refuse_identical(archive_dir, month, current, manifest)
            protect(staging)
            staging.rename(target)
        except OSError as exc:
            raise ArchiveError(Problem(Where(target), f"impossible d’écrire l’archive : {os_reason(exc)}",
                                       "vérifiez l’espace disque et les droits sur le dossier d’archive")) from None
        finally:
            remove_tree(staging)
        record(db, manifest, sha256_file(target / MANIFEST), target.name, manifest.archived_at or "")
    log.info("archivé : %s version %d dans %s", month, version, target)
    return Archived(month, version, target, tuple(prepared.warnings), len(manifest.documents) - 1)


def _next_version(db: sqlite3.Connection, archive_dir: Path, month: str, current: ArchivedVersion | None,
                  reissue: bool) -> int:
    """1 for a first archive, the next number after ``current`` (the latest version) for a re-issue; refusals say
    what to do instead."""
    if current is not None:
        _require_folders(db, archive_dir, month)
    if current is None and reissue:
        raise ArchiveError(Problem(Where(archive_dir / month), f"l’édition {month} n’a jamais été archivée : "
                                   "il n’y a rien à réémettre", f"archivez-la sans --reissue : {COMMAND} "
                                   f"archive --edition {month}"))
    if current is not None and not reissue:
        raise ArchiveError(Problem(Where(archive_dir / current.folder), f"l’édition {month} est déjà archivée "
                                   f"(version {current.version}) ; une archive n’est jamais remplacée",
                                   f"pour publier une version corrigée : {COMMAND} archive --edition {month} "
                                   "--reissue --reason « ce qui a été corrigé »"))
    version = current.version + 1 if current else 1
    stray = archive_dir / folder_name(month, version)
    if stray.exists() or stray.is_symlink():
        raise ArchiveError(Problem(Where(stray), "ce dossier existe mais n’est pas une édition archivée du catalogue",
                                   "déplacez-le hors du dossier d’archive (ou, s’il a un manifest.json : "
                                   f"{COMMAND} archive reindex)"))
    return version


def _require_folders(db: sqlite3.Connection, archive_dir: Path, month: str) -> None:
    """Every catalogued version of ``month`` must still have its folder (a deleted one is not re-archived)."""
    for row in versions(db, month):
        if not (archive_dir / row.folder / MANIFEST).is_file():
            raise ArchiveError(Problem(Where(archive_dir / row.folder), f"la version {row.version} de {month} est au "
                                       "catalogue mais son dossier a disparu",
                                       "restaurez-le depuis une sauvegarde ; s’il a été supprimé exprès, "
                                       f"{COMMAND} archive reindex retire du catalogue les versions sans dossier"))


def _refuse_identical(archive_dir: Path, month: str, current: ArchivedVersion | None, manifest: Manifest) -> None:
    if current is not None and manifest.files[manifest.national.pdf].sha256 == current.pdf_sha256:
        raise ArchiveError(Problem(Where(archive_dir / current.folder), f"la réémission donnerait exactement le même PDF que la "
                                   f"version {current.version} : rien n’a été corrigé",
                                   "corrigez les données, la maquette ou le thème avant de réémettre"))


def _assemble(folder: Path, prepared: Prepared, version: int, reason: str, territorial: Territorial) -> Manifest:
    """Copy the inputs, build the PDFs from the copies, write the manifest; return it."""
    edition, layout, theme = prepared.edition, prepared.layout, prepared.theme
    _register_beside(prepared)
    for path in source_files(edition, prepared.scope):
        _copy(path, folder / "data" / path.name)
    for level, outlines in prepared.scope.outlines.items():
        _copy(outlines.path, folder / "outlines" / OUTLINE_FILES[level])
    _copy(layout.path, folder / "layout" / layout.path.name)
    _copy_images(load_layout(layout.path), folder / "layout")  # every image, of every edition
    _copy(theme.path, folder / "theme" / theme.path.name)
    for path in sorted(set(theme.font_files.values())):
        _copy(path, folder / "fonts" / path.name)
    _copy_history(folder, prepared)
    pdf_name = f"{layout.path.stem}-{edition.month}.pdf"
    build(replace(archived_request(folder), output=folder / pdf_name))
    documents = (Document("", pdf_name), *_territorial_editions(folder, territorial))
    files = {str(p.relative_to(folder)): FileEntry(sha256_file(p), p.stat().st_size)
             for p in sorted(folder.rglob("*")) if p.is_file()}
    manifest = Manifest(edition.month, version, reason, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                        f"bulletin {__version__}", documents, MappingProxyType(files))
    options = {"draft": False, "layout": layout.path.name, "theme": theme.path.name}
    if territorial.which:
        options["territories"] = territorial.which
    extra = {"versions": _versions(), "build_options": options}
    (folder / MANIFEST).write_text(json.dumps(manifest_data(manifest, extra), indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return manifest


def _copy_history(folder: Path, prepared: Prepared) -> None:
    """The earlier editions that deltas and history curves read, as ``YYYY-MM/`` folders beside ``data/``:
    the build from the archived copies finds them where :func:`~bulletin.data.history.load_history` looks
    (the data folder's siblings), so the archived PDF shows the same changes as the built one."""
    if not uses_history(prepared.layout):
        return
    for earlier in load_history(prepared.edition).earlier:
        for path in source_files(earlier):
            _copy(path, folder / earlier.month / path.name)


def _territorial_editions(folder: Path, territorial: Territorial) -> list[Document]:
    """The territorial editions asked, built from the archived copies into the version folder: all of them,
    or nothing is archived (an archive is never partial)."""
    if not territorial.which:
        return []
    from bulletin.territorial.batch import run_batch

    done = run_batch(replace(archived_request(folder), out_dir=folder), territorial.which, territorial.jobs,
                     progress=territorial.progress)
    problems = [Problem(p.where, f"édition {o.territory} ({o.name}) : {p.message}", p.hint)
                for o in done.outcomes for p in o.problems]
    if problems:
        raise ArchiveError([*problems, Problem(Where(folder.parent), "rien n’est archivé : une archive garde toutes "
                                               "les éditions du mois ou aucune", "corrigez, puis relancez archive")])
    return [Document(o.territory, o.path.name) for o in done.outcomes if o.path is not None]


def _register_beside(prepared: Prepared) -> None:
    """The archive keeps register.yaml and its commune file side by side: the file must be beside it already."""
    register = prepared.scope.register
    if register is not None and register.spec.file.parent != register.spec.path.parent.resolve():
        raise ArchiveError(Problem(Where(register.spec.path), f"le fichier des communes {register.spec.file} n’est "
                                   "pas dans le dossier de l’édition : l’archive ne pourrait pas le relire",
                                   "placez-le à côté de register.yaml (file: communes.csv)"))


OUTLINE_FILES = {"dep": "departements.geojson", "reg": "regions.geojson"}


def archived_request(folder: Path) -> BuildRequest:
    """A build request that reads only the archived copies in ``folder`` (outlines included)."""
    layout = next((folder / "layout").glob("*.yaml"))
    theme = next((folder / "theme").glob("*.yaml"))
    outlines = {level: folder / "outlines" / name for level, name in OUTLINE_FILES.items()
                if (folder / "outlines" / name).is_file()}
    return BuildRequest(folder / "data", layout, None, False, folder / "fonts", theme, outlines=outlines)


def _copy_images(layout, target: Path) -> None:  # type: ignore[no-untyped-def]
    """The logos and images the layout names, at the same place beside the archived layout."""
    for name in layout.image_files():
        copy = (target / name).resolve()
        if not copy.is_relative_to(target.resolve()):
            raise ArchiveError(Problem(Where(layout.path), f"l’image {name} est hors du dossier de la mise en page : "
                                       "l’archive ne peut pas la garder à côté d’elle",
                                       "placez l’image dans le dossier de la mise en page (ou un sous-dossier)"))
        _copy(layout.path.parent / name, copy)


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
