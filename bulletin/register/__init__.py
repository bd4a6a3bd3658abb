"""The commune register: one row per commune, and the figures computed from it (issue 12).

Stages, in order: :mod:`~bulletin.register.spec` parses ``register.yaml``,
:mod:`~bulletin.register.reader` reads and validates the commune file,
:mod:`~bulletin.register.compute` computes the declared figures for the country or a territory
(pandas, imported lazily there only), :mod:`~bulletin.register.generate` makes fictitious
indicators for tests and benchmarks. :mod:`~bulletin.register.territories` knows the régions
and départements. Importing this package does not import pandas, nor the reader and the spec
parser until one of their names is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bulletin.register.territories import FRANCE, Territory, all_territories, parse_territory

if TYPE_CHECKING:
    from bulletin.register.reader import Commune, Register, load_register, read_register
    from bulletin.register.spec import RegisterSpec, load_register_spec, read_register_spec

REGISTER_FILE = "register.yaml"
#: Loaded on first use (PEP 562): an edition without a register (the national build) never reads one.
_LAZY = {"Commune": "reader", "Register": "reader", "load_register": "reader", "read_register": "reader",
         "RegisterSpec": "spec", "load_register_spec": "spec", "read_register_spec": "spec"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"bulletin.register.{_LAZY[name]}"), name)

__all__ = ["FRANCE", "REGISTER_FILE", "Commune", "Register", "RegisterSpec", "Territory", "all_territories",
           "load_register", "load_register_spec", "parse_territory", "read_register", "read_register_spec"]
