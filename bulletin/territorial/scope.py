"""Scope stage: what an edition covers — the whole country or one territory — and what it is computed from.

Input: the edition read from its folder, the territory asked (``dep:58``, ``reg:27``, or none for the
national edition), the outline files of the configuration (by level) and the levels the layout's maps
draw. Output: a :class:`Scope` (territory, commune register, national edition, outlines) and the
edition to print — for the country, the typed edition, each of its figures checked against the
register's computed value; for a territory, the typed edition whose figures and series declared in
``register.yaml`` are replaced by the territory's computed ones. pandas is imported only when the
edition has a register; registers and outlines already read are reused (a batch reads them once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from bulletin.data.edition import CoherenceRule, Edition
from bulletin.errors import BulletinError, DataError, Problem, Where
from bulletin.register import REGISTER_FILE, FRANCE, Territory, parse_territory

if TYPE_CHECKING:
    from bulletin.maps.outlines import Outlines
    from bulletin.register import Register
    from bulletin.register.compute import Computed

TERRITORY_SETS = ("departements", "regions", "all")  # build --territories …


@dataclass(frozen=True)
class Scope:
    """The territory of an edition and what its territorial parts are drawn from."""

    territory: Territory = FRANCE
    register: Register | None = None
    national: Edition | None = None  # the typed national edition: « France : 96 % »
    outlines: Mapping[str, Outlines] = field(default_factory=dict)  # "dep" / "reg" → outlines
    computed: frozenset[str] = frozenset()  # figure keys and series names computed for the territory

    @property
    def territorial(self) -> bool:
        """True for the edition of a département or a région."""
        return self.territory.kind != "fr"

    @property
    def fictitious(self) -> bool:
        """True when the register's indicators are not real (generated): everything from them says so."""
        return self.register is not None and self.register.spec.fictitious


NATIONAL = Scope()


def territory_name(territory: Territory) -> str:
    """« Nièvre (58) », « Région Bourgogne-Franche-Comté » (Guadeloupe is both: the label tells which)."""
    if territory.kind == "dep":
        return f"{territory.name} ({territory.code})"
    return f"Région {territory.name}" if territory.kind == "reg" else territory.name


def territory_of(key: str, where: str = "--territory") -> Territory:
    """The territory of ``dep:58`` / ``reg:27``; a French error naming the option otherwise."""
    try:
        return parse_territory(key)
    except ValueError as exc:
        raise BulletinError(Problem(Where(where), str(exc), "par exemple --territory dep:58 ou --territory reg:27"))


def has_register(folder: Path) -> bool:
    """True when the edition folder declares a commune register."""
    return (folder / REGISTER_FILE).is_file()


def read_scope(edition: Edition, territory: Territory, outline_files: Mapping[str, Path],
               levels: frozenset[str]) -> tuple[Scope, Edition, list[Problem]]:
    """The scope of the edition, the edition to print and every problem (located, in French)."""
    problems: list[Problem] = []
    register = _register(edition.folder, problems) if has_register(edition.folder) else None
    outlines = _outlines(outline_files, levels, problems) if register is not None else {}
    if register is None:
        if territory.kind != "fr":
            problems.append(Problem(Where(edition.folder / REGISTER_FILE), f"l’édition de {territory_name(territory)} "
                                    "se calcule depuis le registre des communes, que cette édition n’a pas",
                                    "ajoutez register.yaml et le fichier des communes au dossier de l’édition "
                                    "(voir docs/register.md)"))
        return Scope(territory, national=edition), edition, problems
    scope = Scope(territory, register, edition, MappingProxyType(outlines))
    problems += _typed_references(register, edition)
    if _errors(problems):
        return scope, edition, problems
    problems += national_disagreements(register, edition)
    if territory.kind == "fr":
        return scope, edition, problems
    if not register.communes_in(territory):
        problems.append(Problem(Where(register.spec.file), f"{territory_name(territory)} n’a aucune commune dans le "
                                "registre : pas d’édition pour ce territoire", "choisissez un territoire du programme"))
        return scope, edition, problems
    printed, found = territorial_edition(edition, register, territory)
    return replace(scope, computed=computed_keys(register)), printed, problems + found


def computed_keys(register: Register) -> frozenset[str]:
    """The figure keys and series names ``register.yaml`` declares."""
    return frozenset(d.key for d in register.spec.figures) | frozenset(d.name for d in register.spec.series)


_REGISTERS: dict[tuple[object, ...], tuple[Register | None, list[Problem]]] = {}
_OUTLINES: dict[tuple[object, ...], Outlines] = {}


def _stamp(*paths: Path) -> tuple[object, ...]:
    """Paths with their size and modification time: a file changed since it was read is read again."""
    found: list[object] = []
    for path in paths:
        try:
            info = path.stat()
            found += [str(path.resolve()), info.st_size, info.st_mtime_ns]
        except OSError:
            found += [str(path), None, None]
    return tuple(found)


def _register(folder: Path, problems: list[Problem]) -> Register | None:
    """The edition's register (None when it has errors, all added to ``problems``), read once per file state."""
    try:
        _, (register, found) = _read_register(folder)
    except BulletinError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(found)
    return register if not _errors(found) else None


def _read_register(folder: Path) -> tuple[tuple[object, ...], tuple[Register | None, list[Problem]]]:
    """The state of the edition's register.yaml and of the commune file it names, and the register read from
    them with its problems. register.yaml is parsed once a call (it names the file); the communes are read once
    per state of both files. BulletinError when register.yaml is unreadable."""
    from bulletin.register.reader import read_communes  # only for an edition with a register
    from bulletin.register.spec import read_register_spec

    path = folder / REGISTER_FILE
    spec, found = read_register_spec(path)
    key = _stamp(path, spec.file) if spec is not None else _stamp(path)
    if _PRECOMPUTED_FROM and _PRECOMPUTED_FROM[0] != key:  # the register changed since the parent computed
        _PRECOMPUTED.clear()
        _PRECOMPUTED_FROM.clear()
    if key not in _REGISTERS:
        _REGISTERS.clear()  # one register at a time: a batch builds one edition's territories
        _REGISTERS[key] = read_communes(spec, found) if spec is not None else (None, found)
    return key, _REGISTERS[key]


def _outlines(files: Mapping[str, Path], levels: frozenset[str], problems: list[Problem]) -> dict[str, Outlines]:
    from bulletin.maps.outlines import load_outlines  # only when a map is to be drawn

    found = {}
    for level in sorted(levels & set(files)):
        key = (_stamp(files[level]), level)
        try:
            if key not in _OUTLINES:
                _OUTLINES[key] = load_outlines(files[level], level)
            found[level] = _OUTLINES[key]
        except DataError as exc:
            problems.extend(exc.problems)
    return found


def _typed_references(register: Register, edition: Edition) -> list[Problem]:
    """A count declared ``national: typed`` needs its typed figure, a count, in the edition."""
    problems = []
    for declaration in register.spec.figures:
        if declaration.national != "typed":
            continue
        typed = edition.figures.get(declaration.key)
        if typed is None or typed.unit != "count":
            problems.append(Problem(declaration.where, f"« {declaration.key} » est déclarée national: typed mais "
                                    f"figures.csv {'ne la donne pas' if typed is None else 'ne la compte pas'}",
                                    "saisissez-la dans figures.csv (unité count), ou retirez national: typed"))
    return problems


# Figures a batch's parent computed for its workers (territory key → Computed), with the state of the
# register they come from: a worker then never imports pandas (45 MB of its memory).
_PRECOMPUTED: dict[str, Computed] = {}
_PRECOMPUTED_FROM: list[tuple[object, ...]] = []


def precompute(folder: Path, edition: Edition, territories: list[Territory]) -> tuple[tuple[object, ...], dict]:
    """In a batch's parent: the figures of France and of ``territories``, computed once (pandas here), with
    the register's state; plain dicts, so that they travel to the workers (see :func:`install_precomputed`)."""
    from bulletin.register.compute import compute_figures

    stamp, (register, _) = _read_register(folder)
    assert register is not None  # the national scope was read and checked before
    found = {}
    for territory in [FRANCE, *territories]:
        computed = compute_figures(register, territory, edition.figures)
        found[territory.key] = (computed.territory, dict(computed.figures), dict(computed.series), computed.problems)
    return stamp, found


def install_precomputed(stamp: tuple[object, ...], found: dict) -> None:  # type: ignore[type-arg]
    """In a batch's worker: use the parent's figures for the register in the state ``stamp``."""
    from bulletin.register.compute import Computed

    _PRECOMPUTED.clear()
    _PRECOMPUTED_FROM[:] = [stamp]
    for key, (territory, figures, series, problems) in found.items():
        _PRECOMPUTED[key] = Computed(territory, MappingProxyType(figures), MappingProxyType(series), problems)


def _computed(register: Register, territory: Territory, edition: Edition) -> Computed:
    """The figures of ``territory``: those the batch's parent computed, else computed here (pandas)."""
    if territory.key in _PRECOMPUTED:
        return _PRECOMPUTED[territory.key]
    from bulletin.register.compute import compute_figures

    return compute_figures(register, territory, edition.figures)


def national_disagreements(register: Register, edition: Edition) -> list[Problem]:
    """Every typed figure of the edition that the register computes otherwise."""
    from bulletin.register.compute import compare_figures

    computed = _computed(register, FRANCE, edition)
    return compare_figures(edition, computed) + list(computed.problems)


def territorial_edition(edition: Edition, register: Register, territory: Territory) -> tuple[Edition, list[Problem]]:
    """The edition of ``territory``: the typed figures and series, those declared in the register replaced by
    the territory's; relations between figures (``checks:``) that involve a computed one are left out."""
    computed = _computed(register, territory, edition)
    keys = computed_keys(register)
    figures = {**edition.figures, **computed.figures}
    for key in keys - set(computed.figures) - {d.name for d in register.spec.series}:
        figures.pop(key, None)  # a share the territory cannot have (no commune): never the national value
    series = {**edition.series, **computed.series}
    rules = tuple(rule for rule in edition.rules if not _involves(rule, keys))
    printed = replace(edition, figures=MappingProxyType(figures), series=MappingProxyType(series), rules=rules,
                      territory=territory.key, territory_name=territory_name(territory))
    return printed, list(computed.problems)


def _involves(rule: CoherenceRule, keys: frozenset[str]) -> bool:
    named = {rule.share, rule.part, rule.of, rule.total, rule.remainder, rule.non_response}
    return bool(named & keys) or bool(rule.prefix and any(k.startswith(rule.prefix + ".") for k in keys))


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]
