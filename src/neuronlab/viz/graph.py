"""draw_graph(): the computation graph of a Value, every node with its data and grad.

Each Value is a box ``label | data -8.0000 | grad 1.0000``; each operation is
its own small node (``+``, ``*``, ``tanh``, ``dot``, ``**2``) between the values
it reads and the value it makes, as in micrograd's notebooks.  Leaves (inputs,
weights) have no operation node.  A box is labelled with its Value's label, or
else with its short formula (``a*b``), named as ``explain`` names it.

Numbers written into a formula (unlabelled constants) are drawn inside the
operation that reads them (``* 0.01``, ``+ 1``) rather than as boxes of their
own, and the ``0 + x`` that Python's ``sum()`` starts with is left out.

The picture is drawn by Graphviz's ``dot`` program when it is on the PATH, and
otherwise by a pure-Python layered layout (grandalf's Sugiyama layout), written
as SVG directly or drawn with matplotlib (Agg) for PNG and PDF.  Every format
works either way: a missing ``dot`` is never an error.

The graph is read once, when ``draw_graph`` is called: the picture shows the
numbers of that moment, and nothing in the graph is changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..engine import Value
from ..nn.activations import ACTIVATIONS
from ..nn.engines import SCALAR, TENSOR, engine_of_node
from ..tensor import Tensor
from ..util.checks import whole_number
from ..util.files import write_atomic
from ..util.numbers import format_number
from .layout import render
from .naming import Namer
from .nodes import (
    FILL,
    MARK,
    MARK_WIDTH,
    DotStyle,
    Node,
    dot_parts,
    graph_nodes,
    node_number,
)
from .tensor_graph import tensor_graph_parts

__all__ = [
    "DOT_TIMEOUT",
    "FILL",
    "FORMATS",
    "Graph",
    "GraphPlan",
    "Node",
    "draw_graph",
    "plan_graph",
    "value_repr_svg",
]

#: File extensions ``Graph.save`` understands, and the format each one writes.
FORMATS: Mapping[str, str] = {
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
}

#: Seconds ``dot`` may take before the pure-Python layout is used instead.
DOT_TIMEOUT = 60.0

_ENGINES = ("auto", "dot", "python")
_RANKDIRS = ("LR", "TB", "RL", "BT")
#: The ops of a Value that are an activation (every registered one but "linear", which is none).
_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "linear")
_STRAIGHT_WEIGHT = 8  # dot's weight of an edge a style keeps straight (other edges weigh 1)
_VALUE_STYLE = DotStyle()  # how dot lays out a Value graph


# -- from a Value to nodes and edges ---------------------------------------------


_Spec = tuple[str, Value, "Value | None"]  # (kind, value, its dot value when a neuron)
_FOLDING_OPS = ("+", "*", "/", "**")  # binary operations that draw a constant operand inside


@dataclass
class _Plan:
    """The structure of a picture, before any text: which boxes, which edges.

    ``specs`` are (kind, value, its dot value when a neuron); ``ids`` the node
    id of each value; ``constants`` the unlabelled values computed from
    numbers alone; ``folded`` which inputs of each operation are such
    constants, drawn inside its node instead of as boxes of their own;
    ``through`` maps each ``0 + x`` left out to the ``x`` drawn in its place.
    """

    specs: list[_Spec]
    edges: list[tuple[str, str]]
    ids: dict[Value, str]
    constants: set[Value]
    folded: dict[Value, tuple[bool, ...]] = field(default_factory=dict)
    through: dict[Value, Value] = field(default_factory=dict)


def _constants(root: Value, order: list[Value]) -> set[Value]:
    """Unlabelled leaves, and unlabelled values computed from them alone (``-1`` as ``1 * -1``).

    They are numbers written into a formula, with nothing to explain: a
    picture draws each inside the operation that reads it.  The root is never one.
    """
    found: set[Value] = set()
    for v in order:  # inputs first
        if v is not root and not v.label and all(x in found for x in v.inputs):
            found.add(v)
    return found


def _folds(v: Value, constants: set[Value]) -> tuple[bool, ...]:
    """Which inputs of ``v`` its operation node shows inside (``* 0.01``, ``+ 1``, ``2 **``)."""
    if v.op in _FOLDING_OPS and len(v.inputs) == 2:
        return (v.inputs[0] in constants, v.inputs[1] in constants)
    return (False,) * len(v.inputs)


def _plus_zero(v: Value, root: Value, constants: set[Value]) -> Value | None:
    """For ``0 + x`` (what ``sum()`` starts with), the ``x`` to draw in its place; else None."""
    if v.op != "+" or len(v.inputs) != 2 or v is root or v.label:
        return None
    a, b = v.inputs
    if a in constants and a.data == 0:
        return b
    if b in constants and b.data == 0:
        return a
    return None


def _neurons(root: Value, order: list[Value]) -> tuple[set[Value], dict[Value, Value]]:
    """For ``collapse``: the dot values drawn inside their activation, and each neuron's dot.

    A ``dot`` node (a fused neuron's w·x + b) becomes one ``neuron`` node; when
    its only use is an activation (tanh, relu, sigmoid, step), the activation joins it.
    """
    consumers: dict[Value, list[Value]] = {}
    for v in order:
        for x in v.inputs:
            consumers.setdefault(x, []).append(v)
    absorbed: set[Value] = set()
    neuron_dot: dict[Value, Value] = {}  # value drawn as a neuron -> its dot value
    for v in order:
        if v.op != "dot":
            continue
        users = consumers.get(v, [])
        if v is not root and len(users) == 1 and users[0].op in _ACTIVATIONS:
            absorbed.add(v)
            neuron_dot[users[0]] = v
        else:
            neuron_dot[v] = v
    return absorbed, neuron_dot


def _plan(root: Value, order: list[Value], collapse: bool) -> _Plan:
    """Boxes and edges for ``order`` (``graph_nodes(root)``), neurons collapsed or not.

    Constants are folded into the operation that reads them (or drawn as a
    plain box where an operation cannot show them), and a ``0 + x`` disappears
    (its edge goes straight from x on).  With ``collapse``, each neuron is one
    node that hides its weight and bias leaves.
    """
    absorbed, neuron_dot = _neurons(root, order) if collapse else (set(), {})
    ids = {v: f"v{i}" for i, v in enumerate(order)}
    plan = _Plan([], [], ids, _constants(root, order))
    through = plan.through

    def source(x: Value) -> str:
        """The node an edge from ``x`` starts at (a left-out ``0 + x`` starts at x)."""
        return ids[through.get(x, x)]

    for v in order:
        node = ids[v]
        if v in absorbed:
            continue
        if v in neuron_dot:
            d = neuron_dot[v]
            weights, _, bias = dot_parts(d.inputs)
            inside = {x for x in (*weights, bias) if x is not None and not x.inputs}
            plan.specs.append(("neuron", v, d))
            plan.edges.extend((source(x), node) for x in d.inputs if x not in inside)
        elif v.inputs and v not in plan.constants:
            other = _plus_zero(v, root, plan.constants)
            if other is not None:
                through[v] = through.get(other, other)
                continue
            plan.folded[v] = folds = _folds(v, plan.constants)
            plan.specs += [("root" if v is root else "value", v, None), ("op", v, None)]
            plan.edges += [(source(x), node + "op") for x, f in zip(v.inputs, folds) if not f]
            plan.edges.append((node + "op", node))
        else:
            plan.specs.append(("root" if v is root else "leaf", v, None))
    used = {src for src, _ in plan.edges}
    plan.specs = [s for s in plan.specs if s[0] != "leaf" or plan.ids[s[1]] in used]
    return plan


def _op_text(v: Value, folded: tuple[bool, ...]) -> str:
    """The text of an operation node, with the constants it reads: ``*``, ``* 0.01``, ``2 **``."""
    op = v.op or "?"
    if not any(folded):
        return op
    a, b = (format_number(x.data) for x in v.inputs)
    if all(folded):
        return f"{a} {op} {b}"
    if folded[1] or op in ("+", "*"):  # a sum or product reads the same either way round
        return f"{op} {b if folded[1] else a}"
    return f"{a} {op}"


def _value_cells(label: str, v: Value) -> tuple[str, ...]:
    head = (label,) if label else ()
    return (*head, f"data {node_number(v.data)}", f"grad {node_number(v.grad)}")


def _neuron_cells(v: Value, d: Value) -> tuple[str, ...]:
    """A collapsed neuron's box: its label, what it computes, n = w·x + b, data and grad."""
    weights, _, bias = dot_parts(d.inputs)
    core = "w·x + b" if bias is not None else "w·x"
    title = f"{v.op}({core})" if v is not d else core
    label = v.label or d.label
    n_cell = (f"n {node_number(d.data)}",) if v is not d else ()
    head = (label,) if label else ()
    return (*head, f"neuron {title}, {len(weights)} in", *n_cell, *_value_cells("", v))


def _nodes(plan: _Plan, nm: Namer) -> list[Node]:
    """The boxes of the picture, with their text."""
    nodes = []
    for kind, v, d in plan.specs:
        node = plan.ids[v]
        if kind == "op":
            nodes.append(Node(node + "op", "op", (_op_text(v, plan.folded[v]),)))
        elif kind == "neuron":
            assert d is not None
            nodes.append(Node(node, "neuron", _neuron_cells(v, d)))
        else:
            label = "" if v in plan.constants else nm.picture_label(v)
            nodes.append(Node(node, kind, _value_cells(label, v)))
    return nodes


def _box_of(plan: _Plan, order: list[Value]) -> dict[Value, str]:
    """The id of the box that shows each value of ``order`` (see ``GraphPlan``)."""
    box: dict[Value, str] = {}
    for kind, v, d in plan.specs:
        if kind == "op":
            continue
        box[v] = plan.ids[v]
        if kind == "neuron" and d is not None:
            box[d] = plan.ids[v]
            weights, _, bias = dot_parts(d.inputs)
            for x in (*weights, bias):
                if x is not None and not x.inputs:
                    box.setdefault(x, plan.ids[v])  # a weight or bias drawn inside its neuron
    for v, x in plan.through.items():
        box[v] = box[x]
    drawn_ops = {plan.ids[v] + "op" for kind, v, _ in plan.specs if kind == "op"}
    consumers: dict[Value, list[Value]] = {}
    for v in order:
        for x in v.inputs:
            consumers.setdefault(x, []).append(v)
    for v in reversed(order):  # the rest: a constant, shown by (the operation of) what reads it
        if v in box:
            continue
        for c in consumers.get(v, []):
            if c in box:
                op = plan.ids[c] + "op"
                box[v] = op if op in drawn_ops else box[c]
                break
    return box


@dataclass(frozen=True)
class GraphPlan:
    """The boxes and edges of a graph's picture, before they are placed, and what each box shows.

    ``nodes`` and ``edges`` are what ``draw_graph`` draws (``viz.layout.layout``
    places them).  ``box_of`` maps every Value of the graph to the id of the
    box that shows it: its own box; the neuron box that hides it (a weight or
    bias of a collapsed neuron, its w·x + b); the box drawn in place of a
    left-out ``0 + x``; or, for a number written into a formula, the
    operation node that reads it.
    """

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]
    box_of: Mapping[Value, str]


def plan_graph(root: Value, *, collapse_neurons: bool = False) -> GraphPlan:
    """The boxes ``draw_graph(root, collapse_neurons=...)`` draws, and the box of every value.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> plan = plan_graph(a * b + 1)
    >>> [n.kind for n in plan.nodes], plan.box_of[a], plan.edges[-1]
    (['leaf', 'leaf', 'value', 'op', 'root', 'op'], 'v0', ('v4op', 'v4'))
    """
    SCALAR.checked_node(root, "plan_graph")
    order = graph_nodes(root)
    plan = _plan(root, order, bool(collapse_neurons))
    nodes = _nodes(plan, Namer(root, order, drawn_as=plan.through))
    return GraphPlan(tuple(nodes), tuple(plan.edges), _box_of(plan, order))


def _too_many(
    n: int, max_nodes: int, root: Value, order: list[Value], collapse: bool
) -> ValueError:
    msg = (
        f"draw_graph: this graph has {n:,} nodes (values and operations), "
        f"more than max_nodes={max_nodes}; drawing it would be slow and unreadable."
    )
    if collapse:
        return ValueError(
            msg + " Pass a larger max_nodes to draw it anyway, or draw a smaller part."
        )
    has_neurons = any(v.op == "dot" for v in order)
    collapsed = len(_plan(root, order, True).specs) if has_neurons else n
    if collapsed < n:
        hint = (
            f" Pass collapse_neurons=True to draw each neuron as one node "
            f"({collapsed:,} nodes), or a larger max_nodes."
        )
    else:
        hint = (
            " It has no fused neurons (dot nodes) to collapse; pass a larger max_nodes, "
            "or draw a smaller part (one neuron's output, one sample's loss)."
        )
    return ValueError(msg + hint)


# -- DOT text ---------------------------------------------------------------------


def _record_text(s: str) -> str:
    """Escape one cell of a Graphviz record label."""
    s = " ".join(s.split())  # no newlines or tabs
    out = []
    for ch in s:
        if ch in '\\{}|<>"':
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _quoted(s: str) -> str:
    s = " ".join(s.split())
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_source(
    nodes: list[Node],
    edges: list[tuple[str, str]],
    rankdir: str,
    style: DotStyle = _VALUE_STYLE,
) -> str:
    horizontal = rankdir in ("LR", "RL")  # records lie across the flow: braces flip them
    order = ", ordering=in" if style.inputs_in_order else ""
    height = f", height={style.node_height:g}" if style.node_height is not None else ""
    lines = [
        "digraph computation {",
        f"  graph [rankdir={rankdir}, bgcolor=white, nodesep=0.25, ranksep={style.ranksep:g}"
        f"{order}];",
        f'  node [fontname="Helvetica", fontsize=12, style=filled{height}];',
        '  edge [color="#555555", arrowsize=0.7];',
    ]
    for n in nodes:
        mark = f', color="{MARK}", penwidth={MARK_WIDTH}' if n.marked else ""
        if n.kind == "op":
            lines.append(
                f"  {n.id} [label={_quoted(n.cells[0])}, shape=ellipse, "
                f'fillcolor="{FILL["op"]}", margin="0.05,0.02", height=0.3{mark}];'
            )
            continue
        body = " | ".join(_record_text(c) for c in n.cells)
        label = f"{{ {body} }}" if horizontal else body
        extra = mark or (", penwidth=2" if n.kind == "root" else "")
        lines.append(
            f'  {n.id} [shape=record, label="{label}", fillcolor="{FILL[n.kind]}"{extra}];'
        )
    for a, b in edges:  # dot keeps heavy edges short and straight
        heavy = (a, b) in style.straight
        lines.append(f"  {a} -> {b} [weight={_STRAIGHT_WEIGHT}];" if heavy else f"  {a} -> {b};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- the Graph object ---------------------------------------------------------------


class _DotFailed(RuntimeError):
    pass


def _run_dot(dot: str, source: str, fmt: str) -> bytes:
    """Run Graphviz's ``dot`` on ``source``; ``_DotFailed`` says why it did not work."""
    try:
        done = subprocess.run(
            [dot, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise _DotFailed(f"dot took more than {DOT_TIMEOUT:g} s") from e
    except OSError as e:
        raise _DotFailed(f"dot could not be run: {e}") from e
    if done.returncode != 0 or not done.stdout:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _DotFailed(f"dot exited with code {done.returncode}: {err[-1] if err else ''}")
    return done.stdout


def _format_of(path: Path) -> str:
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise ValueError(
            f"cannot save a graph as {str(path)!r}: unknown extension {ext or '(none)'!r}; "
            f"supported: {', '.join(FORMATS)}"
        )
    return FORMATS[ext]


class Graph:
    """A drawn computation graph: DOT text now, SVG/PNG/PDF on demand.

    ``source`` is the Graphviz DOT text, ``save(path)`` writes a picture by the
    file's extension, ``pipe(format)`` returns its bytes, and Jupyter displays
    the graph as SVG.  ``engine`` is ``"auto"`` (Graphviz's ``dot`` when it is on
    the PATH, else pure Python), ``"dot"`` or ``"python"``.  ``style`` tells
    ``dot`` more about the layout (a Tensor graph's is compact, its path from
    the inputs to the loss kept straight).
    """

    def __init__(
        self,
        nodes: list[Node],
        edges: list[tuple[str, str]],
        rankdir: str,
        engine: str,
        *,
        style: DotStyle = _VALUE_STYLE,
    ) -> None:
        self.nodes: tuple[Node, ...] = tuple(nodes)
        self.edges: tuple[tuple[str, str], ...] = tuple(edges)
        self.rankdir = rankdir
        self.engine = engine
        self._source = _dot_source(nodes, edges, rankdir, style)
        self._cache: dict[tuple[str, str], bytes] = {}

    @property
    def source(self) -> str:
        """The graph as Graphviz DOT text."""
        return self._source

    @property
    def num_nodes(self) -> int:
        """How many boxes the picture has (values, operations and neurons)."""
        return len(self.nodes)

    def __repr__(self) -> str:
        return f"<Graph: {len(self.nodes)} nodes, {len(self.edges)} edges, rankdir={self.rankdir}>"

    def _engine_now(self) -> str:
        """``"dot"`` or ``"python"``: what draws the picture on this machine, right now."""
        if self.engine == "python":
            return "python"
        found = shutil.which("dot")
        if found:
            return "dot"
        if self.engine == "dot":
            raise RuntimeError(
                "draw_graph(engine='dot'): Graphviz's dot program is not on the PATH "
                "(Debian/Ubuntu: apt-get install graphviz); engine='auto' draws without it"
            )
        return "python"

    def pipe(self, format: str = "svg") -> bytes:
        """The picture as bytes: ``"svg"``, ``"png"``, ``"pdf"`` or ``"dot"`` (the source)."""
        fmt = FORMATS.get("." + str(format).lower().lstrip("."))
        if fmt is None:
            raise ValueError(
                f"unknown graph format {format!r}; supported: "
                f"{', '.join(sorted(set(FORMATS.values())))}"
            )
        if fmt == "dot":
            return self._source.encode("utf-8")
        engine = self._engine_now()
        key = (fmt, engine)
        if key not in self._cache:
            data = None
            if engine == "dot":
                dot = shutil.which("dot")
                try:
                    data = _run_dot(dot or "dot", self._source, fmt)
                except _DotFailed as e:
                    if self.engine == "dot":
                        raise RuntimeError(f"draw_graph: {e}") from e
                    warnings.warn(
                        f"Graphviz's dot failed ({e}); drawing with the pure-Python layout",
                        RuntimeWarning,
                        stacklevel=2,
                    )
            if data is None:
                data = render(list(self.nodes), list(self.edges), self.rankdir, fmt)
            self._cache[key] = data
        return self._cache[key]

    def svg(self) -> str:
        """The picture as SVG text."""
        return self.pipe("svg").decode("utf-8")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to ``path`` as SVG, PNG or PDF (or DOT text) by its extension.

        The file is written atomically (a temporary file in the same folder,
        then renamed), so a reader never sees half a picture.  Returns the path.
        """
        p = Path(os.fspath(path))
        data = self.pipe(_format_of(p))
        write_atomic(p, data)
        return p

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, str]:
        return {"image/svg+xml": self.svg(), "text/plain": repr(self)}


def draw_graph(
    root: Value | Tensor,
    rankdir: str | None = None,
    *,
    collapse_neurons: bool = False,
    max_nodes: int = 500,
    engine: str = "auto",
    marked: Value | Iterable[Value] | Iterable[Tensor] = (),
    names: Mapping[str, Tensor] | None = None,
) -> Graph:
    """Draw the computation graph that produced ``root``, a Value or a Tensor.

    Every Value is a box with its label (when set), ``data`` and ``grad``;
    every operation is a small node of its own.  A Tensor graph has one box
    per tensor: the operation that made it, its shape, and its data and grad
    (every number of a small tensor, a summary of a large one); ``names``
    (name -> Tensor) name tensors that have no label.  ``rankdir`` is ``"LR"``
    (inputs on the left; the default for Values), ``"TB"`` (inputs at the top;
    the default for Tensors), ``"RL"`` or ``"BT"``.

    ``collapse_neurons=True`` draws each fused neuron (a ``dot`` node, with its
    activation when that is its only use) as one node and hides its weight and
    bias leaves: an MLP's loss then shows one box per neuron.  A graph of more
    than ``max_nodes`` boxes is refused with a ``ValueError`` that gives the
    count (and, for Values, what collapsing would give).

    ``engine="auto"`` uses Graphviz's ``dot`` when it is installed and the
    pure-Python layout otherwise; ``"dot"`` or ``"python"`` force one.

    ``marked`` Values (or Tensors) are drawn with a thick red border: the box
    that shows each one (a folded constant marks the operation that reads it).
    A marked Value that is not in the graph is a ``ValueError``.

    The numbers are those of the moment of the call; the graph is not changed.
    """
    found = engine_of_node(root)
    tensor = found is TENSOR
    if found is None:
        raise TypeError(f"draw_graph: expected a Value or a Tensor, got {type(root).__name__}")
    if rankdir is None:
        rankdir = "TB" if tensor else "LR"
    if rankdir not in _RANKDIRS:
        raise ValueError(
            f"draw_graph: rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}"
        )
    if engine not in _ENGINES:
        raise ValueError(f"draw_graph: engine must be one of {', '.join(_ENGINES)}, got {engine!r}")
    max_nodes = whole_number(max_nodes, "draw_graph(max_nodes)", minimum=1)
    if tensor:
        if collapse_neurons:
            raise ValueError(
                "draw_graph: collapse_neurons is for Value graphs; a Tensor graph already has "
                "one box per tensor (a whole layer's numbers)"
            )
        parts = tensor_graph_parts(root, names=names, max_nodes=max_nodes, marked=marked)  # type: ignore[arg-type]
        return Graph(parts.nodes, parts.edges, rankdir, engine, style=parts.style)
    if names is not None:
        raise ValueError("draw_graph: names= is for Tensor graphs; give a Value a label instead")
    return _draw_values(root, rankdir, bool(collapse_neurons), max_nodes, engine, marked)  # type: ignore[arg-type]


def _draw_values(
    root: Value, rankdir: str, collapse: bool, max_nodes: int, engine: str, marked: Iterable[Value]
) -> Graph:
    """``draw_graph`` for a Value: a box per value, a node per operation."""
    order = graph_nodes(root)
    plan = _plan(root, order, collapse)
    if len(plan.specs) > max_nodes:
        raise _too_many(len(plan.specs), max_nodes, root, order, collapse)
    names = Namer(root, order, drawn_as=plan.through)
    nodes = _nodes(plan, names)
    ids = _marked_ids(marked, plan, order)
    if ids:
        nodes = [replace(n, marked=True) if n.id in ids else n for n in nodes]
    return Graph(nodes, plan.edges, rankdir, engine)


def _marked_ids(marked: Iterable[Value], plan: _Plan, order: list[Value]) -> set[str]:
    """The ids of the boxes that show the ``marked`` Values (checked: Values of this graph)."""
    if SCALAR.is_node(marked):
        marked = (marked,)
    wanted = list(marked)
    if not wanted:
        return set()
    for v in wanted:
        if not SCALAR.is_node(v):
            raise TypeError(
                f"draw_graph(marked=...): expected Values of the graph, got {type(v).__name__}"
            )
    box = _box_of(plan, order)
    missing = [v for v in wanted if v not in box]
    if missing:
        raise ValueError(f"draw_graph(marked=...): {missing[0]!r} is not in this graph")
    return {box[v] for v in wanted}


def value_repr_svg(v: Value, max_nodes: int = 200) -> str | None:
    """SVG of ``v``'s graph for Jupyter's ``Value._repr_svg_``, or None to fall back to text.

    Small graphs are drawn in full; larger ones with their neurons collapsed;
    past ``max_nodes`` (or when no layout library is installed) it returns
    None, and Jupyter shows the plain ``repr`` instead.
    """
    for collapse in (False, True):
        try:
            return draw_graph(v, collapse_neurons=collapse, max_nodes=max_nodes).svg()
        except ValueError:
            continue
        except ImportError:
            return None
    return None
