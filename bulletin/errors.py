"""One exception root for everything the user must act on.

A :class:`Problem` says what is wrong, where (file and line, or file and key) and how to fix it.
A :class:`BulletinError` carries one or more problems, so ``check`` can report them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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


class BulletinError(Exception):
    """Root of every error the user can fix; holds the problems found."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(Where(""), problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


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
