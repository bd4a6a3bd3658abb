"""Output guard: what a command writes never replaces what it reads, nor lands in an edition or the archive.

Input: the path a command is about to write (a PDF, a folder of PNG pages, a new edition folder),
the input files it read (data, layout, theme, fonts, images) and the archive folder. Output:
nothing, or a :class:`~bulletin.errors.BulletinError` naming the option and what it would destroy.
Paths are compared after resolving symbolic links and ``..``: ``--output`` may be spelt in any way.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bulletin.errors import BulletinError, Problem, Where

EDITION_MARK = "edition.yaml"  # a folder holding it is an edition: nothing is written inside it
ARCHIVE_MARKS = ("catalogue.sqlite3", "manifest.json")  # a folder holding one is an archive, or an archived edition


def real(path: Path) -> Path:
    """``path`` with symbolic links and ``..`` resolved (as far as it exists)."""
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare it as written
        return path.absolute()


def refuse_unsafe_output(output: Path, inputs: Iterable[Path], option: str, archive_dir: Path | None) -> None:
    """Raise if ``output`` is one of ``inputs``, or lies inside an edition folder or the archive."""
    refuse_over_inputs(output, inputs, option)
    refuse_inside_archive(output, archive_dir, option)


def refuse_over_inputs(output: Path, inputs: Iterable[Path], option: str) -> None:
    """Raise if ``output`` is one of ``inputs``, or is or lies inside an edition folder."""
    target = real(output)
    for path in inputs:
        if real(path) == target:
            raise BulletinError(Problem(Where(option), f"{output} est un fichier d’entrée ({path}) : "
                                        "il serait remplacé", "choisissez un autre chemin de sortie"))
    for folder in (target, *target.parents):
        if (folder / EDITION_MARK).is_file():
            raise BulletinError(Problem(Where(option), f"{output} est dans le dossier d’édition {folder} : "
                                        "rien n’est écrit parmi les données", "écrivez la sortie ailleurs, "
                                        "par exemple dans out/"))


def refuse_inside_archive(output: Path, archive_dir: Path | None, option: str = "") -> None:
    """Raise if ``output`` is, or lies inside, the archive folder, any folder holding a catalogue (another
    archive) or an archived edition's folder (it holds a manifest): the next ``archive verify`` would find
    the file. The error is located at ``option`` when the output comes from one, else at the output."""
    target = real(output)
    archive = real(archive_dir) if archive_dir else None
    folders = (target, *target.parents)
    for folder in ([archive] if archive in folders else []) + [f for f in folders if f != archive]:
        if folder == archive or any((folder / mark).is_file() for mark in ARCHIVE_MARKS):
            what = f"{output} est" if option else "ce dossier est"
            raise BulletinError(Problem(Where(option or output), f"{what} dans l’archive {folder}, qui ne change que "
                                        "par la commande archive (archive verify le signalerait)",
                                        "écrivez ailleurs, par exemple dans out/"))


def input_files(edition_folder: Path, layout_path: Path, theme_path: Path, fonts: Iterable[Path],
                images: Iterable[Path] = ()) -> list[Path]:
    """Every file a build reads."""
    data = [edition_folder / name for name in ("edition.yaml", "figures.csv", "series.csv", "edition.xlsx",
                                               "NOTES.md")]
    return [*data, layout_path, theme_path, *fonts, *images]
