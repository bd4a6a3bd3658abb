"""Load stage of the map: read and validate the outlines of départements or régions.

Input: a GeoJSON file whose path comes from the configuration (WGS 84 longitude/latitude, such
as the ANCT « France et DROM rapprochés » files), and the level (``dep`` or ``reg``) saying which
property holds the code (``insee_dep`` / ``insee_reg``) and the name (``lib_dep`` / ``lib_reg``).
Output: frozen :class:`Outlines`, or a :class:`~bulletin.errors.DataError` listing every problem in
French (file, feature number and code): not a FeatureCollection, a geometry other than
Polygon/MultiPolygon, a missing or repeated code, a coordinate out of range, a file too large.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin.errors import DataError, Problem, Where, os_reason, raise_if_errors

Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]  # the outer ring, then its holes
LEVELS = {"dep": ("insee_dep", "lib_dep", "départements"), "reg": ("insee_reg", "lib_reg", "régions")}
MAX_BYTES = 30_000_000
MAX_FEATURES = 2_000
MAX_POINTS = 2_000_000
DEFAULT_CREDIT = "Contours : ANCT, 2023 — Licence Ouverte 2.0"


@dataclass(frozen=True)
class Outline:
    """One territory's outline: its code, name and polygons (lon/lat)."""

    code: str
    name: str
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True, eq=False)  # compared by identity: projections are cached per file read
class Outlines:
    """The outlines of one level, read from ``path``, with the credit to print under any map of them."""

    path: Path
    level: str  # dep | reg
    features: tuple[Outline, ...]
    credit: str = DEFAULT_CREDIT

    def names(self) -> dict[str, str]:
        """Territory code → name."""
        return {f.code: f.name for f in self.features}


def load_outlines(path: Path, level: str, credit: str = DEFAULT_CREDIT) -> Outlines:
    """Read and validate the GeoJSON at ``path`` for ``level`` (``dep`` or ``reg``)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    data = _json(path)
    problems: list[Problem] = []
    features = _features(path, data, problems)
    outlines = [o for o in (_outline(path, i, f, level, problems) for i, f in enumerate(features, 1)) if o]
    _check_codes(path, outlines, problems)
    points = sum(len(ring) for o in outlines for polygon in o.polygons for ring in polygon)
    if points > MAX_POINTS:
        problems.append(Problem(Where(path), f"{points} points : contours trop détaillés pour un bulletin",
                                f"simplifiez-les (au plus {MAX_POINTS} points), par exemple avec mapshaper"))
    raise_if_errors(problems, DataError)
    return Outlines(path, level, tuple(outlines), credit)


def _json(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataError(Problem(Where(path), f"fichier de contours trop gros ({size // 1_000_000} Mo)",
                                    f"au plus {MAX_BYTES // 1_000_000} Mo : simplifiez les contours"))
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(Problem(Where(path), f"fichier de contours illisible : {os_reason(exc)}",
                                "corrigez le chemin des contours dans la configuration")) from None
    except UnicodeDecodeError:
        raise DataError(Problem(Where(path), "fichier de contours qui n’est pas en UTF-8",
                                "enregistrez le GeoJSON en UTF-8")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(Problem(Where(path, exc.lineno), f"JSON invalide : {exc.msg}",
                                "donnez un fichier GeoJSON valide")) from None


def _features(path: Path, data: Any, problems: list[Problem]) -> list[Any]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        problems.append(Problem(Where(path), "ce n’est pas une FeatureCollection GeoJSON",
                                "donnez un GeoJSON {\"type\": \"FeatureCollection\", \"features\": [...]}"))
        return []
    features = data["features"]
    if not 0 < len(features) <= MAX_FEATURES:
        problems.append(Problem(Where(path), f"{len(features)} entités : il en faut de 1 à {MAX_FEATURES}",
                                "une entité par département ou par région"))
        return []
    return features


def _outline(path: Path, index: int, feature: Any, level: str, problems: list[Problem]) -> Outline | None:
    code_key, name_key, _ = LEVELS[level]
    properties = feature.get("properties") if isinstance(feature, dict) else None
    code = properties.get(code_key) if isinstance(properties, dict) else None
    label = f"entité n° {index}" + (f" (code {code})" if isinstance(code, str) else "")
    if not isinstance(code, str) or not code.strip():
        problems.append(Problem(Where(path), f"{label} : propriété « {code_key} » absente ou vide",
                                f"chaque entité porte le code INSEE dans « {code_key} »"))
        return None
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        problems.append(Problem(Where(path), f"{label} : géométrie {kind or 'absente'} ; attendu Polygon ou MultiPolygon",
                                "donnez des contours surfaciques"))
        return None
    coordinates = geometry.get("coordinates")  # type: ignore[union-attr]
    polygons = _polygons(coordinates if kind == "MultiPolygon" else [coordinates])
    if polygons is None:
        problems.append(Problem(Where(path), f"{label} : coordonnées invalides",
                                "des anneaux fermés d’au moins 4 points [longitude, latitude] en degrés WGS 84"))
        return None
    name = properties.get(name_key) if isinstance(properties, dict) else None
    return Outline(code.strip(), str(name) if name else code.strip(), polygons)


def _polygons(raw: Any) -> tuple[Polygon, ...] | None:
    if not isinstance(raw, list) or not raw:
        return None
    polygons = []
    for polygon in raw:
        if not isinstance(polygon, list) or not polygon:
            return None
        rings = [_ring(ring) for ring in polygon]
        if any(ring is None for ring in rings):
            return None
        polygons.append(tuple(r for r in rings if r is not None))
    return tuple(polygons)


def _ring(raw: Any) -> Ring | None:
    if not isinstance(raw, list) or len(raw) < 4:
        return None
    points = []
    for position in raw:
        if not isinstance(position, list) or len(position) < 2:
            return None
        lon, lat = position[0], position[1]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lon, lat)):
            return None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        points.append((float(lon), float(lat)))
    return tuple(points)


def _check_codes(path: Path, outlines: list[Outline], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for outline in outlines:
        if outline.code in seen:
            problems.append(Problem(Where(path), f"code {outline.code} en double",
                                    "une seule entité par territoire (regroupez ses polygones en MultiPolygon)"))
        seen.add(outline.code)
