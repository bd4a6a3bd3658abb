"""Process entry point of ``make_bulletin.py`` and of the ``bulletin`` command.

Input: the command line. Output: the exit status of :func:`bulletin.cli.main`. What it adds is how the
process spends its memory: the garbage collector is off while the modules are imported (they make no
garbage, and a collection would walk everything imported so far, about 10 ms in all), the objects the
imports made are then frozen (so that the collections during the command do not walk them again, about
20 ms of a build), and what the command leaves is frozen before exiting (so that the collection Python
makes at exit skips it, about 6 ms). Code that calls :func:`bulletin.cli.main` in-process (the tests)
keeps its collector as it was.
"""

from __future__ import annotations

import gc
import sys
from typing import NoReturn


def entry() -> NoReturn:
    """Run the command line as a process: ``sys.exit`` with :func:`bulletin.cli.main`'s status."""
    gc.disable()
    from bulletin.cli import main

    gc.freeze()
    gc.enable()
    code = main()
    gc.freeze()
    sys.exit(code)
