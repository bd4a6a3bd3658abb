"""Batch stage: every territorial edition of a month in one command, over a process pool.

Input: the build request of the month (edition, layout, options), which territories (``departements``,
``regions`` or ``all``), how many worker processes, and whether to build the PDFs or only check them.
Output: a :class:`Batch` — one :class:`Outcome` per territory, in code order: its PDF, pages and size,
or the problems that stopped it — and the territories left out because the register lists none of their
communes. The national data is checked once, before any worker starts: a register that disagrees with
the typed figures stops everything. Each worker is a fresh process (``spawn``) that builds one territory
at a time, reusing the register and outlines it has read; a territory that fails does not stop the
others, and whatever goes wrong in a worker comes back as a located problem, never as a traceback.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from bulletin.data.edition import Edition
from bulletin.errors import BulletinError, Problem, Where
from bulletin.register import Territory, all_territories
from bulletin.territorial.scope import TERRITORY_SETS, territory_name

log = logging.getLogger(__name__)
MAX_JOBS = 32


@dataclass(frozen=True)
class Outcome:
    """What became of one territory: its PDF (or, when checking, nothing) and pages, or its problems."""

    territory: str  # dep:58
    name: str  # Nièvre (58)
    path: Path | None = None
    pages: int = 0
    size: int = 0  # bytes
    problems: tuple[Problem, ...] = ()  # the errors that stopped it (empty: built)
    warnings: tuple[Problem, ...] = ()

    @property
    def failed(self) -> bool:
        """True when the territory's edition could not be made."""
        return bool(self.problems)


@dataclass(frozen=True)
class Batch:
    """Every territory asked: their outcomes in code order, and those left out (no commune in the register)."""

    outcomes: tuple[Outcome, ...]
    skipped: tuple[Territory, ...]


def territories_of(which: str) -> list[Territory]:
    """The départements (``departements``), the régions (``regions``) or both (``all``), in code order."""
    if which not in TERRITORY_SETS:
        raise ValueError(which)
    kinds = {"departements": ("dep",), "regions": ("reg",), "all": ("dep", "reg")}[which]
    return [territory for kind in kinds for territory in all_territories(kind)]


def check_jobs(jobs: int | None) -> int:
    """The number of worker processes (2 by default); an Error naming --jobs otherwise."""
    if jobs is None:
        return 2
    if not 1 <= jobs <= MAX_JOBS:
        raise BulletinError(Problem(Where("--jobs"), f"--jobs {jobs} : il faut de 1 à {MAX_JOBS} processus",
                                    "par exemple --jobs 2 (un par cœur de la machine)"))
    return jobs


def run_batch(request, which: str | Sequence[str], jobs: int | None = None, draw: bool = True,  # type: ignore[no-untyped-def]
              progress: Callable[[int, int, Outcome], None] | None = None) -> Batch:
    """Build (or, with ``draw`` false, check) the edition of every territory of ``which`` (``departements``,
    ``regions``, ``all``, or a list of territories such as ``["dep:58", "reg:27"]``)."""
    workers = check_jobs(jobs)
    national, wanted, skipped = _plan(request, which)
    precomputed = _precomputed(request, national, wanted)
    done: list[Outcome] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, max(len(wanted), 1)), mp_context=context,
                             initializer=_start_worker, initargs=precomputed) as pool:
        futures = {pool.submit(make_edition, request, territory.key, draw): territory for territory in wanted}
        for future in as_completed(futures):
            outcome = _result(future, futures[future])
            done.append(outcome)
            if progress:
                progress(len(done), len(wanted), outcome)
    order = {territory.key: index for index, territory in enumerate(wanted)}
    return Batch(tuple(sorted(done, key=lambda o: order[o.territory])), tuple(skipped))


def _plan(request, which: str | Sequence[str]) -> tuple[Edition, list[Territory], list[Territory]]:  # type: ignore[no-untyped-def]
    """The national edition, checked once, the territories to build and those without communes."""
    from bulletin.build import BuildRequest, national_scope
    from bulletin.territorial.scope import territory_of

    assert isinstance(request, BuildRequest)
    scope = national_scope(request)
    assert scope.register is not None and scope.national is not None
    territories = territories_of(which) if isinstance(which, str) else [territory_of(key) for key in which]
    wanted = [t for t in territories if scope.register.communes_in(t)]
    return scope.national, wanted, [t for t in territories if t not in wanted]


def _precomputed(request, national: Edition, wanted: list[Territory]) -> tuple[tuple[object, ...], dict]:  # type: ignore[no-untyped-def, type-arg]
    """Every territory's figures, computed once here: the workers then never load pandas (≈ 45 MB each)."""
    from bulletin.territorial.scope import precompute

    return precompute(request.edition_dir, national, wanted)


def _start_worker(stamp: tuple[object, ...], found: dict) -> None:  # type: ignore[type-arg]
    """Ctrl-C is the parent's to handle (a worker never prints a KeyboardInterrupt traceback); the figures
    the parent computed are the worker's."""
    from bulletin.territorial.scope import install_precomputed

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    install_precomputed(stamp, found)


def _result(future: Future[Outcome], territory: Territory) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool:
        problem = Problem(Where(territory.key), "le processus qui construisait cette édition s’est arrêté (mémoire "
                          "épuisée ou processus tué)", "relancez la commande ; avec --jobs 1 s’il manque de mémoire")
    except Exception as exc:  # noqa: BLE001 - an outcome that could not come back (unpicklable…): say so
        problem = Problem(Where(territory.key), f"erreur interne : {type(exc).__name__} : {exc}",
                          "signalez l’erreur avec ce message")
    return Outcome(territory.key, territory_name(territory), problems=(problem,))


def make_edition(request, key: str, draw: bool = True) -> Outcome:  # type: ignore[no-untyped-def]
    """In a worker: build (or check) the edition of territory ``key``; every failure becomes the outcome's."""
    from bulletin.build import build, check
    from bulletin.territorial.scope import territory_of

    name = territory_name(territory_of(key))
    try:
        territorial = replace(request, territory=key, output=None)
        if not draw:
            return Outcome(key, name, warnings=tuple(check(territorial)))
        path, prepared = build(territorial)
        return Outcome(key, name, path, len(prepared.pages), path.stat().st_size, (), tuple(prepared.warnings))
    except BulletinError as exc:
        return Outcome(key, name, problems=tuple(exc.problems))
    except Exception as exc:  # noqa: BLE001 - a worker reports, it never prints a traceback
        log.debug("territory %s failed", key, exc_info=True)
        text = " ".join(str(exc).split())[:200]
        return Outcome(key, name, problems=(Problem(Where(key), f"erreur interne : {type(exc).__name__} : {text}",
                                                    "signalez l’erreur avec ce message"),))


def terminal_progress(index: int, total: int, outcome: Outcome) -> None:
    """« 12/115  dep:21 Côte-d'Or (21) » on a terminal only (quiet in CI and pipes)."""
    if sys.stderr.isatty():
        state = " — échec" if outcome.failed else ""
        sys.stderr.write(f"\r\033[K  {index}/{total}  {outcome.territory} {outcome.name}{state}")
        sys.stderr.flush()
        if index == total:
            sys.stderr.write("\n")
