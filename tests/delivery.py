"""Helpers shared by the archive, sending and hostile-delivery tests: a real SMTP server
(aiosmtpd on 127.0.0.1, started by the tests), archives built through the CLI, snapshots."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import EDITION, run_cli

PDF_NAME = "pvd-chiffres-cles-2022-02.pdf"


class Recorder:
    """An SMTP server's handler that keeps every accepted message and can refuse on demand."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.accepted: list[tuple[list[str], bytes]] = []
        self.count = 0
        self.refuse: dict[str, str] = {}
        self.refuse_once: dict[str, str] = {}
        self.mail_delay_after: int | None = None
        self.drop_after: int | None = None
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        if self.mail_delay_after is not None and self.count >= self.mail_delay_after:
            await asyncio.sleep(30)  # hold the sender here: it is killed while waiting
        if self.drop_after is not None and self.count >= self.drop_after:
            self.drop_after = None
            server.transport.close()  # the connection is lost mid-run, once
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return self.refuse[address]
        if address in self.refuse_once:
            return self.refuse_once.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.count += 1
        if self.keep:
            self.accepted.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def count_for(self, address: str) -> int:
        return sum(address in rcpts for rcpts, _ in self.accepted)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    """A real SMTP server on 127.0.0.1 recording what it accepts."""
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        controller.stop()


def archive_with(archive_dir: Path, *extra: str | Path, data_dir: Path = EDITION, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    """Run ``archive --data-dir`` through the CLI."""
    kwargs = {"cwd": cwd} if cwd else {}
    return run_cli("archive", "--data-dir", data_dir, "--archive-dir", archive_dir, *extra, **kwargs)


def copy_archive(template: Path, target: Path) -> Path:
    """A private copy of an archive (read-only files stay read-only)."""
    shutil.copytree(template, target)
    return target


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file and folder under ``folder``: mode and bytes (folders: mode only)."""
    found: dict[str, tuple[int, bytes]] = {}
    if not folder.exists():
        return found
    for path in sorted(folder.rglob("*")):
        mode = stat.S_IMODE(path.lstat().st_mode)
        found[str(path.relative_to(folder))] = (mode, path.read_bytes() if path.is_file() else b"")
    return found


def alter(path: Path, old: bytes | None = None, new: bytes = b"") -> None:
    """Change an archived (read-only) file: flip a middle byte, or replace ``old`` by ``new``."""
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    if old is None:
        data[len(data) // 2] ^= 0x01
    else:
        assert old in data, (old, path)
        data = bytearray(bytes(data).replace(old, new, 1))
    path.write_bytes(bytes(data))


def edition_copy_in(folder: Path, month: str = "2022-02") -> Path:
    """A private copy of the February 2022 edition folder under ``folder``."""
    target = folder / month
    shutil.copytree(EDITION, target)
    return target


def mini_editions(folder: Path) -> Path:
    """An editions folder with the FICTITIOUS mini edition as February 2022 and a FICTITIOUS January
    made from it: c.signataires was a text then (a unit that changed), c.part 93 % (+3 pt),
    p.communes and c.montant unchanged. No coherence check in January (the share needs a number)."""
    from conftest import MINI

    february = folder / "2022-02"
    shutil.copytree(MINI, february, ignore=shutil.ignore_patterns("layout.yaml"))
    january = folder / "2022-01"
    shutil.copytree(MINI, january, ignore=shutil.ignore_patterns("layout.yaml"))
    figures = (january / "figures.csv").read_text(encoding="utf-8")
    figures = figures.replace("2022-02-01", "2022-01-01").replace("2022-01-31", "2022-01-10")
    figures = figures.replace("c.signataires,1579,count", "c.signataires,environ 1 500,text")
    figures = figures.replace("c.part,96,percent", "c.part,93,percent")
    (january / "figures.csv").write_text(figures, encoding="utf-8")
    series = (january / "series.csv").read_text(encoding="utf-8").splitlines()
    (january / "series.csv").write_text("\n".join(series[:-1]) + "\n", encoding="utf-8")
    meta = (january / "edition.yaml").read_text(encoding="utf-8")
    meta = meta.replace('edition: "2022-02"', 'edition: "2022-01"').replace("published: 2022-02-15",
                                                                          "published: 2022-01-15")
    (january / "edition.yaml").write_text(meta.split("checks:")[0], encoding="utf-8")
    return folder
