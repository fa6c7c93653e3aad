"""Exercise 11: softmax cross-entropy, forward and backward by hand.

A classifier's last layer gives each example a row of raw scores, the logits
z (shape (n, C): n examples, C classes). Softmax turns each row into
probabilities, and the loss is the mean over the batch of -log of the
probability the right class got:

    p[i, j] = e^z[i, j] / Σ_c e^z[i, c]          L = (1/n) Σ_i -log p[i, y_i]

e^1000 overflows a float to inf, and inf / inf is nan. Subtracting each row's
largest logit first changes no probability (e^-max cancels above and below)
and keeps every e^z at most 1.  The loss needs one more step: a probability
far below the largest rounds to 0, and log 0 is -inf.  Take the log first,
with s = z - max:   log p[i, j] = s[i, j] - log Σ_c e^s[i, c]   (never below
-inf, even where p itself rounds to 0).

The gradient is remarkably simple (work it out once for a row of two logits):

    dL/dz = (softmax(z) - onehot(y)) / n

where onehot(y) has a 1 in row i at column y_i and 0 everywhere else, and the
1/n comes from the mean.

Try by hand first:  z = [[2, 1, 0]], y = [0]:  p = [[0.6652, 0.2447, 0.0900]],
L = -log 0.6652 = 0.4076,  dL/dz = [[-0.3348, 0.2447, 0.0900]].
With z = [[1000, 999, 0]] and y = [1]:  p = [[0.7311, 0.2689, 0]],  L = 1.3133;
with y = [2] instead, p[0, 2] rounds to 0 but L = 1000.3133.

Fill in the three functions, then run:  neuronlab workbook check 11
"""

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    """Each row of logits turned into probabilities (stable for any logits)."""
    raise NotImplementedError("11: softmax is not written yet")


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """The mean over the rows of -log softmax(logits)[i, labels[i]]."""
    raise NotImplementedError("11: cross_entropy is not written yet")


def cross_entropy_backward(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """dL/dlogits for L = cross_entropy(logits, labels): (softmax - onehot) / n."""
    raise NotImplementedError("11: cross_entropy_backward is not written yet")


if __name__ == "__main__":
    z, y = np.array([[2.0, 1, 0]]), np.array([0])
    print(softmax(z))  # [[0.66524096 0.24472847 0.09003057]]
    print(cross_entropy(z, y))  # 0.4076059644443803
    print(cross_entropy_backward(z, y))  # [[-0.33475904  0.24472847  0.09003057]]
    print(cross_entropy(np.array([[1000.0, 999, 0]]), np.array([1])))  # 1.3132616875182228
