"""Exercise 13, the project's answers: bigram counts, probabilities, loss and samples."""
import numpy as np


def bigram_counts(words: list[str], chars: str) -> np.ndarray:
    """N[i, j]: how often chars[j] follows chars[i] in the words, "." before and after each."""
    stoi = {ch: i for i, ch in enumerate(chars)}
    N = np.zeros((len(chars), len(chars)), dtype=np.int64)
    for word in words:
        marked = "." + word + "."
        for a, b in zip(marked, marked[1:]):
            N[stoi[a], stoi[b]] += 1
    return N


def bigram_probabilities(N: np.ndarray, smoothing: float = 1.0) -> np.ndarray:
    """P[i, j] = (N[i, j] + smoothing) / Σ_j (N[i, j] + smoothing): each row sums to 1."""
    table = N + smoothing
    return table / table.sum(axis=1, keepdims=True)


def mean_nll(P: np.ndarray, words: list[str], chars: str) -> float:
    """The mean over every bigram of the words of -log P[previous, next]."""
    stoi = {ch: i for i, ch in enumerate(chars)}
    total, count = 0.0, 0
    for word in words:
        marked = "." + word + "."
        for a, b in zip(marked, marked[1:]):
            total += np.log(P[stoi[a], stoi[b]])
            count += 1
    return float(-total / count)


def sample_names(P: np.ndarray, chars: str, n: int, seed: int) -> list[str]:
    """n names drawn from P, each from "." until "." comes again, as neuronlab draws them."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        ix, name = 0, ""
        while True:
            ix = int(multinomial(P[ix], 1, replacement=True, generator=rng)[0])
            if ix == 0:
                break
            name += chars[ix]
        out.append(name)
    return out
