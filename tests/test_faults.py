"""Faults around a run: killed, interrupted, a full disk, a terminal that cannot print « é »."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

DEAD_PID = 4_194_400  # above Linux's largest pid (4 194 304): no process can have it


def start_build(output: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "make_bulletin.py"), "build", "--output", str(output), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def wait_for_temporary(folder: Path, process: subprocess.Popen[str]) -> None:
    """Wait until the build is writing its PDF (its hidden temporary file exists)."""
    deadline = time.monotonic() + 60
    while not list(folder.glob(".*.tmp")):
        assert process.poll() is None and time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.002)


@pytest.mark.parametrize(("signum", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "Ctrl-C")])
def test_a_signal_while_writing_ends_with_an_error_and_leaves_nothing(tmp_path: Path, signum: int, name: str) -> None:
    output = tmp_path / "out" / "bulletin.pdf"
    process = start_build(output)
    wait_for_temporary(output.parent, process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr
    assert stderr.startswith(f"Error: interrompu ({name})") and "Traceback" not in stderr
    assert not output.parent.exists() or list(output.parent.iterdir()) == []


def test_the_next_run_removes_what_a_killed_run_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    killed = out / f".bulletin.pdf.{DEAD_PID}.x1y2z3.tmp"
    killed.write_bytes(b"%PDF-1.7 half written")
    killed_preview = out / f".pages.{DEAD_PID}.abcdef.tmp"
    killed_preview.mkdir()
    (killed_preview / "page-01.png").write_bytes(b"png")
    alive = out / f".bulletin.pdf.{os.getpid()}.q1w2e3.tmp"  # a run still going on: left alone
    alive.write_bytes(b"in progress")
    process = start_build(out / "bulletin.pdf")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([alive.name, "bulletin.pdf"])


def test_a_full_disk_while_pikepdf_saves_is_an_error_not_an_abort(tmp_path: Path) -> None:
    """The rendered PDF fits (115 kB) but the archival one (150 kB) does not: pikepdf used to abort (SIGABRT)."""
    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (130_000, 130_000))
    output = tmp_path / "out" / "bulletin.pdf"
    done = subprocess.run([sys.executable, str(ROOT / "make_bulletin.py"), "build", "--output", str(output)],
                          cwd=ROOT, capture_output=True, text=True, preexec_fn=small_disk,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"Error: {output}:") and "fichier trop gros (disque plein" in done.stderr
    assert not output.parent.exists()


@pytest.mark.parametrize("environment", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C"}])
def test_output_that_cannot_encode_accents_does_not_crash(tmp_path: Path, environment: dict[str, str]) -> None:
    output = tmp_path / "bulletin-été.pdf"
    done = subprocess.run([sys.executable, str(ROOT / "make_bulletin.py"), "build", "--output", str(output)],
                          cwd=ROOT, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT), **environment},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert output.is_file()
    assert b"Traceback" not in done.stderr
    assert b"bulletin-" in done.stdout and (b"\\xe9t\\xe9" in done.stdout or "été".encode() in done.stdout)
