"""The worked examples of the learner's path, defined once: the L graph, the nudge, the tanh neuron.

Every front end builds them from here -- the tour, the tour notebook's
generator, the lab's presets, the workbook's checks and the tests -- so their
numbers are typed once.  (The sweets perceptron's weights and threshold are a
dataset's: ``data.synthetic.SWEETS_WEIGHTS`` and ``SWEETS_THRESHOLD``.)

- The L graph: a = 2, b = -3, c = 10, e = a·b, d = e + c, f = -2, L = d·f = -8;
  dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4.
- The nudge: raise f by h = 1 and L moves from -8 to -4 (by dL/df · h = 4);
  raise a by 0.001 and (change)/h ≈ dL/da = 6.
- The tanh neuron: x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432,
  n = x1·w1 + x2·w2 + b, o = tanh(n) ≈ 0.7071, do/dn = 0.5.

The builders take the Value class to build with (neuronlab's by default), so
the workbook can build the same example from the learner's own class.  They
return every Value by name, forward done, backward not yet run.

>>> v = l_graph()
>>> v["L"].backward()
>>> v["L"].data, v["a"].grad, v["f"].grad
(-8.0, 6.0, 4.0)
>>> o = tanh_neuron()["o"]
>>> round(o.data, 4), TANH_NEURON_BIAS == float(TANH_NEURON_BIAS_TEXT)
(0.7071, True)
"""

from __future__ import annotations

from typing import Any

from .engine import Value, dot

__all__ = [
    "L_GRAPH_LEAVES",
    "L_GRAPH_NUDGES",
    "L_GRAPH_TEXT",
    "NUDGE_STEPS",
    "TANH_NEURON_BIAS",
    "TANH_NEURON_BIAS_TEXT",
    "TANH_NEURON_LEAVES",
    "TANH_NEURON_TEXT",
    "l_graph",
    "tanh_neuron",
    "tanh_neuron_output",
]

#: The tanh neuron's bias as the design writes it: n = 0.8813..., so o is exactly 1/√2.
TANH_NEURON_BIAS_TEXT = "6.8813735870195432"
#: The same bias as a number.
TANH_NEURON_BIAS = float(TANH_NEURON_BIAS_TEXT)

#: The L graph's leaves, in the order they are introduced (e, d and L are computed).
L_GRAPH_LEAVES: dict[str, float] = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
#: The L graph as the tour and the notebook say it.
L_GRAPH_TEXT = "a = 2, b = -3, c = 10, e = a*b, d = e + c, f = -2, L = d*f"

#: The tanh neuron's leaves: its inputs, its weights and its bias.
TANH_NEURON_LEAVES: dict[str, float] = {
    "x1": 2.0,
    "x2": 0.0,
    "w1": -3.0,
    "w2": 1.0,
    "b": TANH_NEURON_BIAS,
}
#: The tanh neuron as the tour and the notebook say it.
TANH_NEURON_TEXT = f"x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = {TANH_NEURON_BIAS_TEXT}"

#: The L graph's nudges, input -> h: f by 1 (L moves from -8 to -4), a by 0.001 (slope ≈ 6).
L_GRAPH_NUDGES: dict[str, float] = {"f": 1.0, "a": 0.001}
#: The nudges of the slope table, from coarse to fine: rise / h comes ever closer to the slope.
NUDGE_STEPS = (0.5, 0.1, 0.01, 0.001)


def _leaves(numbers: dict[str, float], value_cls: Any) -> dict[str, Any]:
    """One labelled Value of ``value_cls`` per leaf."""
    return {name: value_cls(x, label=name) for name, x in numbers.items()}


def _labelled(v: Any, label: str) -> Any:
    v.label = label
    return v


def l_graph(value_cls: Any = Value) -> dict[str, Any]:
    """The L graph (a, b, c, e, d, f, L) built with ``value_cls``, every value labelled by name.

    L = (a·b + c)·f = -8; run ``["L"].backward()`` for its gradients.
    """
    v = _leaves(L_GRAPH_LEAVES, value_cls)
    e = _labelled(v["a"] * v["b"], "e")
    d = _labelled(e + v["c"], "d")
    L = _labelled(d * v["f"], "L")
    return {"a": v["a"], "b": v["b"], "c": v["c"], "e": e, "d": d, "f": v["f"], "L": L}


def tanh_neuron(value_cls: Any = Value, *, fused: bool = False) -> dict[str, Any]:
    """The tanh neuron built with ``value_cls``: its leaves, ``n`` and ``o = tanh(n)``.

    Unfused, n = x1·w1 + x2·w2 + b is built from ``*`` and ``+`` and the steps
    are returned too, labelled ``"x1*w1"``, ``"x2*w2"``, ``"x1*w1 + x2*w2"``;
    fused (neuronlab's Value only), n is one ``dot`` node.
    """
    v = _leaves(TANH_NEURON_LEAVES, value_cls)
    if fused:
        n = dot([v["w1"], v["w2"]], [v["x1"], v["x2"]], v["b"])
    else:
        x1w1 = v["x1*w1"] = _labelled(v["x1"] * v["w1"], "x1*w1")
        x2w2 = v["x2*w2"] = _labelled(v["x2"] * v["w2"], "x2*w2")
        s = v["x1*w1 + x2*w2"] = _labelled(x1w1 + x2w2, "x1*w1 + x2*w2")
        n = s + v["b"]
    v["n"] = _labelled(n, "n")
    v["o"] = _labelled(n.tanh(), "o")
    return v


def tanh_neuron_output(w1: float) -> float:
    """The tanh neuron's output o as a function of its weight w1 alone (the others fixed).

    o(w1) = tanh(x1·w1 + x2·w2 + b): a curve, unlike L, which is a straight line in each input.
    """
    x = TANH_NEURON_LEAVES
    return Value(x["x1"] * w1 + x["x2"] * x["w2"] + TANH_NEURON_BIAS).tanh().data
