"""The first rung: a bigram model made by counting, no training at all.

Count how often each character follows each other one in the words (with
"." before the first and after the last), add ``smoothing`` to every count so
no pair is impossible, and normalise each row: P(next | previous).  The
loss of this table on the words it was counted from is the best any bigram
model can do on them (the lectures' 2.454 with +1 smoothing on all names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..data.text import Vocabulary, context_windows
from ..util.checks import non_negative_number
from .ladder import bigram_network
from .model import LanguageModel

__all__ = ["BigramCounts", "count_bigrams"]


@dataclass(frozen=True)
class BigramCounts:
    """How often each character follows each other one, and the probabilities they give.

    ``counts[i, j]``: how many times character j follows character i
    (row and column 0 are the boundary "."), shape (V, V).
    """

    vocabulary: Vocabulary
    counts: np.ndarray
    smoothing: float

    @property
    def probabilities(self) -> np.ndarray:
        """P(next = j | previous = i) = (counts[i, j] + smoothing) / Σ_j (counts[i, j] + smoothing).

        A row that was never seen and has no smoothing is uniform.
        """
        table = self.counts + self.smoothing
        totals = table.sum(axis=1, keepdims=True)
        uniform = np.full_like(table, 1.0 / table.shape[1], dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, table / totals, uniform)

    def nll(self, words: Sequence[str]) -> float:
        """The mean negative log-likelihood of the bigrams of ``words``: -mean(log P(next|prev))."""
        X, Y = context_windows(list(words), 1, self.vocabulary)
        with np.errstate(divide="ignore"):
            return float(-np.log(self.probabilities[X[:, 0], Y]).mean())

    def as_model(self, dtype: object = None) -> LanguageModel:
        """The table as a bigram network whose W is log P: softmax(log P[i]) = P[i].

        So the counts sample, save and evaluate through the same code as the
        trained models.  (The lecture's trained bigram network approaches
        exactly this W.)
        """
        model = bigram_network(self.vocabulary, seed=0, dtype=dtype)
        with np.errstate(divide="ignore"):
            logp = np.log(self.probabilities)
        model[0].weight.data[...] = np.maximum(logp, -1e4)  # log 0: a large negative logit
        return model


def count_bigrams(
    words: Sequence[str], vocabulary: Vocabulary | None = None, smoothing: float = 1.0
) -> BigramCounts:
    """Count the bigrams of ``words`` (the lectures' N table), with ``smoothing`` added later.

    >>> table = count_bigrams(["emma"])
    >>> int(table.counts[table.vocabulary.stoi["m"], table.vocabulary.stoi["m"]])
    1
    """
    smoothing = non_negative_number(smoothing, "count_bigrams(smoothing)")
    if vocabulary is None:
        vocabulary = Vocabulary.from_words(words)
    X, Y = context_windows(list(words), 1, vocabulary)
    size = len(vocabulary)
    counts = np.bincount(X[:, 0] * size + Y, minlength=size * size).reshape(size, size)
    return BigramCounts(vocabulary, counts, smoothing)
