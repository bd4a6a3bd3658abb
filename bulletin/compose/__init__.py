"""Compose stage: lay the publication out on pages.

Input: the layout spec, the edition, the theme and the history. Output: numbered placed pages (every
block with its :class:`~bulletin.geometry.Box`) and the fit problems. The cover (:mod:`.cover`) comes
first; then the sections follow one another and may share a page, their blocks flowing to the next
page when a page is full (:mod:`.flow`, :mod:`.sections`), each section opened by its title
(:mod:`.titles`); the back page (:mod:`.back`) closes the document. :mod:`.notes` sets each page's
sources line, :mod:`.furniture` measures the running header and the footer, :mod:`.checks` checks
accents and image files, and :mod:`.plan` puts it together.
"""

from bulletin.compose.page import PlacedPage, body_box
from bulletin.compose.plan import compose, destinations

__all__ = ["PlacedPage", "body_box", "compose", "destinations"]
