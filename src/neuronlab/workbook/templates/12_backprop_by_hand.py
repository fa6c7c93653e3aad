"""Exercise 12: backprop by hand through a two-layer network, one line per gradient.

The network reads a batch x of shape (n, D) and labels y (n integers below C),
with the parameters p: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,):

    x -> x @ W1 + b1 -> tanh -> h @ W2 + b2 -> softmax cross-entropy

forward() below is written out for you in small steps, every intermediate
named. Write backward(): the gradient of the loss with respect to each
intermediate and each parameter, one line each, from the loss back to W1.
Each gradient has the shape of its value. The check computes every one with
autograd and compares them entry by entry: exact, close, or the largest
difference, and the first wrong one with the entry and both numbers. It uses
the batch the main block below makes (seed 0: the loss it prints, 1.60766,
is the loss the check names), then a second batch of other sizes.

What you need (each is one of the earlier exercises):
  - loss = -mean of the n entries logprobs[i, y[i]]: only those get a gradient
  - d log(u)/du = 1/u;  d e^u/du = e^u;  d tanh(u)/du = 1 - tanh(u)² = 1 - h²
  - a value used twice (counts) gets both contributions, added
  - a broadcast value (counts_sum, b1, b2) gets its gradient summed back (10)
  - a matrix product (10): dA = dC @ Bᵀ, dB = Aᵀ @ dC
  - row_max is a constant shift that changes no probability: treat it as a
    constant, so logits' gradient is shifted's

Leave a gradient as None until you write it: the check reports the others.
Then run:  neuronlab workbook check 12
"""

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
    dlogprobs = None  # (n, C), with n = len(y)
    dprobs = None  # (n, C)
    dcounts_sum = None  # (n, 1)
    dcounts = None  # (n, C): through probs, and through counts_sum
    dshifted = None  # (n, C)
    dlogits = None  # (n, C)
    dh = None  # (n, H)
    dW2 = None  # (H, C)
    db2 = None  # (C,)
    dh_pre = None  # (n, H)
    dW1 = None  # (D, H)
    db1 = None  # (H,)
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
