"""The pure-Python picture of a computation graph, for machines without Graphviz.

``grandalf`` places the nodes in layers (the Sugiyama method, the same idea as
Graphviz's ``dot``): inputs in the first layer, each value one layer after the
values it is computed from.  The boxes, ellipses and curved edges are then
written as SVG by hand, or drawn with matplotlib's Agg renderer for PNG and PDF.
Both read the same ``Scene``, so the two pictures match.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .nodes import FILL, Node

__all__ = ["Scene", "layout", "to_svg", "to_image", "render"]

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
    edges: list[list[tuple[float, float]]]
    arrows: list[tuple[tuple[float, float], ...]]
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
        self.xy = (0.0, 0.0)


class _EdgeView:
    """Receives the points of an edge (its ends and the layer crossings) from grandalf."""

    def __init__(self) -> None:
        self.path: list[tuple[float, float]] = []

    def setpath(self, points: list[tuple[float, float]]) -> None:
        self.path = list(points)


def _grandalf() -> tuple:
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


def layout(nodes: list[Node], edges: list[tuple[str, str]], rankdir: str = "LR") -> Scene:
    """Place ``nodes`` in layers along ``rankdir`` and route ``edges`` between them."""
    Vertex, Edge, GGraph, SugiyamaLayout = _grandalf()
    horizontal = rankdir in ("LR", "RL")
    sizes = {n.id: _size(n) for n in nodes}
    vertices = {}
    for n in nodes:
        w = sizes[n.id][0]
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
    for component in g.C:
        if len(component.sV) == 1:
            continue
        sug = SugiyamaLayout(component)
        sug.xspace, sug.yspace = NODE_GAP, RANK_GAP
        sug.init_all(inverted_edges=[], optimize=True)
        sug.draw(2.5 if len(component.sV) <= 300 else 1.5)
    # Components side by side across the layers (a drawn graph normally has one).
    offset = 0.0
    for component in g.C:
        views = [v.view for v in component.sV]
        lo = min(vw.xy[0] - vw.w / 2 for vw in views)
        hi = max(vw.xy[0] + vw.w / 2 for vw in views)
        for vw in views:
            vw.xy = (vw.xy[0] - lo + offset, vw.xy[1])
        for e in component.sE:
            e.view.path = [(px - lo + offset, py) for px, py in e.view.path]
        offset += hi - lo + NODE_GAP

    def place(p: tuple[float, float]) -> tuple[float, float]:
        across, along = p
        if rankdir == "LR":
            return along, across
        if rankdir == "RL":
            return -along, across
        if rankdir == "BT":
            return across, -along
        return across, along

    boxes = []
    for n in nodes:
        x, y = place(vertices[n.id].view.xy)
        w, widths = sizes[n.id]
        boxes.append(Box(n, x, y, w, ROW_H, widths))
    by_id = {b.node.id: b for b in boxes}

    # The flow direction, and the ports where edges leave and enter a box.
    ax, ay = {"LR": (1, 0), "RL": (-1, 0), "TB": (0, 1), "BT": (0, -1)}[rankdir]
    px, py = ay, ax  # across the flow, for side-by-side parallel edges

    def port(b: Box, out: bool) -> tuple[float, float]:
        s = 1 if out else -1
        return b.x + s * ax * b.w / 2, b.y + s * ay * b.h / 2

    count: dict[tuple[str, str], int] = {}
    for key in edges:
        count[key] = count.get(key, 0) + 1
    paths: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for e, (a, b) in zip(gedges, unique):
        middle = [place(p) for p in e.view.path[1:-1]]
        paths[(a, b)] = [port(by_id[a], True), *middle, port(by_id[b], False)]
    lines, arrows = [], []
    seen: dict[tuple[str, str], int] = {}
    for key in edges:
        k = seen[key] = seen.get(key, -1) + 1
        shift = (k - (count[key] - 1) / 2) * 6.0
        pts = [(x + px * shift, y + py * shift) for x, y in paths[key]]
        tx, ty = pts[-1]
        pts[-1] = (tx - ax * ARROW, ty - ay * ARROW)
        lines.append(pts)
        arrows.append(
            (
                (tx, ty),
                (tx - ax * ARROW + px * 3.5, ty - ay * ARROW + py * 3.5),
                (tx - ax * ARROW - px * 3.5, ty - ay * ARROW - py * 3.5),
            )
        )

    # Move everything into view with a margin.
    xs = [b.x - b.w / 2 for b in boxes] + [x for pts in lines for x, _ in pts]
    ys = [b.y - b.h / 2 for b in boxes] + [y for pts in lines for _, y in pts]
    x1 = [b.x + b.w / 2 for b in boxes] + [x for pts in lines for x, _ in pts]
    y1 = [b.y + b.h / 2 for b in boxes] + [y for pts in lines for _, y in pts]
    dx, dy = MARGIN - min(xs), MARGIN - min(ys)
    for b in boxes:
        b.x += dx
        b.y += dy
    lines = [[(x + dx, y + dy) for x, y in pts] for pts in lines]
    arrows = [tuple((x + dx, y + dy) for x, y in tri) for tri in arrows]
    return Scene(boxes, lines, arrows, max(x1) + dx + MARGIN, max(y1) + dy + MARGIN)


def _curve(pts: list[tuple[float, float]], horizontal: bool) -> list[tuple[float, ...]]:
    """Cubic Bézier segments through ``pts`` that leave and enter along the flow."""
    segs = []
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if horizontal:
            m = (x1 - x0) / 2
            segs.append((x0 + m, y0, x1 - m, y1, x1, y1))
        else:
            m = (y1 - y0) / 2
            segs.append((x0, y0 + m, x1, y1 - m, x1, y1))
    return segs


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


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
        n = b.node
        left, top = b.x - b.w / 2, b.y - b.h / 2
        title = escape(" | ".join(n.cells))
        out.append(f'<g class="node {n.kind}" id="{escape(n.id)}"><title>{title}</title>')
        fill = FILL[n.kind]
        if n.kind == "op":
            out.append(
                f'<ellipse cx="{_f(b.x)}" cy="{_f(b.y)}" rx="{_f(b.w / 2)}" ry="{_f(b.h / 2)}" '
                f'fill="{fill}" stroke="{LINE_COLOR}"/>'
            )
            out.append(
                f'<text x="{_f(b.x)}" y="{_f(b.y + 4)}" text-anchor="middle">'
                f"{escape(n.cells[0])}</text>"
            )
        else:
            width = 2 if n.kind == "root" else 1
            out.append(
                f'<rect x="{_f(left)}" y="{_f(top)}" width="{_f(b.w)}" height="{_f(b.h)}" '
                f'fill="{fill}" stroke="{LINE_COLOR}" stroke-width="{width}"/>'
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
        out.append("</g>")
    out += ["</g>", "</svg>", ""]
    return "\n".join(out)


def to_image(scene: Scene, fmt: str, rankdir: str = "LR") -> bytes:
    """The scene drawn by matplotlib (Agg, no display) as ``"png"`` or ``"pdf"`` bytes."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.collections import LineCollection, PatchCollection, PolyCollection
        from matplotlib.figure import Figure
        from matplotlib.patches import Ellipse, PathPatch, Rectangle
        from matplotlib.path import Path as MPath
    except ImportError as e:
        raise ImportError(
            "writing a graph as PNG or PDF without Graphviz's dot program needs matplotlib: "
            "pip install neuronlab[viz]  (or: pip install matplotlib; "
            "or install Graphviz: apt-get install graphviz)"
        ) from e
    horizontal = rankdir in ("LR", "RL")
    w, h = scene.width, scene.height
    fig = Figure(figsize=(w / 72, h / 72), dpi=72)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.set_axis_off()

    # Collections rather than one artist per shape: far faster for big graphs.
    curves = []
    for pts in scene.edges:
        verts, codes = [pts[0]], [MPath.MOVETO]
        for seg in _curve(pts, horizontal):
            verts += [(seg[0], seg[1]), (seg[2], seg[3]), (seg[4], seg[5])]
            codes += [MPath.CURVE4] * 3
        curves.append(PathPatch(MPath(verts, codes)))
    ax.add_collection(
        PatchCollection(curves, facecolor="none", edgecolor=EDGE_COLOR, linewidth=0.75),
        autolim=False,
    )
    ax.add_collection(
        PolyCollection([list(t) for t in scene.arrows], facecolor=EDGE_COLOR, edgecolor="none"),
        autolim=False,
    )
    shapes, fills, widths, separators = [], [], [], []
    text = {"fontsize": FONT_SIZE * 0.95, "family": "monospace", "ha": "center", "va": "center"}
    for b in scene.boxes:
        n = b.node
        left, top = b.x - b.w / 2, b.y - b.h / 2
        fills.append(FILL[n.kind])
        widths.append(1.5 if n.kind == "root" else 0.75)
        if n.kind == "op":
            shapes.append(Ellipse((b.x, b.y), b.w, b.h))
            ax.text(b.x, b.y, n.cells[0], **text)
            continue
        shapes.append(Rectangle((left, top), b.w, b.h))
        x = left
        for i, (cell, cw) in enumerate(zip(n.cells, b.widths)):
            if i:
                separators.append([(x, top), (x, top + b.h)])
            ax.text(x + cw / 2, b.y, cell, **text)
            x += cw
    ax.add_collection(
        PatchCollection(shapes, facecolor=fills, edgecolor=LINE_COLOR, linewidth=widths),
        autolim=False,
    )
    ax.add_collection(LineCollection(separators, color=LINE_COLOR, linewidth=0.75), autolim=False)
    for t in ax.texts:
        t.set_zorder(3)
    buf = io.BytesIO()
    if fmt == "pdf":
        dpi = 72.0
    else:  # sharp for small graphs, at most ~8 million pixels for large ones
        dpi = min(144.0, 72.0 * (8e6 / (w * h)) ** 0.5, _MAX_PIXELS * 72.0 / max(w, h))
    extra = {"pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
    fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", **extra)
    return buf.getvalue()


def render(nodes: list[Node], edges: list[tuple[str, str]], rankdir: str, fmt: str) -> bytes:
    """Lay out and draw a graph without Graphviz: ``fmt`` is ``"svg"``, ``"png"`` or ``"pdf"``."""
    scene = layout(nodes, edges, rankdir)
    if fmt == "svg":
        return to_svg(scene, rankdir).encode("utf-8")
    return to_image(scene, fmt, rankdir)
