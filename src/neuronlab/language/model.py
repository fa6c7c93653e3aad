"""``LanguageModel``: layers that read a context of characters and score every possible next one."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data.text import Vocabulary
from ..nn.layers import Sequential
from ..nn.module import Module
from ..tensor import Tensor
from ..util.checks import whole_number

__all__ = ["LanguageModel"]


class LanguageModel(Sequential):
    """A character-level language model: a ``Sequential`` that knows its vocabulary and context.

    ``model(contexts)`` takes integer contexts of shape (N, ``block_size``),
    each a window of the characters before the one to predict (indices of
    ``vocabulary``, "." = 0 padding the start of a word), and returns the
    logits of shape (N, len(vocabulary)): a score for each possible next
    character, whose softmax is the model's probability for it.  Its layers
    and parameter names are those of a ``Sequential`` (``0.weight``, ...), so
    ``to_torch`` gives a ``torch.nn.Sequential`` with the same state_dict;
    ``save`` keeps the vocabulary and block size with the weights, so
    ``neuronlab sample`` can read it back.
    """

    def __init__(self, *layers: Module, vocabulary: Vocabulary, block_size: int) -> None:
        if not isinstance(vocabulary, Vocabulary):
            raise TypeError(
                f"LanguageModel(vocabulary): expected a Vocabulary, got {type(vocabulary).__name__}"
            )
        super().__init__(*layers)
        self.vocabulary = vocabulary
        self.block_size = whole_number(block_size, "LanguageModel(block_size)", minimum=1)

    def forward(self, contexts: Any) -> Tensor:
        """The logits (N, len(vocabulary)) for integer contexts of shape (N, block_size)."""
        shape = np.shape(contexts)
        if len(shape) != 2 or shape[1] != self.block_size:
            raise ValueError(
                f"LanguageModel: expected contexts of shape (N, {self.block_size}) "
                f"(block_size {self.block_size}), got shape {shape}"
            )
        logits = super().forward(contexts)
        if logits.data.shape != (shape[0], len(self.vocabulary)):
            raise ValueError(
                f"LanguageModel: its layers give shape {logits.shape} for {shape[0]} contexts; "
                f"a language model must give ({shape[0]}, {len(self.vocabulary)}), one score per "
                "character of its vocabulary"
            )
        return logits

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):  # a part of a language model is a plain Sequential
            return Sequential(*list(self)[index])
        return super().__getitem__(index)

    def __repr__(self) -> str:
        inner = super().__repr__().split("\n", 1)
        head = (
            f"LanguageModel(vocabulary of {len(self.vocabulary)} characters, "
            f"block_size={self.block_size}"
        )
        return head + (")" if len(inner) == 1 else "\n" + inner[1])
