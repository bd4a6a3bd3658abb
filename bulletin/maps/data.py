"""Map data: one value per département or région, with its unit and provenance.

Input: a commune :class:`~bulletin.register.reader.Register` (or any values by territory code).
Output: :class:`MapData` — what a map block colours. :func:`communes_per_territory` gives the
national map « communes PVD par département » (zero where a département has none: Paris and the
petite couronne are not « sans donnée »); :func:`figure_per_territory` maps any figure declared in
``register.yaml`` (a count, a share…) computed territory by territory.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from bulletin.register.reader import Register
from bulletin.register.territories import DEPARTEMENTS, REGIONS, all_territories

LEVEL_NAMES = {"dep": "département", "reg": "région"}


@dataclass(frozen=True)
class MapData:
    """Values by territory code (None: no data), their unit and where they come from."""

    level: str  # dep | reg
    values: Mapping[str, Decimal | None]
    unit: str  # count | percent | eur
    label: str  # what is counted, for the legend title and the description
    sources: tuple[tuple[str, dt.date], ...]
    status: str  # published | provisional | illustrative
    note: str = ""  # « données fictives » when the values are generated
    credits: tuple[str, ...] = ()  # printed under the map, e.g. « Liste des communes : ANCT, janvier 2021 »


def communes_per_territory(register: Register, level: str = "dep") -> MapData:
    """Number of register communes in every département (or région), zero included."""
    counts = Counter(c.departement if level == "dep" else c.region for c in register.communes)
    codes = DEPARTEMENTS if level == "dep" else REGIONS
    provenance = register.spec.provenance
    values = MappingProxyType({code: Decimal(counts.get(code, 0)) for code in codes})
    return MapData(level, values, "count", "Nombre de communes PVD",
                   ((provenance.source, provenance.as_of),), provenance.status,
                   "données fictives" if register.spec.fictitious else "", _credits(register))


def figure_per_territory(register: Register, key: str, level: str = "dep", label: str = "") -> MapData:
    """A figure declared in register.yaml, computed for every département (or région).

    Territories where it cannot be computed (a share without any commune) have no data.
    """
    from bulletin.register.compute import compute_figures  # pandas only when a map needs it

    values: dict[str, Decimal | None] = {}
    figure = None
    for territory in all_territories(level):
        found = compute_figures(register, territory).figures.get(key)
        values[territory.code] = found.number if found is not None else None
        figure = figure or found
    if figure is None:
        raise KeyError(f"« {key} » n’est déclarée dans aucun calcul du registre ou n’a de valeur nulle part")
    return MapData(level, MappingProxyType(values), figure.unit, label or key, ((figure.source, figure.as_of),),
                   figure.status, "données fictives" if register.spec.fictitious else "", _credits(register))


def _credits(register: Register) -> tuple[str, ...]:
    return (register.spec.credit,) if register.spec.credit else ()
