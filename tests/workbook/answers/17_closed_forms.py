"""Exercise 17, the project's answers: the closed-form backward passes, and the gradients."""
import numpy as np


def cross_entropy_backward(logits: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dloss/dlogits of the mean cross-entropy, in one line: (softmax(logits) - onehot(Y)) / n."""
    e = np.exp(logits - logits.max(1, keepdims=True))
    d = e / e.sum(1, keepdims=True)
    d[np.arange(len(Y)), Y] -= 1
    return d / len(Y)


def batchnorm_backward(
    dhpreact: np.ndarray, bngain: np.ndarray, bnvar_inv: np.ndarray, bnraw: np.ndarray
) -> np.ndarray:
    """dloss/dhprebn through BatchNorm (Bessel's n - 1), in one line."""
    n = len(dhpreact)
    return (
        bngain * bnvar_inv / n
        * (n * dhpreact - dhpreact.sum(0) - n / (n - 1) * bnraw * (dhpreact * bnraw).sum(0))
    )


def gradients(X: np.ndarray, Y: np.ndarray, p: Arrays) -> tuple[float, Arrays]:
    """(the loss, the gradient of every parameter by name), forward and backward by hand."""
    n = len(Y)
    emb = p["C"][X]
    embcat = emb.reshape(n, -1)
    hprebn = embcat @ p["W1"] + p["b1"]
    bndiff = hprebn - hprebn.mean(0, keepdims=True)
    bnvar_inv = ((bndiff**2).sum(0, keepdims=True) / (n - 1) + 1e-5) ** -0.5
    bnraw = bndiff * bnvar_inv
    h = np.tanh(p["bngain"] * bnraw + p["bnbias"])
    logits = h @ p["W2"] + p["b2"]
    shifted = logits - logits.max(1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    loss = float(-logp[np.arange(n), Y].mean())
    dlogits = cross_entropy_backward(logits, Y)
    dh = dlogits @ p["W2"].T
    dhpreact = (1 - h**2) * dh
    dhprebn = batchnorm_backward(dhpreact, p["bngain"], bnvar_inv, bnraw)
    dC = np.zeros_like(p["C"])
    np.add.at(dC, X, (dhprebn @ p["W1"].T).reshape(emb.shape))
    grads = {
        "C": dC,
        "W1": embcat.T @ dhprebn,
        "b1": dhprebn.sum(0),
        "W2": h.T @ dlogits,
        "b2": dlogits.sum(0),
        "bngain": (bnraw * dhpreact).sum(0, keepdims=True),
        "bnbias": dhpreact.sum(0, keepdims=True),
    }
    return loss, grads
