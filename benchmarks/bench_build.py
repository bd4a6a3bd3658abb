#!/usr/bin/env python3
"""Measure how fast the bulletin builds, compared with the cost of importing the PDF stack.

Run from the repository root with the project's venv:

    .venv/bin/pip install -e '.[bench]'      # matplotlib and pandas, for the import floor only
    .venv/bin/python benchmarks/bench_build.py [--repeat 5] [--editions 100]

It prints, for each measurement, the median and min–max wall time, the ratio to the import floor
(the time of ``python -c "import reportlab.platypus, matplotlib.pyplot, pandas, pypdf"``), peak
memory and PDF size. Cold builds and the import floor run alternately in fresh processes, so
machine noise hits both alike. Nothing here is a test: tests never assert on time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR = "import reportlab.platypus, matplotlib.pyplot, pandas, pypdf"
EDITION = ROOT / "data" / "editions" / "2022-02"
LAYOUT = ROOT / "layouts" / "pvd-chiffres-cles.yaml"


def timed_process(command: list[str]) -> tuple[float, int]:
    """Wall time of a fresh process, and its peak RSS in kB."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{done.stderr}")
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def summary(name: str, times: list[float], floor: float | None, extra: str = "") -> None:
    """One line: median, min–max, ratio to the floor."""
    median = statistics.median(times)
    ratio = f"  {median / floor:5.2f} × floor" if floor else ""
    print(f"{name:<44} median {median:7.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"
          f"{ratio}{extra}")


def cold_and_floor(repeat: int, output: Path) -> tuple[list[float], list[float], int]:
    """Alternate the import floor and a cold build, each in a new process."""
    floors, colds, peak = [], [], 0
    for _ in range(repeat):
        floors.append(timed_process([sys.executable, "-c", FLOOR])[0])
        elapsed, peak = timed_process([sys.executable, "make_bulletin.py", "build", "--output", str(output)])
        colds.append(elapsed)
    return floors, colds, peak


def in_process(repeat: int, prepare_change: Callable[[int], tuple[Path, Path]]) -> list[float]:
    """Builds in this process (imports done, fonts registered): the warm cost."""
    from bulletin.build import BuildRequest, build

    times = []
    for index in range(repeat + 1):
        edition, layout = prepare_change(index)
        start = time.perf_counter()
        build(BuildRequest(edition, layout, edition.parent / "warm.pdf"))
        if index:  # the first build of the process warms it up
            times.append(time.perf_counter() - start)
    return times


def copy_project(folder: Path) -> tuple[Path, Path]:
    """A private copy of the edition and of the layout (with its theme), to modify."""
    edition = folder / "editions" / "2022-02"
    shutil.copytree(EDITION, edition)
    shutil.copytree(ROOT / "layouts" / "themes", folder / "themes")
    theme = folder / "themes" / "pvd.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("../../fonts", str(ROOT / "fonts")), encoding="utf-8")
    layout = folder / "layout.yaml"
    shutil.copy(LAYOUT, layout)
    return edition, layout


def changer(edition: Path, layout: Path, path: Path, old: str,
            new: Callable[[int], str]) -> Callable[[int], tuple[Path, Path]]:
    """Before build ``index``, replace ``old`` in ``path`` by ``new(index)``."""
    original = path.read_text(encoding="utf-8")

    def change(index: int) -> tuple[Path, Path]:
        path.write_text(original.replace(old, new(index)), encoding="utf-8")
        return edition, layout
    return change


def vary_edition(source: Path, target: Path, seed: int) -> None:
    """A synthetic edition: every count not bound by a declared check moves by up to ±10 %."""
    import csv

    shutil.copytree(source, target)
    bound = {"conventions.communes_signataires", "ort.communes_engagees", "opah.communes_financees",
             "culture.micro_folies", "culture.micro_folies_france", "programme.communes_pvd"}
    rng = random.Random(seed)
    with (source / "figures.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["unit"] == "count" and row["key"] not in bound:
            row["value"] = str(max(0, round(int(row["value"]) * rng.uniform(0.9, 1.1))))
    with (target / "figures.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build_one(arguments: tuple[str, str, str]) -> tuple[float, int]:
    """Worker: build one synthetic edition; return its time and the worker's peak RSS (kB)."""
    from bulletin.build import BuildRequest, build

    edition, layout, output = arguments
    start = time.perf_counter()
    build(BuildRequest(Path(edition), Path(layout), Path(output)))
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def batch(folder: Path, layout: Path, count: int) -> tuple[float, list[float], list[int]]:
    """``count`` different editions on every core; wall time, per-build times and worker peaks."""
    jobs = []
    for index in range(count):
        edition = folder / "batch" / f"{index:03d}" / "2022-02"
        vary_edition(EDITION, edition, index)
        jobs.append((str(edition), str(layout), str(edition.parent / "out.pdf")))
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        results = pool.map(build_one, jobs, chunksize=1)
    return time.perf_counter() - start, [t for t, _ in results], [m for _, m in results]


def layout_of_pages(layout: Path, edition: Path, pages: int, target: Path) -> tuple[Path, int]:
    """The default layout's sections repeated (ids made unique, each on a new page, no cover or back page)
    until the bulletin has at least ``pages`` pages; return the layout and its real page count."""
    import yaml

    from bulletin.build import BuildRequest, prepare

    data = yaml.safe_load(layout.read_text(encoding="utf-8"))
    source = [s for s in data["sections"] if not any(b["type"] == "contents" for b in s["blocks"])]
    data.pop("cover", None)
    data.pop("back", None)
    result: list[dict] = []  # type: ignore[type-arg]
    count = 0
    while count < pages:
        section = yaml.safe_load(yaml.safe_dump(source[len(result) % len(source)]))
        section["new_page"] = True
        _suffix_ids(section["blocks"], f"-{len(result)}")
        result.append(section)
        data["sections"] = result
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        count = len(prepare(BuildRequest(edition, target)).pages)
    return target, count


def _suffix_ids(blocks: list[dict], suffix: str) -> None:  # type: ignore[type-arg]
    for block in blocks:
        block["id"] = block["id"] + suffix
        for column in block.get("columns") or []:
            _suffix_ids(column, suffix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--editions", type=int, default=100)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        edition, layout = copy_project(folder)
        output = folder / "cold.pdf"
        floors, colds, peak = cold_and_floor(args.repeat, output)
        floor = statistics.median(floors)
        summary("import floor (reportlab, matplotlib, pandas, pypdf)", floors, None)
        summary("cold build, default edition (new process)", colds, floor,
                f"  peak RSS {peak / 1024:.0f} MB  PDF {output.stat().st_size / 1024:.0f} kB")
        text = changer(edition, layout, layout, "Les conventions d’adhésion",
                       lambda i: f"Les conventions d’adhésion{' ' * i}x")
        figure = changer(edition, layout, edition / "figures.csv", "services.france_services,884,",
                         lambda i: f"services.france_services,{884 + i},")
        summary("warm rebuild, only a text changed", in_process(args.repeat, text), floor)
        summary("warm rebuild, one figure changed", in_process(args.repeat, figure), floor)
        for pages in (6, 12, 24, 48):
            big, count = layout_of_pages(layout, edition, pages, folder / f"layout-{pages}.yaml")
            times = in_process(args.repeat, lambda index, big=big: (edition, big))
            summary(f"warm build, {count} pages", times, floor, f"  {statistics.median(times) / count * 1000:.1f} ms/page")
        wall, times, peaks = batch(folder, layout, args.editions)
        print(f"{args.editions} different editions on {os.cpu_count()} cores: {wall:.1f} s wall "
              f"({statistics.median(times):.3f} s median per build); worker peak RSS first "
              f"{peaks[0] / 1024:.0f} MB, last {peaks[-1] / 1024:.0f} MB, max {max(peaks) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
