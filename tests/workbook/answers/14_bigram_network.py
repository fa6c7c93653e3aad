"""Exercise 14, the project's answers: the bigram network trained by gradient descent."""
import numpy as np


def one_hot(ix: np.ndarray, size: int) -> np.ndarray:
    """(len(ix), size) float32: row k has a 1 at column ix[k] and 0 elsewhere."""
    out = np.zeros((len(ix), size), dtype=np.float32)
    out[np.arange(len(ix)), ix] = 1.0
    return out


def bigram_loss(W: Tensor, xs: np.ndarray, ys: np.ndarray) -> Tensor:
    """The mean of -log softmax(one_hot(xs) @ W)[k, ys[k]], one Tensor, the softmax written out."""
    logits = one_hot(xs, W.shape[0]) @ W
    counts = (logits - logits.data.max(axis=1, keepdims=True)).exp()
    probs = counts / counts.sum(axis=1, keepdims=True)
    return -probs[np.arange(len(ys)), ys].log().mean()


def train_bigram(W: Tensor, xs: np.ndarray, ys: np.ndarray, steps: int, lr: float) -> list[float]:
    """``steps`` steps of gradient descent on W (in place); the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = bigram_loss(W, xs, ys)
        W.grad = None
        loss.backward()
        W.data -= lr * W.grad
        losses.append(loss.item())
    return losses
