"""The threshold perceptron and its learning rule.

A perceptron outputs 1 when its weighted sum clears a threshold and 0
otherwise: ``output = 1 if w·x > threshold else 0``.  Writing the bias as
``b = -threshold`` gives the same rule as ``w·x + b > 0``.

The learning rule nudges the weights toward every misclassified example,
``w += lr · (target - output) · x`` and ``b += lr · (target - output)``; it
finds a separating line whenever one exists (AND, OR, NAND) and keeps cycling
when none does (XOR), which ``fit`` reports after its epoch limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..util.checks import describe, positive_number, real_number, whole_number

__all__ = ["Perceptron", "PerceptronFit"]


def _as_matrix(X: object, n_inputs: int, where: str) -> np.ndarray:
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: expected numbers, got {type(X).__name__}") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n_inputs:
        raise ValueError(
            f"{where}: expected rows of {n_inputs} inputs, got an array of shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{where}: inputs must be finite numbers")
    return arr


@dataclass
class PerceptronFit:
    """What ``Perceptron.fit`` did: whether it converged, in how many epochs, errors per epoch."""

    converged: bool
    epochs: int
    errors: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        if self.converged:
            return f"converged after {self.epochs} epoch(s): every example classified correctly"
        return (
            f"did not converge in {self.epochs} epochs "
            f"({self.errors[-1] if self.errors else '?'} example(s) still wrong in the last one)"
        )


class Perceptron:
    """A threshold unit: ``1 if w·x > threshold else 0``.

    ``Perceptron([2, 6, 2], threshold=5)`` is the sweets example of the
    design; ``Perceptron(2)`` starts with two zero weights and threshold 0,
    ready for ``fit``.  ``bias`` may be given instead of ``threshold``
    (``bias = -threshold``).
    """

    def __init__(
        self,
        weights: int | Sequence[float],
        threshold: float | None = None,
        *,
        bias: float | None = None,
    ) -> None:
        if isinstance(weights, (bool, np.bool_, int, np.integer)):
            w = np.zeros(whole_number(weights, "Perceptron(number of inputs)", minimum=1))
        else:
            try:
                w = np.array(weights, dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(
                    "Perceptron(weights): expected an int or a sequence of numbers, "
                    f"got {describe(weights)}"
                ) from None
            if w.ndim != 1 or w.size == 0 or not np.isfinite(w).all():
                raise ValueError(
                    f"Perceptron(weights): expected a flat list of finite numbers, got {weights!r}"
                )
        if threshold is not None and bias is not None:
            raise ValueError("Perceptron: give threshold or bias, not both (bias = -threshold)")
        b = 0.0
        for name, value in (("threshold", threshold), ("bias", bias)):
            if value is not None:
                number = real_number(value, f"Perceptron({name})")
                b = -number if name == "threshold" else number
        self.weights = w
        self.bias = b

    @property
    def threshold(self) -> float:
        """The level the weighted sum must exceed: ``-bias``."""
        return -self.bias

    @property
    def n_inputs(self) -> int:
        """How many inputs the perceptron reads."""
        return int(self.weights.size)

    def weighted_sum(self, X: object) -> np.ndarray:
        """w·x + b for each row of X (a single input vector gives one value)."""
        return _as_matrix(X, self.n_inputs, "Perceptron") @ self.weights + self.bias

    def predict(self, X: object) -> np.ndarray:
        """0 or 1 for each row of X: 1 where w·x > threshold."""
        return (self.weighted_sum(X) > 0).astype(np.int64)

    def __call__(self, x: object) -> int:
        """The output (0 or 1) for one input vector."""
        out = self.predict(x)
        if out.size != 1:
            raise ValueError(
                f"Perceptron(x): expected one input vector, got {out.size}; use predict()"
            )
        return int(out[0])

    def fit(self, X: object, y: object, *, lr: float = 1.0, max_epochs: int = 100) -> PerceptronFit:
        """Learn with the perceptron rule, one example at a time, until an epoch has no error.

        Stops after ``max_epochs`` if some example is still wrong (XOR never
        gets there); the returned ``PerceptronFit`` says which happened.
        """
        X = _as_matrix(X, self.n_inputs, "Perceptron.fit(X)")
        targets = np.asarray(y)
        if targets.shape != (len(X),):
            raise ValueError(
                f"Perceptron.fit(y): expected {len(X)} targets, got shape {targets.shape}"
            )
        if not np.isin(targets, (0, 1)).all():
            raise ValueError("Perceptron.fit(y): targets must be 0 or 1")
        lr = positive_number(lr, "Perceptron.fit(lr)")
        max_epochs = whole_number(max_epochs, "Perceptron.fit(max_epochs)", minimum=1)
        errors: list[int] = []
        for epoch in range(1, max_epochs + 1):
            wrong = 0
            for x, target in zip(X, targets):
                error = int(target) - int(x @ self.weights + self.bias > 0)
                if error:
                    self.weights += lr * error * x
                    self.bias += lr * error
                    wrong += 1
            errors.append(wrong)
            if wrong == 0:
                return PerceptronFit(True, epoch, errors)
        return PerceptronFit(False, max_epochs, errors)

    def __repr__(self) -> str:
        return f"Perceptron(weights={self.weights.tolist()}, threshold={self.threshold:g})"
