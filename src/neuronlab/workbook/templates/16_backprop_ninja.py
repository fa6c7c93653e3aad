"""Exercise 16: backprop ninja, every gradient of the BatchNorm MLP by hand, atom by atom.

The network of the makemore lectures, with BatchNorm: 3 characters, each
embedded in 10 numbers, a hidden layer of 64 with BatchNorm and tanh, 27
logits. forward_pass() below is written out in small steps ("atoms"), as
Karpathy's "becoming a backprop ninja" lecture does, every intermediate
named, in float32 like the lecture. BatchNorm divides by n - 1 in the
variance (Bessel's correction, as the lecture does: the batch is a sample,
and n - 1 makes its variance an unbiased estimate of all the data's).

Write backward_pass(): dloss/d(each atom) and d(each parameter), from the
loss back to C, one line (or two) each. The check computes all 26 with
neuronlab's autograd and prints a table: "exact", "approximately equal"
(with the largest difference, in float32 ulps), or wrong (with what it
looks like). Approximately is right: float32 keeps about 7 digits, and your
sums add the same numbers in another order than autograd's.

What you need (exercises 10-12, and three new ones):
  - a value used twice gets both contributions, added: counts (probs and
    counts_sum), bndiff (bnraw and bndiff2), hprebn (bndiff and bnmeani)
  - a broadcast (n, 1) or (1, H) value sums its gradient back along the
    broadcast axis, keepdims=True: counts_sum_inv, bnvar_inv, bnmeani, bngain
  - logit_maxes: its gradient flows back to the max entry of each row of
    logits (np.arange(n), logits.argmax(1)). It is ~0: subtracting the max
    changes no probability, so the loss does not depend on it; only rounding
    is left. Leave it out of dlogits and dlogits is approximately right.
  - b1's gradient is ~0 too: BatchNorm subtracts the batch mean, b1 with it.
  - bnvar = 1/(n-1) * bndiff2.sum(0): dbndiff2 = 1/(n-1) * dbnvar, stretched.
  - emb = C[X]: a character that appears twice in the batch gets both
    gradients: np.add.at(dC, X, demb), or a loop with +=, never dC[X] = demb.

Leave a gradient as None until you write it: the check reports the others.
Then run:  neuronlab workbook check 16
"""

import numpy as np

from neuronlab.data.text import context_windows, split_words
from neuronlab.data.words import names

Arrays = dict[str, np.ndarray]


def init_params(
    seed: int, vocab: int = 27, n_embd: int = 10, block: int = 3, n_hidden: int = 64
) -> Arrays:
    """The lecture's start, float32: small random weights everywhere (none exactly 0)."""
    rng = np.random.default_rng(seed)

    def f(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    return {
        "C": f(vocab, n_embd),
        "W1": f(n_embd * block, n_hidden) * np.float32((5 / 3) / (n_embd * block) ** 0.5),
        "b1": f(n_hidden) * np.float32(0.1),  # useless with BatchNorm: its gradient is ~0
        "W2": f(n_hidden, vocab) * np.float32(0.1),
        "b2": f(vocab) * np.float32(0.1),
        "bngain": f(1, n_hidden) * np.float32(0.1) + np.float32(1.0),
        "bnbias": f(1, n_hidden) * np.float32(0.1),
    }


def forward_pass(X: np.ndarray, Y: np.ndarray, p: Arrays) -> Arrays:
    """The forward pass in atoms: every intermediate by name, and the loss (float32)."""
    n = len(Y)
    emb = p["C"][X]  # (n, block, n_embd)
    embcat = emb.reshape(n, -1)  # (n, block * n_embd)
    hprebn = embcat @ p["W1"] + p["b1"]  # (n, H)
    bnmeani = 1 / n * hprebn.sum(0, keepdims=True)  # (1, H)
    bndiff = hprebn - bnmeani  # (n, H)
    bndiff2 = bndiff**2  # (n, H)
    bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)  # (1, H): Bessel's n - 1
    bnvar_inv = (bnvar + 1e-5) ** -0.5  # (1, H)
    bnraw = bndiff * bnvar_inv  # (n, H)
    hpreact = p["bngain"] * bnraw + p["bnbias"]  # (n, H)
    h = np.tanh(hpreact)  # (n, H)
    logits = h @ p["W2"] + p["b2"]  # (n, V)
    logit_maxes = logits.max(1, keepdims=True)  # (n, 1)
    norm_logits = logits - logit_maxes  # (n, V)
    counts = np.exp(norm_logits)  # (n, V)
    counts_sum = counts.sum(1, keepdims=True)  # (n, 1)
    counts_sum_inv = counts_sum**-1  # (n, 1)
    probs = counts * counts_sum_inv  # (n, V)
    logprobs = np.log(probs)  # (n, V)
    loss = -logprobs[np.arange(n), Y].mean()
    v = dict(locals())
    for given in ("X", "Y", "p", "n"):
        del v[given]
    return v


def backward_pass(
    X: np.ndarray, Y: np.ndarray, p: Arrays, v: Arrays
) -> dict[str, np.ndarray | None]:
    """dloss/d(each atom and parameter), by hand, given forward_pass's values v."""
    dlogprobs = None  # (n, V), n = len(Y)
    dprobs = None  # (n, V)
    dcounts_sum_inv = None  # (n, 1)
    dcounts_sum = None  # (n, 1)
    dcounts = None  # (n, V): through probs and through counts_sum
    dnorm_logits = None  # (n, V)
    dlogit_maxes = None  # (n, 1): ~0
    dlogits = None  # (n, V)
    dh = None  # (n, H)
    dW2 = None  # (H, V)
    db2 = None  # (V,)
    dhpreact = None  # (n, H)
    dbngain = None  # (1, H)
    dbnbias = None  # (1, H)
    dbnraw = None  # (n, H)
    dbnvar_inv = None  # (1, H)
    dbnvar = None  # (1, H)
    dbndiff2 = None  # (n, H)
    dbndiff = None  # (n, H): through bnraw and through bndiff2
    dbnmeani = None  # (1, H)
    dhprebn = None  # (n, H): through bndiff and through bnmeani
    dembcat = None  # (n, block * n_embd)
    dW1 = None  # (block * n_embd, H)
    db1 = None  # (H,): ~0
    demb = None  # (n, block, n_embd)
    dC = None  # (V, n_embd)
    grads = dict(locals())
    return {name[1:]: grads[name] for name in grads if name.startswith("d")}


if __name__ == "__main__":
    train, dev, test = split_words(names())  # the lectures' split, 80% / 10% / 10%
    Xtr, Ytr = context_windows(train, 3)
    rng = np.random.default_rng(42)
    batch = rng.integers(0, len(Xtr), size=32)
    X, Y = Xtr[batch], Ytr[batch]
    p = init_params(seed=2147483647)
    v = forward_pass(X, Y, p)
    print(v["loss"])  # 3.3316388
    grads = backward_pass(X, Y, p, v)
    for name, g in grads.items():  # each gradient's shape is its value's
        print(name, None if g is None else g.shape)
    # nudge W2[0, 0] by h (in float64, so the nudge is not lost to rounding)
    h = 1e-6
    p64 = {name: a.astype(np.float64) for name, a in p.items()}
    nudged = {**p64, "W2": p64["W2"].copy()}
    nudged["W2"][0, 0] += h
    print((forward_pass(X, Y, nudged)["loss"] - forward_pass(X, Y, p64)["loss"]) / h)  # -0.0378580
    print(grads["W2"] if grads["W2"] is None else grads["W2"][0, 0])  # -0.0378580 (to 7 digits)
