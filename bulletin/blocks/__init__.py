"""Blocks stage: turn the layout's block specs into blocks that measure and draw themselves.

Input: a :class:`~bulletin.layout_spec.BlockSpec` and the :class:`~bulletin.blocks.base.Context` of its
page (edition, theme, accent, history, scope). Output: objects of the block protocol of
:mod:`bulletin.geometry` (``measure(width)``, ``draw(surface, box)``), with the figures they print, their
provenance and their text alternative.

Modules: :mod:`.base` is the protocol's common ground (:class:`~bulletin.blocks.base.Context`,
:class:`~bulletin.blocks.base.BaseBlock`, :func:`~bulletin.blocks.base.draw_block`); :mod:`.kinds` holds
the block kinds and the one registry that maps the YAML ``type:`` to them
(:func:`~bulletin.blocks.kinds.make_block`); charts are resolved by :mod:`.chartdata`, scaled by
:mod:`.chartaxes` and drawn by :mod:`.charts`; :mod:`.communes` is the table of a territory's communes
(loaded only when a layout uses it). Importing this package imports none of them.
"""
