"""bulletin: the « chiffres clés » PDF generator of the Petites villes de demain programme.

Input: an edition folder (figures and series as CSV) and a declarative YAML layout.
Output: a printable, French-typeset PDF. The pipeline is conducted by :mod:`bulletin.build`.
"""

__version__ = "0.1.0"
