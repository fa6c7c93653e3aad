"""The usual mistakes of exercises 10-12, each a small change to the reference solution.

Each ``Broken`` (the kind ``broken_basics`` defines) replaces one piece of the
reference solution's code and names what the check must then say: a piece of
text of its first failed finding (the message, a detail or the likely mistake).
"""

from __future__ import annotations

from workbook.broken_basics import Broken

__all__ = ["BROKEN", "Broken"]

_DB = "    dB = A.T @ dC\n"
_RETURN = "    return g.sum(axis=stretched, keepdims=True) if stretched else g\n"
_BACKWARD = "    d = softmax(logits)\n"

BROKEN: tuple[Broken, ...] = (
    # exercise 10: the matrix product
    Broken(
        "10",
        "dA = dC @ B, without the transpose",
        "dA = dC @ B.T",
        "dA = dC @ B",
        ("dA for A (2, 3) @ B (3, 3) differs from autograd's most at", "B needs its transpose"),
    ),
    Broken(
        "10",
        "dA = dC * Bᵀ, entry by entry",
        "dA = dC @ B.T",
        "dA = dC * B.T",
        ("raised ValueError: operands could not be broadcast", "the matrix product is @"),
    ),
    Broken(
        "10",
        "dB = dC @ Aᵀ, the operands swapped",
        _DB,
        "    dB = dC @ A.T\n",
        ("dB for A (2, 3) @ B (3, 3) has shape (2, 2); expected (3, 3)", "operands are swapped"),
    ),
    Broken(
        "10",
        "dB = dCᵀ @ A, transposed",
        _DB,
        "    dB = dC.T @ A\n",
        ("dB came out transposed",),
    ),
    Broken(
        "10",
        "the gradients returned as (dB, dA)",
        "return dA, dB",
        "return dB, dA",
        ("dA and dB are swapped",),
    ),
    # exercise 10: the broadcast sum
    Broken(
        "10",
        "summed over the last axes instead of the leading ones",
        "d_out.sum(axis=tuple(range(lead)))",
        "d_out.sum(axis=tuple(range(-lead, 0)))",
        ("has shape (4,); expected (3,)", "summed over axes (1,): the wrong axes"),
    ),
    Broken(
        "10",
        "the broadcast shape kept (nothing summed)",
        _RETURN,
        "    return d_out\n",
        ("has shape (4, 3); expected (3,)", "not summed: the gradient kept the broadcast shape"),
    ),
    Broken(
        "10",
        "summed over every axis",
        _RETURN,
        "    return d_out.sum()\n",
        ("is one number; expected an array of shape (3,)", "summed over every axis"),
    ),
    Broken(
        "10",
        "an axis of size 1 dropped (keepdims forgotten)",
        "keepdims=True",
        "keepdims=False",
        ("broadcast_backward(d_out, (4, 1))", "has shape (4,); expected (4, 1)", "keepdims=True"),
    ),
    # exercise 11: softmax cross-entropy
    Broken(
        "11",
        "softmax without the row's max subtracted",
        "np.exp(logits - logits.max(axis=1, keepdims=True))",
        "np.exp(logits)",
        ("softmax(logits) for 2 rows of 3 logits", "inf or nan", "e^1000 overflows"),
    ),
    Broken(
        "11",
        "cross_entropy without the row's max subtracted",
        "shifted = logits - logits.max(axis=1, keepdims=True)",
        "shifted = logits",
        ("cross_entropy(logits, labels) for 2 rows", "inf or nan", "e^1000 overflows"),
    ),
    Broken(
        "11",
        "cross_entropy as the log of softmax's probabilities",
        "    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n",
        "    log_probs = np.log(softmax(logits))\n",
        ("has inf or nan where autograd's is finite", "log of a probability that rounds to 0"),
    ),
    Broken(
        "11",
        "the loss as a 1-element array",
        "    return float(-log_probs[np.arange(len(labels)), labels].mean())\n",
        "    return -log_probs[np.arange(len(labels)), labels].mean(keepdims=True)\n",
        ("is an array of shape (1,), not one number", "return float(...) of it"),
    ),
    Broken(
        "11",
        "the loss summed over the batch, not averaged",
        "labels].mean())",
        "labels].sum())",
        ("for 32 rows of 10 logits", "n = 32 times the mean"),
    ),
    Broken(
        "11",
        "the gradient not divided by n",
        "    return d / n\n",
        "    return d\n",
        ("cross_entropy_backward for 32 rows of 10 logits", "every entry is n = 32 times too big"),
    ),
    Broken(
        "11",
        "the one-hot subtracted from whole rows (d[labels])",
        "d[np.arange(n), labels] -= 1",
        "d[labels] -= 1",
        ("one-hot went to the wrong entries", "row 0 should have 1 subtracted at column"),
    ),
    Broken(
        "11",
        "the one-hot subtracted from whole columns (d[:, labels])",
        "d[np.arange(n), labels] -= 1",
        "d[:, labels] -= 1",
        ("one-hot went to the wrong entries", "d[:, labels] whole columns"),
    ),
    Broken(
        "11",
        "log_softmax where softmax belongs in the gradient",
        _BACKWARD,
        "    d = np.log(softmax(logits))\n",
        ("cross_entropy_backward for 1 row of 3 logits", "log_softmax where softmax belongs"),
    ),
    # exercise 12: backprop by hand
    Broken(
        "12",
        "the tanh derivative at the pre-activation",
        'dh_pre = (1 - v["h"] ** 2) * dh',
        'dh_pre = (1 - v["h_pre"] ** 2) * dh',
        ("dh_pre      (32, 8)  differs from autograd's most at", "not 1 - h_pre²"),
    ),
    Broken(
        "12",
        "the bias gradient without the sum over the batch",
        "db2 = dlogits.sum(axis=0)",
        "db2 = dlogits",
        ("db2         (4,)     has shape (32, 4); expected (4,)", "sums over them"),
    ),
    Broken(
        "12",
        "the weight gradient transposed",
        'dW2 = v["h"].T @ dlogits',
        'dW2 = dlogits.T @ v["h"]',
        ("dW2         (8, 4)   has shape (4, 8); expected (8, 4)", "dW2 came out transposed"),
    ),
    Broken(
        "12",
        "the 1/n of the mean forgotten",
        "dlogprobs[np.arange(n), y] = -1.0 / n",
        "dlogprobs[np.arange(n), y] = -1.0",
        ("dlogprobs", "every entry is n = 32 times too big: dlogprobs is -1/n"),
    ),
    Broken(
        "12",
        "counts given only its path through probs",
        'dcounts = dprobs / v["counts_sum"] + dcounts_sum',
        'dcounts = dprobs / v["counts_sum"]',
        ("dcounts", "counts is used twice"),
    ),
    Broken(
        "12",
        "dh = dlogits @ W2, without the transpose",
        'dh = dlogits @ p["W2"].T',
        'dh = dlogits @ p["W2"]',
        ("backward(x, y, p, v) raised ValueError", 'dh = dlogits @ p["W2"]'),
    ),
    Broken(
        "12",
        "the batch size written into the code",
        "n = len(y)\n    dlogprobs",
        "n = 32\n    dlogprobs",
        (
            "on a second batch (n = 7, D = 3, H = 6, C = 5)",
            "raised IndexError",
            "a size written into the code",
        ),
    ),
    # -- what one call on the worked example does not show (issue 14) --------------------
    Broken(
        "11",
        "softmax shifts the caller's logits in place",
        "    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n",
        "    logits -= logits.max(axis=1, keepdims=True)\n    e = np.exp(logits)\n",
        ("softmax changed its argument logits in place", "wrote into the caller's array"),
    ),
    Broken(
        "11",
        "cross_entropy shifts the caller's logits in place",
        "    shifted = logits - logits.max(axis=1, keepdims=True)\n",
        "    logits -= logits.max(axis=1, keepdims=True)\n    shifted = logits\n",
        ("cross_entropy changed its argument logits in place", "x = x - ..."),
    ),
    Broken(
        "11",
        "cross_entropy_backward shifts and exponentiates the caller's logits in place",
        _BACKWARD,
        "    logits -= logits.max(axis=1, keepdims=True)\n    d = np.exp(logits)\n"
        "    d /= d.sum(axis=1, keepdims=True)\n",
        ("cross_entropy_backward changed its argument logits in place",),
    ),
    Broken(
        "12",
        "backward squares v['h'] in place",
        'dh_pre = (1 - v["h"] ** 2) * dh',
        'h = v["h"]\n    h **= 2\n    dh_pre = (1 - h) * dh',
        ("backward changed its argument v in place: v['h'] held", "leave the caller's dict"),
    ),
    # added with the examiner's set: kinds that failed without a name
    Broken(
        "10",
        "dB divided by the batch size",
        _DB,
        "    dB = A.T @ dC / len(A)\n",
        ("dB for A (2, 3) @ B (3, 3) differs", "every entry is 1/2 times the right one"),
    ),
    Broken(
        "10",
        "broadcast_backward averages where it sums",
        _RETURN,
        "    return g.mean(axis=stretched, keepdims=True) if stretched else g\n",
        ("broadcast_backward(d_out, (4, 1))", "a mean where a sum belongs"),
    ),
    Broken(
        "11",
        "probabilities clipped before the log",
        "    return float(-log_probs[np.arange(len(labels)), labels].mean())\n",
        "    p = np.clip(np.exp(log_probs), 1e-12, 1.0)\n"
        "    return float(-np.log(p)[np.arange(len(labels)), labels].mean())\n",
        ("expected 1000.31, got 27.631", "clipped to 1e-12 before the log"),
    ),
    Broken(
        "10",
        "dB from sums multiplied entry by entry",
        _DB,
        "    dB = A.sum(axis=0)[:, None] * dC.sum(axis=0)\n",
        ("dB for A (2, 3) @ B (3, 3) differs", "your dB has rank 1"),
    ),
)
