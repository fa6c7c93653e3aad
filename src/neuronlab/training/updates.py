"""How big each step is next to the weights it moves: the update:data ratio of every weight matrix.

For a weight matrix p and one optimiser step Δp, the ratio is
log10(std(Δp) / std(p)): about -3 (each step moves the weights by a
thousandth of their spread) is the lectures' rough guide for a healthy
learning rate; far below it the layer barely learns, far above it the steps
are large enough to undo what was learned.  For plain SGD, Δp = lr · grad.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["GUIDE", "UpdateWatch", "update_ratio"]

#: The lectures' guide: log10 of a healthy update:data ratio.
GUIDE = -3.0


def update_ratio(change: np.ndarray, data: np.ndarray) -> float:
    """log10(std(change) / std(data)); -inf for no change, nan for weights that are all equal."""
    spread = float(np.std(data))
    moved = float(np.std(change))
    if spread == 0.0:
        return math.nan
    return -math.inf if moved == 0.0 else math.log10(moved / spread)


class UpdateWatch:
    """Measures the update:data ratio of every weight matrix (2-D parameter) across one step.

    ``before()`` copies the weights (only those: a few arrays); ``ratios(copies)``
    after the optimiser's step gives one ratio per matrix, in ``names`` order.
    """

    def __init__(self, named_parameters: list[tuple[str, Any]]) -> None:
        matrices = [(name, p) for name, p in named_parameters if np.ndim(p.data) == 2]
        self.names = [name for name, _ in matrices]
        self.params = [p for _, p in matrices]

    def __bool__(self) -> bool:
        return bool(self.params)

    def before(self) -> list[np.ndarray]:
        """Copies of the weights, taken just before a step."""
        return [p.data.copy() for p in self.params]

    def ratios(self, before: list[np.ndarray]) -> list[float]:
        """log10(std(Δp) / std(p)) of each weight matrix, Δp the change since ``before``."""
        return [update_ratio(p.data - old, p.data) for p, old in zip(self.params, before)]
