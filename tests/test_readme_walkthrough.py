"""The README's « A month, step by step » runs exactly as printed: every command, in order, in a new
project, against a real SMTP server (aiosmtpd on 127.0.0.1), with what it prints compared line by line."""

from __future__ import annotations

import difflib
from pathlib import Path

from delivery import smtp_server
from walkthrough import normalised, run_step, section, steps

__all__ = ["smtp_server"]  # the fixture, used by name

MONTH = "A month, step by step"


def test_the_readme_month_is_what_the_program_does(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    env = {"BULLETIN_SMTP_HOST": "127.0.0.1", "BULLETIN_SMTP_PORT": str(port), "BULLETIN_SMTP_SECURITY": "none",
           "BULLETIN_SMTP_RETRY_DELAY": "0"}
    walk = steps(section(MONTH))
    commands = [step.text for step in walk if step.kind == "command"]
    # the month the issue asks for: new project, import, check, diff, build, archive, send, status, re-issue
    for verb in ("init", "import", "check", "diff", "build", "preview", "archive", "send", "new"):
        assert any(command.split()[1] == verb for command in commands), verb
    assert any("--reissue" in command for command in commands) and any("--status" in command for command in commands)
    cwd = tmp_path
    for step in walk:
        cwd, done = run_step(step, cwd, env)
        if done is None:
            continue
        expected, printed = normalised(step.body), normalised(done.stdout)
        assert printed == expected, f"$ {step.text}\n" + "\n".join(
            difflib.unified_diff(expected.splitlines(), printed.splitlines(), "README", "program", lineterm=""))
        assert done.returncode == (1 if "Error:" in expected else 0), (step.text, done.returncode)
    # what the reader was told happened, happened: two editions and a rectificatif reached both partners
    delivered = sorted(rcpt for rcpts, _ in recorder.accepted for rcpt in rcpts)
    assert delivered == ["mairie@exemple.fr"] * 2 + ["prefecture@exemple.fr"] * 2
    assert (cwd / "archive" / "2022-03-v2").is_dir() and (cwd / "data" / "editions" / "2022-04").is_dir()
    assert len(list((cwd / "out" / "preview" / "2022-03").glob("*.png"))) == 11


def test_a_readme_that_disagrees_with_the_program_fails(tmp_path: Path) -> None:
    """The comparison can fail: a changed figure in the README's import output is caught."""
    walk = steps(section(MONTH))
    init = next(step for step in walk if step.kind == "command" and step.text.startswith("bulletin init"))
    _, done = run_step(init, tmp_path, {})
    assert done is not None and done.returncode == 0
    assert normalised(done.stdout) == normalised(init.body)
    assert normalised(done.stdout) != normalised(init.body.replace("15 fichiers", "14 fichiers"))
