"""The design's worked examples for the tests of pictures and explanations, from their one home.

``neuronlab.worked`` builds them; these wrappers give the shape these tests
read: every value by name, and the root.  The tanh neuron's intermediate
steps are left unlabelled, so pictures and explanations name them by formula.
"""

from __future__ import annotations

from neuronlab import Value, worked
from neuronlab.worked import TANH_NEURON_BIAS

__all__ = ["TANH_NEURON_BIAS", "l_graph", "tanh_neuron"]


def l_graph(backward: bool = False) -> tuple[dict[str, Value], Value]:
    """a=2, b=-3, c=10, e=a*b, d=e+c, f=-2, L=d*f=-8, every value labelled by its name.

    With ``backward``, L.backward() has run: dL/da=6, dL/db=-4, dL/dc=-2, dL/df=4.
    """
    v = worked.l_graph()
    if backward:
        v["L"].backward()
    return v, v["L"]


def tanh_neuron(fused: bool) -> tuple[dict[str, Value], Value]:
    """x1=2, x2=0, w1=-3, w2=1, b=6.88..., n = x1*w1 + x2*w2 + b, o = tanh(n) ≈ 0.7071.

    ``fused`` computes n as one dot node (w1*x1 + w2*x2 + b), else as * and + nodes.
    """
    v = worked.tanh_neuron(fused=fused)
    for step in ("x1*w1", "x2*w2", "x1*w1 + x2*w2"):
        if step in v:
            v.pop(step).label = ""
    return v, v["o"]
