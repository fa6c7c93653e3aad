"""Exercise 15, the project's answers: the MLP's dataset, forward pass and loss."""
import numpy as np


def build_dataset(words: list[str], block_size: int, chars: str) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y): X[k] the block_size indices before target Y[k], "." (0) padding the start."""
    stoi = {ch: i for i, ch in enumerate(chars)}
    X, Y = [], []
    for word in words:
        context = [0] * block_size
        for ch in word + ".":
            X.append(context)
            Y.append(stoi[ch])
            context = context[1:] + [stoi[ch]]
    return np.array(X, dtype=np.int64).reshape(-1, block_size), np.array(Y, dtype=np.int64)


def mlp_logits(X: np.ndarray, p: Arrays) -> np.ndarray:
    """tanh(C[X] laid flat @ W1 + b1) @ W2 + b2: the logits, shape (len(X), vocabulary)."""
    emb = p["C"][X]
    h = np.tanh(emb.reshape(len(X), -1) @ p["W1"] + p["b1"])
    return h @ p["W2"] + p["b2"]


def cross_entropy(logits: np.ndarray, Y: np.ndarray) -> float:
    """The mean over the rows of -log softmax(logits)[k, Y[k]], stable for any logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(Y)), Y].mean())
