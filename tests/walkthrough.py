"""Run the README's walkthroughs: the commands of a section, in order, against their printed output.

A walkthrough is a section of README.md whose ```console blocks hold commands (lines starting with
``$ ``) each followed by what it prints (stdout and stderr, as a terminal shows them). Between them,
HTML comments mark the files the reader makes by hand, with the fenced block that follows:

- ``<!-- walkthrough: file NAME -->`` — the block is the content of NAME (a recipients file…);
- ``<!-- walkthrough: workbook NAME -->`` — the block is CSV, saved as the sheet « figures » of NAME;
- ``<!-- walkthrough: edit NAME -->`` — a ```diff block: each ``-`` line of NAME becomes the ``+`` line after it.

``bulletin`` runs the checkout's command line; ``cd DIR`` changes the folder of the next commands. The
output is compared after :func:`normalised` (dates of archiving, checksums, file sizes, which change from
run to run or with any change of the PDF's bytes); the exit code must be 0, or 1 when the README shows an
``Error:`` line. ``python tests/walkthrough.py SECTION FOLDER`` prints the real output of a section run in
FOLDER, to paste into the README after an intended change.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


@dataclass(frozen=True)
class Step:
    """A command and the output the README shows, or a file the reader writes (``kind`` file/workbook/edit)."""

    kind: str  # "command" | "cd" | "file" | "workbook" | "edit"
    text: str  # the command line, the folder, or the file's name
    body: str = ""  # the expected output, or the file's content


def section(title: str, markdown: str | None = None) -> str:
    """The body of the README section (any level) whose heading is ``title``, up to the next heading of its level."""
    markdown = README.read_text(encoding="utf-8") if markdown is None else markdown
    match = re.search(rf"^(#+) {re.escape(title)}\n(.*?)(?=^\1 |\Z)", markdown, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no section « {title} »"
    return match.group(2)


def steps(text: str) -> list[Step]:
    """The steps of a walkthrough, in order."""
    found: list[Step] = []
    pattern = re.compile(r"(?:<!-- walkthrough: (file|workbook|edit) (\S+) -->\n)?```(\w*)\n(.*?)^```", re.M | re.S)
    for match in pattern.finditer(text):
        marker, name, language, body = match.groups()
        if marker:
            found.append(Step(marker, name, body))
        elif language == "console":
            found += list(_commands(body))
    return found


def _commands(block: str) -> Iterator[Step]:
    command: str | None = None
    output: list[str] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield _command(command, output)
            command, output = line[2:], []
        else:
            output.append(line)
    if command is not None:
        yield _command(command, output)


def _command(line: str, output: list[str]) -> Step:
    if line.startswith("cd "):
        return Step("cd", line[3:].strip())
    return Step("command", line, "\n".join(output).rstrip("\n"))


# Run to run, only these differ: when a version was archived, the checksums and sizes of PDFs (any change
# of their bytes), durations.
VARIABLE = [(re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"), "<date>"),
            (re.compile(r"\b[0-9a-f]{16}…"), "<sha256>…"),
            (re.compile(r"\b\d+(,\d)? (ko|Mo)\b"), "<taille>"),
            (re.compile(r"\b\d+,\d s\b"), "<durée>")]


def normalised(text: str) -> str:
    for pattern, placeholder in VARIABLE:
        text = pattern.sub(placeholder, text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def argv(command: str) -> list[str]:
    """The process to start for a README command line (``bulletin …``)."""
    import shlex

    words = shlex.split(command)
    assert words[0] == "bulletin", f"a walkthrough command starts with « bulletin »: {command}"
    # the installed command itself (pip puts it beside the interpreter), so that its hints say « bulletin »
    script = Path(sys.executable).parent / "bulletin"
    assert script.is_file(), f"{script} is missing: install the checkout (make bulletin) to run the walkthrough"
    return [str(script), *words[1:]]


def run_step(step: Step, cwd: Path, env: Mapping[str, str]) -> tuple[Path, subprocess.CompletedProcess[str] | None]:
    """Do one step in ``cwd``; return the folder of the next step and, for a command, what it did."""
    if step.kind == "cd":
        return (cwd / step.text).resolve(), None
    if step.kind == "command":
        done = subprocess.run(argv(step.text), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **env}, timeout=600)
        return cwd, done
    _write(step, cwd)
    return cwd, None


def _write(step: Step, cwd: Path) -> None:
    path = cwd / step.text
    if step.kind == "file":
        path.write_text(step.body, encoding="utf-8")
    elif step.kind == "workbook":
        _workbook(path, step.body)
    else:
        text = path.read_text(encoding="utf-8")
        lines = step.body.splitlines()
        for old, new in zip(lines[::2], lines[1::2], strict=True):
            assert old.startswith("-") and new.startswith("+"), step.body
            assert text.count(old[1:] + "\n") == 1, f"{old[1:]!r} is not once in {path}"
            text = text.replace(old[1:] + "\n", new[1:] + "\n")
        path.write_text(text, encoding="utf-8")


def _workbook(path: Path, csv_text: str) -> None:
    import csv
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "figures"
    for row in csv.reader(io.StringIO(csv_text)):
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    book.save(path)


def main() -> None:
    """Print the real output of a walkthrough: ``python tests/walkthrough.py SECTION FOLDER [NAME=VALUE…]``."""
    title, folder, *settings = sys.argv[1:]
    env = dict(setting.split("=", 1) for setting in settings)
    cwd = Path(folder)
    for step in steps(section(title)):
        cwd, done = run_step(step, cwd, env)
        if done is not None:
            print(f"$ {step.text}\n{done.stdout.rstrip()}\n[exit {done.returncode}]\n")


if __name__ == "__main__":
    main()
