"""The pure-Python picture of a computation graph, for machines without Graphviz.

``grandalf`` places the nodes in layers (the Sugiyama method, the same idea as
Graphviz's ``dot``): inputs in the first layer, each value one layer after the
values it is computed from.  The boxes, ellipses and curved edges are then
written as SVG by hand, or drawn with matplotlib's Agg renderer for PNG and PDF.
Both read the same ``Scene``, so the two pictures match.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from .nodes import FILL, MARK, MARK_WIDTH, Node

__all__ = ["Scene", "layout", "render", "to_image", "to_svg"]

FONT_SIZE = 12  # px (SVG) = pt at 72 dpi (matplotlib)
FONT_FAMILY = "DejaVu Sans Mono, Menlo, Consolas, monospace"
CHAR_W = 7.3  # width of one character of a 12 px monospace font, with a little room
ROW_H = 24  # height of a box
PAD = 7  # space left and right of a cell's text
NODE_GAP = 14  # between neighbours in a layer
RANK_GAP = 34  # between layers
MARGIN = 10
ARROW = 7  # arrowhead length
EDGE_COLOR = "#555555"
LINE_COLOR = "#333333"
_MAX_PIXELS = 16000  # longest side of a PNG


Point = tuple[float, float]
Triangle = tuple[Point, Point, Point]
Segment = tuple[float, float, float, float, float, float]  # a cubic Bézier: two controls, an end

# The flow direction of each rankdir: where edges go from inputs to outputs.
_FLOW: dict[str, Point] = {"LR": (1.0, 0.0), "RL": (-1.0, 0.0), "TB": (0.0, 1.0), "BT": (0.0, -1.0)}


@dataclass
class Box:
    """A node placed in the picture: centre ``(x, y)``, size ``(w, h)``, and its cell widths."""

    node: Node
    x: float
    y: float
    w: float
    h: float
    widths: tuple[float, ...]


@dataclass
class Scene:
    """Everything to draw: the boxes, each edge as a list of points, the picture's size."""

    boxes: list[Box]
    edges: list[list[Point]]
    arrows: list[Triangle]
    width: float
    height: float


def _size(node: Node) -> tuple[float, tuple[float, ...]]:
    """Width of a node, and of each of its cells."""
    if node.kind == "op":
        return max(30.0, len(node.cells[0]) * CHAR_W + 2 * PAD + 6), ()
    widths = tuple(len(c) * CHAR_W + 2 * PAD for c in node.cells)
    return sum(widths), widths


class _VertexView:
    """What grandalf needs of a vertex: its size across (w) and along (h) the layers."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: Point = (0.0, 0.0)


class _EdgeView:
    """Receives the points of an edge (its ends and the layer crossings) from grandalf."""

    def __init__(self) -> None:
        self.path: list[Point] = []

    def setpath(self, points: list[Point]) -> None:
        """Keep the points grandalf routed this edge through."""
        self.path = list(points)


def _grandalf() -> tuple[Any, Any, Any, Any]:
    try:
        from grandalf.graphs import Edge, Graph, Vertex
        from grandalf.layouts import SugiyamaLayout
    except ImportError as e:
        raise ImportError(
            "drawing a graph without Graphviz's dot program needs grandalf: "
            "pip install neuronlab[viz]  (or: pip install grandalf; "
            "or install Graphviz: apt-get install graphviz)"
        ) from e
    return Vertex, Edge, Graph, SugiyamaLayout


@dataclass
class _Layers:
    """grandalf's answer, in its own frame: layers stacked down, nodes across them."""

    centres: dict[str, Point]  # (across, along) of each node's centre
    paths: dict[tuple[str, str], list[Point]]  # the bends of each distinct edge


def _layers(nodes: list[Node], edges: list[tuple[str, str]], horizontal: bool) -> _Layers:
    """Run grandalf's Sugiyama layout; place its connected components side by side."""
    Vertex, Edge, GGraph, SugiyamaLayout = _grandalf()
    vertices = {}
    for n in nodes:
        w = _size(n)[0]
        v = Vertex(n.id)
        # grandalf stacks layers top to bottom: for LR the box's width lies along the layers.
        v.view = _VertexView(ROW_H, w) if horizontal else _VertexView(w, ROW_H)
        vertices[n.id] = v
    unique = list(dict.fromkeys(edges))
    gedges = []
    for a, b in unique:
        e = Edge(vertices[a], vertices[b])
        e.view = _EdgeView()
        gedges.append(e)
    g = GGraph(list(vertices.values()), gedges)
    offset = 0.0
    for component in g.C:
        if len(component.sV) > 1:
            sug = SugiyamaLayout(component)
            sug.xspace, sug.yspace = NODE_GAP, RANK_GAP
            sug.init_all(inverted_edges=[], optimize=True)
            sug.draw(2.5 if len(component.sV) <= 300 else 1.5)
            _separate(sug.layers)
            sug.draw_edges()  # the edges again, through the moved vertices
        views = [v.view for v in component.sV]
        lo = min(vw.xy[0] - vw.w / 2 for vw in views)
        hi = max(vw.xy[0] + vw.w / 2 for vw in views)
        for vw in views:
            vw.xy = (vw.xy[0] - lo + offset, vw.xy[1])
        for e in component.sE:
            e.view.path = [(px - lo + offset, py) for px, py in e.view.path]
        offset += hi - lo + NODE_GAP
    centres = {name: v.view.xy for name, v in vertices.items()}
    return _Layers(centres, {key: e.view.path for key, e in zip(unique, gedges)})


def _separate(layers: Any) -> None:
    """Push apart neighbours that grandalf left overlapping within a layer.

    Its final x is the mean of two of four Brandes–Köpf placements, which
    keeps each layer's order but not always the gap between neighbours.
    """
    for layer in layers:
        previous = None
        for v in layer:  # grandalf's order across the layer
            if previous is not None:
                least = previous.xy[0] + (previous.w + v.view.w) / 2 + NODE_GAP
                if v.view.xy[0] < least:
                    v.view.xy = (least, v.view.xy[1])
            previous = v.view


def _placer(rankdir: str) -> Callable[[Point], Point]:
    """From grandalf's (across, along) to the picture's (x, y) for ``rankdir``."""
    turns: dict[str, Callable[[Point], Point]] = {
        "LR": lambda p: (p[1], p[0]),
        "RL": lambda p: (-p[1], p[0]),
        "BT": lambda p: (p[0], -p[1]),
        "TB": lambda p: p,
    }
    return turns[rankdir]


def _route(
    edges: list[tuple[str, str]], layers: _Layers, boxes: dict[str, Box], rankdir: str
) -> tuple[list[list[Point]], list[Triangle]]:
    """Each edge as points from its source's port to just before its target, and its arrowhead.

    Repeated edges (``a * a``) run side by side.
    """
    place = _placer(rankdir)
    ax, ay = _FLOW[rankdir]
    px, py = ay, ax  # across the flow, for side-by-side parallel edges

    def port(b: Box, out: bool) -> Point:
        """Where an edge leaves (``out``) or enters box ``b``: the middle of its side."""
        s = 1 if out else -1
        return b.x + s * ax * b.w / 2, b.y + s * ay * b.h / 2

    count: dict[tuple[str, str], int] = {}
    for key in edges:
        count[key] = count.get(key, 0) + 1
    lines, arrows = [], []
    seen: dict[tuple[str, str], int] = {}
    for key in edges:
        a, b = key
        middle = [place(p) for p in layers.paths[key][1:-1]]
        path = [port(boxes[a], True), *middle, port(boxes[b], False)]
        k = seen[key] = seen.get(key, -1) + 1
        shift = (k - (count[key] - 1) / 2) * 6.0
        pts = [(x + px * shift, y + py * shift) for x, y in path]
        tx, ty = pts[-1]
        pts[-1] = (tx - ax * ARROW, ty - ay * ARROW)
        lines.append(pts)
        back_x, back_y = tx - ax * ARROW, ty - ay * ARROW
        arrows.append(
            (
                (tx, ty),
                (back_x + px * 3.5, back_y + py * 3.5),
                (back_x - px * 3.5, back_y - py * 3.5),
            )
        )
    return lines, arrows


def _framed(boxes: list[Box], lines: list[list[Point]], arrows: list[Triangle]) -> Scene:
    """Move everything into view with a margin, and measure the picture."""
    points = [p for pts in lines for p in pts]
    x0 = min([b.x - b.w / 2 for b in boxes] + [x for x, _ in points])
    y0 = min([b.y - b.h / 2 for b in boxes] + [y for _, y in points])
    x1 = max([b.x + b.w / 2 for b in boxes] + [x for x, _ in points])
    y1 = max([b.y + b.h / 2 for b in boxes] + [y for _, y in points])
    dx, dy = MARGIN - x0, MARGIN - y0
    for b in boxes:
        b.x += dx
        b.y += dy
    moved_lines = [[(x + dx, y + dy) for x, y in pts] for pts in lines]
    moved_arrows = [
        ((t[0][0] + dx, t[0][1] + dy), (t[1][0] + dx, t[1][1] + dy), (t[2][0] + dx, t[2][1] + dy))
        for t in arrows
    ]
    return Scene(boxes, moved_lines, moved_arrows, x1 + dx + MARGIN, y1 + dy + MARGIN)


def layout(nodes: list[Node], edges: list[tuple[str, str]], rankdir: str = "LR") -> Scene:
    """Place ``nodes`` in layers along ``rankdir`` and route ``edges`` between them."""
    layers = _layers(nodes, edges, rankdir in ("LR", "RL"))
    place = _placer(rankdir)
    boxes = []
    for n in nodes:
        x, y = place(layers.centres[n.id])
        w, widths = _size(n)
        boxes.append(Box(n, x, y, w, ROW_H, widths))
    lines, arrows = _route(edges, layers, {b.node.id: b for b in boxes}, rankdir)
    return _framed(boxes, lines, arrows)


def _curve(pts: list[Point], horizontal: bool) -> list[Segment]:
    """Cubic Bézier segments through ``pts`` that leave and enter along the flow."""
    segs: list[Segment] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if horizontal:
            m = (x1 - x0) / 2
            segs.append((x0 + m, y0, x1 - m, y1, x1, y1))
        else:
            m = (y1 - y0) / 2
            segs.append((x0, y0 + m, x1, y1 - m, x1, y1))
    return segs


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _border(n: Node) -> tuple[str, float]:
    """The colour and width of a node's outline: red and thick when marked."""
    if n.marked:
        return MARK, MARK_WIDTH
    return LINE_COLOR, 2 if n.kind == "root" else 1


def _svg_box(b: Box) -> list[str]:
    """One node as SVG: an ellipse with its operation, or a box of cells."""
    n = b.node
    left, top = b.x - b.w / 2, b.y - b.h / 2
    title = escape(" | ".join(n.cells))
    kind = f"{n.kind} marked" if n.marked else n.kind
    out = [f'<g class="node {kind}" id="{escape(n.id)}"><title>{title}</title>']
    fill = FILL[n.kind]
    stroke, width = _border(n)
    if n.kind == "op":
        out.append(
            f'<ellipse cx="{_f(b.x)}" cy="{_f(b.y)}" rx="{_f(b.w / 2)}" ry="{_f(b.h / 2)}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{_f(width)}"/>'
        )
        out.append(
            f'<text x="{_f(b.x)}" y="{_f(b.y + 4)}" text-anchor="middle">'
            f"{escape(n.cells[0])}</text>"
        )
        return [*out, "</g>"]
    out.append(
        f'<rect x="{_f(left)}" y="{_f(top)}" width="{_f(b.w)}" height="{_f(b.h)}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{_f(width)}"/>'
    )
    x = left
    for i, (cell, cw) in enumerate(zip(n.cells, b.widths)):
        if i:
            out.append(
                f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(top + b.h)}" '
                f'stroke="{LINE_COLOR}"/>'
            )
        out.append(
            f'<text x="{_f(x + cw / 2)}" y="{_f(b.y + 4)}" text-anchor="middle">'
            f"{escape(cell)}</text>"
        )
        x += cw
    return [*out, "</g>"]


def to_svg(scene: Scene, rankdir: str = "LR") -> str:
    """The scene as a standalone SVG document."""
    horizontal = rankdir in ("LR", "RL")
    w, h = scene.width, scene.height
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(w)}pt" height="{_f(h)}pt" '
        f'viewBox="0 0 {_f(w)} {_f(h)}">',
        f'<rect x="0" y="0" width="{_f(w)}" height="{_f(h)}" fill="white"/>',
        f'<g font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="black">',
        f'<g class="edges" fill="none" stroke="{EDGE_COLOR}" stroke-width="1">',
    ]
    for pts in scene.edges:
        d = f"M{_f(pts[0][0])},{_f(pts[0][1])}"
        for seg in _curve(pts, horizontal):
            d += " C" + " ".join(f"{_f(seg[i])},{_f(seg[i + 1])}" for i in (0, 2, 4))
        out.append(f'<path d="{d}"/>')
    out.append("</g>")
    out.append(f'<g class="arrows" fill="{EDGE_COLOR}">')
    for tri in scene.arrows:
        out.append(f'<polygon points="{" ".join(f"{_f(x)},{_f(y)}" for x, y in tri)}"/>')
    out.append("</g>")
    for b in scene.boxes:
        out += _svg_box(b)
    out += ["</g>", "</svg>", ""]
    return "\n".join(out)


def _matplotlib() -> Any:
    """matplotlib's pieces for drawing without a display, or an ImportError saying what to do."""
    try:
        import matplotlib.backends.backend_agg as agg
        import matplotlib.collections as collections
        import matplotlib.figure as figure
        import matplotlib.patches as patches
        import matplotlib.path as path
    except ImportError as e:
        raise ImportError(
            "writing a graph as PNG or PDF without Graphviz's dot program needs matplotlib: "
            "pip install neuronlab[viz]  (or: pip install matplotlib; "
            "or install Graphviz: apt-get install graphviz)"
        ) from e
    return agg, collections, figure, patches, path


def _draw_edges(ax: Any, scene: Scene, horizontal: bool, mpl: Any) -> None:
    """Every edge as one curve, and its arrowhead (collections: fast for big graphs)."""
    _, collections, _, patches, path = mpl
    curves = []
    for pts in scene.edges:
        verts, codes = [pts[0]], [path.Path.MOVETO]
        for seg in _curve(pts, horizontal):
            verts += [(seg[0], seg[1]), (seg[2], seg[3]), (seg[4], seg[5])]
            codes += [path.Path.CURVE4] * 3
        curves.append(patches.PathPatch(path.Path(verts, codes)))
    ax.add_collection(
        collections.PatchCollection(curves, facecolor="none", edgecolor=EDGE_COLOR, linewidth=0.75),
        autolim=False,
    )
    triangles = [list(t) for t in scene.arrows]
    ax.add_collection(
        collections.PolyCollection(triangles, facecolor=EDGE_COLOR, edgecolor="none"),
        autolim=False,
    )


def _draw_boxes(ax: Any, scene: Scene, mpl: Any) -> None:
    """Every node: an ellipse or a box of cells, with its text on top."""
    _, collections, _, patches, _ = mpl
    shapes: list[Any] = []
    fills, widths, strokes, separators = [], [], [], []
    text: dict[str, Any] = {"fontsize": FONT_SIZE * 0.95, "family": "monospace"}
    text.update(ha="center", va="center", zorder=3)
    for b in scene.boxes:
        n = b.node
        left, top = b.x - b.w / 2, b.y - b.h / 2
        fills.append(FILL[n.kind])
        stroke, width = _border(n)
        strokes.append(stroke)
        widths.append(width * 0.75)
        if n.kind == "op":
            shapes.append(patches.Ellipse((b.x, b.y), b.w, b.h))
            ax.text(b.x, b.y, n.cells[0], **text)
            continue
        shapes.append(patches.Rectangle((left, top), b.w, b.h))
        x = left
        for i, (cell, cw) in enumerate(zip(n.cells, b.widths)):
            if i:
                separators.append([(x, top), (x, top + b.h)])
            ax.text(x + cw / 2, b.y, cell, **text)
            x += cw
    ax.add_collection(
        collections.PatchCollection(shapes, facecolor=fills, edgecolor=strokes, linewidth=widths),
        autolim=False,
    )
    ax.add_collection(
        collections.LineCollection(separators, color=LINE_COLOR, linewidth=0.75), autolim=False
    )


def to_image(scene: Scene, fmt: str, rankdir: str = "LR") -> bytes:
    """The scene drawn by matplotlib (Agg, no display) as ``"png"`` or ``"pdf"`` bytes."""
    mpl = _matplotlib()
    agg, _, figure, _, _ = mpl
    w, h = scene.width, scene.height
    fig = figure.Figure(figsize=(w / 72, h / 72), dpi=72)
    agg.FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.set_axis_off()
    _draw_edges(ax, scene, rankdir in ("LR", "RL"), mpl)
    _draw_boxes(ax, scene, mpl)
    buf = io.BytesIO()
    if fmt == "pdf":
        fig.savefig(buf, format="pdf", dpi=72.0, facecolor="white")
    else:  # sharp for small graphs, at most ~8 million pixels for large ones
        dpi = min(144.0, 72.0 * (8e6 / (w * h)) ** 0.5, _MAX_PIXELS * 72.0 / max(w, h))
        fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def render(nodes: list[Node], edges: list[tuple[str, str]], rankdir: str, fmt: str) -> bytes:
    """Lay out and draw a graph without Graphviz: ``fmt`` is ``"svg"``, ``"png"`` or ``"pdf"``."""
    scene = layout(nodes, edges, rankdir)
    if fmt == "svg":
        return to_svg(scene, rankdir).encode("utf-8")
    return to_image(scene, fmt, rankdir)
