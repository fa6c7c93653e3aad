"""Exercise 16, the project's answers: backprop ninja, every atom's gradient by hand."""
import numpy as np


def backward_pass(
    X: np.ndarray, Y: np.ndarray, p: Arrays, v: Arrays
) -> dict[str, np.ndarray | None]:
    """dloss/d(each atom and parameter), by hand, given forward_pass's values v."""
    n = len(Y)
    dlogprobs = np.zeros_like(v["logprobs"])
    dlogprobs[np.arange(n), Y] = -1.0 / n
    dprobs = dlogprobs / v["probs"]
    dcounts_sum_inv = (v["counts"] * dprobs).sum(1, keepdims=True)
    dcounts_sum = -v["counts_sum"] ** -2 * dcounts_sum_inv
    dcounts = v["counts_sum_inv"] * dprobs + dcounts_sum
    dnorm_logits = v["counts"] * dcounts
    dlogit_maxes = -dnorm_logits.sum(1, keepdims=True)
    dlogits = dnorm_logits.copy()
    dlogits[np.arange(n), v["logits"].argmax(1)] += dlogit_maxes[:, 0]
    dh = dlogits @ p["W2"].T
    dW2 = v["h"].T @ dlogits
    db2 = dlogits.sum(0)
    dhpreact = (1 - v["h"] ** 2) * dh
    dbngain = (v["bnraw"] * dhpreact).sum(0, keepdims=True)
    dbnbias = dhpreact.sum(0, keepdims=True)
    dbnraw = p["bngain"] * dhpreact
    dbnvar_inv = (v["bndiff"] * dbnraw).sum(0, keepdims=True)
    dbnvar = -0.5 * (v["bnvar"] + 1e-5) ** -1.5 * dbnvar_inv
    dbndiff2 = 1 / (n - 1) * np.ones_like(v["bndiff2"]) * dbnvar
    dbndiff = v["bnvar_inv"] * dbnraw + 2 * v["bndiff"] * dbndiff2
    dbnmeani = -dbndiff.sum(0, keepdims=True)
    dhprebn = dbndiff + 1 / n * np.ones_like(v["hprebn"]) * dbnmeani
    dembcat = dhprebn @ p["W1"].T
    dW1 = v["embcat"].T @ dhprebn
    db1 = dhprebn.sum(0)
    demb = dembcat.reshape(v["emb"].shape)
    dC = np.zeros_like(p["C"])
    np.add.at(dC, X, demb)
    grads = dict(locals())
    return {name[1:]: grads[name] for name in grads if name.startswith("d")}
