"""The step-through: the graph of one point, drawn as boxes, walked forward and then backward.

For a point and a root -- the point's loss, or one neuron's output -- the
scalar twin of the point (``lab.twin``) is drawn with ``viz.graph``'s
planning and placed with ``viz.layout`` (every value and operation when the
graph is small, one box per neuron when it is not).  Then:

- ``forward``: each value in the order it is computed, with its number;
- ``backward``: every edge in the order ``backward()`` visits it, with the
  lines ``explain()`` writes for that edge (the chain rule with its numbers),
  the local derivative, the upstream gradient and the contribution;
- ``sums``: where a value feeds several places, the line that adds up its
  contributions, after the step that completes it;
- ``gradients``: every value's gradient at the end (the engine's ``backward()``).

Each end of an edge is given as the box that shows it (a weight folded into a
neuron's box is that box).  This is the ``Walk`` of docs/lab.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..engine import Value
from ..util.numbers import format_number
from ..viz.explain import explain
from ..viz.graph import GraphPlan, plan_graph
from ..viz.layout import layout
from ..viz.naming import Namer
from ..viz.nodes import dot_parts, graph_nodes
from .settings import LabInputError
from .twin import Twin, build_twin, check_neuron

if TYPE_CHECKING:
    from .session import LabSession

__all__ = ["MAX_BOXES", "RANKDIR", "walk"]

#: A graph of more boxes than this is drawn one box per neuron.
MAX_BOXES = 60
#: Inputs on the left, the root on the right.
RANKDIR = "LR"


def _root(session: LabSession, twin: Twin, root: Any) -> tuple[Value, Any]:
    """The Value the walk starts from, and the root as the answer gives it back."""
    if root == "loss":
        return twin.loss, "loss"
    if isinstance(root, Mapping) and set(root) == {"layer", "neuron"}:
        layer, neuron = check_neuron(session, root["layer"], root["neuron"])
        return twin.layer(layer).outputs[neuron], {"layer": layer, "neuron": neuron}
    raise LabInputError(
        "root", f'expected "loss" or {{"layer", "neuron"}} of a neuron, got {root!r:.60}'
    )


def _factor(x: float) -> str:
    """A number as the second factor of a product: negative ones in parentheses."""
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text


def _numbers(v: Value) -> str:
    """How ``v`` was computed, with its inputs' numbers: ``-3*2 + 1*0 + 6.881``, ``tanh(0.88)``."""
    n = [format_number(x.data) for x in v.inputs]
    if v.op == "dot":
        weights, xs, bias = dot_parts(v.inputs)
        terms = [f"{format_number(w.data)}*{_factor(x.data)}" for w, x in zip(weights, xs)]
        return " + ".join([*terms, *([format_number(bias.data)] if bias is not None else [])])
    if len(n) == 2 and v.op in ("+", "*", "/", "**"):
        return f"{n[0]} {v.op} {n[1]}"
    if len(n) == 1 and v.op.startswith("**"):
        return f"({n[0]}){v.op}"
    return f"{v.op}({', '.join(n)})"


def _forward(order: list[Value], plan: GraphPlan, nm: Namer) -> list[dict[str, Any]]:
    """Each value in the order it is computed, with its number.

    Leaves are told when they have a box of their own (inputs, weights) or a
    name the lines use (``v1 = 0.05384...``, a long number); a weight inside
    its neuron's box and a short number written into a formula are not.
    """
    own = {n.id for n in plan.nodes if n.kind in ("leaf", "root")}
    numbered = set(nm.numbered)
    steps = []
    for v in order:
        box = plan.box_of.get(v)
        if v in numbered and not v.inputs:
            lines = [f"{nm[v]} = {nm.definition(v)}"]
        elif box is None or (not v.inputs and (not v.label or box not in own)):
            continue
        elif v.inputs:
            lines = [f"{nm.title(v)} = {_numbers(v)} = {format_number(v.data)}"]
        else:
            lines = [f"{nm[v]} = {format_number(v.data)}"]
        if box is not None:
            steps.append({"node": box, "lines": lines})
    return steps


def _boxes(plan: GraphPlan) -> dict[str, Any]:
    """The boxes placed left to right (x, y: each box's centre), and the picture's size."""
    scene = layout(list(plan.nodes), list(plan.edges), RANKDIR)
    nodes = [
        {
            "id": b.node.id,
            "kind": b.node.kind,
            "cells": list(b.node.cells),
            "x": round(b.x, 1),
            "y": round(b.y, 1),
            "w": round(b.w, 1),
            "h": round(b.h, 1),
        }
        for b in scene.boxes
    ]
    return {
        "nodes": nodes,
        "edges": [list(e) for e in plan.edges],
        "width": round(scene.width, 1),
        "height": round(scene.height, 1),
    }


def walk(session: LabSession, point: Any, root: Any = "loss") -> dict[str, Any]:
    """The ``Walk`` of ``point``'s graph from ``root`` ("loss" or {"layer", "neuron"})."""
    twin = build_twin(session, point)
    value, root = _root(session, twin, root)
    value.backward()  # the boxes show the gradients backward gives
    plan = plan_graph(value)
    detail = "nodes"
    if len(plan.nodes) > MAX_BOXES:
        plan, detail = plan_graph(value, collapse_neurons=True), "neurons"
    order = graph_nodes(value)
    nm = Namer(value, order)  # the names explain() gives the same graph
    box = plan.box_of
    told = explain(value, show=False, limit=None)
    return {
        "point": twin.point,
        "root": root,
        "detail": detail,
        **_boxes(plan),
        "forward": _forward(order, plan, nm),
        "backward": [
            {
                "out": box[s.out_value],
                "input": box[s.input_value],
                "lines": list(s.lines),
                "local": s.local_value,
                "upstream": s.upstream,
                "contribution": s.contribution,
            }
            for s in told.steps
        ],
        "sums": [{"node": box[s.value], "after": s.after_step, "line": s.line} for s in told.sums],
        "gradients": [
            {"node": box[v], "name": nm[v], "grad": v.grad}
            for v in order
            if v in box and (v.inputs or v.label)
        ],
    }
