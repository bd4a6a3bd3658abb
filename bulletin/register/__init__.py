"""The commune register: one row per commune, and the figures computed from it (issue 12).

Stages, in order: :mod:`~bulletin.register.spec` parses ``register.yaml``,
:mod:`~bulletin.register.reader` reads and validates the commune file,
:mod:`~bulletin.register.compute` computes the declared figures for the country or a territory
(pandas, imported lazily there only), :mod:`~bulletin.register.generate` makes fictitious
indicators for tests and benchmarks. :mod:`~bulletin.register.territories` knows the régions
and départements. Importing this package does not import pandas.
"""

from bulletin.register.reader import Commune, Register, load_register, read_register
from bulletin.register.spec import RegisterSpec, load_register_spec, read_register_spec
from bulletin.register.territories import FRANCE, Territory, all_territories, parse_territory

REGISTER_FILE = "register.yaml"

__all__ = ["FRANCE", "REGISTER_FILE", "Commune", "Register", "RegisterSpec", "Territory", "all_territories",
           "load_register", "load_register_spec", "parse_territory", "read_register", "read_register_spec"]
