"""Exercise 10, the project's answers: matmul and broadcast backward by hand."""
import numpy as np


def matmul_backward(dC: np.ndarray, A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dA, dB) for C = A @ B, given dC = dloss/dC; each has its operand's shape."""
    dA = dC @ B.T
    dB = A.T @ dC
    return dA, dB


def broadcast_backward(d_out: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The gradient of an input of ``shape`` that broadcasting stretched to d_out's shape."""
    lead = d_out.ndim - len(shape)
    g = d_out.sum(axis=tuple(range(lead))) if lead else d_out
    stretched = tuple(i for i, size in enumerate(shape) if size == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else g
