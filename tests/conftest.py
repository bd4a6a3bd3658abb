"""Shared fixtures: the default edition built once, and helpers to run the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDITION = ROOT / "data" / "editions" / "2022-02"
LAYOUT = ROOT / "layouts" / "pvd-chiffres-cles.yaml"


@dataclass(frozen=True)
class CliResult:
    """What a user sees after running the command line."""

    code: int
    stdout: str
    stderr: str


def run_cli(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
            max_file_bytes: int | None = None) -> CliResult:
    """Run ``make_bulletin.py`` in a subprocess, as a user would; ``env`` adds environment variables,
    ``max_file_bytes`` makes every file the process writes stop at that size (a full disk)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    done = subprocess.run([sys.executable, str(ROOT / "make_bulletin.py"), *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, env=environment, timeout=300,
                          preexec_fn=_file_size_limit(max_file_bytes) if max_file_bytes is not None else None)
    return CliResult(done.returncode, done.stdout, done.stderr)


def _file_size_limit(size: int):  # type: ignore[no-untyped-def]
    """RLIMIT_FSIZE for the child: writes beyond ``size`` fail with EFBIG, as on a full disk
    (Python ignores SIGXFSZ, so the write raises instead of killing the process)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


@pytest.fixture(scope="session")
def default_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default edition built through the CLI, once per test session."""
    path = tmp_path_factory.mktemp("build") / "pvd-chiffres-cles-2022-02.pdf"
    result = run_cli("build", "--edition", "2022-02", "--output", path)
    assert result.code == 0, result.stderr
    return path


@pytest.fixture()
def edition_copy(tmp_path: Path) -> Path:
    """A private copy of the February 2022 edition folder, to mutate."""
    target = tmp_path / "2022-02"
    shutil.copytree(EDITION, target)
    return target


def layout_copy(tmp_path: Path, text: str | None = None) -> Path:
    """A copy of the default layout (optionally replaced by ``text``) beside a copy of the themes."""
    shutil.copytree(ROOT / "layouts" / "themes", tmp_path / "themes", dirs_exist_ok=True)
    theme = tmp_path / "themes" / "pvd.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("../../fonts", str(ROOT / "fonts")), encoding="utf-8")
    path = tmp_path / "layout.yaml"
    path.write_text(text if text is not None else LAYOUT.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def replace_in_file(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of ``old`` in a text file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture()
def mini(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the FICTITIOUS mini edition and its layout: (edition folder, layout file)."""
    edition = tmp_path / "edition"
    shutil.copytree(MINI, edition, ignore=shutil.ignore_patterns("layout.yaml"))
    layout = layout_copy(tmp_path, (MINI / "layout.yaml").read_text(encoding="utf-8"))
    return edition, layout


JANUARY = ROOT / "tests" / "fixtures" / "editions" / "2022-01"  # FICTITIOUS


@pytest.fixture()
def editions(tmp_path: Path) -> Path:
    """An editions folder holding the fictitious January and the real February 2022."""
    folder = tmp_path / "editions"
    shutil.copytree(JANUARY, folder / "2022-01")
    shutil.copytree(EDITION, folder / "2022-02")
    return folder
