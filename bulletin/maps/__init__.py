"""Choropleth maps of départements and régions (issue 12).

Stages, in order: :mod:`~bulletin.maps.outlines` reads and validates the GeoJSON outlines,
:mod:`~bulletin.maps.data` gives the values by territory, :mod:`~bulletin.maps.classes` chooses
the classes, their labels and colours, :mod:`~bulletin.maps.projection` projects, simplifies and
fits the outlines, :mod:`~bulletin.maps.block` draws it all as a block of the layout.
"""
