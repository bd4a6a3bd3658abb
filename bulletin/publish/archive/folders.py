"""Archive folders: one folder per edition version, the archive lock, and file permissions.

Input: an archive folder. Output: the names of version folders (``2022-02`` for version 1, as
always; ``2022-02-v2``, ``2022-02-v3``… for re-issues, beside it), the exclusive lock every
writer holds, and the permissions of what is archived (folders 0755, files read-only 0444).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from bulletin.errors import BulletinError, Problem, Where, os_reason
from bulletin.files import current_umask

LOCK = ".lock"
# version 1 keeps the historical name YYYY-MM; re-issues are YYYY-MM-vN beside it (N ≥ 2)
VERSION_FOLDER = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))(?:-v([2-9]|[1-9]\d{1,3}))?$")
MAX_VERSION = 9999


class ArchiveError(BulletinError):
    """The archive refuses an operation, or found a damaged file."""


def folder_name(month: str, version: int) -> str:
    """``2022-02`` for version 1, ``2022-02-v2`` for version 2."""
    return month if version == 1 else f"{month}-v{version}"


def parse_folder_name(name: str) -> tuple[str, int] | None:
    """(month, version) of a version folder's name; None for any other name."""
    match = VERSION_FOLDER.match(name)
    if not match:
        return None
    return match.group(1), int(match.group(2) or 1)


def version_folders(archive_dir: Path) -> list[tuple[str, int, Path]]:
    """Every version folder in ``archive_dir`` as (month, version, path), oldest first."""
    found = []
    for path in archive_dir.iterdir():
        parsed = parse_folder_name(path.name)
        if parsed and path.is_dir() and not path.is_symlink():
            found.append((*parsed, path))
    return sorted(found)


def require_archive_dir(archive_dir: Path) -> None:
    """ArchiveError unless ``archive_dir`` is an existing folder."""
    if not archive_dir.is_dir():
        state = "n’est pas un dossier" if archive_dir.exists() else "n’existe pas"
        raise ArchiveError(Problem(Where(archive_dir), f"le dossier d’archive {state}",
                                   "indiquez le bon dossier avec --archive-dir"))


_HELD: dict[Path, int] = {}  # archive folders whose lock this process holds (the lock is re-entrant)


@contextlib.contextmanager
def locked(archive_dir: Path, create: bool = False) -> Iterator[None]:
    """Hold the archive's exclusive lock (other runs wait), and clear what killed runs left."""
    key = _lock_key(archive_dir, create)
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    try:
        handle = (archive_dir / LOCK).open("a")
    except OSError as exc:
        raise _unwritable(archive_dir, exc) from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _HELD[key] = 1
        try:
            for stale in archive_dir.glob(".*.tmp-*"):
                remove_tree(stale)
            yield
        finally:
            del _HELD[key]
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_key(archive_dir: Path, create: bool) -> Path:
    try:
        if create and not archive_dir.exists():
            archive_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(archive_dir, exc) from None
    require_archive_dir(archive_dir)
    return archive_dir.resolve()


def _unwritable(archive_dir: Path, exc: OSError) -> ArchiveError:
    return ArchiveError(Problem(Where(archive_dir), f"impossible d’écrire dans le dossier d’archive : {os_reason(exc)}",
                                "choisissez un dossier accessible en écriture"))


def remove_tree(path: Path) -> None:
    """Remove a folder of possibly read-only files (the folders themselves stay writable)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def make_folders(path: Path) -> list[Path]:
    """Create ``path`` and its missing parents; return the folders created, deepest first, so that a
    failed run can remove them with :func:`remove_folders` and leave nothing behind."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return missing


def remove_folders(folders: list[Path]) -> None:
    """Remove the (empty) folders :func:`make_folders` created."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def protect(folder: Path) -> None:
    """Folders 0755 and files read-only 0444 (less what the umask takes away)."""
    mask = current_umask()
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, (0o755 if path.is_dir() else 0o444) & ~mask)
