"""One exception root for everything the user must act on.

A :class:`Problem` says what is wrong, where (file and line, or file and key) and how to fix it.
A :class:`BulletinError` carries one or more problems, so ``check`` can report them all at once.
"""

from __future__ import annotations

import errno
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def command_name(argv0: str) -> str:
    """How the user started the program, to repeat in hints: ``bulletin`` (the installed command, as after
    ``pip install`` and ``bulletin init``, where there is no ``make_bulletin.py``) or ``make_bulletin.py``
    (a checkout, and code calling the library)."""
    return "bulletin" if Path(argv0).name == "bulletin" else "make_bulletin.py"


COMMAND = command_name(sys.argv[0] if sys.argv else "")


@dataclass(frozen=True)
class Where:
    """A place in an input file: path, and line (1-based) when known."""

    path: Path | str
    line: int | None = None
    sheet: str | None = None  # for a workbook: the sheet, and ``line`` is the spreadsheet row
    cell: str | None = None  # for a workbook: the cell, e.g. « B13 »

    def __str__(self) -> str:
        if self.sheet:
            place = f", cellule {self.cell}" if self.cell else f", ligne {self.line}" if self.line else ""
            return f"{self.path}, feuille « {self.sheet} »{place}"
        return f"{self.path}:{self.line}" if self.line else str(self.path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; ``hint`` says how to fix it."""

    where: Where
    message: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if str(self.where) else self.message
        return f"{text}\n  hint: {self.hint}" if self.hint else text


def quoted(value: object, limit: int = 80) -> str:
    """``value`` between French quotes as a message shows it: « c.part ». Characters that would not
    print (line breaks, controls, bidirectional overrides) are escaped, long values shortened."""
    text = str(value)
    shown = "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in text[:limit])
    return f"« {shown}{'…' if len(text) > limit else ''} »"


OS_REASONS = {
    errno.EACCES: "permission refusée", errno.EPERM: "opération non permise",
    errno.ENOENT: "fichier ou dossier introuvable", errno.ENOTDIR: "un élément du chemin n’est pas un dossier",
    errno.EISDIR: "c’est un dossier", errno.EEXIST: "existe déjà", errno.ENOTEMPTY: "dossier non vide",
    errno.ENOSPC: "plus de place sur le disque", errno.EFBIG: "fichier trop gros (disque plein ou limite atteinte)",
    errno.EDQUOT: "quota de disque dépassé", errno.EROFS: "disque en lecture seule",
    errno.EIO: "erreur d’entrée-sortie du disque", errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ELOOP: "trop de liens symboliques", errno.EXDEV: "déplacement impossible entre deux disques",
    errno.ECONNREFUSED: "connexion refusée", errno.ETIMEDOUT: "délai dépassé", errno.EHOSTUNREACH: "machine injoignable",
    errno.ENETUNREACH: "réseau injoignable", errno.ECONNRESET: "connexion interrompue par le serveur",
}


def os_reason(exc: OSError) -> str:
    """Why the system refused, in French (« permission refusée »), for an OSError."""
    if exc.errno in OS_REASONS:
        return OS_REASONS[exc.errno]
    return f"erreur système {errno.errorcode.get(exc.errno, exc.errno)}" if exc.errno else "erreur système"


SQLITE_REASONS = (("not a database", "ce n’est pas une base SQLite"), ("readonly", "base en lecture seule"),
                  ("disk is full", "disque plein"), ("disk I/O", "erreur d’entrée-sortie du disque"),
                  ("locked", "base verrouillée par un autre programme"), ("unable to open", "impossible à ouvrir"),
                  ("no such table", "une table manque"), ("no such column", "une colonne manque"),
                  ("malformed", "fichier corrompu"), ("encrypted", "ce n’est pas une base SQLite"))


def sqlite_reason(exc: Exception) -> str:
    """What SQLite said, in French (our own DatabaseError messages are already French)."""
    text = str(exc)
    for found, french in SQLITE_REASONS:
        if found in text:
            return french
    english = re.search(r"\b(database|file|table|column|error|not|no|unable|attempt|failed)\b", text)
    return "erreur SQLite" if english else text  # our own DatabaseError messages are French already


def nearest(name: str, choices: Iterable[object], hint: str = "") -> str:
    """A hint naming the closest of ``choices`` to a misspelt ``name`` (« vouliez-vous dire « x » ? »),
    followed by ``hint``; just ``hint`` when nothing is close."""
    close = closest(name, choices)
    suggestion = f"vouliez-vous dire {quoted(close)} ?" if close is not None else ""
    return " ; ".join(part for part in (suggestion, hint) if part)


def closest(name: str, choices: Iterable[object]) -> str | None:
    """The one of ``choices`` a misspelt ``name`` most looks like, if one is close enough (difflib)."""
    from difflib import get_close_matches

    close = get_close_matches(str(name), [str(choice) for choice in choices], n=1, cutoff=0.75)
    return close[0] if close else None


class BulletinError(Exception):
    """Root of every error the user can fix; holds the problems found."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(Where(""), problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Interrupted(BaseException):
    """SIGTERM received: unwinds like Ctrl-C (KeyboardInterrupt), so every temporary file is removed on the way out."""


class DataError(BulletinError):
    """The edition's data (figures, series, edition.yaml) is wrong."""


class LayoutError(BulletinError):
    """The layout or theme YAML is wrong."""


class FitError(LayoutError):
    """A block's content does not fit its box."""


class RenderError(BulletinError):
    """The PDF could not be written."""


def raise_if_errors(problems: list[Problem], kind: type[BulletinError]) -> None:
    """Raise ``kind`` with every non-warning problem, if there is any."""
    errors = [p for p in problems if not p.warning]
    if errors:
        raise kind(errors)
