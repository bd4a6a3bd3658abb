#!/usr/bin/env python3
"""Measure how fast the bulletin builds, in fresh processes and in batches, and how much memory it takes.

Run from the repository root with the project's venv:

    .venv/bin/pip install -e '.[bench]'      # matplotlib and pandas, for the import floor only
    .venv/bin/python benchmarks/bench_build.py [--repeat 5] [--pairs 15] [--editions 100]
                                               [--baseline DIR] [--no-floor]

It prints, for each measurement, the median and min–max wall time, peak memory and PDF size:

* cold builds of the default edition (``make_bulletin.py build`` in a new process), alternated run by run
  with the import floor (the time of ``python -c "import reportlab.platypus, matplotlib.pyplot, pandas,
  pypdf"``) and, with ``--baseline DIR``, with the same command in another checkout (its own ``.venv``
  if it has one), so that machine noise hits every command alike; the ratio is of the medians;
* warm rebuilds in this process (a text changed, a figure changed) and warm builds of 6 to 48 pages;
* ``--editions`` different editions built on every core by a pool of fresh worker processes (spawned,
  so they do not inherit this process's memory): the wall time, the time per build from the first to the
  last, and each worker's peak memory after its first and its last build;
* with ``--territories``, the territorial batch as a user runs it: ``make_bulletin.py build --edition 2022-02
  --territories all --draft`` on a copy of the edition with the register of the 1 606 real PVD communes
  and generated (fictitious) indicators, and the ANCT outlines, all from ``../shared/data/territoires/``
  (read in place): wall time, editions, pages and size, the time per page of the first and last 20
  editions, and each worker's peak memory (``VmHWM``, read from ``/proc`` while it runs).

Memory is always a process's own peak resident set (``ru_maxrss`` of that process: ``os.wait4`` for a
child, ``RUSAGE_SELF`` in a worker), never the maximum over every child this script has started. One
untimed run of each command comes first: it leaves Python's bytecode caches written, as an installed
package has them. Nothing here is a test: tests never assert on time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR = "import reportlab.platypus, matplotlib.pyplot, pandas, pypdf"
EDITION = ROOT / "data" / "editions" / "2022-02"
LAYOUT = ROOT / "layouts" / "pvd-chiffres-cles.yaml"
TERRITOIRES = ROOT.parent / "shared" / "data" / "territoires"


def run_process(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time of a new process running ``command``, and that process's own peak RSS in kB.

    The child may write Python's bytecode caches (PYTHONDONTWRITEBYTECODE is dropped from its environment),
    as an installed package has them."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=environment)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            sys.exit(f"benchmark command failed in {cwd}: {' '.join(command)}\n{errors.read().decode()}")
    return elapsed, usage.ru_maxrss


def summary(name: str, times: list[float], extra: str = "") -> None:
    """One line: median and min–max."""
    print(f"{name:<46} median {statistics.median(times):7.3f} s  (min {min(times):.3f}, max {max(times):.3f}, "
          f"n={len(times)}){extra}")


def python_of(tree: Path) -> str:
    """The interpreter of a checkout: its own venv's, else this one."""
    candidate = tree / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def cold_builds(pairs: int, trees: list[Path], floor: bool, output: Path) -> None:
    """Cold builds of each tree's default edition, and the import floor, alternated run by run."""
    commands: dict[str, tuple[list[str], Path]] = {}
    if floor:
        commands["import floor (reportlab, matplotlib, pandas, pypdf)"] = ([sys.executable, "-c", FLOOR], ROOT)
    for tree in trees:
        label = "cold build, this checkout" if tree == ROOT else f"cold build, baseline {tree}"
        commands[label] = ([python_of(tree), "make_bulletin.py", "build", "--output", str(output.with_suffix(
            f".{len(commands)}.pdf"))], tree)
    for command, cwd in commands.values():  # untimed: bytecode caches written, files in the OS cache
        run_process(command, cwd)
    times: dict[str, list[float]] = {label: [] for label in commands}
    peaks: dict[str, list[int]] = {label: [] for label in commands}
    labels = list(commands)
    for round_ in range(pairs):
        for label in labels if round_ % 2 == 0 else labels[::-1]:
            elapsed, peak = run_process(*commands[label])
            times[label].append(elapsed)
            peaks[label].append(peak)
    floor_time = statistics.median(times[labels[0]]) if floor else 0.0
    for label, (command, _) in commands.items():
        extra = f"  peak RSS {statistics.median(peaks[label]) / 1024:.0f} MB"
        if "build" in label:
            pdf = Path(command[-1])
            extra += f"  PDF {pdf.stat().st_size:,} bytes ({pdf.stat().st_size / 1024:.1f} kB)".replace(",", " ")
        if floor:
            extra += f"  {statistics.median(times[label]) / floor_time:.2f} × floor"
        summary(label, times[label], extra)
    this = statistics.median(times["cold build, this checkout"])
    for label in labels:
        if label.startswith("cold build, baseline"):
            print(f"{'':<46} this checkout / baseline: {this / statistics.median(times[label]):.2f}")


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


def build_one(arguments: tuple[str, str, str]) -> tuple[float, int, int]:
    """Worker: build one synthetic edition; return its time, the worker's pid and its peak RSS so far (kB)."""
    import resource

    from bulletin.build import BuildRequest, build

    edition, layout, output = arguments
    start = time.perf_counter()
    build(BuildRequest(Path(edition), Path(layout), Path(output)))
    return time.perf_counter() - start, os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _worker_start() -> None:
    """Each worker imports the build before its first job, as a batch command's workers would."""
    import gc

    import bulletin.build  # noqa: F401

    gc.freeze()


def batch(folder: Path, layout: Path, count: int) -> None:
    """``count`` different editions on every core, by fresh (spawned) workers; print time and memory."""
    jobs = []
    for index in range(count):
        edition = folder / "batch" / f"{index:03d}" / "2022-02"
        vary_edition(EDITION, edition, index)
        jobs.append((str(edition), str(layout), str(edition.parent / "out.pdf")))
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(os.cpu_count(), initializer=_worker_start) as pool:
        results = pool.map(build_one, jobs, chunksize=1)
    wall = time.perf_counter() - start
    times = [t for t, _, _ in results]
    print(f"{count} different editions on {os.cpu_count()} cores: {wall:.1f} s wall, "
          f"{statistics.median(times):.3f} s median per build (first 10: {statistics.median(times[:10]):.3f} s, "
          f"last 10: {statistics.median(times[-10:]):.3f} s)")
    for pid in sorted({p for _, p, _ in results}):
        peaks = [peak for _, p, peak in results if p == pid]
        print(f"  worker {pid}: {len(peaks)} builds, peak RSS after the first {peaks[0] / 1024:.0f} MB, "
              f"after the last {peaks[-1] / 1024:.0f} MB")


def territorial_project(folder: Path) -> Path:
    """A project whose February 2022 edition has the generated register (fictitious indicators, fixed seed) of
    the real PVD communes, with the ANCT outlines for the maps; return its folder."""
    from bulletin.data.edition import load_edition
    from bulletin.register.generate import generate_register, targets_from_edition

    edition = folder / "editions" / "2022-02"
    shutil.copytree(EDITION, edition)
    generate_register(TERRITOIRES / "pvd-communes-2021.csv", edition, targets_from_edition(load_edition(EDITION)))
    settings = {"editions": folder / "editions", "layout": LAYOUT, "out": folder / "out",
                "outlines_departements": TERRITOIRES / "departements-fr-drom.geojson",
                "outlines_regions": TERRITOIRES / "regions-fr-drom.geojson"}
    (folder / "bulletin.toml").write_text("".join(f'{key} = "{value}"\n' for key, value in settings.items()),
                                          encoding="utf-8")
    return folder


def _children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (the batch's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def _peak_kb(pid: int) -> int | None:
    """A process's own peak resident set (VmHWM), in kB, or None once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def territorial_batch(folder: Path) -> None:
    """``build --territories all --draft`` through the command line; print time, pages and each worker's peak."""
    import re
    import threading

    usage = subprocess.run([sys.executable, str(ROOT / "make_bulletin.py"), "build", "--help"], capture_output=True,
                           text=True).stdout
    if "--territories" not in usage:
        sys.exit("--territories: this checkout's build has no --territories option yet")
    if not (TERRITOIRES / "pvd-communes-2021.csv").is_file():
        sys.exit(f"--territories: the shared territorial data is not in {TERRITOIRES}")
    project = territorial_project(folder / "territorial")
    command = [sys.executable, str(ROOT / "make_bulletin.py"), "build", "--edition", "2022-02", "--territories",
               "all", "--draft"]
    peaks: dict[int, int] = {}
    start, begun = time.perf_counter(), time.time()
    child = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:  # VmHWM only grows: the last reading of a worker is its peak (to 0.1 s)
        while child.poll() is None:
            for pid in _children(child.pid):
                peak = _peak_kb(pid)
                if peak:
                    peaks[pid] = max(peaks.get(pid, 0), peak)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, errors = child.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if child.returncode:
        sys.exit(f"territorial batch failed ({child.returncode}):\n{errors}")
    pages = {Path(match.group(1)).name: int(match.group(2))
             for match in re.finditer(r"(?:Wrote|Écrit :) (\S+) \((\d+) pages?", output)}
    # the editions in the order they were written (the command prints them at the end, in code order)
    written = sorted((path.stat().st_mtime - begun, pages[path.name]) for path in
                     (project / "out").glob("*.pdf"))
    sizes = sum(path.stat().st_size for path in (project / "out").glob("*.pdf"))
    print(f"territorial batch (build --territories all --draft, {os.cpu_count()} cores): {wall:.1f} s wall, "
          f"{len(written)} editions, {sum(p for _, p in written)} pages, {sizes / 1e6:.1f} MB")
    print(f"  {output.strip().splitlines()[-1]}")
    first, last = written[:20], written[-20:]
    print(f"  seconds per page, over the first 20 editions written: "
          f"{(first[-1][0] - first[0][0]) / sum(p for _, p in first[1:]):.3f}; over the last 20: "
          f"{(last[-1][0] - last[0][0]) / sum(p for _, p in last[1:]):.3f}")
    for pid, peak in sorted(peaks.items()):
        print(f"  process {pid}: peak RSS {peak / 1024:.0f} MB")


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


def versions() -> str:
    """Python and the libraries that do the work."""
    import yaml

    found = []
    for name in ("reportlab", "rl_accel", "pikepdf", "PyYAML"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    libyaml = "with libyaml" if getattr(yaml, "__with_libyaml__", False) else "without libyaml"
    return f"Python {sys.version.split()[0]}, {', '.join(found)} ({libyaml})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm builds per measurement")
    parser.add_argument("--pairs", type=int, default=15, help="rounds of cold builds (each command once a round)")
    parser.add_argument("--editions", type=int, default=100, help="editions of the batch (0: no batch)")
    parser.add_argument("--baseline", type=Path, action="append", default=[],
                        help="another checkout whose cold build of its default edition is paired with this one's")
    parser.add_argument("--no-floor", action="store_true", help="leave out the import floor (needs '.[bench]')")
    parser.add_argument("--territories", action="store_true",
                        help="also run build --territories all on the shared register and outlines")
    args = parser.parse_args()
    for tree in args.baseline:
        if not (tree / "make_bulletin.py").is_file():
            parser.error(f"--baseline {tree}: not a checkout of bulletin (no make_bulletin.py there)")
    print(f"machine: {os.cpu_count()} cores, {versions()}, {time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        cold_builds(args.pairs, [*[b.resolve() for b in args.baseline], ROOT], not args.no_floor, folder / "cold.pdf")
        edition, layout = copy_project(folder)
        text = changer(edition, layout, layout, "Les conventions d’adhésion",
                       lambda i: f"Les conventions d’adhésion{' ' * i}x")
        figure = changer(edition, layout, edition / "figures.csv", "services.france_services,884,",
                         lambda i: f"services.france_services,{884 + i},")
        summary("warm rebuild, only a text changed", in_process(args.repeat, text))
        summary("warm rebuild, one figure changed", in_process(args.repeat, figure))
        for pages in (6, 12, 24, 48):
            big, count = layout_of_pages(layout, edition, pages, folder / f"layout-{pages}.yaml")
            times = in_process(args.repeat, lambda index, big=big: (edition, big))
            summary(f"warm build, {count} pages", times, f"  {statistics.median(times) / count * 1000:.1f} ms/page")
        if args.editions:
            batch(folder, layout, args.editions)
        if args.territories:
            territorial_batch(folder)


if __name__ == "__main__":
    main()
