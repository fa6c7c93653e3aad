"""Exercise 10: tensors -- the backward of a matrix product and of a broadcast sum.

From here on a whole batch moves at once: one row per example, NumPy arrays
instead of Values. Two operations need a backward written by hand.

The matrix product C = A @ B, with A of shape (n, k) and B of shape (k, m),
gives C of shape (n, m), and C[i, j] = Σ_p A[i, p]·B[p, j]. Given dC (the
gradient of the loss with respect to C, shape (n, m)), the chain rule applied
entry by entry gives

    dA = dC @ Bᵀ      (n, m) @ (m, k)  ->  (n, k), the shape of A
    dB = Aᵀ @ dC      (k, n) @ (n, m)  ->  (k, m), the shape of B

Let the shapes guide you: a gradient has the shape of what it is the gradient
of, and only one arrangement of dC, A, B and a transpose (.T) gives it.

Broadcasting copies: a bias b of shape (k,) added to X of shape (n, k) is
used in all n rows, so its gradient is the sum of d_out's n rows. In general,
sum d_out over the leading axes broadcasting added and over every axis where
the input had size 1 (which keeps its size 1). In (n, 1) + (1, k) -> (n, k),
the (n, 1) input gets d_out summed over axis 1, the (1, k) input over axis 0.

Try by hand first:  A = [[1, 2, 3], [4, 5, 6]],  B = [[1, 0], [0, 1], [-1, 2]],
dC = [[1, 2], [0, -1]]:  dA = [[1, 2, 3], [0, -1, -2]],  dB = [[1, -2], [2, -1], [3, 0]].
d_out = [[1, 2, 3], [4, 5, 6]] summed back to (3,) is [5, 7, 9]; to (2, 1), [[6], [15]].

Fill in the two functions, then run:  neuronlab workbook check 10
"""

import numpy as np


def matmul_backward(dC: np.ndarray, A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dA, dB) for C = A @ B, given dC = dloss/dC; each has its operand's shape."""
    raise NotImplementedError("10: matmul_backward is not written yet")


def broadcast_backward(d_out: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The gradient of an input of ``shape`` that broadcasting stretched to d_out's shape."""
    raise NotImplementedError("10: broadcast_backward is not written yet")


if __name__ == "__main__":
    A = np.array([[1.0, 2, 3], [4, 5, 6]])
    B = np.array([[1.0, 0], [0, 1], [-1, 2]])
    dA, dB = matmul_backward(np.array([[1.0, 2], [0, -1]]), A, B)
    print(dA)  # [[ 1.  2.  3.]  [ 0. -1. -2.]]
    print(dB)  # [[ 1. -2.]  [ 2. -1.]  [ 3.  0.]]
    d_out = np.array([[1.0, 2, 3], [4, 5, 6]])
    print(broadcast_backward(d_out, (3,)))  # [5. 7. 9.]: a bias added to every row
    print(broadcast_backward(d_out, (2, 1)))  # [[ 6.]  [15.]]
    print(broadcast_backward(d_out, (1, 3)))  # [[5. 7. 9.]]
    print(broadcast_backward(d_out, ()))  # 21.0: one number added everywhere
