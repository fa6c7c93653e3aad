"""Layers for sequences of tokens: ``Embedding`` (a learned vector per token) and
``FlattenConsecutive`` (neighbours merged, the WaveNet's way of growing a context).

A character-level language model reads a context of ``block_size`` characters
as integers (N, block_size).  ``Embedding`` turns each into a learned vector:
(N, block_size, dim).  An MLP then flattens the whole context into one row
(``Flatten``); a hierarchical model (the WaveNet lecture) merges only pairs of
neighbours at each level (``FlattenConsecutive(2)``), so that information is
fused slowly, two characters, then four, then eight.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..tensor import Tensor, check_dtype, embedding
from ..util.checks import whole_number
from ..util.rng import Seed, make_rng
from .engines import TENSOR
from .init import normal_init
from .module import Module

__all__ = ["Embedding", "FlattenConsecutive"]


class Embedding(Module):
    """A table of ``num_embeddings`` learned vectors of ``embedding_dim`` numbers, one per token.

    ``forward(indices)`` looks up row i for every integer i: (...,) ->
    (..., embedding_dim).  This is one-hot(i) @ weight without the one-hot,
    so the lectures' bigram network ``xenc @ W`` is ``Embedding(27, 27)``;
    its backward adds each row's gradient into the table (a token seen twice
    gets both).  ``weight`` starts N(0, 1), as PyTorch's and the lectures'
    ``C = torch.randn((27, 10))``.  An index outside the table is an
    IndexError naming it.
    """

    ENGINE = TENSOR

    def __init__(
        self, num_embeddings: int, embedding_dim: int, *, seed: Seed = None, dtype: Any = None
    ) -> None:
        rows = whole_number(num_embeddings, "Embedding(num_embeddings)", minimum=1)
        dim = whole_number(embedding_dim, "Embedding(embedding_dim)", minimum=1)
        dt = check_dtype(dtype)
        table = normal_init((rows, dim), seed=make_rng(seed), dtype=dt)
        self.weight = Tensor(table, dtype=dt, requires_grad=True)
        self.num_embeddings = rows
        self.embedding_dim = dim

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        if self.weight.requires_grad:
            yield f"{prefix}weight", self.weight

    def takes_indices(self) -> bool:
        """An embedding reads integer indices, not features."""
        return True

    def forward(self, indices: Any) -> Tensor:
        """The rows of the table for ``indices`` (integers, any shape)."""
        return embedding(self.weight, indices)

    def __repr__(self) -> str:
        return f"Embedding({self.num_embeddings}, {self.embedding_dim})"


class FlattenConsecutive(Module):
    """Merge every ``n`` consecutive positions into one: (B, T, C) -> (B, T/n, C·n).

    Position pairs (0, 1), (2, 3)... of a sequence become single positions
    whose features are the pair's side by side.  When one position is left
    (T == n) the result is (B, C·n), a plain row per example, as in the
    lecture's class.  T must be a multiple of n.
    """

    ENGINE = TENSOR

    def __init__(self, n: int) -> None:
        self.n = whole_number(n, "FlattenConsecutive(n)", minimum=1)

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        return iter(())

    def forward(self, x: Tensor) -> Tensor:
        """x of shape (B, T, C) as (B, T/n, C·n), or (B, C·n) when T == n."""
        x = TENSOR.checked_node(x, "FlattenConsecutive")
        if x.data.ndim != 3:
            raise ValueError(
                f"FlattenConsecutive: expected input of shape (batch, positions, features), "
                f"got shape {x.shape}"
            )
        b, t, c = x.data.shape
        if t % self.n:
            raise ValueError(
                f"FlattenConsecutive({self.n}): {t} positions cannot be merged {self.n} at a "
                f"time (input shape {x.shape}); the context length must be a multiple of "
                f"{self.n} at this level"
            )
        if t == self.n:
            return x.reshape(b, c * self.n)
        return x.reshape(b, t // self.n, c * self.n)

    def __repr__(self) -> str:
        return f"FlattenConsecutive({self.n})"
