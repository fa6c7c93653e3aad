"""New words from a language model: one character at a time, each drawn from the model's
probabilities for what comes next, until the model writes the boundary "."."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data.text import BOUNDARY
from ..nn.module import evaluation_mode
from ..tensor import multinomial, no_grad
from ..util.checks import positive_number, whole_number
from ..util.rng import Seed, make_rng
from .model import LanguageModel

__all__ = ["MAX_LENGTH", "MAX_SAMPLES", "next_character_probabilities", "sample"]

#: The most words one call writes (they are written side by side, one row each).
MAX_SAMPLES = 100_000
#: The longest word written: a model that never writes "." stops here.
MAX_LENGTH = 64


def next_character_probabilities(
    model: LanguageModel, contexts: Any, temperature: float = 1.0, top_k: int | None = None
) -> np.ndarray:
    """softmax(logits / temperature) for each context, keeping only the ``top_k`` likeliest.

    A temperature below 1 sharpens the distribution (safer, more common
    names), above 1 flattens it (stranger ones); top-k gives every character
    outside the k most likely probability 0 (characters tied with the k-th
    score are kept too).  Computed in evaluation mode,
    without a graph; float64 rows that sum to 1.
    """
    with no_grad(), evaluation_mode(model):
        logits = model(contexts).data.astype(np.float64)
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[1]:
        cut = np.partition(logits, -top_k, axis=1)[:, -top_k][:, None]
        logits = np.where(logits >= cut, logits, -np.inf)
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def _checked(model: Any, n: Any, temperature: Any, top_k: Any, max_length: Any) -> tuple:
    if not isinstance(model, LanguageModel):
        raise TypeError(
            f"sample(model): expected a LanguageModel (made by neuronlab.language), "
            f"got {type(model).__name__}"
        )
    count = whole_number(n, "sample(n)", minimum=1, maximum=MAX_SAMPLES)
    heat = positive_number(temperature, "sample(temperature)")
    k = None
    if top_k is not None:
        k = whole_number(top_k, "sample(top_k)", minimum=1, maximum=len(model.vocabulary))
    length = whole_number(max_length, "sample(max_length)", minimum=1, maximum=MAX_LENGTH)
    return count, heat, k, length


def sample(
    model: LanguageModel,
    n: int = 20,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    start: str = "",
    max_length: int = 32,
    seed: Seed = None,
) -> list[str]:
    """``n`` new words from ``model``, each begun with ``start`` (a prefix; "" by default).

    All ``n`` words are written side by side: at each position every
    unfinished word's context goes through the model at once, and its next
    character is drawn (``multinomial``) from ``next_character_probabilities``.
    A word ends when "." is drawn, or after ``max_length`` characters.  The
    same ``seed`` gives the same words.  The model is used in evaluation mode
    and left in the mode it was in.  A character of ``start`` that the
    vocabulary lacks is a ValueError naming it.
    """
    count, heat, k, length = _checked(model, n, temperature, top_k, max_length)
    if not isinstance(start, str):
        raise TypeError(f"sample(start): expected a str, got {type(start).__name__}")
    if BOUNDARY in start:
        raise ValueError(f"sample(start): {BOUNDARY!r} marks the end of a word, got {start!r:.60}")
    prefix = model.vocabulary.encode(start)  # refuses characters it does not know
    if len(prefix) > length:
        raise ValueError(
            f"sample(start): {len(prefix)} characters, longer than max_length ({length})"
        )
    rng = make_rng(seed)
    block = model.block_size
    contexts = np.zeros((count, block), dtype=np.int64)
    for ix in prefix:
        contexts = np.concatenate([contexts[:, 1:], np.full((count, 1), ix)], axis=1)
    written = np.zeros((count, length), dtype=np.int64)
    alive = np.ones(count, dtype=bool)
    for position in range(len(prefix), length):
        rows = np.flatnonzero(alive)
        if not rows.size:
            break
        probs = next_character_probabilities(model, contexts[rows], heat, k)
        drawn = multinomial(probs, 1, replacement=True, generator=rng)[:, 0]
        written[rows, position] = drawn
        contexts[rows] = np.concatenate([contexts[rows, 1:], drawn[:, None]], axis=1)
        alive[rows[drawn == 0]] = False
    return [start + _decoded(model, row[len(prefix) :]) for row in written]


def _decoded(model: LanguageModel, row: np.ndarray) -> str:
    """The characters of one written row, up to (not including) the first ".": 0."""
    ends = np.flatnonzero(row == 0)
    return model.vocabulary.decode(row[: ends[0]] if ends.size else row)
