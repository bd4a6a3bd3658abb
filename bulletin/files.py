"""Safe file reading and writing.

Reading: an input must be a regular file of bounded size (a FIFO, ``/dev/zero`` or a 10 GB file
is refused before it is opened). Writing: a file or folder appears complete under its final name,
or not at all: the work happens under a hidden temporary name beside it (carrying the process id,
so that the next run can remove what a killed run left), renamed only on success
(``os.replace`` / ``rename`` are atomic on one filesystem).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from bulletin.errors import BulletinError, Problem, RenderError, Where, os_reason

MB = 1 << 20
# Largest accepted input of each kind: far above real files (a 19-page layout is 40 kB, a
# year of figures 200 kB, a TrueType font 1 MB), far below what could exhaust memory.
LIMITS = {"csv": 16 * MB, "yaml": 2 * MB, "toml": 256 * 1024, "xlsx": 16 * MB, "font": 32 * MB}


def check_input_file(path: Path, kind: str, error: type[BulletinError] = BulletinError) -> int:
    """Refuse anything but an existing regular file within the size limit of ``kind``; return its size."""
    try:
        info = path.stat()
    except OSError as exc:
        message = "fichier introuvable" if isinstance(exc, FileNotFoundError) else f"illisible : {os_reason(exc)}"
        raise error(Problem(Where(path), message, "vérifiez le chemin")) from None
    if not stat.S_ISREG(info.st_mode):
        raise error(Problem(Where(path), "n’est pas un fichier ordinaire (dossier, tube, périphérique…)",
                            "donnez le chemin d’un fichier"))
    if info.st_size > LIMITS[kind]:
        raise error(Problem(Where(path), f"fichier trop gros ({info.st_size / MB:.1f} Mo ; "
                            f"au plus {LIMITS[kind] // MB or 1} Mo pour ce type de fichier)",
                            "vérifiez qu’il s’agit du bon fichier"))
    return info.st_size


def read_input(path: Path, kind: str, error: type[BulletinError] = BulletinError) -> bytes:
    """The bytes of an input file, checked by :func:`check_input_file` (and read no further than the limit)."""
    check_input_file(path, kind, error)
    try:
        with path.open("rb") as handle:
            data = handle.read(LIMITS[kind] + 1)
    except OSError as exc:
        raise error(Problem(Where(path), f"illisible : {os_reason(exc)}", "vérifiez le fichier")) from None
    if len(data) > LIMITS[kind]:  # it grew while being read
        raise error(Problem(Where(path), "fichier trop gros", "vérifiez qu’il s’agit du bon fichier"))
    return data


def temporary_prefix(name: str) -> str:
    """Hidden temporary name of ``name`` for this process: ``.<name>.<pid>.``."""
    return f".{name}.{os.getpid()}."


_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[^.]*\.tmp$")


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the hidden temporaries (``.<name>.<pid>.<random>.tmp``) of runs that are no longer alive."""
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = _TEMPORARY.match(entry.name)
            if match and not _alive(int(match["pid"])):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def make_folder(folder: Path, what: Path | None = None) -> Path | None:
    """Create ``folder`` (and its parents); return the topmost folder created (None if it existed).

    An impossible folder is an error naming ``what``.
    """
    top = next((f for f in reversed((folder, *folder.parents)) if not f.exists()), None)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(Problem(Where(what or folder), f"impossible de créer le dossier {folder} : "
                                  f"{os_reason(exc)}", "choisissez un emplacement où vous pouvez écrire")) from None
    return top


def remove_created(folder: Path, top: Path | None) -> None:
    """Remove the empty folders from ``folder`` up to ``top`` (those :func:`make_folder` created)."""
    if top is None:
        return
    for current in (folder, *folder.parents):
        with contextlib.suppress(OSError):
            current.rmdir()  # only ever succeeds on an empty folder
        if current == top:
            return


@contextlib.contextmanager
def atomic_path(output: Path) -> Iterator[Path]:
    """Yield a temporary file path beside ``output``; rename it to ``output`` only on success.

    On failure nothing is left: neither the temporary file nor the folders created for it.
    """
    created = make_folder(output.parent, output)
    remove_stale_temporaries(output.parent)
    temporary: Path | None = None
    done = False
    try:
        with signals_deferred():  # a SIGTERM between creating the file and knowing its name would leave it
            temporary = _created(output, lambda: tempfile.mkstemp(prefix=temporary_prefix(output.name),
                                                                  suffix=".tmp", dir=output.parent))
        yield temporary
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes 0600; a PDF is for sharing
        os.replace(temporary, output)
        done = True
    except OSError as exc:
        raise RenderError(Problem(Where(output), f"impossible d’écrire : {os_reason(exc)}",
                                  "choisissez un emplacement où vous pouvez écrire")) from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        if not done:
            remove_created(output.parent, created)


@contextlib.contextmanager
def staging_folder(final: Path) -> Iterator[Path]:
    """Yield a hidden temporary folder beside ``final``, removed afterwards unless the caller renamed it
    (with the folders created for it, if ``final`` did not appear)."""
    created = make_folder(final.parent, final)
    remove_stale_temporaries(final.parent)
    staging: Path | None = None
    try:
        with signals_deferred():
            staging = _created(final, lambda: tempfile.mkdtemp(prefix=temporary_prefix(final.name), suffix=".tmp",
                                                               dir=final.parent))
        yield staging
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if not final.exists():
            remove_created(final.parent, created)


def _created(final: Path, make) -> Path:  # type: ignore[no-untyped-def]
    """The path of the temporary file or folder ``make()`` creates (a file descriptor is closed)."""
    try:
        made = make()
    except OSError as exc:
        raise RenderError(Problem(Where(final), f"impossible d’écrire : {os_reason(exc)}",
                                  "choisissez un emplacement où vous pouvez écrire")) from None
    if isinstance(made, tuple):
        os.close(made[0])
        made = made[1]
    return Path(made)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGTERM and SIGINT back (delivered on exit) while a temporary is created and named."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGTERM, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def current_umask() -> int:
    """The process umask (read without changing it for good)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
