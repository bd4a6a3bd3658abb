"""Data stage: read an edition's files into typed figures and series, check them, and relate editions.

Input: an edition folder (``edition.yaml``, ``figures.csv`` / ``series.csv`` or a workbook), the editions
beside it and the layout that prints it. Output: an immutable :class:`~bulletin.data.edition.Edition`, its
:class:`~bulletin.data.history.History`, the problems found, and the provenance of every printed number.

Modules, in order: :mod:`.tables` reads CSV and workbook tables, :mod:`.yamlspec` reads YAML keeping lines,
:mod:`.edition` loads an edition, :mod:`.history` finds the earlier ones and what changed,
:mod:`.validate` checks the edition against itself and the layout, :mod:`.sources` says where printed
numbers come from; :mod:`.importer` creates a new edition folder (``new``, ``import``). Importing this
package imports none of them.
"""
