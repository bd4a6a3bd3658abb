"""PDF stage: draw the placed pages into a tagged, archival PDF, and render pages back to images.

Input: the placed pages from :mod:`bulletin.compose`, the layout, the edition and the theme. Output: a
PDF/A-3b file with its logical structure, metadata and the edition's source files attached; for
``preview``, one PNG per page.

Modules, in order: :mod:`.fonts` registers the theme's TrueType fonts and measures text, :mod:`.surface`
is the drawing vocabulary (top-left coordinates, over a ReportLab canvas), :mod:`.structure` records the
logical structure while drawing (plain data), :mod:`.render` draws the pages and their furniture;
then post-processing with pikepdf: :mod:`.tagging` writes the structure tree, :mod:`.pdfa` makes the file
PDF/A-3b. :mod:`.images` checks the image files the layout names before anything is drawn;
:mod:`.preview` renders a built PDF to PNG (pypdfium2). Importing this package imports none of them.
"""
