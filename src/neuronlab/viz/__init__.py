"""Pictures and explanations of the graph: they read it and never change it.

- ``draw_graph(value)``: the computation graph, each value with its data and
  grad (``Graph.save("g.svg")``; SVG, PNG or PDF, with or without Graphviz);
  a ``Tensor``'s graph has one box per tensor: its operation, shape, data and grad.
- ``explain(loss)``: the backward pass, edge by edge, with the chain rule (a
  network's loss: the edges nearest the loss, and how many were left out);
  for a ``Tensor`` loss, operation by operation with shapes
  (``dL/dW1 (30, 64) = embcatᵀ (30, 32) @ dL/dmatmul1 (32, 64)``).
- ``formula.graph_command``: ``neuronlab graph "e = a*b; L = e + c" --set ...``.
- ``nudge(output_fn, value, h)``: raise one input by h and watch the output move.
- ``gradcheck(fn, inputs)``: every gradient against central differences.
- ``plot_*``: activations, the sigmoid, learning curves, decision boundaries, the
  perceptron's line, regression fits, confusion matrices, misclassified images
  and first-layer weights as images, as matplotlib figures (Agg backend).

Importing this package is light: matplotlib and grandalf are imported only
when a picture is drawn without Graphviz (``pip install neuronlab[viz]``).
"""

from . import plots
from .check import GradcheckResult, GradcheckRow, NudgeResult, gradcheck, nudge
from .explain import (
    Explanation,
    GradientSum,
    Step,
    TensorExplanation,
    explain,
    format_number,
    gradients,
)
from .graph import FORMATS, Graph, draw_graph, value_repr_svg
from .plots import (
    plot_activation_histograms,
    plot_activations,
    plot_bigram_counts,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_embedding,
    plot_gradient_histograms,
    plot_language_losses,
    plot_loss,
    plot_lr_sweep,
    plot_misclassified,
    plot_nudge,
    plot_perceptron,
    plot_regression,
    plot_saturation,
    plot_sigmoid,
    plot_update_ratios,
    plot_weight_gradients,
    plot_weight_images,
)

__all__ = [
    "FORMATS",
    "Explanation",
    "GradcheckResult",
    "GradcheckRow",
    "GradientSum",
    "Graph",
    "NudgeResult",
    "Step",
    "TensorExplanation",
    "draw_graph",
    "explain",
    "format_number",
    "gradcheck",
    "gradients",
    "nudge",
    "plot_activation_histograms",
    "plot_activations",
    "plot_bigram_counts",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_embedding",
    "plot_gradient_histograms",
    "plot_language_losses",
    "plot_loss",
    "plot_lr_sweep",
    "plot_misclassified",
    "plot_nudge",
    "plot_perceptron",
    "plot_regression",
    "plot_saturation",
    "plot_sigmoid",
    "plot_update_ratios",
    "plot_weight_gradients",
    "plot_weight_images",
    "plots",
    "value_repr_svg",
]
