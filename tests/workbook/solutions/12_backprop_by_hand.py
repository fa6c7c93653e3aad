"""Exercise 12, the project's reference solution: backprop by hand, one line per gradient."""

import numpy as np

Arrays = dict[str, np.ndarray]


def forward(x: np.ndarray, y: np.ndarray, p: Arrays) -> Arrays:
    """The forward pass in small steps: every intermediate by name, and the loss."""
    n = len(y)
    h_pre = x @ p["W1"] + p["b1"]  # (n, H): the hidden layer before its activation
    h = np.tanh(h_pre)  # (n, H)
    logits = h @ p["W2"] + p["b2"]  # (n, C)
    row_max = logits.max(axis=1, keepdims=True)  # (n, 1): a constant, so no e^z overflows
    shifted = logits - row_max  # (n, C)
    counts = np.exp(shifted)  # (n, C)
    counts_sum = counts.sum(axis=1, keepdims=True)  # (n, 1)
    probs = counts / counts_sum  # (n, C): softmax
    logprobs = np.log(probs)  # (n, C)
    loss = -logprobs[np.arange(n), y].mean()  # one number
    return {
        "h_pre": h_pre,
        "h": h,
        "logits": logits,
        "row_max": row_max,
        "shifted": shifted,
        "counts": counts,
        "counts_sum": counts_sum,
        "probs": probs,
        "logprobs": logprobs,
        "loss": np.asarray(loss),
    }


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


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    n, D, H, C = 32, 5, 8, 4
    x, y = rng.normal(size=(n, D)), rng.integers(0, C, size=n)
    p = {
        "W1": rng.normal(size=(D, H)) * 0.5,
        "b1": rng.normal(size=H) * 0.1,
        "W2": rng.normal(size=(H, C)) * 0.5,
        "b2": rng.normal(size=C) * 0.1,
    }
    v = forward(x, y, p)
    print(v["loss"])  # 1.6076570739637486
    grads = backward(x, y, p, v)
    for name, g in grads.items():  # each gradient's shape is its value's
        print(name, None if g is None else g.shape)
    # nudge W1[0, 0] by h: the loss moves by about dW1[0, 0] * h
    h = 1e-6
    nudged = {**p, "W1": p["W1"].copy()}
    nudged["W1"][0, 0] += h
    print((forward(x, y, nudged)["loss"] - v["loss"]) / h)  # -0.01883184...
    print(grads["W1"] if grads["W1"] is None else grads["W1"][0, 0])  # -0.01883184 (to 7 digits)
