"""Pictures and explanations of the graph: they read it and never change it.

- ``draw_graph(value)``: the computation graph, each value with its data and
  grad (``Graph.save("g.svg")``; SVG, PNG or PDF, with or without Graphviz).
- ``explain(loss)``: the backward pass, edge by edge, with the chain rule.
- ``nudge(output_fn, value, h)``: raise one input by h and watch the output move.
- ``gradcheck(fn, inputs)``: every gradient against central differences.

Importing this package is light: matplotlib and grandalf are imported only
when a picture is drawn without Graphviz (``pip install neuronlab[viz]``).
"""

from .check import GradcheckResult, GradcheckRow, NudgeResult, gradcheck, nudge
from .explain import Explanation, GradientSum, Step, explain, format_number, gradients
from .graph import FORMATS, Graph, draw_graph, value_repr_svg

__all__ = [
    "draw_graph",
    "Graph",
    "FORMATS",
    "value_repr_svg",
    "explain",
    "Explanation",
    "Step",
    "GradientSum",
    "format_number",
    "gradients",
    "nudge",
    "NudgeResult",
    "gradcheck",
    "GradcheckResult",
    "GradcheckRow",
]
