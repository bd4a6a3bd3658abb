"""Extraction: the data files attached to a bulletin PDF, written back outside the archive.

Input: a PDF (archived or not) and an output folder. Output: its attached files, byte for byte,
in the output folder. Refused before anything is written: an output inside an archive (it would
break the next ``archive verify``), attachment names that are not plain file names (``..``,
``/etc/passwd``, ``a/b``) or that appear twice, and files that already exist.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bulletin.publish.archive.folders import ArchiveError, make_folders, remove_folders
from bulletin.errors import Problem, Where, os_reason
from bulletin.files import current_umask

MAX_ATTACHMENTS = 100
MAX_ATTACHMENT_BYTES = 200_000_000


def default_output(pdf: Path) -> Path:
    """``out/<pdf name>-donnees`` under the current folder (never beside an archived PDF)."""
    return Path("out") / f"{pdf.stem}-donnees"


def extract(pdf: Path, output: Path) -> list[Path]:
    """Write the files attached to ``pdf`` into ``output`` (created if needed, nothing overwritten)."""
    files = _attachments(pdf)
    targets = [output / name for name in files]
    for target in targets:
        if target.exists() or target.is_symlink():
            raise ArchiveError(Problem(Where(target), "existe déjà ; rien n’est remplacé", "choisissez un autre --output"))
    if output.exists() and not output.is_dir():
        raise ArchiveError(Problem(Where(output), "existe et n’est pas un dossier", "choisissez un autre --output"))
    written: list[Path] = []
    created: list[Path] = []
    try:
        created = make_folders(output)
        for target, data in zip(targets, files.values(), strict=True):
            _write_new(target, data)
            written.append(target)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        remove_folders(created)
        raise ArchiveError(Problem(Where(output), f"impossible d’écrire : {os_reason(exc)}",
                                   "choisissez un dossier accessible en écriture, sur un disque qui a de la place")
                           ) from None
    return targets


def _write_new(target: Path, data: bytes) -> None:
    """Write ``target`` completely under a temporary name, then link it in (never over an existing file)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(name, 0o644 & ~current_umask())
        os.link(name, target)  # fails if target appeared meanwhile: never overwrite
    finally:
        os.unlink(name)


def _attachments(pdf: Path) -> dict[str, bytes]:
    """name → bytes of the PDF's attached files, every name checked."""
    import pikepdf

    if not pdf.is_file():
        raise ArchiveError(Problem(Where(pdf), "n’existe pas ou n’est pas un fichier", "indiquez un PDF du bulletin"))
    try:
        document = pikepdf.open(pdf)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise ArchiveError(Problem(Where(pdf), f"impossible d’ouvrir le PDF : {exc}",
                                   "indiquez un PDF du bulletin")) from None
    files: dict[str, bytes] = {}
    with document:
        specs = list(document.attachments.items())
        if len(specs) > MAX_ATTACHMENTS:
            raise ArchiveError(Problem(Where(pdf), f"{len(specs)} pièces jointes : trop pour un bulletin",
                                       "indiquez un PDF du bulletin"))
        for key, spec in specs:
            name = _safe_name(pdf, spec.filename or key)
            if name.casefold() in {n.casefold() for n in files}:
                raise ArchiveError(Problem(Where(pdf), f"la pièce jointe « {name} » apparaît deux fois",
                                           "ce PDF n’est pas un bulletin intact ; rien n’est extrait"))
            data = spec.get_file().read_bytes()
            if len(data) > MAX_ATTACHMENT_BYTES:
                raise ArchiveError(Problem(Where(pdf), f"la pièce jointe « {name} » est trop grosse",
                                           "ce PDF n’est pas un bulletin intact ; rien n’est extrait"))
            files[name] = data
    if not files:
        raise ArchiveError(Problem(Where(pdf), "ce PDF ne porte aucune donnée jointe",
                                   "indiquez un PDF archivé du bulletin"))
    return files


def _safe_name(pdf: Path, name: str) -> str:
    """``name`` if it is a plain file name that cannot leave the output folder."""
    if not name or name in (".", "..") or name.startswith(".") or any(c in name for c in "/\\:") \
            or any(ord(c) < 32 or ord(c) == 127 for c in name) or len(name.encode("utf-8")) > 255:
        raise ArchiveError(Problem(Where(pdf), f"la pièce jointe a un nom refusé : {name!r} (seuls les noms de fichier "
                                   "simples sont écrits, jamais un chemin)",
                                   "ce PDF n’est pas un bulletin intact ; rien n’est extrait"))
    return name
