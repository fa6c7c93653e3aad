"""The tour's worked examples as functions: each builds its numbers afresh, the same every time.

The examples themselves are ``neuronlab.worked``'s; here they come with their
backward pass done, as the tour shows them.

>>> l_graph()["L"].data, l_graph()["a"].grad
(-8.0, 6.0)
>>> round(tanh_neuron()["o"].data, 4), round(tanh_neuron()["w1"].grad, 12)
(0.7071, 1.0)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .. import data as datasets
from .. import worked
from ..engine import Value
from ..nn import Sequential, mlp
from ..optim import Adam
from ..training import History, fit
from ..worked import TANH_NEURON_BIAS, tanh_neuron_output

__all__ = [
    "DIGITS_RECIPE",
    "TANH_NEURON_BIAS",
    "DigitsRun",
    "l_graph",
    "tanh_neuron",
    "tanh_neuron_output",
    "train_digits",
]

#: How the tour trains its digit classifier (measured: 97.6% of the 450 test images, ~1 s).
DIGITS_RECIPE = "mlp([64, 64, 10], seed=0), Adam lr 0.01, 30 epochs, batches of 32"


def l_graph() -> dict[str, Value]:
    """The design's first computation graph (``worked.l_graph``), forward and backward done.

    a = 2, b = -3, c = 10, e = a·b, d = e + c, f = -2, L = d·f = -8; returns
    every Value by name (``"a"``, ..., ``"L"``) with its ``.grad`` filled.
    """
    v = worked.l_graph()
    v["L"].backward()
    return v


def tanh_neuron() -> dict[str, Value]:
    """The design's neuron (``worked.tanh_neuron``): o = tanh(x1·w1 + x2·w2 + b), backward done.

    x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.88..., so o ≈ 0.7071; returns every
    Value by name (``"x1"``, ``"x1*w1"``, ``"n"``, ``"o"``, ...).
    """
    v = worked.tanh_neuron()
    v["o"].backward()
    return v


@dataclass(frozen=True)
class DigitsRun:
    """The tour's trained digit classifier, its history and the data it was tested on."""

    model: Sequential
    history: History
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    seconds: float


def train_digits() -> DigitsRun:
    """Train the tour's digit classifier (``DIGITS_RECIPE``) on the tensor engine.

    The 1,797 8×8 digits split into 1,347 for training and 450 for testing
    (``datasets.digits()``); the test set is evaluated after every epoch
    (``validation=``), so the history has the test curve.  Needs scikit-learn,
    which ships the digits.
    """
    X_train, X_test, y_train, y_test = datasets.digits()
    model = mlp([64, 64, 10], seed=0)
    start = time.perf_counter()
    history = fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer=Adam(model.parameters(), lr=0.01),
        epochs=30,
        batch_size=32,
        seed=0,
        validation=(X_test, y_test),
        verbose=False,
    )
    seconds = time.perf_counter() - start
    return DigitsRun(model, history, X_train, y_train, X_test, y_test, seconds)
