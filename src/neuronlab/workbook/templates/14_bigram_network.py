"""Exercise 14: the bigram network, the counts' model found by gradient descent.

The count table of exercise 13 can also be learned. Give the previous
character as a one-hot row: xenc[k] has a 1 at column xs[k] and 0 elsewhere.
Then xenc @ W, with W of shape (27, 27), picks row xs[k] of W: 27 numbers,
the logits (log-counts) of every possible next character. Softmax turns
them into probabilities, written out as the lecture does:

    counts = e^(logits - max)      each row's largest logit subtracted first
    probs  = counts / counts.sum(axis=1, keepdims=True)
    loss   = -mean of log probs[k, ys[k]]

Subtracting the row's max changes no probability (e^-max cancels above and
below) and keeps e^z from overflowing: float32 overflows past e^88, so a
logit of 100 is already inf without it. Build the loss from neuronlab
Tensor operations (@, .exp(), .sum(axis, keepdims), .log(), .mean(),
indexing), so that loss.backward() gives W.grad.

Then descend: each step zero the gradient (W.grad = None, or W.zero_grad()),
compute the loss, loss.backward(), and W.data -= lr * W.grad. With lr = 50,
the loss falls from about 3.74 towards the counts' 2.454: W approaches the
log of the count table (the lecture's "the two models are the same").

The one-hot and W are square-ish: xenc @ W.T would also run (W is 27 x 27),
and be wrong. W[i, j] is the logit of j after i.

Try by hand first:  one_hot([0, 2], 3) = [[1, 0, 0], [0, 0, 1]].
With W = 0 every probability is 1/27 and the loss is log 27 = 3.2958.

Fill in the three functions, then run:  neuronlab workbook check 14
"""

import numpy as np

from neuronlab.data.text import context_windows
from neuronlab.data.words import names
from neuronlab.tensor import Tensor


def one_hot(ix: np.ndarray, size: int) -> np.ndarray:
    """(len(ix), size) float32: row k has a 1 at column ix[k] and 0 elsewhere."""
    raise NotImplementedError("14: one_hot is not written yet")


def bigram_loss(W: Tensor, xs: np.ndarray, ys: np.ndarray) -> Tensor:
    """The mean of -log softmax(one_hot(xs) @ W)[k, ys[k]], one Tensor, the softmax written out."""
    raise NotImplementedError("14: bigram_loss is not written yet")


def train_bigram(W: Tensor, xs: np.ndarray, ys: np.ndarray, steps: int, lr: float) -> list[float]:
    """``steps`` steps of gradient descent on W (in place); the loss before each step."""
    raise NotImplementedError("14: train_bigram is not written yet")


if __name__ == "__main__":
    print(one_hot(np.array([0, 2]), 3))  # [[1. 0. 0.]  [0. 0. 1.]]
    X, Y = context_windows(names(), 1)  # every bigram of the names: X[k, 0] then Y[k]
    xs, ys = X[:, 0], Y
    print(bigram_loss(Tensor(np.zeros((27, 27)), requires_grad=True), xs, ys).item())  # 3.2958372
    W = Tensor(np.random.default_rng(2147483647).standard_normal((27, 27)), requires_grad=True)
    losses = train_bigram(W, xs, ys, steps=10, lr=50.0)
    print(losses[0])  # 3.7385578
    print(losses[-1])  # 2.6886482: on its way to the counts' 2.454
