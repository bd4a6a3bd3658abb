"""The manifest of an archived version: what it holds, with checksums, read back safely.

Input: a version folder's ``manifest.json``. Output: a :class:`Manifest` whose paths are all
checked to stay inside the folder (a manifest naming ``../../etc/passwd`` is refused).

Format 2 (written since re-issues exist)::

    {"format": 2, "edition": "2022-02", "version": 2, "reason": "…", "archived_at": "…Z",
     "pdf": "pvd-chiffres-cles-2022-02.pdf",
     "documents": [{"territory": "", "pdf": "pvd-chiffres-cles-2022-02.pdf"}],
     "tool": "bulletin 0.1.0", "versions": {…}, "build_options": {…},
     "files": {"data/figures.csv": {"sha256": "…", "size": 1234}, …}}

``documents`` lists every PDF of the version: the national one (territory ``""``) now,
territorial ones (``dep:58``, ``reg:27``) later, all under one manifest. ``pdf`` repeats the
national PDF so that format 1 readers still find it. Format 1 (no ``format`` key) is version 1
with one national PDF and no reason or date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from bulletin.publish.archive.folders import ArchiveError, parse_folder_name
from bulletin.errors import COMMAND, Problem, Where, os_reason

MANIFEST = "manifest.json"
FORMAT = 2
MAX_MANIFEST_BYTES = 1_000_000
TERRITORY = re.compile(r"^(|dep:[0-9][0-9AB][0-9]?|reg:[0-9]{2})$")


@dataclass(frozen=True)
class Document:
    """One PDF of a version; ``territory`` is empty for the national edition."""

    territory: str
    pdf: str  # a file name inside the version folder


@dataclass(frozen=True)
class FileEntry:
    """Checksum and size of one archived file."""

    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """A version's manifest, validated."""

    month: str
    version: int
    reason: str
    archived_at: str | None  # None in format 1
    tool: str
    documents: tuple[Document, ...]
    files: Mapping[str, FileEntry]

    @property
    def national(self) -> Document:
        """The national edition's document."""
        return next(d for d in self.documents if not d.territory)


def manifest_data(manifest: Manifest, extra: dict[str, Any]) -> dict[str, Any]:
    """The JSON object of ``manifest`` (format 2), with ``extra`` keys (versions, build options)."""
    return {"format": FORMAT, "edition": manifest.month, "version": manifest.version, "reason": manifest.reason,
            "archived_at": manifest.archived_at, "pdf": manifest.national.pdf,
            "documents": [{"territory": d.territory, "pdf": d.pdf} for d in manifest.documents],
            "tool": manifest.tool, **extra,
            "files": {path: {"sha256": e.sha256, "size": e.size} for path, e in manifest.files.items()}}


def read_manifest(folder: Path) -> Manifest:
    """Read and check ``folder/manifest.json``; ArchiveError naming the file and the key otherwise."""
    path = folder / MANIFEST
    data = _load(path)
    where = Where(path)
    month, version = _identity(data, folder, where)
    files = _files(data.get("files"), where)
    documents = _documents(data, where)
    for document in documents:
        if document.pdf not in files:
            raise ArchiveError(Problem(where, f"le PDF « {document.pdf} » n’est pas dans la liste des fichiers",
                                       _RESTORE))
    return Manifest(month, version, _text(data, "reason", where), data.get("archived_at") or None,
                    _text(data, "tool", where), documents, MappingProxyType(files))


_RESTORE = f"restaurez ce dossier depuis une sauvegarde ({COMMAND} archive verify dit ce qui diffère)"


def _load(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ArchiveError(Problem(Where(path), "manifeste anormalement gros", _RESTORE))
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArchiveError(Problem(Where(path), "manifeste absent : ce dossier n’est pas une édition archivée",
                                   _RESTORE)) from None
    except OSError as exc:
        raise ArchiveError(Problem(Where(path), f"manifeste illisible : {os_reason(exc)}", _RESTORE)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(Problem(Where(path), f"manifeste endommagé (JSON invalide : {exc})", _RESTORE)) from None
    if not isinstance(data, dict):
        raise ArchiveError(Problem(Where(path), "manifeste endommagé (ce n’est pas un objet JSON)", _RESTORE))
    return data


def _identity(data: dict[str, Any], folder: Path, where: Where) -> tuple[str, int]:
    """The month and version the manifest declares, which must be those of its folder's name."""
    version = data.get("version", 1) if "format" in data else 1
    if isinstance(version, bool) or not isinstance(version, int):
        raise ArchiveError(Problem(where, f"clé « version » : {version!r} n’est pas un numéro de version", _RESTORE))
    expected = parse_folder_name(folder.name)
    if expected != (data.get("edition"), version):
        raise ArchiveError(Problem(where, f"le manifeste décrit l’édition {data.get('edition')!r} version {version}, "
                                   f"ce qui ne correspond pas au nom du dossier « {folder.name} »", _RESTORE))
    return expected  # type: ignore[return-value]


def _text(data: dict[str, Any], key: str, where: Where) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ArchiveError(Problem(where, f"clé « {key} » : ce n’est pas un texte", _RESTORE))
    return value


def _documents(data: dict[str, Any], where: Where) -> tuple[Document, ...]:
    raw = data.get("documents") if "format" in data else [{"territory": "", "pdf": data.get("pdf")}]
    if not isinstance(raw, list) or not raw:
        raise ArchiveError(Problem(where, "clé « documents » : la liste des PDF est absente ou vide", _RESTORE))
    documents = []
    for item in raw:
        if not isinstance(item, dict) or not TERRITORY.match(str(item.get("territory", "?"))):
            raise ArchiveError(Problem(where, f"clé « documents » : entrée invalide {item!r}", _RESTORE))
        documents.append(Document(item["territory"], plain_file_name(item.get("pdf"), where, "pdf")))
    territories = [d.territory for d in documents]
    if "" not in territories or len(set(territories)) != len(territories):
        raise ArchiveError(Problem(where, "clé « documents » : il faut une seule édition nationale et un seul "
                                   "PDF par territoire", _RESTORE))
    return tuple(documents)


def _files(raw: object, where: Where) -> dict[str, FileEntry]:
    if not isinstance(raw, dict) or not raw:
        raise ArchiveError(Problem(where, "clé « files » : la liste des fichiers est absente ou vide", _RESTORE))
    files = {}
    for name, entry in raw.items():
        relative_path(name, where)
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]) and isinstance(entry.get("size"), int)):
            raise ArchiveError(Problem(where, f"clé « files » : entrée invalide pour « {name} »", _RESTORE))
        files[name] = FileEntry(entry["sha256"], entry["size"])
    return files


def plain_file_name(name: object, where: Where, key: str) -> str:
    """``name`` if it is a plain file name (no folder, no ``..``, no control character)."""
    if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name \
            or any(ord(c) < 32 or ord(c) == 127 for c in name) or len(name.encode("utf-8")) > 255:
        raise ArchiveError(Problem(where, f"clé « {key} » : {name!r} n’est pas un nom de fichier du dossier de "
                                   "l’édition (un chemin qui en sort est refusé)", _RESTORE))
    return name


def relative_path(name: object, where: Where) -> str:
    """``name`` if it is a relative path that stays inside the version folder."""
    parts = PurePosixPath(name).parts if isinstance(name, str) else ()
    if not parts or PurePosixPath(str(name)).is_absolute() or any(p in ("", ".", "..") for p in parts) \
            or "\\" in str(name) or any(ord(c) < 32 for c in str(name)):
        raise ArchiveError(Problem(where, f"clé « files » : {name!r} sort du dossier de l’édition", _RESTORE))
    return str(name)
