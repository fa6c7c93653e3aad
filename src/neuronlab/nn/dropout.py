"""Dropout: a random share of outputs zeroed while training, so no unit can rely on another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..tensor import Tensor, dropout
from ..util.checks import real_number
from ..util.rng import Seed, make_rng
from .engines import TENSOR
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Zero each entry with probability ``p`` in training mode, scaling the rest by 1 / (1 - p).

    In evaluation mode (``model.eval()``) the input passes unchanged: the
    scaling during training already keeps every entry's expected value, as
    in ``torch.nn.Dropout``.  ``seed`` makes the masks reproducible: the same
    seed gives the same sequence of masks, one new mask per call.
    """

    ENGINE = TENSOR

    def __init__(self, p: float = 0.5, *, seed: Seed = None) -> None:
        self.p = real_number(p, "Dropout(p)", minimum=0.0, maximum=1.0)
        self._rng = make_rng(seed)

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        return iter(())

    def forward(self, x: Tensor) -> Tensor:
        """x with a fresh random mask (training), or x itself (evaluation, or p = 0)."""
        x = TENSOR.checked_node(x, "Dropout")
        if not self.training or self.p == 0.0:
            return x
        return dropout(x, self.p, generator=self._rng)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p:g})"
