"""Stage timing for ``-v``: each stage of a command logged with how long it took.

Input: a stage name (« lecture », « composition »…). Output: an INFO log line « lecture : 0,12 s »
when the stage ends, only when verbose logging is on; nothing otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("bulletin.stages")


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the ``with`` block and log it as stage ``name``, even when it fails (« … : échec après 0,3 s »)."""
    done = started(name)
    failed = True
    try:
        yield
        failed = False
    finally:
        done(failed)


def started(name: str) -> Callable[[bool], None]:
    """Start timing stage ``name``; call the result (with ``failed=True`` if it did not finish) to log it."""
    start = time.perf_counter()

    def done(failed: bool = False) -> None:
        if log.isEnabledFor(logging.INFO):
            from bulletin.typography import fr_decimal

            seconds = fr_decimal(time.perf_counter() - start, 2)
            log.info("%s : %s%s s", name, "échec après " if failed else "", seconds)
    return done
