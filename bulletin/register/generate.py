"""Fictitious indicators for tests and benchmarks: no public file gives them commune by commune.

Input: the real PVD commune list (``pvd-communes-2021.csv``, read and validated like any register:
its placeholder row is left out), national totals to hit (:class:`Targets`, usually read from a
typed edition by :func:`targets_from_edition`) and a seed. Output: in a folder, ``registre-fictif.csv``
(the real communes plus generated columns: convention signed on, ORT yes/no, OPAH category, chef de
projet in post since, France Services yes/no, funding of the chef de projet) and ``register.yaml``
declaring it with status ``illustrative`` and the note « données fictives », so that everything
computed from it says so. The same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bulletin.data.edition import Edition
from bulletin.register.reader import Commune, read_register
from bulletin.register.territories import DEPARTEMENTS, REGIONS

log = logging.getLogger(__name__)

REGISTER_CSV = "registre-fictif.csv"
COLUMNS = ("insee_com", "lib_com", "insee_dep", "lib_dep", "lib_reg", "pop", "date_convention", "ort", "opah",
           "date_chef_projet", "france_services", "financement_chef_projet")
OPAH_KEYS = {"RU": "opah.communes_opah_ru", "RR": "opah.communes_opah_rr"}
Cumulative = tuple[tuple[dt.date, int], ...]


@dataclass(frozen=True)
class Targets:
    """National totals the generated indicators must give (cumulative counts by date, counts, an amount)."""

    as_of: dt.date
    conventions: Cumulative  # communes whose convention is signed on or before each date
    chefs_projet: Cumulative  # communes whose chef de projet is in post on or before each date
    ort: int
    opah: Mapping[str, int]  # category → communes; the others get « aucune »
    france_services: int
    financement: Decimal  # shared among the communes with a chef de projet by ``financement_as_of``
    financement_as_of: dt.date
    sources: Mapping[str, str] = field(default_factory=dict)  # figure key → source, as typed


def targets_from_edition(edition: Edition) -> Targets:
    """The totals typed in a PVD edition (figures and monthly series), to be hit by the generator."""
    figures, series = edition.figures, edition.series

    def cumulative(name: str) -> Cumulative:
        points = [(p.x, int(p.value)) for p in series.get(name, ()) if isinstance(p.x, dt.date)]
        points.append((figures[name].as_of, int(figures[name].number)))
        return tuple(sorted(dict(points).items()))

    financed = int(figures["opah.communes_financees"].number)
    opah = {category: int(figures[key].number) for category, key in OPAH_KEYS.items()}
    opah["classique"] = financed - sum(opah.values())
    funding = figures["chefs_projet.financement_anct_bdt"]
    funded_by = getattr(funding.as_of, "end", funding.as_of)  # « engagés en 2021 »: by 31 December 2021
    return Targets(figures["conventions.communes_signataires"].as_of, cumulative("conventions.communes_signataires"),
                   cumulative("chefs_projet.en_poste"), int(figures["ort.communes_engagees"].number), opah,
                   int(figures["services.france_services"].number), funding.number, funded_by,
                   {key: figure.source for key, figure in figures.items()})


def generate_register(communes_csv: Path, folder: Path, targets: Targets, seed: int = 2022) -> Path:
    """Write ``registre-fictif.csv`` and ``register.yaml`` into ``folder``; return the YAML's path."""
    communes = real_communes(communes_csv, folder)
    rng = random.Random(seed)
    chefs = _dates(rng, len(communes), targets.chefs_projet)
    columns: dict[str, list[Any]] = {
        "date_convention": _dates(rng, len(communes), targets.conventions),
        "ort": _flags(rng, len(communes), targets.ort),
        "opah": _categories(rng, len(communes), targets.opah, "aucune"),
        "date_chef_projet": chefs,
        "france_services": _flags(rng, len(communes), targets.france_services),
    }
    columns["financement_chef_projet"] = _amounts(rng, chefs, targets)
    folder.mkdir(parents=True, exist_ok=True)
    _write_csv(folder / REGISTER_CSV, communes, columns)
    path = folder / "register.yaml"
    path.write_text(declaration(targets, seed), encoding="utf-8")
    return path


def real_communes(communes_csv: Path, folder: Path) -> list[Commune]:
    """The valid communes of the real list (rows the validator refuses are left out and logged)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "liste-reelle.yaml"
    base.write_text(f"register:\n  file: {_quoted(str(communes_csv.resolve()))}\n  source: ANCT\n  as_of: 2021-01-22\n"
                    "  status: published\n  columns: {insee: insee_com, name: lib_com, departement: insee_dep, "
                    "region: lib_reg, population: pop}\n", encoding="utf-8")
    register, problems = read_register(base)
    base.unlink()
    if register is None:
        raise ValueError(f"liste des communes illisible : {communes_csv}")
    for problem in problems:
        log.info("ligne écartée de la liste réelle : %s", problem.message)
    return list(register.communes)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _dates(rng: random.Random, count: int, cumulative: Cumulative) -> list[dt.date | None]:
    """Dates such that exactly ``n`` are on or before each ``(day, n)``; the rest stay empty."""
    values: list[dt.date | None] = []
    previous_day, previous_count = cumulative[0][0] - dt.timedelta(days=90), 0
    for day, total in cumulative:
        span = (day - previous_day).days
        for _ in range(total - previous_count):
            values.append(day - dt.timedelta(days=rng.randrange(span)) if span > 0 else day)
        previous_day, previous_count = day, total
    values += [None] * (count - len(values))
    rng.shuffle(values)
    return values


def _flags(rng: random.Random, count: int, yes: int) -> list[str]:
    values = ["oui"] * yes + ["non"] * (count - yes)
    rng.shuffle(values)
    return values


def _categories(rng: random.Random, count: int, counts: Mapping[str, int], other: str) -> list[str]:
    values = [category for category, n in counts.items() for _ in range(n)]
    values += [other] * (count - len(values))
    rng.shuffle(values)
    return values


def _amounts(rng: random.Random, chefs: Sequence[dt.date | None], targets: Targets) -> list[Decimal | None]:
    """The funding total in cents, split at random among the communes with a chef de projet by its date."""
    funded = [i for i, day in enumerate(chefs) if day is not None and day <= targets.financement_as_of]
    cents = int(targets.financement * 100)
    weights = [rng.uniform(0.5, 1.5) for _ in funded]
    shares = [int(cents * w / sum(weights)) for w in weights]
    shares[-1] += cents - sum(shares)  # the rounding remainder, so the total is exact
    amounts: list[Decimal | None] = [None] * len(chefs)
    for index, share in zip(funded, shares, strict=True):
        amounts[index] = Decimal(share) / 100
    return amounts


def _write_csv(path: Path, communes: list[Commune], columns: Mapping[str, list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for index, commune in enumerate(communes):
            generated = [_cell(columns[name][index]) for name in COLUMNS[6:]]
            writer.writerow([commune.insee, commune.name, commune.departement, DEPARTEMENTS[commune.departement][0],
                             REGIONS[commune.region], commune.population, *generated])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def declaration(targets: Targets, seed: int) -> str:
    """The register.yaml of the generated file: its columns and the PVD figures computed from it."""
    sources = targets.sources
    funding_source = sources.get("chefs_projet.financement_anct_bdt", "ANCT")
    return f"""\
# Registre FICTIF : la liste réelle des communes PVD (ANCT, janvier 2021) et des indicateurs générés
# (graine {seed}) qui redonnent les totaux nationaux saisis. Tout ce qui en est calculé dit « données fictives ».
register:
  file: {REGISTER_CSV}
  source: ANCT
  as_of: {targets.as_of.isoformat()}
  status: illustrative
  note: "données fictives : indicateurs générés (graine {seed}) sur la liste réelle des communes"
  credit: "Liste des communes : ANCT, janvier 2021"
  columns: {{insee: insee_com, name: lib_com, departement: insee_dep, region: lib_reg, population: pop}}
  indicators:
    convention: {{column: date_convention, type: date}}
    ort: {{column: ort, type: yesno}}
    opah: {{column: opah, type: category, values: [aucune, classique, RU, RR]}}
    chef_projet: {{column: date_chef_projet, type: date}}
    france_services: {{column: france_services, type: yesno}}
    financement: {{column: financement_chef_projet, type: amount}}
figures:
  # The programme's communes: those of the register in a territory; for France, the reference population
  # typed in figures.csv (the programme counts more communes than the list of January 2021 gives).
  programme.communes_pvd: {{count: {{}}, national: typed}}
  conventions.communes_signataires: {{count: {{convention: oui}}}}
  conventions.part_communes_signataires: {{share: {{part: conventions.communes_signataires, of: programme.communes_pvd}}}}
  ort.communes_engagees: {{count: {{ort: oui}}}}
  ort.part_communes: {{share: {{part: ort.communes_engagees, of: programme.communes_pvd, decimals: 1}}}}
  opah.communes_financees: {{count: {{opah: [classique, RU, RR]}}}}
  opah.part_communes: {{share: {{part: opah.communes_financees, of: programme.communes_pvd}}}}
  opah.communes_opah_ru: {{count: {{opah: RU}}}}
  opah.communes_opah_rr: {{count: {{opah: RR}}}}
  chefs_projet.en_poste: {{count: {{chef_projet: oui}}}}
  services.france_services: {{count: {{france_services: oui}}}}
  chefs_projet.financement_anct_bdt:
    sum: {{amount: financement}}
    as_of: {targets.financement_as_of.isoformat()}
    source: {_quoted(funding_source)}
series:
  conventions.communes_signataires: {{count_by_month: convention, from: "{targets.conventions[0][0]:%Y-%m}"}}
  chefs_projet.en_poste: {{count_by_month: chef_projet, from: "{targets.chefs_projet[0][0]:%Y-%m}"}}
"""
