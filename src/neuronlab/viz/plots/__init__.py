"""The classic pictures of the learner's path, drawn with matplotlib.

Every function returns a matplotlib ``Figure`` and, given ``path=``, also
saves it as PNG or SVG (chosen by the file's extension), atomically.  Figures
are made with matplotlib's object API and drawn by the Agg renderer: no window
opens, no display is needed, and the pyplot state of a notebook is left alone.

- ``curves``: the activation functions and the sigmoid neuron;
- ``training``: learning curves (``plot_loss``);
- ``classifiers``: decision regions and a perceptron's line;
- ``confusion``: the confusion matrix;
- ``images``: misclassified images and first-layer weights drawn as images;
- ``regression``: a regression fit;
- ``derivatives``: a derivative as the slope of a nudge;
- ``internals``: a look inside a deep network (activation, gradient and
  weight-gradient histograms, update:data ratios, saturated tanh units);
- ``language``: the language models' bigram counts, character embedding,
  learning-rate sweep and training curve;
- ``common``: what they share (figures, saving, input checks, class colours).

matplotlib is imported only when a picture is drawn, so ``import neuronlab``
stays light; without it each function says how to install it
(``pip install neuronlab[viz]``).
"""

from .classifiers import plot_decision_boundary, plot_perceptron
from .common import IMAGE_FORMATS, save_figure
from .confusion import plot_confusion_matrix
from .curves import plot_activations, plot_sigmoid
from .derivatives import plot_nudge
from .images import first_layer_weights, plot_misclassified, plot_weight_images
from .internals import (
    LayerValues,
    WeightGradient,
    layer_activations,
    layer_gradients,
    plot_activation_histograms,
    plot_gradient_histograms,
    plot_saturation,
    plot_update_ratios,
    plot_weight_gradients,
    weight_gradients,
)
from .language import (
    embedding_projection,
    plot_bigram_counts,
    plot_embedding,
    plot_language_losses,
    plot_lr_sweep,
)
from .regression import plot_regression
from .training import plot_loss

__all__ = [
    "IMAGE_FORMATS",
    "LayerValues",
    "WeightGradient",
    "embedding_projection",
    "first_layer_weights",
    "layer_activations",
    "layer_gradients",
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
    "save_figure",
    "weight_gradients",
]
