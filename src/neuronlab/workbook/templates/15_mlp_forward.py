"""Exercise 15: the MLP's forward pass, with an embedding table (Bengio et al., 2003).

A bigram sees one character. This model sees ``block_size`` of them (3 here)
and predicts the next:

1. The dataset: for every character of every word, and the closing ".",
   the target Y is that character's index and the context X the indices of
   the block_size characters before it, padded with "." (0) at the start.
   "emma" gives  ... -> e   ..e -> m   .em -> m   emm -> a   mma -> .
   The first five names make 32 examples: X of shape (32, 3), Y of shape (32,).
2. The embedding: C, of shape (27, 10), gives each character 10 numbers.
   C[X] looks up all of them at once: shape (32, 3, 10). Laid side by side,
   the three characters' numbers are one row of 30:
   emb = C[X].reshape(n, block_size * n_embd), shape (32, 30).
   (Each row keeps its characters in order, each one's 10 numbers together.)
3. The hidden layer: h = tanh(emb @ W1 + b1), W1 of shape (30, 200).
4. The logits: h @ W2 + b2, W2 of shape (200, 27): a score for each next character.
5. The loss: the mean cross-entropy, as in exercise 11. Subtract each row's
   largest logit first: this model's first logits are in the tens, and e^z
   overflows past z = 709 in float64 (88 in float32).

Take n, block_size and n_embd from the arrays' shapes, never write 32 or 30.

Try by hand first:  build_dataset(["emma"], 3, ".aem") gives
X = [[0, 0, 0], [0, 0, 2], [0, 2, 3], [2, 3, 3], [3, 3, 1]] and Y = [2, 3, 3, 1, 0].

Fill in the three functions, then run:  neuronlab workbook check 15
"""

import numpy as np

from neuronlab.data.words import names

Arrays = dict[str, np.ndarray]


def build_dataset(words: list[str], block_size: int, chars: str) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y): X[k] the block_size indices before target Y[k], "." (0) padding the start."""
    raise NotImplementedError("15: build_dataset is not written yet")


def mlp_logits(X: np.ndarray, p: Arrays) -> np.ndarray:
    """tanh(C[X] laid flat @ W1 + b1) @ W2 + b2: the logits, shape (len(X), vocabulary)."""
    raise NotImplementedError("15: mlp_logits is not written yet")


def cross_entropy(logits: np.ndarray, Y: np.ndarray) -> float:
    """The mean over the rows of -log softmax(logits)[k, Y[k]], stable for any logits."""
    raise NotImplementedError("15: cross_entropy is not written yet")


if __name__ == "__main__":
    X, Y = build_dataset(["emma"], 3, ".aem")
    print(X.tolist())  # [[0, 0, 0], [0, 0, 2], [0, 2, 3], [2, 3, 3], [3, 3, 1]]
    print(Y.tolist())  # [2, 3, 3, 1, 0]
    words = names()
    chars = "." + "".join(sorted(set("".join(words))))
    X, Y = build_dataset(words[:5], 3, chars)
    print(X.shape)  # (32, 3): 32 examples, 3 characters of context each
    rng = np.random.default_rng(2147483647)  # the lecture's first start: every number N(0, 1)
    sizes = {"C": (27, 10), "W1": (30, 200), "b1": (200,), "W2": (200, 27), "b2": (27,)}
    p = {name: rng.standard_normal(size) for name, size in sizes.items()}
    print(p["C"][X].shape)  # (32, 3, 10): 10 numbers for each of 3 characters
    logits = mlp_logits(X, p)
    print(logits.shape)  # (32, 27)
    print(cross_entropy(logits, Y))  # 28.238053417: N(0, 1) weights make the logits far too large
