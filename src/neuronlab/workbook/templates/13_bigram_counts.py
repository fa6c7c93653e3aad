"""Exercise 13: bigram counts, a language model made by counting.

A character-level language model reads a word one character at a time and
gives every possible next character a probability. The simplest one looks
at a single character, the previous one: a bigram model. Write "." before
and after every word, so that "emma" gives the five bigrams

    .e   em   mm   ma   a.

(the first says which letters begin a name, the last when a name is over).
``chars`` is the vocabulary, "." first: ".abcdefghijklmnopqrstuvwxyz" for the
names, and character chars[i] has the index i.

1. Count: N[i, j] is how many times chars[j] follows chars[i]. Rows are the
   previous character, columns the next one: a table of 27 x 27 for the names.
2. Normalise each row to probabilities, after adding ``smoothing`` to every
   count (so no bigram is impossible and no log is -inf):
       P[i, j] = (N[i, j] + s) / Σ_j (N[i, j] + s)
   The sum runs along a row (axis=1) and must stay a column, shape (27, 1),
   so that it divides each row by its own sum: keepdims=True. Without it the
   sum has shape (27,), and (27, 27) / (27,) divides each COLUMN j by row j's
   sum: no error (the table is square), just wrong probabilities.
3. The loss: the mean, over every bigram of the words, of -log P[previous, next].
   A perfect model would reach 0; P from the names (+1 smoothing) gives 2.4545.
4. Sample: start at "." (index 0), draw the next index from the row P[ix],
   and stop when "." is drawn again. Draw exactly as neuronlab's sampler does,
   so that the same seed gives the same names:
       rng = np.random.default_rng(seed)         # NumPy's PCG64 generator, one for all names
       ix = int(multinomial(P[ix], 1, replacement=True, generator=rng)[0])
   ``neuronlab.tensor.multinomial`` is torch.multinomial's counterpart: one
   uniform number u from rng per draw, and the first index whose running sum
   of P[ix] passes u·ΣP[ix]. (torch's generator draws other numbers than
   NumPy's, so the lecture's names differ from these; neuronlab's
   ``language.sample`` of the count model, one name at a time, gives these.)

Try by hand first:  count_bigrams(["emma"], ".aem") has N[0, 2] = 1 (".e"),
N[3, 3] = 1 ("mm") and 5 bigrams in all.  For all the names: N[0, 1] = 4410
names begin with "a", and P[0, 1] = 4411 / 32060 = 0.1376.

Fill in the four functions, then run:  neuronlab workbook check 13
"""

import numpy as np

from neuronlab.data.words import names
from neuronlab.tensor import multinomial  # noqa: F401 (yours to draw with in sample_names)


def bigram_counts(words: list[str], chars: str) -> np.ndarray:
    """N[i, j]: how often chars[j] follows chars[i] in the words, "." before and after each."""
    raise NotImplementedError("13: bigram_counts is not written yet")


def bigram_probabilities(N: np.ndarray, smoothing: float = 1.0) -> np.ndarray:
    """P[i, j] = (N[i, j] + smoothing) / Σ_j (N[i, j] + smoothing): each row sums to 1."""
    raise NotImplementedError("13: bigram_probabilities is not written yet")


def mean_nll(P: np.ndarray, words: list[str], chars: str) -> float:
    """The mean over every bigram of the words of -log P[previous, next]."""
    raise NotImplementedError("13: mean_nll is not written yet")


def sample_names(P: np.ndarray, chars: str, n: int, seed: int) -> list[str]:
    """n names drawn from P, each from "." until "." comes again, as neuronlab draws them."""
    raise NotImplementedError("13: sample_names is not written yet")


if __name__ == "__main__":
    print(bigram_counts(["emma"], ".aem"))  # [[0 0 1 0]  [1 0 0 0]  [0 0 0 1]  [0 1 0 1]]
    words = names()
    chars = "." + "".join(sorted(set("".join(words))))
    N = bigram_counts(words, chars)
    print(N.shape, N.sum())  # (27, 27) 228146
    print(N[0, 1])  # 4410: names that begin with "a"
    P = bigram_probabilities(N, 1.0)
    print(P[0, 1])  # 0.1375857766687461
    print(P.sum(axis=1)[:3])  # [1. 1. 1.]: every row sums to 1
    print(mean_nll(P, words, chars))  # 2.4545768 (the lectures' 2.454)
    five = sample_names(P, chars, 5, seed=2147483647)
    print(" ".join(five))  # dulike zoshan car ssloysthierana alah
