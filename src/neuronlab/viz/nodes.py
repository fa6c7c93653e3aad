"""What the graph pictures and explanations share: the drawn node, the walk, the number text.

``graph`` turns a Value's graph into ``Node`` boxes and DOT text, ``layout``
places and draws them without Graphviz, ``explain`` and ``check`` tell the
chain rule; all of them walk the graph the same way and write numbers and
derivative names the same way, from here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..engine import Value
from ..walk import topological_order

__all__ = [
    "FILL",
    "MARK",
    "MARK_WIDTH",
    "DotStyle",
    "Node",
    "d_of",
    "dot_parts",
    "graph_nodes",
    "node_number",
    "wrapped",
]

# Fill colours, shared by the dot and the pure-Python pictures.
FILL = {
    "leaf": "#e8f0fe",  # inputs, weights, constants
    "value": "#ffffff",  # computed values
    "root": "#fff2cc",  # the value the graph was drawn from
    "op": "#eeeeee",  # operations
    "neuron": "#e6f4ea",  # a collapsed neuron
}

#: The border of a marked box (``draw_graph(..., marked=...)``): red, and thick enough to
#: tell apart without its colour.
MARK = "#d93025"
MARK_WIDTH = 3.5


@dataclass(frozen=True)
class Node:
    """One box of the picture: ``kind`` is leaf, value, root, op or neuron; ``cells`` its text;
    ``marked`` boxes are drawn with a thick red border (a value to look at)."""

    id: str
    kind: str
    cells: tuple[str, ...]
    marked: bool = False


@dataclass(frozen=True)
class DotStyle:
    """How Graphviz's ``dot`` lays a picture out, beyond its boxes and edges.

    ``ranksep`` is the gap between layers (inches); ``node_height`` the least
    height of a box (None: dot's own 0.5 in); ``inputs_in_order`` keeps each
    node's inputs left to right in the order of the edges (dot's
    ``ordering=in``); ``straight`` edges weigh more, so dot keeps them short
    and straight.  The default is the Value graphs' style.
    """

    ranksep: float = 0.4
    node_height: float | None = None
    inputs_in_order: bool = False
    straight: frozenset[tuple[str, str]] = frozenset()


def node_number(x: float) -> str:
    """A node's number: 4 decimals like micrograd (``-8.0000``), 4 significant digits beyond."""
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0.0000"
    if 1e-4 <= abs(x) < 1e6:
        return f"{x:.4f}"
    return f"{x:.3e}"


def graph_nodes(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, leaves included, each after its inputs."""
    return topological_order(root, leaves=True)


def dot_parts(inputs: tuple[Value, ...]) -> tuple[tuple[Value, ...], tuple[Value, ...], Any]:
    """Split a ``dot`` node's inputs ``(*weights, *xs[, bias])`` into weights, xs and bias.

    An odd number of inputs means the last one is the bias.
    """
    k = len(inputs) // 2
    bias = inputs[2 * k] if len(inputs) % 2 else None
    return inputs[:k], inputs[k : 2 * k], bias


def wrapped(s: str) -> bool:
    """True when ``s`` is one parenthesised group, like ``(a*b)`` (not ``(a) + (b)``)."""
    if not (s.startswith("(") and s.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(s):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(s) - 1:
            return False
    return True


_PLAIN_NAME = re.compile(r"[^\W\d]\w*(\.\d+)*(#\d+)?")  # a, x1, w1.3.0, x0#2: no parentheses


def d_of(name: str) -> str:
    """The "d name" of a derivative: ``da``, ``dw1.3.0``, ``d(a*b)``, ``d(-1)``.

    >>> d_of("a"), d_of("w1.3.0"), d_of("(a*b)"), d_of("a*b"), d_of("-1")
    ('da', 'dw1.3.0', 'd(a*b)', 'd(a*b)', 'd(-1)')
    """
    if _PLAIN_NAME.fullmatch(name) or wrapped(name):
        return "d" + name
    return f"d({name})"
