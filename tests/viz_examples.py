"""The design's worked examples, built once for the tests of pictures and explanations."""

from __future__ import annotations

from neuronlab import Value, dot

#: b of the design's tanh neuron: n = x1*w1 + x2*w2 + b = 0.8814, so o = tanh(n) = 1/√2.
TANH_NEURON_BIAS = 6.8813735870195432


def l_graph(backward: bool = False) -> tuple[dict[str, Value], Value]:
    """a=2, b=-3, c=10, e=a*b, d=e+c, f=-2, L=d*f=-8, every value labelled by its name.

    With ``backward``, L.backward() has run: dL/da=6, dL/db=-4, dL/dc=-2, dL/df=4.
    """
    v = {n: Value(x, label=n) for n, x in [("a", 2.0), ("b", -3.0), ("c", 10.0), ("f", -2.0)]}
    e = v["a"] * v["b"]
    e.label = "e"
    d = e + v["c"]
    d.label = "d"
    L = d * v["f"]
    L.label = "L"
    v.update(e=e, d=d, L=L)
    if backward:
        L.backward()
    return v, L


def tanh_neuron(fused: bool) -> tuple[dict[str, Value], Value]:
    """x1=2, x2=0, w1=-3, w2=1, b=6.88..., n = x1*w1 + x2*w2 + b, o = tanh(n) ≈ 0.7071.

    ``fused`` computes n as one dot node (w1*x1 + w2*x2 + b), else as * and + nodes.
    """
    v = {
        n: Value(x, label=n)
        for n, x in [("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0), ("b", TANH_NEURON_BIAS)]
    }
    if fused:
        n = dot([v["w1"], v["w2"]], [v["x1"], v["x2"]], v["b"])
    else:
        n = v["x1"] * v["w1"] + v["x2"] * v["w2"] + v["b"]
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    v.update(n=n, o=o)
    return v, o
