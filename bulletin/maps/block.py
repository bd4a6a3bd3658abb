"""The map block: a choropleth of départements or régions, drawn as PDF vectors.

Input: the block's spec and :class:`~bulletin.blocks.base.Context`, the :class:`~bulletin.maps.data.MapData`
to colour, the :class:`~bulletin.maps.outlines.Outlines` to draw and, in a territorial edition,
the territory to highlight. Output: the block protocol — ``measure(width)`` and ``draw(surface, box)`` —
drawing a title, the map and its legend inside one Figure element whose text alternative lists the
classes and the territories in each, then the source line and the outline credit
(« Contours : ANCT, 2023 — Licence Ouverte 2.0 »). Colours come from the theme (a ramp of the
page's accent); the data only chooses the class of each territory.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

from bulletin.blocks.base import BaseBlock, Context
from bulletin.data.sources import Provenance, source_line
from bulletin.geometry import Box, Measure, Overflow
from bulletin.layout_spec import BLOCK_OPTIONS, BlockSpec, Option
from bulletin.maps.classes import NO_DATA, Classification, classify, format_number, ramp
from bulletin.maps.data import LEVEL_NAMES, MapData, communes_per_territory, figure_per_territory
from bulletin.maps.outlines import Outlines
from bulletin.maps.projection import aspect, fit_shapes
from bulletin.register import Register, Territory
from bulletin.register.territories import DEPARTEMENTS, region_of
from bulletin.pdf.surface import Surface
from bulletin.textflow import Fragment, TextLayout, TextStyle, layout_text
from bulletin.territorial.scope import territory_name
from bulletin.theme import MM

# Options of the ``map`` block type: the layout's block registry holds them (one source for parsing and docs).
MAP_OPTIONS: dict[str, Option] = BLOCK_OPTIONS["map"]
LEVELS = {"departements": "dep", "regions": "reg"}
LEVEL_PLURALS = {"dep": "départements", "reg": "régions"}
SWATCH = 3.2 * MM


class MapBlock(BaseBlock):
    """A choropleth map with its legend, source line and outline credit."""

    def __init__(self, spec: BlockSpec, ctx: Context, data: MapData, outlines: Outlines,
                 territory: str | tuple[str, ...] | None = None, name: str = "") -> None:
        super().__init__(spec, ctx)
        self.data, self.outlines = data, outlines
        codes = (territory,) if isinstance(territory, str) else tuple(territory or ())
        self.highlight = codes if spec.options["highlight"] else ()  # a région: its départements on their map
        self.highlight_name = name or (outlines.names().get(codes[0], codes[0]) if len(codes) == 1 else "")

    def figure_keys(self) -> list[str]:
        return []

    def provenances(self) -> list[Provenance]:
        return [Provenance(source, as_of, self.data.status) for source, as_of in self.data.sources]

    @cached_property
    def classification(self) -> Classification:
        """Classes of the territories drawn (a territory absent from the data has « pas de donnée »)."""
        values = {o.code: self.data.values.get(o.code) for o in self.outlines.features}
        count = max(2, min(7, int(self.options["classes"])))
        theme = self.ctx.theme
        no_data = ramp(theme.color("grey", "muted"), 2)[0]
        return classify(values, self.data.unit, count, self.options["method"], theme.color(self.ctx.accent, "blue"), no_data)

    def _style(self, size: str, weight: str = "regular", color: str = "text") -> TextStyle:
        return self.ctx.style(size, weight, color)

    def _title(self, width: float) -> TextLayout:
        fragments = [Fragment(f.text, self._style("chart_title", "bold")) for f in
                     self.ctx.fragments(self.options["title"], "chart_title")]
        return layout_text(fragments, width, self.ctx.leading("chart_title"))

    def _footer(self, width: float) -> TextLayout:
        note = self._style("note", "italic", "muted")
        fragments = [Fragment(source_line(self.provenances()), note)]
        if self.data.note:
            fragments.append(Fragment(f" — {self.data.note}", self._style("note", "bold", "red")))
        elif self.data.status == "provisional":
            fragments.append(Fragment(" — données provisoires", note))
        for credit in (*self.data.credits, self.outlines.credit):
            fragments.append(Fragment("\n" + credit, note))
        return layout_text(fragments, width, self.ctx.leading("note"))

    def _legend_title(self) -> str:
        return str(self.options["legend"] or self.data.label)

    def _legend_rows(self, width: float) -> list[tuple[str, str, TextLayout]]:
        """(fill, outline, label) of each legend row: the classes, then the highlighted territory."""
        style = self._style("chart")
        rows = [(c.color, "", layout_text([Fragment(c.label, style)], width, self.ctx.leading("chart")))
                for c in self.classification.classes]
        if self.highlight:
            rows.append(("", self._highlight_color(), layout_text(
                [Fragment(self.highlight_name, self._style("chart", "bold"))], width, self.ctx.leading("chart"))))
        return rows

    def _legend_width(self) -> float:
        from bulletin.pdf.fonts import text_width

        labels = [c.label for c in self.classification.classes] + [self._legend_title()]
        widest = max(text_width(t, self.ctx.theme.font("bold"), self.ctx.theme.sizes["chart"]) for t in labels)
        return min(widest + SWATCH + 2 * MM, 60 * MM)

    def _legend_layout(self, width: float) -> tuple[TextLayout, list[tuple[str, str, TextLayout]]]:
        title = layout_text([Fragment(self._legend_title(), self._style("chart", "bold"))], width,
                            self.ctx.leading("chart"))
        return title, self._legend_rows(width - SWATCH - 2 * MM)

    def _legend_height(self, width: float) -> float:
        title, rows = self._legend_layout(width)
        return title.height + 1.5 * MM + sum(max(r.height, SWATCH) + 1.2 * MM for _, _, r in rows)

    def _plot(self, box: Box) -> tuple[Box, Box]:
        """The map's box and the legend's: beside the map or under it, whichever lets the map be larger."""
        ratio = aspect(self.outlines)
        legend_width = self._legend_width()
        side_width = min(box.width - legend_width - 4 * MM, box.height / ratio)
        legend_height = self._legend_height(box.width)
        under_width = min(box.width, (box.height - legend_height - 2 * MM) / ratio)
        if side_width >= under_width:
            return (Box(box.x, box.y, side_width, box.height),
                    Box(box.x + side_width + 4 * MM, box.y, legend_width, box.height))
        return (Box(box.x, box.y, box.width, box.height - legend_height - 2 * MM),
                Box(box.x, box.bottom - legend_height, box.width, legend_height))

    def measure(self, width: float) -> Measure:
        title, footer = self._title(width), self._footer(width)
        height = self.options["height"] * MM
        plot = Box(0, 0, width, height - title.height - footer.height - 3 * MM)
        map_box, legend = self._plot(plot)
        records = self.overflow(title, "le titre de la carte") + self.overflow(footer, "la ligne de source de la carte")
        legend_title, rows = self._legend_layout(legend.width)
        records += self.overflow(legend_title, "le titre de la légende")
        records += tuple(o for _, _, row in rows for o in self.overflow(row, "un libellé de la légende"))
        if map_box.height < 40 * MM:
            records += (Overflow(self.spec, 40 * MM - map_box.height, "la carte (moins de 40 mm de haut : augmentez height)"),)
        if self._legend_height(legend.width) > legend.height + 0.01:
            records += (Overflow(self.spec, self._legend_height(legend.width) - legend.height, "la légende"),)
        return Measure(height, records)

    def draw(self, surface: Surface, box: Box) -> None:
        title, footer = self._title(box.width), self._footer(box.width)
        if title.lines:
            surface.text_layout(title, box.x, box.y, box.width, role="P")
        plot = Box(box.x, box.y + title.height + 1.5 * MM, box.width,
                   box.height - title.height - footer.height - 3 * MM)
        map_box, legend = self._plot(plot)
        with surface.figure(self.alt_text(), plot.x, plot.y, plot.width, plot.height):
            self._draw_map(surface, map_box)
            self._draw_legend(surface, legend)
        surface.text_layout(footer, box.x, box.bottom - footer.height, box.width, role="P")

    def _highlight_color(self) -> str:
        return self.ctx.theme.color("red", "text")

    def _draw_map(self, surface: Surface, box: Box) -> None:
        colors = self.classification.color_of()
        shapes = fit_shapes(self.outlines, box)
        for shape in shapes:
            surface.shape(shape.rings, colors[shape.code], "#FFFFFF", 0.35)
        for shape in shapes:
            if shape.code in self.highlight:
                surface.shape(shape.rings, "", self._highlight_color(), 1.6)

    def _draw_legend(self, surface: Surface, box: Box) -> None:
        title, rows = self._legend_layout(box.width)
        surface.text_layout(title, box.x, box.y, box.width)
        y = box.y + title.height + 1.5 * MM
        rule = self.ctx.theme.color("rule")
        for fill, outline, label in rows:
            height = max(label.height, SWATCH)
            top = y + (height - SWATCH) / 2
            if fill:
                surface.rect(box.x, top, SWATCH, SWATCH, fill=fill, stroke=rule, line_width=0.3)
            else:
                surface.rect(box.x, top, SWATCH, SWATCH, stroke=outline, line_width=1.2)
            surface.text_layout(label, box.x + SWATCH + 2 * MM, y + (height - label.height) / 2, box.width - SWATCH)
            y += height + 1.2 * MM

    def alt_text(self) -> str:
        if self.options["description"]:
            return str(self.options["description"])
        title = "".join(f.text for f in self.ctx.fragments(self.options["title"], "body")) or self.data.label
        return describe(title, self.data, self.outlines, self.classification, self.highlight, self.highlight_name)


def describe(title: str, data: MapData, outlines: Outlines, classification: Classification,
             highlight: tuple[str, ...] = (), name: str = "") -> str:
    """French text alternative: the classes, the territories in each, the highlighted territory."""
    names = outlines.names()
    plural = LEVEL_PLURALS[outlines.level]
    real = [c for c in classification.classes if c.label != NO_DATA]
    parts = []
    for item in classification.classes:
        listed = ", ".join(sorted((names[code] for code in item.codes), key=_sort_key))
        count = len(item.codes)
        noun = plural if count > 1 else LEVEL_NAMES[outlines.level]
        parts.append(f"{item.label} : {count} {noun} ({listed})")
    text = f"Carte — {title} : {len(outlines.features)} {plural} en {len(real)} classes. " + " ; ".join(parts) + "."
    if len(highlight) == 1 and highlight[0] in names:
        value = data.values.get(highlight[0])
        shown = format_number(value, data.unit) if value is not None else NO_DATA
        found = classification.class_of(highlight[0])
        text += f" En évidence : {name or names[highlight[0]]}, {shown}" + \
            (f" (classe « {found.label} »)." if found else ".")
    elif highlight:
        listed = ", ".join(f"{names.get(code, code)} ({_shown(data, code)})" for code in highlight)
        text += f" En évidence : {name}, soit {len(highlight)} {plural} : {listed}."
    if data.note:
        text += f" {data.note[:1].upper()}{data.note[1:]}."
    return text


def _shown(data: MapData, code: str) -> str:
    value = data.values.get(code)
    return format_number(value, data.unit) if value is not None else NO_DATA


def _sort_key(name: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def map_block(spec: BlockSpec, ctx: Context) -> MapBlock:
    """The map of a layout: its values from the edition's register, its outlines from the configuration, the
    edition's territory outlined (a région's départements on a map of départements)."""
    scope = ctx.scope
    assert scope.register is not None, "maps are left out of editions without a register"
    level = LEVELS[spec.options["outlines"]]
    data = _map_data(scope.register, str(spec.options["values"]), level)
    return MapBlock(spec, ctx, data, scope.outlines[level], highlighted(scope.territory, level),
                    territory_name(scope.territory) if scope.territorial else "")


@lru_cache(maxsize=16)
def _map_data(register: Register, values: str, level: str) -> MapData:
    """Values by territory, computed once per register (a batch draws the same map for every territory)."""
    if values == "communes":
        return communes_per_territory(register, level)
    return figure_per_territory(register, values, level)


def highlighted(territory: Territory, level: str) -> tuple[str, ...]:
    """The codes to outline for ``territory`` on a map of ``level``: itself, its région, or its départements."""
    if territory.kind == "fr":
        return ()
    if territory.kind == level:
        return (territory.code,)
    if territory.kind == "dep":
        return (region_of(territory.code),)
    return tuple(code for code, (_, region) in DEPARTEMENTS.items() if region == territory.code)
