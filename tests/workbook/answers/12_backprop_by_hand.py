"""Exercise 12, the project's answers: backprop by hand, one line per gradient."""
import numpy as np


def backward(x: np.ndarray, y: np.ndarray, p: Arrays, v: Arrays) -> dict[str, np.ndarray | None]:
    """dloss/d(each intermediate and parameter), by hand, given forward's values v."""
    n = len(y)
    dlogprobs = np.zeros_like(v["logprobs"])
    dlogprobs[np.arange(n), y] = -1.0 / n
    dprobs = dlogprobs / v["probs"]
    dcounts_sum = (-v["counts"] / v["counts_sum"] ** 2 * dprobs).sum(axis=1, keepdims=True)
    dcounts = dprobs / v["counts_sum"] + dcounts_sum
    dshifted = dcounts * v["counts"]
    dlogits = dshifted
    dh = dlogits @ p["W2"].T
    dW2 = v["h"].T @ dlogits
    db2 = dlogits.sum(axis=0)
    dh_pre = (1 - v["h"] ** 2) * dh
    dW1 = x.T @ dh_pre
    db1 = dh_pre.sum(axis=0)
    return {
        "logprobs": dlogprobs,
        "probs": dprobs,
        "counts_sum": dcounts_sum,
        "counts": dcounts,
        "shifted": dshifted,
        "logits": dlogits,
        "h": dh,
        "W2": dW2,
        "b2": db2,
        "h_pre": dh_pre,
        "W1": dW1,
        "b1": db1,
    }
