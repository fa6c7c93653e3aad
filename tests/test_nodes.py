"""What pictures and explanations share: node numbers, the walk, dot's parts, derivative names."""

from __future__ import annotations

import pytest

from neuronlab import Value, dot
from neuronlab.viz.nodes import d_of, dot_parts, graph_nodes, node_number, wrapped


def test_numbers_in_nodes():
    assert node_number(-8.0) == "-8.0000"
    assert node_number(0.0) == node_number(-0.0) == "0.0000"
    assert node_number(0.70710678) == "0.7071"
    assert node_number(1.5e-7) == "1.500e-07"
    assert node_number(123456789.0) == "1.235e+08"
    assert node_number(float("nan")) == "nan"
    assert (node_number(float("inf")), node_number(float("-inf"))) == ("inf", "-inf")


def test_graph_nodes_puts_every_value_after_its_inputs_leaves_included():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    d = e + c
    order = graph_nodes(d)
    assert order == [a, b, e, c, d]
    assert graph_nodes(a) == [a]


def test_dot_parts_splits_weights_inputs_and_bias():
    w = [Value(0.5), Value(-1.0)]
    x = [Value(1.0), Value(2.0)]
    b = Value(0.1)
    with_bias = dot(w, x, b)
    assert dot_parts(with_bias.inputs) == (tuple(w), tuple(x), b)
    assert dot_parts(dot(w, x).inputs) == (tuple(w), tuple(x), None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a", "da"),
        ("x1", "dx1"),
        ("w1.3.0", "dw1.3.0"),  # a network's parameter label reads without parentheses
        ("x0#2", "dx0#2"),  # the second value labelled x0
        ("(a*b)", "d(a*b)"),
        ("a*b", "d(a*b)"),
        ("-1", "d(-1)"),
        ("layers.0.neurons.1.w.0", "d(layers.0.neurons.1.w.0)"),
        ("(a) + (b)", "d((a) + (b))"),
    ],
)
def test_d_of(name, expected):
    assert d_of(name) == expected


def test_wrapped():
    assert wrapped("(a*b)")
    assert wrapped("((a))")
    assert not wrapped("(a) + (b)")
    assert not wrapped("a*b")
    assert not wrapped("(a")
