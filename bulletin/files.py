"""Safe file writing: a file or folder appears complete under its final name, or not at all.

Input: a final path. Output: a temporary path beside it, renamed over the final one only when the
work inside the ``with`` block succeeded (``os.replace`` / ``rename`` are atomic on one filesystem).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bulletin.errors import Problem, RenderError, Where


@contextlib.contextmanager
def atomic_path(output: Path) -> Iterator[Path]:
    """Yield a temporary file path beside ``output``; rename it to ``output`` only on success."""
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes 0600; a PDF is for sharing
        os.replace(temporary, output)
    except OSError as exc:
        raise RenderError(Problem(Where(output), f"cannot write: {exc.strerror}", "choose a writable path")) from None
    finally:
        temporary.unlink(missing_ok=True)


def current_umask() -> int:
    """The process umask (read without changing it for good)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
