"""The one graph walk: every node a result depends on, each after its inputs.

``Value.backward``, ``Tensor.backward``, ``explain`` and ``draw_graph`` all
visit a graph in this order (backward in reverse).  It works for any node with
an ``inputs`` tuple.  The search is depth-first with an explicit stack of
input iterators rather than recursion, so a chain of a million nodes is fine.
"""

from __future__ import annotations

from typing import Any

__all__ = ["topological_order"]


def topological_order(root: Any, *, leaves: bool = False) -> list[Any]:
    """The nodes ``root`` depends on (itself included), every node after its inputs.

    Leaves (nodes without inputs) are left out unless ``leaves=True``: backward
    has nothing to do at a leaf, a picture has to draw it.
    """
    order: list[Any] = []
    seen = {root}
    stack = [(root, iter(root.inputs))]
    while stack:
        node, pending = stack[-1]
        for child in pending:  # resume where this node's inputs were left off
            if (leaves or child.inputs) and child not in seen:
                seen.add(child)
                stack.append((child, iter(child.inputs)))
                break
        else:  # every input is placed: the node can follow them
            stack.pop()
            order.append(node)
    return order
