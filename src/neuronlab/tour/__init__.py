"""The guided tour: the learner's path of the design, one worked example per step.

``run_tour(out_dir)`` prints each example with its exact numbers and saves its
pictures into ``out_dir``:

1. the sweets perceptron (weights 2, 6, 2, threshold 5); AND learned by the
   perceptron rule, and XOR, which it cannot learn;
2. the sigmoid neuron: σ(0) = 0.5, σ(±10) close to 1 and 0;
3. the computation graph L = (a·b + c)·f = -8 and its chain rule;
4. the slope measured by a nudge: raising f by 1 moves L from -8 to -4; on a
   curve (the tanh neuron against its weight w1) rise / h only approaches
   the slope as h shrinks;
5. backpropagation through a tanh neuron, by hand and by ``backward()``;
6. an MLP trained on the moons, its decision boundary and loss curve;
7. gradient descent with mean squared error on house prices;
8. real handwritten digits on the tensor engine: over 97% of the test images
   right in about a second, with its test curve, confusion matrix and mistakes;
9. the same network in PyTorch (``to_torch``), giving the same outputs
   (skipped, with a note, when PyTorch is not installed).

The same tour is a notebook, ``examples/tour.ipynb``, with the code in its
cells.  ``examples`` holds the worked examples as functions, ``first_steps``
steps 1-5 and ``training_steps`` steps 6-9.
"""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

from . import first_steps, training_steps
from .common import Printer, Step
from .examples import (
    DIGITS_RECIPE,
    TANH_NEURON_BIAS,
    DigitsRun,
    l_graph,
    tanh_neuron,
    tanh_neuron_output,
    train_digits,
)

__all__ = [
    "DIGITS_RECIPE",
    "TANH_NEURON_BIAS",
    "TOUR_STEPS",
    "DigitsRun",
    "l_graph",
    "run_tour",
    "tanh_neuron",
    "tanh_neuron_output",
    "train_digits",
]

#: The steps in order: (title, function(out_dir, print, made) -> pictures written).
TOUR_STEPS: tuple[tuple[str, Step], ...] = (
    ("The perceptron", first_steps.perceptron),
    ("The sigmoid neuron", first_steps.sigmoid),
    ("A computation graph and the chain rule", first_steps.chain_rule),
    ("A derivative is a slope", first_steps.slopes),
    ("Backpropagation through a neuron", first_steps.backprop),
    ("An MLP on the moons", training_steps.moons),
    ("Gradient descent on house prices", training_steps.houses),
    ("Real handwritten digits on the tensor engine", training_steps.digits),
    ("The same network in PyTorch", training_steps.pytorch),
)


def run_tour(out_dir: str | os.PathLike[str], *, print: Printer = builtins.print) -> list[Path]:
    """Walk the learner's path: print each step's worked example, save its pictures.

    Creates ``out_dir`` if needed and returns the pictures written, in order.
    ``print`` receives every line (pass your own to capture or redirect them).
    Takes several seconds; needs matplotlib (``pip install neuronlab[viz]``) and,
    for the digits, scikit-learn; the PyTorch step runs only when torch is installed.
    """
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(f"run_tour(out_dir): expected a folder name, got {type(out_dir).__name__}")
    if not callable(print):
        raise TypeError(f"run_tour(print=): expected a function, got {type(print).__name__}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    print("neuronlab tour: neural networks from first principles, one worked example per step.")
    print(f"Pictures go to {out}/")
    made: dict[str, Any] = {}  # what a step makes for a later one (the trained digits network)
    written: list[Path] = []
    for _, step in TOUR_STEPS:
        written += step(out, print, made)
    print("")
    print(f"Done: {len(written)} pictures in {out}/")
    return written
