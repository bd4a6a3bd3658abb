"""Territorial editions: the same bulletin for one département or région, computed from the commune register.

Stages, in order: :mod:`~bulletin.territorial.scope` reads the edition's register and outlines and
gives the figures to print (the typed national ones, checked against the register; or a territory's,
computed from it); :mod:`~bulletin.territorial.layout` keeps the blocks that make sense for the
edition (``national_only`` / ``territorial_only``) and refuses a national figure printed as if it were
the territory's; :mod:`~bulletin.territorial.batch` builds every territory over a process pool.
Importing this package does not import pandas.
"""
