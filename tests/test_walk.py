"""The one graph walk (``neuronlab.walk.topological_order``), on any node with ``inputs``.

Random graphs from Hypothesis check what backward relies on: every node the
root depends on comes exactly once, after all of its inputs, with leaves left
out unless asked for; deep chains need no recursion; both engines use it.
"""

from __future__ import annotations

import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from neuronlab import Value
from neuronlab.tensor import Tensor
from neuronlab.walk import topological_order


class Node:
    """The least a node needs for the walk: the nodes it was computed from."""

    def __init__(self, name: str, *inputs: Node) -> None:
        self.name = name
        self.inputs = inputs

    def __repr__(self) -> str:
        return self.name


@st.composite
def graphs(draw: st.DrawFn) -> list[Node]:
    """Nodes in creation order, each with inputs drawn among the earlier ones (repeats allowed)."""
    nodes: list[Node] = []
    for i in range(draw(st.integers(1, 25))):
        picks = draw(st.lists(st.integers(0, i - 1), max_size=4)) if i else []
        nodes.append(Node(f"n{i}", *(nodes[j] for j in picks)))
    return nodes


def ancestors(root: Node) -> set[Node]:
    """Every node root depends on, root included (by plain search, the slow obvious way)."""
    seen, todo = {root}, [root]
    while todo:
        for x in todo.pop().inputs:
            if x not in seen:
                seen.add(x)
                todo.append(x)
    return seen


@given(nodes=graphs(), leaves=st.booleans())
def test_every_node_once_after_its_inputs(nodes: list[Node], leaves: bool) -> None:
    root = nodes[-1]
    order = topological_order(root, leaves=leaves)
    assert len(order) == len(set(order))
    expected = {x for x in ancestors(root) if leaves or x.inputs or x is root}
    assert set(order) == expected
    assert order[-1] is root
    position = {x: i for i, x in enumerate(order)}
    for x in order:
        for child in x.inputs:
            if child in position:
                assert position[child] < position[x], f"{child} comes after {x}"
            else:
                assert not leaves
                assert not child.inputs


def test_a_diamond_visits_the_shared_node_once_and_inputs_in_order() -> None:
    a, b = Node("a"), Node("b")
    c = Node("c", a, b)
    d = Node("d", c, a)
    e = Node("e", d, c, c)
    assert topological_order(e) == [c, d, e]
    assert topological_order(e, leaves=True) == [a, b, c, d, e]


def test_a_leaf_root_is_its_own_order() -> None:
    leaf = Node("leaf")
    assert topological_order(leaf) == [leaf] == topological_order(leaf, leaves=True)


def test_a_chain_deeper_than_the_recursion_limit() -> None:
    depth = 20 * sys.getrecursionlimit()
    x = Node("x0")
    first = x
    for i in range(depth):
        x = Node(f"x{i + 1}", x)
    order = topological_order(x, leaves=True)
    assert len(order) == depth + 1
    assert order[0] is first
    assert order[-1] is x
    assert len(topological_order(x)) == depth  # the leaf at the bottom is left out


def test_both_engines_walk_their_graphs_with_it() -> None:
    a, b = Value(2.0), Value(3.0)
    v = (a * b + a).tanh()
    assert v.topological_order() == topological_order(v)
    assert [n.op for n in v.topological_order()] == ["*", "+", "tanh"]
    w = Tensor(np.ones(3), requires_grad=True)
    t = (w * 2).sum()
    assert t.topological_order() == topological_order(t)
    assert [n.op for n in t.topological_order()] == ["*", "sum"]
    assert w in topological_order(t, leaves=True)
