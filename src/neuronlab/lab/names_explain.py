"""One sample, position by position: the model's probability for every next character.

Clicking a sample on the names page asks for this: for each character of the
word, and the "." that ended it, the context the model read, its
``next_character_probabilities`` at the temperature the sample was drawn with,
and the character that was drawn there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..data.text import BOUNDARY
from ..language.sampling import next_character_probabilities
from .names_settings import LIMITS
from .settings import LabInputError

if TYPE_CHECKING:
    from .names_session import NamesSession

__all__ = ["explain_word"]


def _checked_word(session: NamesSession, word: Any) -> list[int]:
    """The word's character indices, or a LabInputError naming the field "word"."""
    if not isinstance(word, str):
        raise LabInputError("word", f"expected a word (text), got {type(word).__name__}")
    if len(word) > LIMITS.sample_length:
        raise LabInputError(
            "word", f"expected at most {LIMITS.sample_length} characters, got {len(word)}"
        )
    vocabulary = session.data.vocabulary
    for ch in word:
        if ch == BOUNDARY or ch not in vocabulary:
            raise LabInputError(
                "word",
                f"the character {ch!r} is not one the model writes ({vocabulary.characters!r})",
            )
    return vocabulary.encode(word)


def explain_word(session: NamesSession, word: Any) -> dict[str, Any]:
    """``{"word", "characters", "temperature", "positions": [{"context", "drawn", "probs"}]}``.

    Position i scores what follows the i characters before it (the first
    from a context of "."s); the last position is the "." that ends the word,
    unless the word reached the longest a sample may be.
    """
    indices = _checked_word(session, word)
    block = session.model.block_size
    ends = len(indices) < LIMITS.sample_length
    targets = indices + ([0] if ends else [])
    padded = [0] * block + indices
    contexts = np.array([padded[i : i + block] for i in range(len(targets))], dtype=np.int64)
    temperature = session.settings.temperature
    probs = next_character_probabilities(session.model, contexts, temperature)
    characters = session.data.vocabulary.characters
    positions = [
        {
            "context": "".join(characters[j] for j in contexts[i]),
            "drawn": characters[target],
            "drawn_index": target,
            "probs": np.round(probs[i], 5).tolist(),
        }
        for i, target in enumerate(targets)
    ]
    return {
        "word": word,
        "characters": characters,
        "temperature": temperature,
        "positions": positions,
    }
