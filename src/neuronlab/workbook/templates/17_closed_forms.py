"""Exercise 17: the closed forms, and training the network with your own gradients.

Exercise 16 took cross-entropy and BatchNorm apart atom by atom. Put back
together, each backward is one line.

Cross-entropy (exercise 11): with probs = softmax(logits) row by row,

    dlogits = (probs - onehot(Y)) / n

BatchNorm, training mode, with Bessel's n - 1 in the variance as in the
forward pass (bnraw = (hprebn - mean) * bnvar_inv, hpreact = bngain * bnraw
+ bnbias): derive it on paper, as the lecture does. hprebn reaches the loss
three ways, through bndiff directly, through the batch mean and through the
variance; collected, they make one line of the form (sums over the batch)

    dhprebn = bngain * bnvar_inv / n * (n * dhpreact - dhpreact.sum(0)
              - c * bnraw * (dhpreact * bnraw).sum(0))

where the number c comes from the variance's divisor: work out which
(with the variance over n it would be 1; the check tells the two apart,
and the second hint gives it).

Then write gradients(X, Y, p): the forward pass in a few lines (no atoms
needed) and every parameter's gradient, with these two lines where the atoms
were, and no autograd at all. train() below descends with your gradients;
the check trains the network with them too (20,000 steps of 256 examples,
200 hidden units) and wants a dev loss of 2.12 or better.

Watch the shapes: (n, H) and a sum over axis 0 of shape (H,) broadcast row by
row, as they should; a sum over axis 1, shape (n,), would only fit if n = H,
and then be wrong.

Fill in the three functions, then run:  neuronlab workbook check 17
"""

import numpy as np

from neuronlab.data.text import context_windows, split_words
from neuronlab.data.words import names

Arrays = dict[str, np.ndarray]


def cross_entropy_backward(logits: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dloss/dlogits of the mean cross-entropy, in one line: (softmax(logits) - onehot(Y)) / n."""
    raise NotImplementedError("17: cross_entropy_backward is not written yet")


def batchnorm_backward(
    dhpreact: np.ndarray, bngain: np.ndarray, bnvar_inv: np.ndarray, bnraw: np.ndarray
) -> np.ndarray:
    """dloss/dhprebn through BatchNorm (Bessel's n - 1), in one line."""
    raise NotImplementedError("17: batchnorm_backward is not written yet")


def gradients(X: np.ndarray, Y: np.ndarray, p: Arrays) -> tuple[float, Arrays]:
    """(the loss, the gradient of every parameter by name), forward and backward by hand."""
    raise NotImplementedError("17: gradients is not written yet")


def init_params(
    seed: int, vocab: int = 27, n_embd: int = 10, block: int = 3, n_hidden: int = 200
) -> Arrays:
    """The lecture's start, float32 (as in exercise 16, with 200 hidden units)."""
    rng = np.random.default_rng(seed)

    def f(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    return {
        "C": f(vocab, n_embd),
        "W1": f(n_embd * block, n_hidden) * np.float32((5 / 3) / (n_embd * block) ** 0.5),
        "b1": f(n_hidden) * np.float32(0.1),
        "W2": f(n_hidden, vocab) * np.float32(0.1),
        "b2": f(vocab) * np.float32(0.1),
        "bngain": f(1, n_hidden) * np.float32(0.1) + np.float32(1.0),
        "bnbias": f(1, n_hidden) * np.float32(0.1),
    }


def train(
    p: Arrays,
    X: np.ndarray,
    Y: np.ndarray,
    steps: int,
    batch_size: int = 256,
    lr: float = 0.6,
    seed: int = 0,
) -> None:
    """Plain gradient descent with your gradients, p changed in place; lr / 10 for the last
    quarter of the steps."""
    rng = np.random.default_rng(seed)
    for step in range(steps):
        batch = rng.integers(0, len(X), size=batch_size)
        _, grads = gradients(X[batch], Y[batch], p)
        rate = np.float32(lr if step < steps * 3 // 4 else lr / 10)
        for name in p:
            p[name] -= rate * grads[name]


def evaluate(p: Arrays, X: np.ndarray, Y: np.ndarray, Xtrain: np.ndarray) -> float:
    """The mean loss on (X, Y), BatchNorm using the whole training set's mean and variance
    (the lecture's calibration after training), in float64."""

    def hprebn(X: np.ndarray) -> np.ndarray:
        return (p["C"][X].reshape(len(X), -1) @ p["W1"] + p["b1"]).astype(np.float64)

    before = hprebn(Xtrain)
    mean, var = before.mean(0, keepdims=True), before.var(0, ddof=1, keepdims=True)
    bnraw = (hprebn(X) - mean) / np.sqrt(var + 1e-5)
    logits = np.tanh(p["bngain"] * bnraw + p["bnbias"]) @ p["W2"] + p["b2"]
    logits -= logits.max(1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return float(-logp[np.arange(len(Y)), Y].mean())


if __name__ == "__main__":
    dlogits = cross_entropy_backward(np.array([[2.0, 1, 0]]), np.array([0]))
    print(dlogits)  # [[-0.33475904  0.24472847  0.09003057]]: exercise 11's
    train_words, dev_words, _ = split_words(names())  # the lectures' split
    Xtr, Ytr = context_windows(train_words, 3)
    Xdev, Ydev = context_windows(dev_words, 3)
    p = init_params(seed=2147483647)
    loss, grads = gradients(Xtr[:32], Ytr[:32], p)
    print(loss)  # 3.6623549
    print({name: g.shape for name, g in grads.items()})  # each has its parameter's shape
    train(p, Xtr, Ytr, steps=1000)  # a few seconds; 20_000 steps reach 2.12 or better
    print(evaluate(p, Xdev, Ydev, Xtr))  # the dev loss: about 2.3 after 1,000 steps
