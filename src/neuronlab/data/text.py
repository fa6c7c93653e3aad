"""Characters as integers, as the makemore lectures do it: a vocabulary, context windows, a split.

A character-level language model reads words one character at a time and
predicts the next.  ``BOUNDARY`` (``"."``) marks where a word starts and ends,
so the model also learns which letters begin a word and when it is over; it is
index 0 of every ``Vocabulary``, the other characters follow (sorted, for
``Vocabulary.from_words``).

``context_windows(words, block_size)`` turns words into training examples:
each character of a word, and the closing ``"."``, is a target, and the
``block_size`` characters before it are its context (padded with ``"."`` at
the start of the word).  With ``block_size=3`` the word ``"emma"`` gives::

    ... -> e    ..e -> m    .em -> m    emm -> a    mma -> .

``split_words(words)`` is the lectures' train/dev/test split, without touching
Python's global random state.

>>> vocab = Vocabulary.from_words(["emma", "ava"])
>>> vocab
Vocabulary(5 characters: '.aemv')
>>> vocab.encode("ava"), vocab.decode([2, 3, 3, 1])
([1, 4, 1], 'emma')
>>> X, Y = context_windows(["emma"], 3)
>>> X.tolist(), Y.tolist()
([[0, 0, 0], [0, 0, 2], [0, 2, 3], [2, 3, 3], [3, 3, 1]], [2, 3, 3, 1, 0])
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..util.checks import describe, real_number, whole_number

__all__ = [
    "BOUNDARY",
    "MAX_BLOCK_SIZE",
    "MAX_CONTEXT_NUMBERS",
    "Vocabulary",
    "context_windows",
    "split_words",
]

#: Marks the start and the end of every word; index 0 of every vocabulary.
BOUNDARY = "."

#: The longest context ``context_windows`` makes.  The context is a window of
#: the characters just before the target; a window longer than the longest word
#: only adds padding ("."), while its memory grows with it (8 bytes a character
#: of every example), so a larger block size is refused before anything is made.
MAX_BLOCK_SIZE = 64

#: The most indices the contexts of one call may hold (X is examples × block_size int64s):
#: 100 million, 800 MB.  The names with a context of 8 hold 1.8 million.
MAX_CONTEXT_NUMBERS = 100_000_000


class Vocabulary:
    """The characters a model knows, each with its index: ``BOUNDARY`` first, at 0.

    ``Vocabulary(".abc")`` gives "." -> 0, "a" -> 1, "b" -> 2, "c" -> 3; the
    characters come in index order, start with ".", are single characters and
    appear once each.  ``stoi`` (character -> index) and ``itos`` (index ->
    character) are the lectures' two dicts, read-only.
    """

    __slots__ = ("_characters", "_itos", "_stoi")

    def __init__(self, characters: str | Iterable[str]) -> None:
        """Build it from its characters in index order; see the class docstring."""
        text = _checked_characters(characters)
        self._characters = text
        self._stoi: dict[str, int] = {ch: i for i, ch in enumerate(text)}
        self._itos: dict[int, str] = dict(enumerate(text))

    @classmethod
    def from_words(cls, words: Iterable[str]) -> Vocabulary:
        """The lectures' vocabulary: ``BOUNDARY``, then every character of the words, sorted.

        >>> Vocabulary.from_words(["bob", "ada"]).characters
        '.abdo'
        """
        checked = _checked_words(words, "Vocabulary.from_words(words)")
        return cls(BOUNDARY + "".join(sorted(set("".join(checked)))))

    @property
    def characters(self) -> str:
        """All the characters in index order (``characters[i]`` has index i)."""
        return self._characters

    @property
    def stoi(self) -> Mapping[str, int]:
        """Character -> index, read-only (``stoi["."] == 0``)."""
        return MappingProxyType(self._stoi)

    @property
    def itos(self) -> Mapping[int, str]:
        """Index -> character, read-only (``itos[0] == "."``)."""
        return MappingProxyType(self._itos)

    def __len__(self) -> int:
        """How many characters, "." included: the number of classes a model scores."""
        return len(self._characters)

    def __contains__(self, character: object) -> bool:
        """Whether ``character`` is one of the vocabulary's characters."""
        return isinstance(character, str) and character in self._stoi

    def encode(self, word: str) -> list[int]:
        """The index of each character of ``word`` (``"ab"`` -> ``[1, 2]`` for ".ab")."""
        if not isinstance(word, str):
            raise TypeError(f"Vocabulary.encode(word): expected a str, got {describe(word)}")
        stoi = self._stoi
        for ch in word:
            if ch not in stoi:
                raise ValueError(
                    f"Vocabulary.encode(word): the character {ch!r} of the word {word!r:.80} is "
                    f"not in the vocabulary {self._characters!r}"
                )
        return [stoi[ch] for ch in word]

    def decode(self, indices: Iterable[int]) -> str:
        """The characters of ``indices``, joined (``[1, 2]`` -> ``"ab"`` for ".ab")."""
        if isinstance(indices, (str, bytes)) or not isinstance(indices, Iterable):
            raise TypeError(
                f"Vocabulary.decode(indices): expected a sequence of ints, got {describe(indices)}"
            )
        top = len(self._characters) - 1
        out = []
        for i in indices:
            index = whole_number(i, "Vocabulary.decode(indices)")
            if not 0 <= index <= top:
                raise ValueError(
                    f"Vocabulary.decode(indices): expected indices in 0..{top}, got {index} "
                    f"(the vocabulary has {top + 1} characters)"
                )
            out.append(self._itos[index])
        return "".join(out)

    def __eq__(self, other: object) -> bool:
        """Two vocabularies are equal when they hold the same characters in the same order."""
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return self._characters == other._characters

    def __hash__(self) -> int:
        """By the characters, as ``__eq__``."""
        return hash((Vocabulary, self._characters))

    def __repr__(self) -> str:
        """``Vocabulary(27 characters: '.abcdefghijklmnopqrstuvwxyz')``."""
        return f"Vocabulary({len(self._characters)} characters: {self._characters!r})"


def _checked_characters(characters: Any) -> str:
    """The characters of a new vocabulary, checked, as one str."""
    what = "Vocabulary(characters)"
    if isinstance(characters, str):
        text = characters
    elif isinstance(characters, (bytes, Mapping)) or not isinstance(characters, Iterable):
        raise TypeError(f"{what}: expected a str of characters, got {describe(characters)}")
    else:
        items = list(characters)
        for i, ch in enumerate(items):
            if not isinstance(ch, str) or len(ch) != 1:
                raise TypeError(
                    f"{what}: expected single characters, got {describe(ch)} at position {i}"
                )
        text = "".join(items)
    if not text.startswith(BOUNDARY):
        raise ValueError(
            f"{what}: expected {BOUNDARY!r} (the word boundary, index 0) first, got {text!r:.80}"
        )
    if len(text) < 2:
        raise ValueError(f"{what}: expected at least one character besides {BOUNDARY!r}, got none")
    if len(set(text)) != len(text):
        twice = next(ch for i, ch in enumerate(text) if ch in text[:i])
        raise ValueError(f"{what}: expected each character once, got {twice!r} twice")
    return text


def _checked_words(words: Any, where: str) -> list[str]:
    """``words`` as a list of non-empty str without ".", or a clear error naming the word."""
    if isinstance(words, (str, bytes, Mapping)) or not isinstance(words, Iterable):
        raise TypeError(f"{where}: expected a list of words (str), got {describe(words)}")
    checked = list(words)
    if not checked:
        raise ValueError(f"{where}: expected at least one word, got none")
    for i, word in enumerate(checked):
        if not isinstance(word, str):
            raise TypeError(f"{where}: expected words (str), got {describe(word)} at position {i}")
        if not word:
            raise ValueError(
                f"{where}: expected words of at least one character, got '' at position {i}"
            )
    if BOUNDARY in "".join(checked):
        i, word = next((i, w) for i, w in enumerate(checked) if BOUNDARY in w)
        raise ValueError(
            f"{where}: the word {word!r:.80} (position {i}) contains {BOUNDARY!r}, which marks "
            "word boundaries here; a word may not contain it"
        )
    return checked


def _indices(vocabulary: Vocabulary, words: list[str]) -> np.ndarray:
    """Every character of every word (joined) as its index in ``vocabulary``, vectorised."""
    text = "".join(words).encode("utf-32-le", "surrogatepass")  # a str may hold lone surrogates
    points = np.frombuffer(text, dtype="<u4")
    known = np.array([ord(ch) for ch in vocabulary.characters], dtype=np.uint32)
    order = np.argsort(known)
    at = np.minimum(np.searchsorted(known[order], points), len(known) - 1)
    found = known[order][at] == points
    if not found.all():  # name the first unknown character and its word
        first = int(np.argmin(found))
        at_word = int(np.searchsorted(np.cumsum([len(w) for w in words]), first, side="right"))
        raise ValueError(
            f"context_windows(words): the character {chr(points[first])!r} of the word "
            f"{words[at_word]!r:.80} (position {at_word}) is not in the vocabulary "
            f"{vocabulary.characters!r}"
        )
    return order[at].astype(np.int64)


def _checked_block_size(block_size: Any) -> int:
    """``block_size`` as an int in 1..MAX_BLOCK_SIZE, with the reason for the maximum."""
    what = "context_windows(block_size)"
    try:
        return whole_number(block_size, what, minimum=1, maximum=MAX_BLOCK_SIZE)
    except ValueError as exc:
        raise ValueError(
            f"{exc} (the context is a window of the characters before each one; "
            "a window longer than the longest word only adds padding)"
        ) from None


def context_windows(
    words: Iterable[str], block_size: int, vocabulary: Vocabulary | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Every (context, next character) pair of the words: ``X`` (n, block_size), ``Y`` (n,).

    Each character of each word, and the closing ".", is one target; its
    context is the ``block_size`` characters before it in the word, padded
    with "." (index 0) at the start.  A word of L characters gives L + 1
    examples.  Both arrays are int64 indices of ``vocabulary`` (default:
    ``Vocabulary.from_words(words)``; for the parts of a split pass the
    vocabulary of all the words, so every part numbers its characters alike).
    ``block_size`` must be in 1..``MAX_BLOCK_SIZE``, and the contexts may hold
    at most ``MAX_CONTEXT_NUMBERS`` indices, checked before anything is made.
    """
    size = _checked_block_size(block_size)
    checked = _checked_words(words, "context_windows(words)")
    examples = sum(len(w) + 1 for w in checked)
    if examples * size > MAX_CONTEXT_NUMBERS:
        raise ValueError(
            f"context_windows: {examples:,} examples of {size} characters would hold "
            f"{examples * size:,} indices; at most {MAX_CONTEXT_NUMBERS:,} (8 bytes each) are "
            "made at once: use fewer words or a shorter block_size"
        )
    if vocabulary is None:
        vocabulary = Vocabulary(BOUNDARY + "".join(sorted(set("".join(checked)))))
    elif not isinstance(vocabulary, Vocabulary):
        raise TypeError(
            "context_windows(vocabulary): expected a Vocabulary or None, "
            f"got {describe(vocabulary)}"
        )
    indices = _indices(vocabulary, checked)
    # One stream of indices: each word is [0] * size, its characters, then the closing 0.
    # Word w's characters sit w * (size + 1) + size places after their place in the joined
    # text, and its examples' contexts start w * size places after the example's number.
    lengths = np.fromiter((len(w) for w in checked), dtype=np.int64, count=len(checked))
    words_at = np.arange(len(checked), dtype=np.int64)
    stream = np.zeros(len(indices) + len(checked) * (size + 1), dtype=np.int64)
    word_of_char = np.repeat(words_at, lengths)
    stream[np.arange(len(indices)) + word_of_char * (size + 1) + size] = indices
    word_of_example = np.repeat(words_at, lengths + 1)
    starts = np.arange(len(word_of_example), dtype=np.int64) + word_of_example * size
    X = np.ascontiguousarray(sliding_window_view(stream, size)[starts])
    Y = stream[starts + size]
    return X, Y


def _checked_fractions(fractions: Any) -> tuple[float, float, float]:
    """Three numbers >= 0 that add up to 1 (train, dev, test)."""
    what = "split_words(fractions)"
    if isinstance(fractions, (str, bytes)) or not isinstance(fractions, Sequence):
        raise TypeError(
            f"{what}: expected three numbers (train, dev, test), got {describe(fractions)}"
        )
    if len(fractions) != 3:
        raise ValueError(f"{what}: expected three numbers (train, dev, test), got {len(fractions)}")
    f1, f2, f3 = (real_number(f, what, minimum=0.0) for f in fractions)
    if not math.isclose(f1 + f2 + f3, 1.0, rel_tol=0.0, abs_tol=1e-9):
        raise ValueError(f"{what}: expected numbers that add up to 1, got {f1 + f2 + f3:g}")
    return f1, f2, f3


def split_words(
    words: Iterable[str],
    seed: int | None = 42,
    fractions: Sequence[float] = (0.8, 0.1, 0.1),
) -> tuple[list[str], list[str], list[str]]:
    """The lectures' split into ``(train, dev, test)``: shuffled with ``seed``, then cut.

    Exactly ``random.seed(42); random.shuffle(words)``, then train =
    ``words[:n1]``, dev = ``words[n1:n2]``, test = ``words[n2:]`` with
    n1 = int(f1 · n) and n2 = int((f1 + f2) · n), but on a copy with its own
    ``random.Random(seed)``: the caller's list and Python's global random
    state are left as they were.  ``seed=None``: a fresh shuffle each call.

    >>> split_words(["a", "b", "c", "d", "e"], fractions=(0.6, 0.2, 0.2))
    (['d', 'b', 'c'], ['e'], ['a'])
    """
    if isinstance(words, (str, bytes, Mapping)) or not isinstance(words, Iterable):
        raise TypeError(f"split_words(words): expected a list of words, got {describe(words)}")
    shuffled = list(words)
    if not shuffled:
        raise ValueError("split_words(words): expected at least one word, got none")
    if seed is not None:
        seed = whole_number(seed, "split_words(seed)", minimum=0)
    f1, f2, _ = _checked_fractions(fractions)
    random.Random(seed).shuffle(shuffled)
    n = len(shuffled)
    n1, n2 = int(f1 * n), int((f1 + f2) * n)
    return shuffled[:n1], shuffled[n1:n2], shuffled[n2:]
