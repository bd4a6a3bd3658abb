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

from bulletin.data.edition import MONTH_PATTERN, NUMERIC_UNITS, Edition, Figure, SeriesPoint, Value, load_edition
from bulletin.errors import DataError, Problem, Where
from bulletin.typography import fr_decimal, fr_month, fr_signed

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

    def comparable(self, key: str, current: Edition) -> list[tuple[Edition, Figure]]:
        """The earlier editions where figure ``key`` has the current unit and a number, with the figure.

        Editions where it had another unit are left out: their values are not comparable
        (:meth:`incomparable` names them, for a warning).
        """
        unit = current.figures[key].unit
        return [(e, e.figures[key]) for e in self.earlier
                if key in e.figures and e.figures[key].unit == unit and isinstance(e.figures[key].value, (int, Decimal))]

    def incomparable(self, key: str, current: Edition) -> list[tuple[Edition, Figure]]:
        """The earlier editions where figure ``key`` exists with another unit (or is not a number)."""
        kept = {e.month for e, _ in self.comparable(key, current)}
        return [(e, e.figures[key]) for e in self.earlier if key in e.figures and e.month not in kept]

    def points(self, key: str, current: Edition) -> list[tuple[dt.date, Decimal]]:
        """(edition month, value) of figure ``key`` in every comparable edition up to ``current``."""
        points = [(e.month_date, figure.number) for e, figure in self.comparable(key, current)]
        return points + [(current.month_date, current.figures[key].number)]


def signed_change(delta: Decimal, unit: str) -> str:
    """« +47 », « −5,2 pt » (a change of a percentage is in points), « +1 123 494,49 € »."""
    if unit == "percent":
        body = fr_decimal(abs(delta)) + "\u202fpt"
        return body if delta == 0 else ("+" if delta > 0 else "\u2212") + body
    return fr_signed(delta if unit != "count" else int(delta), unit)


def change_since(key: str, current: Edition, earlier: Edition | None) -> str:
    """« +34 depuis janvier 2022 », « inchangé depuis janvier 2022 »: figure ``key`` from ``earlier`` to
    ``current``; '' when not comparable (absent, not a number, or its unit changed)."""
    figure = current.figures.get(key)
    before = earlier.figures.get(key) if earlier else None
    if earlier is None or figure is None or before is None or figure.unit not in NUMERIC_UNITS \
            or before.unit != figure.unit:
        return ""
    delta = figure.number - before.number
    since = fr_month(earlier.month_date)
    return f"inchangé depuis {since}" if delta == 0 else f"{signed_change(delta, figure.unit)} depuis {since}"


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
            log.warning("l’édition précédente %s n’est pas valable : elle est ignorée pour l’historique "
                        "(%d problème(s))", folder, len(exc.problems))
    return History(tuple(earlier))


FIELDS = ("value", "unit", "status", "as_of", "source")


@dataclass(frozen=True)
class Change:
    """One difference between two editions: a field of a figure, or of a point of a series.

    ``kind`` is ``figure`` or ``series``; ``x`` is the series point (None for a figure, and for a
    whole series added or removed, whose ``old``/``new`` is then its number of points); ``field`` is
    one of :data:`FIELDS` (or ``points`` for a whole series); ``status`` is ``changed``, ``added`` or
    ``removed``. Values keep their own units: ``old_unit`` and ``new_unit`` differ when the unit changed.
    """

    kind: str
    key: str
    x: dt.date | str | None
    field: str
    status: str
    old: Value | None
    new: Value | None
    old_unit: str
    new_unit: str

    @property
    def unit(self) -> str:
        """The unit the change is read in (the new one; the old one for a removal)."""
        return self.new_unit or self.old_unit

    @property
    def change(self) -> Decimal | None:
        """new − old for numbers of the same numeric unit (points for percentages)."""
        if self.field == "value" and self.old_unit == self.new_unit and self.unit in NUMERIC_UNITS \
                and isinstance(self.old, (int, Decimal)) and isinstance(self.new, (int, Decimal)):
            return Decimal(self.new) - Decimal(self.old)
        return None


def _record(item: Figure | SeriesPoint) -> dict[str, object]:
    return {"value": item.value, "unit": item.unit, "status": item.status, "as_of": item.as_of, "source": item.source}


def _compare(kind: str, key: str, x: dt.date | str | None, before: Figure | SeriesPoint | None,
             after: Figure | SeriesPoint | None) -> list[Change]:
    """The changes of one figure or one series point."""
    if before is None and after is not None:
        return [Change(kind, key, x, "value", "added", None, after.value, "", after.unit)]
    if after is None and before is not None:
        return [Change(kind, key, x, "value", "removed", before.value, None, before.unit, "")]
    assert before is not None and after is not None
    old, new = _record(before), _record(after)
    return [Change(kind, key, x, name, "changed", old[name], new[name],  # type: ignore[arg-type]
                   before.unit if name == "value" else "", after.unit if name == "value" else "")
            for name in FIELDS if old[name] != new[name]]


def diff_editions(old: Edition, new: Edition) -> list[Change]:
    """Every change of figures (by key), then of series (by name and point), from ``old`` to ``new``."""
    changes = []
    for key in sorted(set(old.figures) | set(new.figures)):
        changes += _compare("figure", key, None, old.figures.get(key), new.figures.get(key))
    for name in sorted(set(old.series) | set(new.series)):
        changes += _series_changes(name, old.series.get(name), new.series.get(name))
    return changes


def _series_changes(name: str, before: tuple[SeriesPoint, ...] | None,
                    after: tuple[SeriesPoint, ...] | None) -> list[Change]:
    if before is None or after is None:
        status, points = ("added", after) if before is None else ("removed", before)
        assert points is not None
        count = len(points)
        return [Change("series", name, None, "points", status, None if before is None else count,
                       count if before is None else None, "" if before is None else "count",
                       "count" if before is None else "")]
    old, new = {p.x: p for p in before}, {p.x: p for p in after}
    changes = []
    for x in sorted(old.keys() | new.keys(), key=lambda v: (isinstance(v, str), str(v))):
        changes += _compare("series", name, x, old.get(x), new.get(x))
    return changes


def series_warnings(edition: Edition) -> list[Problem]:
    """Warnings for a series that follows a figure of the same key: its last point should be the
    figure's value, and should not be older than the edition month."""
    warnings = []
    for name, points in edition.series.items():
        figure = edition.figures.get(name)
        if figure is None or not points:
            continue
        last = points[-1]
        if isinstance(last.x, dt.date) and last.x < edition.month_date:
            warnings.append(Problem(last.where, f"la série « {name} » s’arrête en {fr_month(last.x)}, avant le mois "
                                    f"de l’édition ({fr_month(edition.month_date)})",
                                    "ajoutez le point du mois, ou vérifiez que la série est à jour", warning=True))
        if last.unit != figure.unit or not isinstance(figure.value, (int, Decimal)) \
                or Decimal(figure.value) != last.value:
            warnings.append(Problem(last.where, f"le dernier point de la série « {name} » ({last.value} {last.unit}) "
                                    f"diffère du chiffre du même nom ({figure.value} {figure.unit}, {figure.where})",
                                    "la courbe et le chiffre doivent dire la même chose : corrigez l’un des deux",
                                    warning=True))
    return warnings


def previous_edition(editions_dir: Path, month: str) -> str:
    """The month of the edition just before ``month`` in ``editions_dir``; DataError if there is none."""
    earlier = [p.name for p in edition_folders(editions_dir) if p.name < month]
    if not earlier:
        raise DataError(Problem(Where(editions_dir), f"aucune édition avant {month} dans ce dossier : rien à comparer",
                                "indiquez --from AAAA-MM"))
    return earlier[-1]


def available_editions(editions_dir: Path) -> str:
    """A hint listing the editions of ``editions_dir`` (« éditions disponibles : 2022-01, 2022-02 »)."""
    known = ", ".join(p.name for p in edition_folders(editions_dir))
    return f"éditions disponibles : {known}" if known else f"aucune édition dans {editions_dir} : créez-en une avec new"


def find_edition(editions_dir: Path, month: str) -> Path:
    """The folder of edition ``month``; DataError naming the ones available if absent."""
    folder = editions_dir / month
    if not folder.is_dir():
        raise DataError(Problem(Where(folder), f"aucune édition {month} dans {editions_dir}",
                                available_editions(editions_dir)))
    return folder
