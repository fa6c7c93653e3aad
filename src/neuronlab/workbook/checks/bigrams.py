"""Check of exercise 13: bigram counts, their probabilities, the loss, and sampling names.

The reference is neuronlab's own language model code: ``count_bigrams`` for
the table, ``BigramCounts.probabilities`` and ``.nll`` for the probabilities
and the loss, and ``tensor.multinomial`` with ``numpy.random.default_rng(seed)``
(what ``language.sample`` draws with) for the names.  Each function is tried
on the names and on random words over random alphabets, called twice, and
its arguments are looked at afterwards; a difference is matched against the
usual mistakes (the boundary "." left out, rows and columns swapped, a row sum
without keepdims, a generator made anew for every name).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ...data.text import Vocabulary, context_windows
from ...data.words import names as all_names
from ...language import BigramCounts, count_bigrams
from ...tensor import multinomial
from ..findings import Finding, failed, passed
from ..sandbox import CheckContext
from .arrays import Mistake, attempt
from .handed import call_twice
from .names import needs
from .nearly import compare_library

__all__ = ["NAMES_SEED", "check_13", "draw_names"]

#: The lecture's seed (torch.Generator().manual_seed(2147483647)), here NumPy's.
NAMES_SEED = 2147483647
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def draw_names(P: np.ndarray, chars: str, n: int, seed: int) -> list[str]:
    """n names as neuronlab draws them from P: one ``default_rng(seed)`` for all, each
    character ``multinomial(P[ix], 1, replacement=True)`` from "." until "." again."""
    rng = np.random.default_rng(seed)
    return [_one_name(P, chars, rng) for _ in range(n)]


def _one_name(
    P: np.ndarray, chars: str, rng: np.random.Generator, row: bool = True, keep_end: bool = False
) -> str:
    ix, name = 0, ""
    while True:
        weights = P[ix] if row else P[:, ix]
        ix = int(multinomial(weights, 1, replacement=True, generator=rng)[0])
        if ix == 0:
            return name + (chars[0] if keep_end else "")
        name += chars[ix]


def _random_words(rng: np.random.Generator) -> tuple[list[str], str]:
    """Random words over a random alphabet (some of its letters maybe unused), and chars."""
    letters = sorted(rng.choice(list(_LETTERS), size=int(rng.integers(2, 9)), replace=False))
    chars = "." + "".join(letters)
    used = letters[: max(2, len(letters) - int(rng.integers(0, 2)))]
    words = [
        "".join(rng.choice(used, size=int(rng.integers(1, 7))))
        for _ in range(int(rng.integers(1, 12)))
    ]
    return words, chars


def _cases(seed: int) -> list[tuple[list[str], str]]:
    """The worked example, a few small words, then random words."""
    rng = np.random.default_rng(seed)
    cases = [(["emma"], ".aem"), (["ab", "ba", "abba", "b"], ".ab")]
    cases += [_random_words(rng) for _ in range(25)]
    return cases


def _reference_counts(words: list[str], chars: str) -> np.ndarray:
    return count_bigrams(words, Vocabulary(chars), smoothing=0).counts


def _pairs_counted(words: list[str], chars: str, start: bool, end: bool) -> np.ndarray:
    stoi = {ch: i for i, ch in enumerate(chars)}
    N = np.zeros((len(chars), len(chars)))
    for w in words:
        marked = ("." if start else "") + w + ("." if end else "")
        for a, b in itertools.pairwise(marked):
            N[stoi[a], stoi[b]] += 1
    return N


#: A bigram that occurs 70,000 times: more than a uint8, int8, int16 or uint16 can count.
_MANY = (["a"] * 70_000, ".ab")

_STOI = (
    "index each character by its place in chars, stoi = {c: i for i, c in enumerate(chars)}: "
    "not ord(c) - ord('a'), since chars is not always '.' and the whole alphabet"
)


def _by_alphabet(words: list[str], chars: str) -> np.ndarray:
    """The counts with each letter at ord(c) - ord('a') + 1, '.' at 0 (IndexError if off)."""
    N = np.zeros((len(chars), len(chars)))
    for w in words:
        ix = [0] + [ord(c) - ord("a") + 1 for c in w] + [0]
        for a, b in itertools.pairwise(ix):
            N[a, b] += 1
    return N


def _wrapped(N: np.ndarray) -> list[Mistake]:
    """The counts as a small integer type would hold them: wrapped around past its largest."""
    return [
        (
            f"the counts wrapped around: a {np.dtype(kind).name} table holds at most "
            f"{np.iinfo(kind).max}; count in a wide type, np.zeros((V, V), dtype=int) "
            "(a bigram of the names occurs 6,763 times)",
            N.astype(np.int64).astype(kind).astype(np.float64),
        )
        for kind in (np.uint8, np.int8, np.uint16, np.int16)
    ]


def _counts_mistakes(words: list[str], chars: str, N: np.ndarray) -> list[Mistake]:
    pairs = "count the pairs of '.' + word + '.'"
    return [
        *_wrapped(N),
        (_STOI, attempt(lambda: _by_alphabet(words, chars))),
        (
            f"the '.' before and after each word is missing: {pairs}",
            _pairs_counted(words, chars, False, False),
        ),
        (f"the '.' after each word is missing: {pairs}", _pairs_counted(words, chars, True, False)),
        (
            f"the '.' before each word is missing: {pairs}",
            _pairs_counted(words, chars, False, True),
        ),
        (
            "rows and columns are swapped: N[stoi[previous], stoi[next]], the row is the "
            "character before",
            N.T,
        ),
    ]


def _counts_finding(fn: Callable[..., Any]) -> Finding:
    for words, chars in [*_cases(13), _MANY]:
        shown = f"['a'] * {len(words):,}" if len(words) > 100 else f"{words!r:.50}"
        call = f"bigram_counts({shown}, {chars!r})"
        said = _STOI if set(chars) != set("." + _LETTERS) else ""
        got = call_twice(fn, call, said, {"words": words, "chars": chars})
        if isinstance(got, Finding):
            return got
        N = _reference_counts(words, chars)
        wrong = compare_library(
            "bigram_counts",
            f"for {shown}, {chars!r}",
            got,
            N,
            _counts_mistakes(words, chars, N),
        )
        if wrong is not None:
            return wrong
    return passed(
        "bigram_counts counts every bigram, the '.' ones too, on 28 lists of words, one with a "
        "bigram 70,000 times"
    )


def _random_table(rng: np.random.Generator, size: int, zero_rows: bool) -> np.ndarray:
    N = rng.integers(0, 20, size=(size, size)) * (rng.random((size, size)) < 0.7)
    if not zero_rows:
        N[np.arange(size), rng.integers(0, size, size=size)] += 1
    return N


def _probability_mistakes(N: np.ndarray, s: float) -> list[Mistake]:
    table = N + s
    rows = "(N + s) / (N + s).sum(axis=1, keepdims=True)"
    return [
        (
            "the row sums have shape (V,) without keepdims=True, and (V, V) / (V,) divides "
            f"each column j by row j's sum (no error: the table is square); {rows}",
            table / table.sum(axis=1),
        ),
        (
            f"each column sums to 1, not each row: sum along a row, axis=1; {rows}",
            table / table.sum(axis=0, keepdims=True),
        ),
        (f"divided by the whole table's sum: each row by its own; {rows}", table / table.sum()),
        (
            "the smoothing is added to each count but only once to the row's sum, so the rows "
            f"do not sum to 1: divide by the sum of the smoothed row, {rows}",
            attempt(lambda: (N + s) / (N.sum(axis=1, keepdims=True) + s)) if s else None,
        ),
        (
            f"the smoothing is always 1, whatever s is: add the smoothing argument, {rows}",
            attempt(lambda: (N + 1) / (N + 1).sum(axis=1, keepdims=True)) if s != 1 else None,
        ),
        (
            f"the smoothing is not added: {rows}",
            attempt(lambda: N / N.sum(axis=1, keepdims=True)) if s else None,
        ),
        (
            f"the smoothing is added after normalising: {rows}",
            attempt(lambda: N / N.sum(axis=1, keepdims=True) + s) if s else None,
        ),
    ]


def _probabilities_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(14)
    cases = []  # not the worked example first: its row sums are its column sums
    for size, s in ((5, 1.0), (27, 1.0), (4, 0.5), (6, 0.0), (9, 2.0), (3, 1.0)):
        cases.append((_random_table(rng, size, zero_rows=bool(s)), s))
    cases.append((_reference_counts(["emma"], ".aem"), 1.0))
    for N, s in cases:
        call = f"bigram_probabilities(N, {s:g}) for N of shape {N.shape}"
        got = call_twice(fn, call, "", {"N": N, "smoothing": s})
        if isinstance(got, Finding):
            return got
        chars = "." + _LETTERS[: len(N) - 1]
        expected = BigramCounts(Vocabulary(chars), N, s).probabilities
        wrong = compare_library(
            "bigram_probabilities(N, s)",
            f"for s = {s:g}, N of shape {N.shape}",
            got,
            expected,
            _probability_mistakes(N, s),
        )
        if wrong is not None:
            return wrong
    return passed(f"bigram_probabilities normalises each row, on {len(cases)} tables")


def _nll_mistakes(P: np.ndarray, words: list[str], chars: str, loss: float) -> list[Mistake]:
    X, Y = context_windows(words, 1, Vocabulary(chars))
    sizes = np.array([len(w) + 1 for w in words])
    per_word = np.add.reduceat(-np.log(P[X[:, 0], Y]), np.cumsum(sizes) - sizes) / sizes
    bigrams = sum(len(w) + 1 for w in words)
    return [
        ("the loss is -log P: the minus sign is missing", -loss),
        (f"the sum over the {bigrams} bigrams: the loss is their mean", loss * bigrams),
        (
            "the mean of each word's mean: the loss is the mean over all bigrams together",
            float(np.mean(per_word)),
        ),
        (
            "P[previous, next]: the row is the character before, P.T swaps them",
            _loss_with(P.T.copy(), words, chars),
        ),
        ("the natural logarithm (np.log), not log2 or log10", loss / np.log(2)),
        ("the natural logarithm (np.log), not log10", loss / np.log(10)),
        (
            "the '.' bigrams are part of the loss: '.' before and after each word",
            _loss_without_boundaries(P, words, chars),
        ),
    ]


def _loss_with(P: np.ndarray, words: list[str], chars: str) -> float:
    """neuronlab's loss of the table P (rows that sum to 1: "counts" that normalise to P)."""
    return BigramCounts(Vocabulary(chars), P, 0.0).nll(words)


def _loss_without_boundaries(P: np.ndarray, words: list[str], chars: str) -> float | None:
    stoi = {ch: i for i, ch in enumerate(chars)}
    logs = [np.log(P[stoi[a], stoi[b]]) for w in words for a, b in itertools.pairwise(w)]
    return float(-np.mean(logs)) if logs else None


def _nll_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(15)
    words = all_names()
    chars = Vocabulary.from_words(words).characters
    table = count_bigrams(words)
    cases = [(table.probabilities, words, chars)]
    for w, c in _cases(16)[1:12]:
        cases.append((rng.dirichlet(np.ones(len(c)), size=len(c)), w, c))
    for P, w, c in cases:
        where = f"for {len(w)} words over {c!r}"
        got = call_twice(
            fn, f"mean_nll(P, words, chars) {where}", "", {"P": P, "words": w, "chars": c}
        )
        if isinstance(got, Finding):
            return got
        loss = _loss_with(P, w, c)
        wrong = compare_library(
            "mean_nll(P, words, chars)", where, got, np.asarray(loss), _nll_mistakes(P, w, c, loss)
        )
        if wrong is not None:
            return wrong
    return passed(f"mean_nll gives neuronlab's loss on {len(cases)} tables, the names' too")


def _sampling_mistakes(P: np.ndarray, chars: str, n: int, seed: int) -> dict[str, list[str]]:
    fresh = [_one_name(P, chars, np.random.default_rng(seed)) for _ in range(n)]
    rng = np.random.default_rng(seed)
    columns = [_one_name(P, chars, rng, row=False) for _ in range(n)]
    rng = np.random.default_rng(seed)
    ended = [_one_name(P, chars, rng, keep_end=True) for _ in range(n)]
    return {
        "every name is empty: the loop stops before its first draw (a while ix != 0 that "
        "starts at ix = 0?); draw first, then stop when the draw is '.'": [""] * n,
        "a new generator for each name draws the same numbers each time: make one "
        "rng = np.random.default_rng(seed) before the loop over names": fresh,
        "draw from the row P[ix] (what follows chars[ix]), not the column P[:, ix]": columns,
        "the closing '.' ends the name: it is not one of its characters": ended,
    }


_SAMPLER = (
    "draw as neuronlab does: one rng = np.random.default_rng(seed) for all the names, "
    "and ix = int(multinomial(P[ix], 1, replacement=True, generator=rng)[0]) "
    "(neuronlab.tensor.multinomial: one uniform number a draw, the running sum inverted)"
)


def _sampling_finding(fn: Callable[..., Any]) -> Finding:
    rng = np.random.default_rng(17)
    chars = Vocabulary.from_words(all_names()).characters
    cases = [(count_bigrams(all_names()).probabilities, chars, 20, NAMES_SEED)]
    for _ in range(8):
        size = int(rng.integers(3, 10))
        P = rng.dirichlet(np.ones(size), size=size)
        P[:, 0] += 0.15  # every name ends within a few characters
        cases.append(
            (
                P / P.sum(axis=1, keepdims=True),
                "." + _LETTERS[: size - 1],
                int(rng.integers(1, 8)),
                int(rng.integers(0, 2**31)),
            )
        )
    for P, c, n, seed in cases:
        whose = "the names' P" if len(c) == 27 else f"a random P over {c!r}"
        call = f"sample_names(P, chars, {n}, seed={seed}) for {whose}"
        got = call_twice(fn, call, "", {"P": P, "chars": c, "n": n, "seed": seed})
        if isinstance(got, Finding):
            return got
        expected = draw_names(P, c, n, seed)
        wrong = _names_differ(call, got, expected, _sampling_mistakes(P, c, n, seed))
        if wrong is not None:
            return wrong
    return passed(f"sample_names draws neuronlab's names for the same seed, in {len(cases)} tries")


def _names_differ(
    call: str, got: Any, expected: list[str], mistakes: Mapping[str, list[str]]
) -> Finding | None:
    if not isinstance(got, (list, tuple)) or not all(isinstance(s, str) for s in got):
        return failed(
            f"{call} should return a list of names (str)",
            f"it returned {type(got).__name__}: {got!r:.80}",
        )
    if list(got) == expected:
        return None
    if len(got) != len(expected):
        return failed(f"{call} gave {len(got)} names; expected {len(expected)}")
    i = next(k for k, (a, b) in enumerate(zip(got, expected)) if a != b)
    likely = next((said for said, names in mistakes.items() if names == list(got)), _SAMPLER)
    return failed(
        f"{call}: name {i} differs from neuronlab's for the same seed",
        f"expected {expected[i]!r}, got {got[i]!r}",
        likely=likely,
    )


def check_13(names: Mapping[str, Any], context: CheckContext) -> list[Finding]:
    """The counts, the probabilities, the loss and the sampled names against neuronlab's."""
    counts, probabilities, nll, sample_names = needs(names, "13")
    return [
        _counts_finding(counts),
        _probabilities_finding(probabilities),
        _nll_finding(nll),
        _sampling_finding(sample_names),
    ]
