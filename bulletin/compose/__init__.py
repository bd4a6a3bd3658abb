"""Compose stage: lay the layout's sections out on pages.

Input: the layout spec, the edition, the theme and the history. Output: placed pages (every block
with its :class:`~bulletin.geometry.Box`) and the fit problems. Sections follow one another and may
share a page; their blocks flow to the next page when a page is full (:mod:`.flow`); each section
opens with its title (:mod:`.titles`); :mod:`.plan` puts it together with each page's sources line.
"""

from bulletin.compose.plan import PlacedPage, body_box, compose

__all__ = ["PlacedPage", "body_box", "compose"]
