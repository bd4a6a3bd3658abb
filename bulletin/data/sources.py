"""Where printed numbers come from, said once per page and only where it differs.

Input: the provenances (source, as-of date, status) of the numbers a block or a page prints, and the
edition's reference (its ``as_of`` date and its main source). Output: French texts — the page line
« Source : ANCT, données au 1er février 2022 sauf mention contraire. Autres sources : Anah, 1er janvier
2022. » and the light mention of a card or a chart, « (Anah) » or « (ANCT, 1er janvier 2022) », empty
when everything it prints matches the reference.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bulletin.data.edition import NUMERIC_UNITS, Edition
from bulletin.typography import NBSP, fr_date

MEASURED_UNITS = NUMERIC_UNITS  # the numbers whose source and date are said
SEPARATOR = f"{NBSP}; "  # never a line starting with « ; »


@dataclass(frozen=True)
class Provenance:
    """Where a printed number comes from: its source, as-of date and status."""

    source: str
    as_of: dt.date
    status: str


@dataclass(frozen=True)
class Reference:
    """The date and source a page states once; only numbers that differ are marked."""

    as_of: dt.date
    source: str


def reference(edition: Edition) -> Reference:
    """The edition's ``as_of`` (else its most frequent as-of date) and its most frequent source."""
    measured = [f for f in edition.figures.values() if f.unit in MEASURED_UNITS]
    if not measured:
        return Reference(edition.as_of or edition.published, "")
    dates = Counter(f.as_of for f in measured)
    sources = Counter(f.source for f in measured)
    as_of = edition.as_of or max(dates, key=lambda d: (dates[d], d))
    source = min(sources, key=lambda s: (-sources[s], s))
    return Reference(as_of, source)


def _when(as_of: dt.date) -> tuple[dt.date, str]:
    """A date with its precision: « janvier 2022 » is not « 1er janvier 2022 »."""
    return as_of, getattr(as_of, "precision", "day")


def _same(source: str, as_of: dt.date, ref: Reference) -> bool:
    return source == ref.source and _when(as_of) == _when(ref.as_of)


def _distinct(provenances: Iterable[Provenance]) -> list[tuple[str, dt.date]]:
    seen: dict[tuple[str, tuple[dt.date, str]], tuple[str, dt.date]] = {}
    for p in provenances:
        seen.setdefault((p.source, _when(p.as_of)), (p.source, p.as_of))
    return list(seen.values())


def _labels(pairs: list[tuple[str, dt.date]], ref: Reference) -> list[str]:
    """The (source, date) pairs that differ from ``ref``, grouped: each source named once with its dates
    (« ANCT, 1er décembre 2021, 1er janvier 2022 »), sources with the same dates together (« Anah, Cerema,
    1er janvier 2022 »); a date equal to the reference's is not repeated (« Anah »)."""
    dates: dict[str, list[dt.date]] = {}
    for source, as_of in pairs:
        if not _same(source, as_of, ref):
            dates.setdefault(source, []).append(as_of)
    groups: dict[tuple[tuple[dt.date, str], ...], tuple[list[str], list[dt.date]]] = {}
    for source, found in dates.items():
        shown = sorted(d for d in found if _when(d) != _when(ref.as_of))  # a source's dates in time order
        groups.setdefault(tuple(map(_when, shown)), ([], shown))[0].append(source)
    return [", ".join([*names, *map(fr_date, shown)]) for names, shown in groups.values()]


def mention(provenances: Iterable[Provenance], ref: Reference) -> str:
    """« (Anah) », « (ANCT, 1er janvier 2022) », « (ANCT, donnée provisoire) », or '' for reference numbers."""
    provenances = list(provenances)
    labels = _labels(_distinct(provenances), ref)
    if any(p.status == "provisional" for p in provenances):
        labels.append("donnée provisoire" if len(provenances) == 1 else "données provisoires")
    return f"({SEPARATOR.join(labels)})" if labels else ""


# A reference no number matches: measuring a block against it reserves the room of its longest mention.
ANY = Reference(dt.date(1, 1, 1), "")


def page_reference(provenances: list[Provenance], fallback: Reference) -> Reference:
    """The source and date a page states: the edition's when some of its numbers have them, else the ones
    most of its numbers share (a page of survey results says « données de janvier 2022 » once)."""
    counts = Counter((p.source, _when(p.as_of)) for p in provenances)
    if not counts or (fallback.source, _when(fallback.as_of)) in counts:
        return fallback
    top = max(counts.values())
    first = next(p for p in provenances if counts[(p.source, _when(p.as_of))] == top)  # in reading order
    return Reference(first.as_of, first.source)


def _at(as_of: dt.date) -> str:
    """« au 1er février 2022 », « de janvier 2022 », « de 2021 »."""
    return ("au " if getattr(as_of, "precision", "day") == "day" else "de ") + fr_date(as_of)


def page_line(provenances: Iterable[Provenance], ref: Reference) -> str:
    """The one sources line of a page: the reference, then only the sources and dates that differ."""
    pairs = _distinct(provenances)
    if not pairs:
        return ""
    text = f"Source{NBSP}: {ref.source}, données {_at(ref.as_of)} sauf mention contraire."
    others = _labels(pairs, ref)
    if others:
        label = "Autre source" if len(others) == 1 else "Autres sources"
        text += f" {label}{NBSP}: {SEPARATOR.join(others)}."
    return text



def source_line(provenances: Iterable[Provenance]) -> str:
    """« Source : ANCT, 1er février 2022 » for one or more provenances, each named with its date
    (a block drawn on its own, outside a page that states the reference)."""
    pairs = _distinct(provenances)
    label = "Source" if len(pairs) == 1 else "Sources"
    return f"{label}{NBSP}: " + SEPARATOR.join(f"{s}, {fr_date(d)}" for s, d in pairs)
