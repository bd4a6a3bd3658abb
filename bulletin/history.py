"""History stage: the earlier editions beside an edition, and what changed between two.

Input: an edition folder inside an editions folder (``data/editions/YYYY-MM``). Output: the
earlier editions (for deltas « +34 depuis janvier » and for time-series charts fed from the same
figure month after month) and :class:`Change` rows for ``make_bulletin.py diff``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bulletin.edition import MONTH_PATTERN, Edition, Value, load_edition
from bulletin.errors import DataError, Problem, Where
from bulletin.typography import fr_month, fr_signed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class History:
    """The editions before the current one, oldest first."""

    earlier: tuple[Edition, ...] = ()

    @property
    def previous(self) -> Edition | None:
        """The edition just before, if any."""
        return self.earlier[-1] if self.earlier else None

    def previous_value(self, key: str) -> tuple[Edition, Value] | None:
        """The most recent earlier edition having ``key``, with its value there."""
        for edition in reversed(self.earlier):
            if key in edition.figures:
                return edition, edition.figures[key].value
        return None

    def points(self, key: str, current: Edition) -> list[tuple[dt.date, Decimal]]:
        """(edition month, value) of figure ``key`` in every edition up to ``current``."""
        points = [(e.month_date, Decimal(e.figures[key].value)) for e in self.earlier if key in e.figures]  # type: ignore[arg-type]
        return points + [(current.month_date, Decimal(current.figures[key].value))]  # type: ignore[arg-type]


def change_since(key: str, current: Edition, earlier: Edition | None) -> str:
    """« +34 depuis janvier 2022 »: figure ``key`` from ``earlier`` to ``current``; '' when not comparable."""
    figure = current.figures.get(key)
    before = earlier.figures.get(key) if earlier else None
    if earlier is None or figure is None or before is None or figure.unit not in ("count", "percent", "eur"):
        return ""
    return f"{fr_signed(figure.number - before.number, figure.unit)} depuis {fr_month(earlier.month_date)}"


def edition_folders(editions_dir: Path) -> list[Path]:
    """Folders named YYYY-MM in ``editions_dir``, oldest first."""
    if not editions_dir.is_dir():
        return []
    return sorted(p for p in editions_dir.iterdir() if p.is_dir() and MONTH_PATTERN.match(p.name))


def load_history(edition: Edition) -> History:
    """Load the editions that precede ``edition`` in its parent folder (broken ones are skipped, logged)."""
    earlier = []
    for folder in edition_folders(edition.folder.parent):
        if folder.name >= edition.month or folder.resolve() == edition.folder.resolve():
            continue
        try:
            earlier.append(load_edition(folder))
        except DataError as exc:
            log.warning("earlier edition %s is not valid and is ignored for history (%d problems)",
                        folder, len(exc.problems))
    return History(tuple(earlier))


@dataclass(frozen=True)
class Change:
    """One figure compared between two editions."""

    key: str
    status: str  # changed | added | removed
    unit: str
    old: Value | None
    new: Value | None

    @property
    def change(self) -> Decimal | None:
        """new − old for numbers present in both editions."""
        if isinstance(self.old, (int, Decimal)) and isinstance(self.new, (int, Decimal)):
            return Decimal(self.new) - Decimal(self.old)
        return None


def diff_editions(old: Edition, new: Edition) -> list[Change]:
    """Changed, added and removed figures from ``old`` to ``new``, sorted by key."""
    changes = []
    for key in sorted(set(old.figures) | set(new.figures)):
        before, after = old.figures.get(key), new.figures.get(key)
        if before is None and after is not None:
            changes.append(Change(key, "added", after.unit, None, after.value))
        elif after is None and before is not None:
            changes.append(Change(key, "removed", before.unit, before.value, None))
        elif before is not None and after is not None and (before.value != after.value or before.unit != after.unit):
            changes.append(Change(key, "changed", after.unit, before.value, after.value))
    return changes


def find_edition(editions_dir: Path, month: str) -> Path:
    """The folder of edition ``month``; DataError naming the ones available if absent."""
    folder = editions_dir / month
    if not folder.is_dir():
        known = ", ".join(p.name for p in edition_folders(editions_dir)) or "none"
        raise DataError(Problem(Where(folder), f"no edition {month} in {editions_dir}",
                                f"editions available: {known}"))
    return folder
