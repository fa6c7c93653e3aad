"""The boxes and edges of a Tensor graph's picture: one box per tensor.

Each box reads ``hprebn = matmul1 + b1 | (32, 64) | data ... | grad ...``:
the operation that made the tensor (with its inputs' names), its shape, and
its numbers -- every one when the tensor is small (``SMALL`` numbers or
fewer, written like a Value's box), else a summary (mean and std of the
data, norm and largest entry of the gradient).  Leaves (parameters, inputs)
are boxes of their own; a one-number constant with no name is written into
the formula that reads it.  ``draw_graph`` turns these into a ``Graph``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..nn.engines import TENSOR
from ..tensor import Tensor
from ..walk import topological_order
from .nodes import DotStyle, Node, node_number
from .tensor_naming import TensorNamer, given_tensor_names
from .tensor_text import SMALL, data_summary, grad_summary, shape_text, values_text

__all__ = ["TensorGraphParts", "tensor_box_cells", "tensor_graph_parts"]

Edges = list[tuple[str, str]]
#: One-line boxes packed closely, computed inputs left of parameters.
_STYLE = DotStyle(ranksep=0.25, node_height=0.3, inputs_in_order=True)


@dataclass(frozen=True)
class TensorGraphParts:
    """What ``draw_graph`` draws of a Tensor graph: boxes, edges, and how ``dot`` lays them out.

    The ``style`` keeps the edges between computed tensors straight (the path
    from the inputs to the loss is one column) and each operation's computed
    inputs left of its parameters, so parameters join the column from the
    right, and packs the one-line boxes closely.
    """

    nodes: list[Node]
    edges: Edges
    style: DotStyle


def _numbers(a: np.ndarray, summary: str) -> str:
    return values_text(a, node_number) if a.size <= SMALL else summary


def tensor_box_cells(t: Tensor, title: str) -> tuple[str, ...]:
    """The cells of ``t``'s box: its title, its shape, its data and (if it has one) its grad.

    A large gradient is summarised by its norm alone here (``explain`` adds its largest entry).
    """
    cells = [title, shape_text(t.shape), f"data {_numbers(t.data, data_summary(t.data))}"]
    if t.requires_grad:
        g = t.grad
        if g is None:
            cells.append("grad None")
        else:
            cells.append(f"grad {_numbers(g, grad_summary(g).split(',')[0])}")
    return tuple(cells)


def _too_many(n: int, max_nodes: int) -> ValueError:
    return ValueError(
        f"draw_graph: this graph has {n:,} tensors to draw, more than max_nodes={max_nodes}; "
        "drawing it would be slow and unreadable. Pass a larger max_nodes to draw it anyway, "
        "or draw a smaller part: draw_graph(t) for a tensor nearer the inputs."
    )


def _marked_ids(marked: Iterable[Tensor], ids: dict[Tensor, str], order: list[Tensor]) -> set[str]:
    """The ids of the boxes that show the ``marked`` tensors (a folded number: its reader's)."""
    if TENSOR.is_node(marked):
        marked = (marked,)
    wanted = list(marked)
    for t in wanted:
        if not TENSOR.is_node(t):
            raise TypeError(
                f"draw_graph(marked=...): expected Tensors of the graph, got {type(t).__name__}"
            )
    box = dict(ids)
    for t in order:
        for x in t.inputs:
            box.setdefault(x, ids[t])
    missing = [t for t in wanted if t not in box]
    if missing:
        raise ValueError(
            f"draw_graph(marked=...): a tensor of shape {missing[0].shape} is not in this graph"
        )
    return {box[t] for t in wanted}


def tensor_graph_parts(
    root: Tensor,
    *,
    names: Mapping[str, Tensor] | None = None,
    max_nodes: int = 500,
    marked: Iterable[Tensor] = (),
) -> TensorGraphParts:
    """The boxes and edges ``draw_graph(root)`` draws for a Tensor ``root``.

    A graph of more than ``max_nodes`` boxes is refused with a ``ValueError``
    that gives the count.  ``names`` name tensors (name -> tensor) as
    ``explain``'s do; ``marked`` tensors get a thick red border.
    """
    order = topological_order(root, leaves=True)
    nm = TensorNamer(root, order, given_tensor_names(names, "draw_graph"))
    shown = [t for t in order if t not in nm.constants]
    if len(shown) > max_nodes:
        raise _too_many(len(shown), max_nodes)
    ids = {t: f"t{i}" for i, t in enumerate(shown)}
    red = _marked_ids(marked, ids, order)
    nodes = []
    for t in shown:
        kind = "root" if t is root else ("value" if t.inputs else "leaf")
        cells = tensor_box_cells(t, nm.title(t))
        nodes.append(Node(ids[t], kind, cells, marked=ids[t] in red))
    edges = []
    for t in shown:  # computed inputs first: with dot's ordering=in they sit on the left
        ins = [x for x in t.inputs if x in ids]
        edges += [(ids[x], ids[t]) for x in sorted(ins, key=lambda x: not x.inputs)]
    straight = frozenset((ids[x], ids[t]) for t in shown for x in t.inputs if x.inputs)
    return TensorGraphParts(nodes, edges, replace(_STYLE, straight=straight))
