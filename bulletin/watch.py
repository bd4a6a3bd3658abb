"""Watch stage: rebuild the preview whenever an input changes, until Ctrl-C or SIGTERM.

Input: how to make the build request (read again at every round, so that a new edition folder or
bulletin.toml setting is taken into account), how to make the preview, and a polling interval.
Output: the preview's PNG pages re-rendered after each change, a line per round on stdout, every
problem as ``Error:`` lines on stderr without stopping. The files watched are those of the edition
folder, the layout and the theme (and, after a successful build, every file it read: images,
fonts, outlines), compared by modification time and size: no new dependency, no busy loop.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from bulletin.build import BuildRequest
from bulletin.errors import BulletinError, Interrupted, Problem, Where

Snapshot = dict[Path, object]
MIN_INTERVAL, MAX_INTERVAL = 0.05, 3600.0
Preview = Callable[[BuildRequest], list[Path]]  # makes the preview, returns every file the build read


def watch(request_of: Callable[[], BuildRequest], preview: Preview, interval: float) -> int:
    """Preview once, then again after every change; return 0 when stopped by Ctrl-C or SIGTERM."""
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:  # NaN too
        raise BulletinError(Problem(Where("--interval"), f"« {interval:g} » secondes : ce n’est pas un intervalle "
                                    "possible", f"donnez un nombre entre {MIN_INTERVAL:g} et {MAX_INTERVAL:g}"))
    try:
        watched = _round(request_of, preview, set(), "première construction")
        print(f"Surveillance de {len(watched)} fichier(s) et dossier(s) ; Ctrl-C pour arrêter.", flush=True)
        while True:
            changed = _wait_for_change(snapshot(watched), interval)
            watched = _round(request_of, preview, watched, "modifié : " + ", ".join(sorted({p.name for p in changed})))
    except (KeyboardInterrupt, Interrupted) as exc:
        print(f"Surveillance arrêtée ({'Ctrl-C' if isinstance(exc, KeyboardInterrupt) else 'SIGTERM'}).", flush=True)
    return 0


def _round(request_of: Callable[[], BuildRequest], preview: Preview, watched: set[Path], why: str) -> set[Path]:
    """One rebuild: say why and what came of it; return what to watch next (after a failure: what was
    watched before, plus the edition, layout and theme of the request if it could be made)."""
    print(f"{time.strftime('%H:%M:%S')} {why} : reconstruction de l’aperçu…", flush=True)
    started = time.perf_counter()
    request: BuildRequest | None = None
    try:
        request = request_of()
        read = preview(request)
    except BulletinError as exc:
        for problem in exc.problems:
            print(f"Error: {problem}", file=sys.stderr, flush=True)
        print("Aperçu non reconstruit : corrigez les erreurs ci-dessus ; il le sera à la prochaine modification.",
              flush=True)
        return watched | (inputs(request) if request else set())
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    print(f"Aperçu à jour en {seconds} s.", flush=True)
    return _edition_inputs(request) | {path.resolve() for path in read}  # ``read`` has the layout and theme


def inputs(request: BuildRequest) -> set[Path]:
    """What a build of ``request`` reads for sure: the edition folder (its list of files too), the layout,
    the theme."""
    theme = {request.theme_path} if request.theme_path is not None else _layout_theme(request.layout_path)
    return _edition_inputs(request) | {path.resolve() for path in theme}


def _edition_inputs(request: BuildRequest) -> set[Path]:
    """The edition folder, the files in it and the layout."""
    files = {p for p in request.edition_dir.glob("*") if p.is_file() and not p.name.startswith(".")}
    return {path.resolve() for path in (*files, request.edition_dir, request.layout_path)}


def _layout_theme(layout: Path) -> set[Path]:
    """The theme the layout names (``document: theme:``), when the layout can be read; nothing otherwise."""
    from bulletin.layout_spec import read_layout

    try:
        return {read_layout(layout)[0].theme_path}
    except BulletinError:
        return set()


def snapshot(paths: set[Path]) -> Snapshot:
    """For each file its modification time (ns) and size, for a folder the names it holds (a file added
    or removed), None for what is missing."""
    found: Snapshot = {}
    for path in paths:
        try:
            if path.is_dir():
                found[path] = tuple(sorted(p.name for p in path.iterdir() if not p.name.startswith(".")))
            else:
                info = path.stat()
                found[path] = (info.st_mtime_ns, info.st_size)
        except OSError:
            found[path] = None
    return found


def _wait_for_change(seen: Snapshot, interval: float) -> list[Path]:
    """Poll until something changes, then until it has stayed the same for one interval (an editor's save
    can take several writes); return what changed."""
    now = seen
    while now == seen:
        time.sleep(interval)
        now = snapshot(set(seen))
    while True:
        time.sleep(interval)
        settled = snapshot(set(seen))
        if settled == now:
            return [path for path in seen if seen[path] != now[path]]
        now = settled
