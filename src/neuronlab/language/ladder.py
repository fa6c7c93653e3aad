"""The lectures' ladder of character-level language models, one builder each.

Each builder returns a ``LanguageModel`` whose layers are the lecture's, with
its starting weights, so the lecture's recipe reproduces its numbers:

=============  =========================================================  ===========
name           layers                                                     parameters
=============  =========================================================  ===========
``bigram``     one-hot(previous char) @ W  (an ``Embedding(27, 27)``)     729
``mlp``        Embedding 10 · 3 chars → Linear 200 → tanh → Linear 27     11,897
``batchnorm``  the same with BatchNorm1d before the tanh, Kaiming init    12,097
``wavenet``    Embedding 24 · 8 chars, then 3 × (pairs merged, Linear     76,579
               128, BatchNorm1d, tanh), Linear 27
=============  =========================================================  ===========

(the parameter counts are for the 27 characters of the names).  The bigram
counts, the first rung, are not a network: ``counts.count_bigrams``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..data.text import Vocabulary
from ..nn.dropout import Dropout
from ..nn.init import calculate_gain
from ..nn.layers import Flatten, Linear, Tanh
from ..nn.module import Module
from ..nn.normalization import BatchNorm1d
from ..nn.sequence import Embedding, FlattenConsecutive
from ..util.checks import one_of, real_number, whole_number
from ..util.rng import Seed, make_rng
from .model import LanguageModel

__all__ = [
    "LADDER",
    "MLP_INITS",
    "RUNGS",
    "SMALL_LAST_LAYER",
    "LadderModel",
    "batchnorm_mlp",
    "bigram_network",
    "mlp",
    "wavenet",
]

#: The lectures' trick: the last layer starts this much smaller, so that at the start every
#: character gets about the same probability (a loss of ln 27 = 3.30, not 20 or 30).
SMALL_LAST_LAYER = 0.1
#: How ``mlp`` can start: "normal" is the first lecture's N(0, 1) everywhere, "kaiming" the
#: next lecture's fix (tanh's gain over √fan_in, zero biases, a small last layer).
MLP_INITS = ("normal", "kaiming")


def _vocabulary_size(vocabulary: Any, where: str) -> int:
    if not isinstance(vocabulary, Vocabulary):
        raise TypeError(
            f"{where}(vocabulary): expected a Vocabulary, got {type(vocabulary).__name__}"
        )
    return len(vocabulary)


def bigram_network(
    vocabulary: Vocabulary, *, seed: Seed = None, dtype: Any = None
) -> LanguageModel:
    """The bigram network: logits = one_hot(previous character) @ W, W of shape (V, V).

    The lecture's ``W = torch.randn((27, 27))``: an ``Embedding(V, V)`` looks
    up row i of W, which is exactly one_hot(i) @ W.  Context: one character.
    """
    size = _vocabulary_size(vocabulary, "bigram_network")
    table = Embedding(size, size, seed=make_rng(seed), dtype=dtype)
    return LanguageModel(table, Flatten(), vocabulary=vocabulary, block_size=1)


def mlp(
    vocabulary: Vocabulary,
    block_size: int = 3,
    n_embd: int = 10,
    n_hidden: int = 200,
    *,
    init: str = "normal",
    seed: Seed = None,
    dtype: Any = None,
) -> LanguageModel:
    """Bengio et al.'s MLP as the lectures build it: embed, flatten, Linear, tanh, Linear.

    init "normal": every weight and bias N(0, 1), the first lecture's start
    (too large: many tanh units saturate, yet it trains to a dev loss of
    about 2.17).  init "kaiming": the next lecture's fix, W1 with tanh's gain
    5/3 over √fan_in, zero biases and a small last layer (about 2.10).
    """
    size = _vocabulary_size(vocabulary, "mlp")
    block = whole_number(block_size, "mlp(block_size)", minimum=1)
    embd = whole_number(n_embd, "mlp(n_embd)", minimum=1)
    hidden = whole_number(n_hidden, "mlp(n_hidden)", minimum=1)
    one_of(init, MLP_INITS, "mlp(init)")
    rng = make_rng(seed)
    table = Embedding(size, embd, seed=rng, dtype=dtype)
    if init == "normal":
        first = Linear(block * embd, hidden, init="normal", seed=rng, dtype=dtype)
        last = Linear(hidden, size, init="normal", seed=rng, dtype=dtype)
        for layer in (first, last):  # the lecture's biases are N(0, 1) too
            assert layer.bias is not None
            layer.bias.data[...] = rng.standard_normal(layer.bias.shape)
    else:
        gain = calculate_gain("tanh")
        first = Linear(block * embd, hidden, init="kaiming", gain=gain, seed=rng, dtype=dtype)
        last = Linear(hidden, size, init="kaiming", gain=SMALL_LAST_LAYER, seed=rng, dtype=dtype)
    layers = (table, Flatten(), first, Tanh(), last)
    return LanguageModel(*layers, vocabulary=vocabulary, block_size=block)


def batchnorm_mlp(
    vocabulary: Vocabulary,
    block_size: int = 3,
    n_embd: int = 10,
    n_hidden: int = 200,
    *,
    momentum: float = 0.001,
    seed: Seed = None,
    dtype: Any = None,
) -> LanguageModel:
    """The MLP with BatchNorm1d between its first Linear and the tanh, Kaiming-initialised.

    The first Linear has no bias (BatchNorm subtracts the mean, so a bias
    would be cancelled; its own bias takes that role), tanh's gain 5/3 and a
    small last layer, as in the lecture.  The running statistics move by
    ``momentum`` a step: the lecture's 0.001 (PyTorch's default is 0.1, which
    keeps only the last few batches in them, a noisier estimate for evaluation).
    """
    size = _vocabulary_size(vocabulary, "batchnorm_mlp")
    block = whole_number(block_size, "batchnorm_mlp(block_size)", minimum=1)
    embd = whole_number(n_embd, "batchnorm_mlp(n_embd)", minimum=1)
    hidden = whole_number(n_hidden, "batchnorm_mlp(n_hidden)", minimum=1)
    rng = make_rng(seed)
    gain = calculate_gain("tanh")
    layers = (
        Embedding(size, embd, seed=rng, dtype=dtype),
        Flatten(),
        Linear(block * embd, hidden, bias=False, init="kaiming", gain=gain, seed=rng, dtype=dtype),
        BatchNorm1d(hidden, momentum=momentum, dtype=dtype),
        Tanh(),
        Linear(hidden, size, init="kaiming", gain=SMALL_LAST_LAYER, seed=rng, dtype=dtype),
    )
    return LanguageModel(*layers, vocabulary=vocabulary, block_size=block)


def wavenet(
    vocabulary: Vocabulary,
    block_size: int = 8,
    n_embd: int = 24,
    n_hidden: int = 128,
    *,
    dropout: float = 0.0,
    seed: Seed = None,
    dtype: Any = None,
) -> LanguageModel:
    """The hierarchical model of the WaveNet lecture: neighbours merged two at a time.

    Embed the ``block_size`` characters, then at each of log2(block_size)
    levels merge pairs of neighbours (``FlattenConsecutive(2)``) and apply
    Linear (no bias, 1/√fan_in) → BatchNorm1d → tanh; a last Linear starts
    small.  ``block_size`` must be a power of 2 (8: three levels).
    ``dropout`` > 0 adds a ``Dropout`` after each tanh (not in the lecture:
    it keeps this model, which learns its training words by heart, general).
    """
    size = _vocabulary_size(vocabulary, "wavenet")
    block = whole_number(block_size, "wavenet(block_size)", minimum=2)
    levels = round(math.log2(block))
    if 2**levels != block:
        raise ValueError(
            f"wavenet(block_size): expected a power of 2 (pairs are merged at every level), "
            f"got {block}"
        )
    embd = whole_number(n_embd, "wavenet(n_embd)", minimum=1)
    hidden = whole_number(n_hidden, "wavenet(n_hidden)", minimum=1)
    drop = real_number(dropout, "wavenet(dropout)", minimum=0.0, maximum=1.0)
    rng = make_rng(seed)
    layers: list[Module] = [Embedding(size, embd, seed=rng, dtype=dtype)]
    width = embd
    for _ in range(levels):
        layers += [
            FlattenConsecutive(2),
            Linear(width * 2, hidden, bias=False, init="kaiming", seed=rng, dtype=dtype),
            BatchNorm1d(hidden, dtype=dtype),
            Tanh(),
        ]
        if drop:
            layers.append(Dropout(drop, seed=rng))
        width = hidden
    layers.append(
        Linear(hidden, size, init="kaiming", gain=SMALL_LAST_LAYER, seed=rng, dtype=dtype)
    )
    return LanguageModel(*layers, vocabulary=vocabulary, block_size=block)


@dataclass(frozen=True)
class LadderModel:
    """One rung of the ladder: its builder, what it is, and the lecture that builds it."""

    name: str
    build: Callable[..., LanguageModel]
    summary: str
    lecture: str


#: Model name -> its rung (the bigram counts, which are not a network, are in ``counts``).
LADDER: dict[str, LadderModel] = {
    m.name: m
    for m in (
        LadderModel(
            "bigram", bigram_network, "one-hot × W: a 27 × 27 table of logits", "makemore part 1"
        ),
        LadderModel(
            "mlp", mlp, "an embedding of 3 characters, a tanh layer of 200", "makemore part 2"
        ),
        LadderModel(
            "batchnorm", batchnorm_mlp, "the MLP with BatchNorm and Kaiming init", "makemore part 3"
        ),
        LadderModel(
            "wavenet", wavenet, "8 characters merged in pairs over 3 levels", "makemore part 5"
        ),
    )
}

#: Every rung in order, the bigram counts first: the names ``neuronlab makemore --model`` takes.
RUNGS = ("counts", *LADDER)
