#!/usr/bin/env python3
"""Measure the commune register and the département map: read + validate, compute, draw.

Run from the repository root with the project's venv (needs ../shared/data/territoires/):

    .venv/bin/python benchmarks/bench_register.py [--repeat 7]

A fictitious register (fixed seed) is generated in a temporary folder from the real PVD list, then
each step is timed ``--repeat`` times in this process and printed as median (min–max):
reading and validating the 1 606 communes, computing the national figures (pandas), computing all
115 territories, loading the outlines, drawing the national département map into a PDF. The first
import of pandas is timed once in a fresh process. Nothing here is a test: tests never assert on time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TERRITOIRES = ROOT.parent / "shared" / "data" / "territoires"


def timed(repeat: int, step: Callable[[], Any]) -> tuple[list[float], Any]:
    """Wall times of ``repeat`` runs of ``step`` and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return times, result


def line(name: str, times: list[float], extra: str = "") -> None:
    median = statistics.median(times)
    print(f"{name:<52} median {median * 1000:8.1f} ms  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, "
          f"n={len(times)}){extra}")


def pandas_import() -> float:
    code = "import time; s = time.perf_counter(); import pandas; print(time.perf_counter() - s)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def draw_map(path: Path, register: Any, outlines: Any, ctx: Any) -> int:
    """Draw the national département map on an A4 page through Surface; return the PDF's size."""
    from reportlab.pdfgen.canvas import Canvas

    from bulletin.errors import Where
    from bulletin.geometry import Box
    from bulletin.layout_spec import BlockSpec
    from bulletin.maps.block import MAP_OPTIONS, MapBlock
    from bulletin.maps.data import communes_per_territory
    from bulletin.pdf.structure import StructureRecorder
    from bulletin.pdf.surface import Surface
    from bulletin.templates import parse_template
    from bulletin.theme import MM

    options = {name: option.default for name, option in MAP_OPTIONS.items()}
    options.update(outlines="departements", height=150, title=parse_template("Communes PVD par département"))
    block = MapBlock(BlockSpec("map", "carte", MappingProxyType(options), Where("bench", 1)), ctx,
                     communes_per_territory(register), outlines, "58")
    canvas = Canvas(str(path), pagesize=(210 * MM, 297 * MM), invariant=1, pageCompression=1)
    structure = StructureRecorder()
    structure.new_page()
    height = block.measure(180 * MM).height
    block.draw(Surface(canvas, 297 * MM, structure), Box(15 * MM, 20 * MM, 180 * MM, height))
    canvas.showPage()
    canvas.save()
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not (TERRITOIRES / "pvd-communes-2021.csv").is_file():
        sys.exit(f"real territorial data absent: {TERRITOIRES}")
    print(f"first import of pandas (fresh process)                median {pandas_import() * 1000:8.1f} ms")
    from bulletin.blocks.base import Context
    from bulletin.data.edition import load_edition
    from bulletin.pdf.fonts import register_fonts
    from bulletin.maps.outlines import load_outlines
    from bulletin.register import all_territories, load_register
    from bulletin.register.compute import compute_figures, register_frame
    from bulletin.register.generate import generate_register, targets_from_edition
    from bulletin.theme import load_theme

    edition = load_edition(ROOT / "data" / "editions" / "2022-02")
    theme = load_theme(ROOT / "layouts" / "themes" / "pvd.yaml")
    register_fonts(theme)
    ctx = Context(edition, theme, "blue", ROOT / "layouts")
    with tempfile.TemporaryDirectory() as folder:
        times, path = timed(args.repeat, lambda: generate_register(
            TERRITOIRES / "pvd-communes-2021.csv", Path(folder) / "registre", targets_from_edition(edition)))
        line("generate the fictitious register", times)
        times, register = timed(args.repeat, lambda: load_register(path))
        line(f"read + validate the register ({len(register.communes)} communes)", times)

        def national() -> Any:
            register_frame.cache_clear()
            return compute_figures(register)

        times, computed = timed(args.repeat, national)
        line(f"national figures, table built ({len(computed.figures)} figures)", times)
        territories = all_territories("dep") + all_territories("reg")
        times, _ = timed(args.repeat, lambda: [compute_figures(register, t) for t in territories])
        line(f"figures of all {len(territories)} territories", times)
        times, outlines = timed(args.repeat, lambda: load_outlines(TERRITOIRES / "departements-fr-drom.geojson", "dep"))
        line("load + validate the département outlines", times)
        times, size = timed(args.repeat, lambda: draw_map(Path(folder) / "map.pdf", register, outlines, ctx))
        line("draw the département map into a PDF", times, f"  {size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
