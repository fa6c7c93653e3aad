"""draw_graph(): the computation graph of a Value, every node with its data and grad.

Each Value is a box ``label | data -8.0000 | grad 1.0000``; each operation is
its own small node (``+``, ``*``, ``tanh``, ``dot``, ``**2``) between the values
it reads and the value it makes, as in micrograd's notebooks.  Leaves (inputs,
weights, constants) have no operation node.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..engine import Value
from ..util.files import write_atomic
from .layout import render
from .nodes import FILL, Node, dot_parts, graph_nodes, node_number

__all__ = ["draw_graph", "Graph", "value_repr_svg", "FORMATS", "DOT_TIMEOUT", "FILL", "Node"]

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
_ACTIVATIONS = ("tanh", "relu", "sigmoid", "step")


def _value_cells(v: Value, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    head = (v.label,) if v.label else ()
    return (*head, *extra, f"data {node_number(v.data)}", f"grad {node_number(v.grad)}")


# -- from a Value to nodes and edges ---------------------------------------------


_Spec = tuple[str, Value, "Value | None"]  # (kind, value, its dot value when a neuron)


def _plan(
    root: Value, order: list[Value], collapse: bool
) -> tuple[list[_Spec], list[tuple[str, str]], dict[Value, int]]:
    """The structure of the picture, without any text: (kind, value, dot) per node, and edges.

    With ``collapse``, a ``dot`` node (a fused neuron's w·x + b) becomes one
    ``neuron`` node that hides its weight and bias leaves; when its only use is
    an activation (tanh, relu, sigmoid, step), the activation joins it.
    ``order`` is ``graph_nodes(root)``.
    """
    index = {v: i for i, v in enumerate(order)}
    consumers: dict[Value, list[Value]] = {}
    for v in order:
        for x in v.inputs:
            consumers.setdefault(x, []).append(v)

    absorbed: set[Value] = set()  # dot values drawn inside their activation's neuron node
    neuron_dot: dict[Value, Value] = {}  # value drawn as a neuron -> its dot value
    if collapse:
        for v in order:
            if v.op != "dot":
                continue
            users = consumers.get(v, [])
            if v is not root and len(users) == 1 and users[0].op in _ACTIVATIONS:
                absorbed.add(v)
                neuron_dot[users[0]] = v
            else:
                neuron_dot[v] = v

    specs: list[_Spec] = []
    edges: list[tuple[str, str]] = []
    for v in order:
        if v in absorbed:
            continue
        node = f"v{index[v]}"
        if v in neuron_dot:
            d = neuron_dot[v]
            weights, _, bias = dot_parts(d.inputs)
            params = {*weights, bias}
            specs.append(("neuron", v, d))
            for x in d.inputs:
                if not (x in params and not x.inputs):  # weight and bias leaves stay inside
                    edges.append((f"v{index[x]}", node))
        elif v.inputs:
            specs.append(("root" if v is root else "value", v, None))
            specs.append(("op", v, None))
            edges.extend((f"v{index[x]}", node + "op") for x in v.inputs)
            edges.append((node + "op", node))
        else:
            specs.append(("root" if v is root else "leaf", v, None))
    used = {src for src, _ in edges}
    specs = [s for s in specs if s[0] != "leaf" or f"v{index[s[1]]}" in used]
    return specs, edges, index


def _nodes(specs: list[_Spec], index: dict[Value, int]) -> list[Node]:
    nodes = []
    for kind, v, d in specs:
        node = f"v{index[v]}"
        if kind == "op":
            nodes.append(Node(node + "op", "op", (v.op or "?",)))
        elif kind == "neuron":
            assert d is not None
            weights, _, bias = dot_parts(d.inputs)
            core = "w·x + b" if bias is not None else "w·x"
            act = v.op if v is not d else ""
            title = f"{act}({core})" if act else core
            label = v.label or d.label
            n_cell = (f"n {node_number(d.data)}",) if v is not d else ()
            head = (label,) if label else ()
            nodes.append(
                Node(
                    node,
                    "neuron",
                    (
                        *head,
                        f"neuron {title}, {len(weights)} in",
                        *n_cell,
                        f"data {node_number(v.data)}",
                        f"grad {node_number(v.grad)}",
                    ),
                )
            )
        else:
            nodes.append(Node(node, kind, _value_cells(v)))
    return nodes


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
    specs = _plan(root, order, True)[0] if has_neurons else []
    if has_neurons and len(specs) < n:
        hint = (
            f" Pass collapse_neurons=True to draw each neuron as one node "
            f"({len(specs):,} nodes), or a larger max_nodes."
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


def _dot_source(nodes: list[Node], edges: list[tuple[str, str]], rankdir: str) -> str:
    horizontal = rankdir in ("LR", "RL")  # records lie across the flow: braces flip them
    lines = [
        "digraph computation {",
        f"  graph [rankdir={rankdir}, bgcolor=white, nodesep=0.25, ranksep=0.4];",
        '  node [fontname="Helvetica", fontsize=12, style=filled];',
        '  edge [color="#555555", arrowsize=0.7];',
    ]
    for n in nodes:
        if n.kind == "op":
            lines.append(
                f"  {n.id} [label={_quoted(n.cells[0])}, shape=ellipse, "
                f'fillcolor="{FILL["op"]}", margin="0.05,0.02", height=0.3];'
            )
            continue
        body = " | ".join(_record_text(c) for c in n.cells)
        label = f"{{ {body} }}" if horizontal else body
        extra = ", penwidth=2" if n.kind == "root" else ""
        lines.append(
            f'  {n.id} [shape=record, label="{label}", fillcolor="{FILL[n.kind]}"{extra}];'
        )
    lines.extend(f"  {a} -> {b};" for a, b in edges)
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
    the PATH, else pure Python), ``"dot"`` or ``"python"``.
    """

    def __init__(
        self, nodes: list[Node], edges: list[tuple[str, str]], rankdir: str, engine: str
    ) -> None:
        self.nodes: tuple[Node, ...] = tuple(nodes)
        self.edges: tuple[tuple[str, str], ...] = tuple(edges)
        self.rankdir = rankdir
        self.engine = engine
        self._source = _dot_source(nodes, edges, rankdir)
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
    root: Value,
    rankdir: str = "LR",
    *,
    collapse_neurons: bool = False,
    max_nodes: int = 500,
    engine: str = "auto",
) -> Graph:
    """Draw the computation graph that produced ``root``.

    Every Value is a box with its label (when set), ``data`` and ``grad``;
    every operation is a small node of its own.  ``rankdir`` is ``"LR"`` (inputs
    on the left), ``"TB"``, ``"RL"`` or ``"BT"``.

    ``collapse_neurons=True`` draws each fused neuron (a ``dot`` node, with its
    activation when that is its only use) as one node and hides its weight and
    bias leaves: an MLP's loss then shows one box per neuron.  A graph of more
    than ``max_nodes`` boxes is refused with a ``ValueError`` that gives the
    count and what collapsing would give.

    ``engine="auto"`` uses Graphviz's ``dot`` when it is installed and the
    pure-Python layout otherwise; ``"dot"`` or ``"python"`` force one.

    The numbers are those of the moment of the call; the graph is not changed.
    """
    if type(root) is not Value:
        raise TypeError(f"draw_graph: expected a Value, got {type(root).__name__}")
    if rankdir not in _RANKDIRS:
        raise ValueError(
            f"draw_graph: rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}"
        )
    if engine not in _ENGINES:
        raise ValueError(f"draw_graph: engine must be one of {', '.join(_ENGINES)}, got {engine!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be a positive int, got {max_nodes!r}")
    collapse = bool(collapse_neurons)
    order = graph_nodes(root)
    if not collapse:  # count first: values, and one operation node per computed value
        n = len(order) + sum(1 for v in order if v.inputs)
        if n > max_nodes:
            raise _too_many(n, max_nodes, root, order, collapse)
    specs, edges, index = _plan(root, order, collapse)
    if len(specs) > max_nodes:
        raise _too_many(len(specs), max_nodes, root, order, collapse)
    return Graph(_nodes(specs, index), edges, rankdir, engine)


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
