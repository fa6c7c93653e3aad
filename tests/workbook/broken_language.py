"""The usual mistakes of exercises 13-17 (language models), each a small change to the
reference solution.

Each ``Broken`` (the kind ``broken_basics`` defines) replaces one piece of the
reference solution's code and names what the check must then say: pieces of
text of its first failed finding (the message, a detail or the likely mistake).
"""

from __future__ import annotations

from workbook.broken_basics import Broken

__all__ = ["BROKEN", "Broken"]

_DRAW = "ix = int(multinomial(P[ix], 1, replacement=True, generator=rng)[0])"
_SUM_ROW = "table / table.sum(axis=1, keepdims=True)"
_SOFTMAX14 = "counts = (logits - logits.data.max(axis=1, keepdims=True)).exp()"
_FLAT = 'h = np.tanh(emb.reshape(len(X), -1) @ p["W1"] + p["b1"])'
_MAXES = (
    "    dlogit_maxes = -dnorm_logits.sum(1, keepdims=True)\n"
    "    dlogits = dnorm_logits.copy()\n"
    '    dlogits[np.arange(n), v["logits"].argmax(1)] += dlogit_maxes[:, 0]\n'
)
_BN17 = "(n * dhpreact - dhpreact.sum(0) - n / (n - 1) * bnraw * (dhpreact * bnraw).sum(0))"

BROKEN: tuple[Broken, ...] = (
    # exercise 13: bigram counts
    Broken(
        "13",
        "the words counted without their '.' boundaries",
        'marked = "." + word + "."\n        for a, b in zip(marked, marked[1:]):\n'
        "            N[stoi[a], stoi[b]] += 1",
        "marked = word\n        for a, b in zip(marked, marked[1:]):\n"
        "            N[stoi[a], stoi[b]] += 1",
        ("bigram_counts for ['emma'], '.aem' differs", "'.' before and after each word"),
    ),
    Broken(
        "13",
        "rows and columns swapped in the count table",
        "N[stoi[a], stoi[b]] += 1",
        "N[stoi[b], stoi[a]] += 1",
        ("bigram_counts", "rows and columns are swapped"),
    ),
    Broken(
        "13",
        "the caller's list of words sorted in place",
        "    stoi = {ch: i for i, ch in enumerate(chars)}\n    N = np.zeros(",
        "    stoi = {ch: i for i, ch in enumerate(chars)}\n    words.sort()\n    N = np.zeros(",
        ("changed its argument words in place", "work on a copy"),
    ),
    Broken(
        "13",
        "the row sums without keepdims (columns divided by the row sums)",
        _SUM_ROW,
        "table / table.sum(axis=1)",
        ("bigram_probabilities(N, s) for s = 1", "without keepdims=True", "no error"),
    ),
    Broken(
        "13",
        "the columns normalised instead of the rows",
        _SUM_ROW,
        "table / table.sum(axis=0, keepdims=True)",
        ("bigram_probabilities", "each column sums to 1, not each row"),
    ),
    Broken(
        "13",
        "the smoothing left out",
        "table = N + smoothing",
        "table = N * 1.0",
        ("bigram_probabilities", "the smoothing is not added"),
    ),
    Broken(
        "13",
        "the loss summed over the bigrams",
        "return float(-total / count)",
        "return float(-total)",
        ("mean_nll(P, words, chars)", "the sum over the 228146 bigrams"),
    ),
    Broken(
        "13",
        "the loss without its minus sign",
        "return float(-total / count)",
        "return float(total / count)",
        ("mean_nll", "the minus sign is missing"),
    ),
    Broken(
        "13",
        "a new generator for every name",
        '    for _ in range(n):\n        ix, name = 0, ""\n',
        "    for _ in range(n):\n        rng = np.random.default_rng(seed)\n"
        '        ix, name = 0, ""\n',
        ("name 1 differs from neuronlab's for the same seed", "a new generator for each name"),
    ),
    Broken(
        "13",
        "drawing from the column P[:, ix]",
        _DRAW,
        "ix = int(multinomial(P[:, ix], 1, replacement=True, generator=rng)[0])",
        ("differs from neuronlab's for the same seed", "not the column P[:, ix]"),
    ),
    Broken(
        "13",
        "NumPy's rng.multinomial instead of neuronlab's multinomial",
        _DRAW,
        "ix = int(rng.multinomial(1, P[ix]).argmax())",
        ("differs from neuronlab's for the same seed", "neuronlab.tensor.multinomial"),
    ),
    Broken(
        "13",
        "a generator without the seed",
        "rng = np.random.default_rng(seed)",
        "rng = np.random.default_rng()",
        ("called twice with the same arguments, gave two different results",),
    ),
    # exercise 14: the bigram network
    Broken(
        "14",
        "one_hot transposed",
        "    return out\n",
        "    return out.T\n",
        ("one_hot(ix, size) for 2 indices, size 3 has shape (3, 2)", "one row per index"),
    ),
    Broken(
        "14",
        "softmax without the max subtracted",
        _SOFTMAX14,
        "counts = logits.exp()",
        ("for logits of about 100", "inf or nan", "e^z overflows past z = 88"),
    ),
    Broken(
        "14",
        "the row sums without keepdims",
        "probs = counts / counts.sum(axis=1, keepdims=True)",
        "probs = counts / counts.sum(axis=1)",
        ("raised ValueError", "a row sum without keepdims=True"),
    ),
    Broken(
        "14",
        "xenc @ W.T: runs because W is square",
        "logits = one_hot(xs, W.shape[0]) @ W\n",
        "logits = one_hot(xs, W.shape[0]) @ W.T\n",
        ("W.grad after bigram_loss", "W.T picks column i", "because W is square"),
    ),
    Broken(
        "14",
        "the gradient never zeroed",
        "        W.grad = None\n",
        "",
        ("the losses of train_bigram", "the gradient piles up from step to step"),
    ),
    Broken(
        "14",
        "a step up the gradient",
        "W.data -= lr * W.grad",
        "W.data += lr * W.grad",
        ("the losses of train_bigram", "a step goes down the gradient"),
    ),
    # exercise 15: the MLP's forward pass
    Broken(
        "15",
        "the closing '.' left out of the targets",
        'for ch in word + ".":',
        "for ch in word:",
        ("from build_dataset", "the closing '.' is a target too"),
    ),
    Broken(
        "15",
        "C[X] transposed before it is laid flat",
        _FLAT,
        'h = np.tanh(emb.transpose(0, 2, 1).reshape(len(X), -1) @ p["W1"] + p["b1"])',
        ("mlp_logits(X, p) for the first five names", "n_embd numbers stay together"),
    ),
    Broken(
        "15",
        "the lecture's sizes written into the code",
        _FLAT,
        'h = np.tanh(emb.reshape(32, 30) @ p["W1"] + p["b1"])',
        ("mlp_logits(X, p) for n = 7", "raised ValueError", "take n from len(X)"),
    ),
    Broken(
        "15",
        "the tanh forgotten",
        _FLAT,
        'h = emb.reshape(len(X), -1) @ p["W1"] + p["b1"]',
        ("mlp_logits", "the hidden layer's tanh is missing"),
    ),
    Broken(
        "15",
        "cross_entropy without the max subtracted",
        "shifted = logits - logits.max(axis=1, keepdims=True)",
        "shifted = logits",
        ("a logit of 1000", "inf or nan", "e^1000 overflows"),
    ),
    Broken(
        "15",
        "the loss summed over the batch",
        "Y].mean())",
        "Y].sum())",
        ("cross_entropy(logits, Y) for 32 rows", "the sum over the batch: divide by n = 32"),
    ),
    # exercise 16: backprop ninja
    Broken(
        "16",
        "dcounts_sum_inv summed without keepdims",
        'dcounts_sum_inv = (v["counts"] * dprobs).sum(1, keepdims=True)',
        'dcounts_sum_inv = (v["counts"] * dprobs).sum(1)',
        ("backward_pass(X, Y, p, v) raised ValueError", "a sum without keepdims=True"),
    ),
    Broken(
        "16",
        "dlogit_maxes summed without keepdims",
        _MAXES,
        _MAXES.replace("sum(1, keepdims=True)", "sum(1)").replace(
            "dlogit_maxes[:, 0]", "dlogit_maxes"
        ),
        ("dlogit_maxes    (32, 1)      wrong: has shape (32,)", "a sum without keepdims=True"),
    ),
    Broken(
        "16",
        "db2 not summed over the batch",
        "db2 = dlogits.sum(0)",
        "db2 = dlogits",
        ("db2             (27,)        wrong: has shape (32, 27)", "its gradient sums it back"),
    ),
    Broken(
        "16",
        "the tanh derivative at hpreact",
        'dhpreact = (1 - v["h"] ** 2) * dh',
        'dhpreact = (1 - v["hpreact"] ** 2) * dh',
        ("dhpreact", "not 1 - hpreact²"),
    ),
    Broken(
        "16",
        "dbngain summed without keepdims",
        'dbngain = (v["bnraw"] * dhpreact).sum(0, keepdims=True)',
        'dbngain = (v["bnraw"] * dhpreact).sum(0)',
        ("dbngain         (1, 64)      wrong: has shape (64,)", "a sum without keepdims=True"),
    ),
    Broken(
        "16",
        "n instead of n - 1 in dbndiff2",
        "dbndiff2 = 1 / (n - 1) *",
        "dbndiff2 = 1 / n *",
        ("dbndiff2", "n instead of n - 1", "Bessel"),
    ),
    Broken(
        "16",
        "n instead of n - 1 in the forward's variance",
        "bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)",
        "bnvar = 1 / n * bndiff2.sum(0, keepdims=True)",
        ("bnvar from forward_pass(X, Y, p)", "n instead of n - 1 in the variance"),
    ),
    Broken(
        "16",
        "bndiff given only its path through bnraw",
        'dbndiff = v["bnvar_inv"] * dbnraw + 2 * v["bndiff"] * dbndiff2',
        'dbndiff = v["bnvar_inv"] * dbnraw',
        ("dbndiff", "bndiff is used twice"),
    ),
    Broken(
        "16",
        "hprebn given only its path through bndiff",
        'dhprebn = dbndiff + 1 / n * np.ones_like(v["hprebn"]) * dbnmeani',
        "dhprebn = dbndiff.copy()",
        ("dhprebn", "hprebn is used twice"),
    ),
    Broken(
        "16",
        "the embedding gradient assigned, not accumulated",
        "np.add.at(dC, X, demb)",
        "dC[X] = demb",
        ("dC", "dC[X] = demb keeps only the last", "np.add.at"),
    ),
    Broken(
        "16",
        "the embedding's shape written into the code",
        'demb = dembcat.reshape(v["emb"].shape)',
        "demb = dembcat.reshape(32, 3, 10)",
        ("on a second batch (n = 13", "raised ValueError", "a size written into the code"),
    ),
    # exercise 17: the closed forms
    Broken(
        "17",
        "dlogits not divided by n",
        "    return d / len(Y)\n",
        "    return d\n",
        ("for a float32 batch of 32 × 27", "every entry is n = 32 times too big"),
    ),
    Broken(
        "17",
        "dlogits without the max subtracted",
        "e = np.exp(logits - logits.max(1, keepdims=True))",
        "e = np.exp(logits)",
        ("float32 logits of about 100", "inf or nan", "subtract each row's largest logit"),
    ),
    Broken(
        "17",
        "the caller's logits shifted in place",
        "e = np.exp(logits - logits.max(1, keepdims=True))",
        "logits -= logits.max(1, keepdims=True)\n    e = np.exp(logits)",
        ("changed its argument logits in place",),
    ),
    Broken(
        "17",
        "BatchNorm's backward with n where Bessel's n - 1 belongs",
        "n / (n - 1) * bnraw",
        "bnraw",
        ("batchnorm_backward for n = 16, H = 16", "n instead of n - 1"),
    ),
    Broken(
        "17",
        "BatchNorm's sums over axis 1: runs only when n = H",
        _BN17,
        _BN17.replace(".sum(0)", ".sum(1)"),
        ("batchnorm_backward for n = 16, H = 16", "it runs only because n = H here"),
    ),
    Broken(
        "17",
        "db1 not summed over the batch",
        '"b1": dhprebn.sum(0),',
        '"b1": dhprebn,',
        ("db1 from gradients(X, Y, p)", "has shape (32, 200); expected (200,)"),
    ),
    # added with the examiner's set: kinds that passed, or failed without a name
    Broken(
        "13",
        "counts in uint8, which wrap at 256",
        "dtype=np.int64)\n    for word in words:",
        "dtype=np.uint8)\n    for word in words:",
        ("expected 70000, got 112", "the counts wrapped around: a uint8 table"),
    ),
    Broken(
        "13",
        "characters indexed by the alphabet, not by chars",
        "            N[stoi[a], stoi[b]] += 1\n",
        "            N[ord(a) - 96 if a != '.' else 0, ord(b) - 96 if b != '.' else 0] += 1\n",
        ("bigram_counts(['emma'], '.aem') raised IndexError", "by its place in chars"),
    ),
    Broken(
        "13",
        "the smoothing added once to the row's sum",
        _SUM_ROW,
        "table / (N.sum(axis=1, keepdims=True) + smoothing)",
        ("for s = 1", "only once to the row's sum"),
    ),
    Broken(
        "13",
        "the smoothing always 1",
        "    table = N + smoothing\n",
        "    table = N + 1\n",
        ("for s = 0.5", "the smoothing is always 1"),
    ),
    Broken(
        "13",
        "a sampling loop that never starts",
        "        while True:\n            " + _DRAW,
        "        while ix != 0:\n            " + _DRAW,
        ("expected 'dulike', got ''", "every name is empty"),
    ),
    Broken(
        "14",
        "lr fixed at the lecture's 50",
        "        W.data -= lr * W.grad\n",
        "        W.data -= 50 * W.grad\n",
        ("train_bigram(W, xs, ys, 3, 2)", "train_bigram ignores its argument lr"),
    ),
    Broken(
        "15",
        "the target shifted into the context before the row is kept",
        "            X.append(context)\n            Y.append(stoi[ch])\n"
        "            context = context[1:] + [stoi[ch]]\n",
        "            context = context[1:] + [stoi[ch]]\n            X.append(context)\n"
        "            Y.append(stoi[ch])\n",
        ("X from build_dataset(['emma'], 3, '.aem')", "X holds its own target"),
    ),
    Broken(
        "15",
        "the context carried from word to word",
        "    for word in words:\n        context = [0] * block_size\n",
        "    context = [0] * block_size\n    for word in words:\n",
        ("X from build_dataset(", "carried from one word into the next"),
    ),
    Broken(
        "15",
        "one context list for every row, changed in place",
        "            context = context[1:] + [stoi[ch]]\n",
        "            context.pop(0)\n            context.append(stoi[ch])\n",
        ("X from build_dataset(['emma'], 3, '.aem')", "append a copy"),
    ),
    Broken(
        "15",
        "X made of floats",
        "np.array(X, dtype=np.int64)",
        "np.array(X, dtype=np.float64)",
        ("should hold integers", "dtype int"),
    ),
    Broken(
        "15",
        "ReLU where tanh belongs",
        _FLAT,
        'h = np.maximum(emb.reshape(len(X), -1) @ p["W1"] + p["b1"], 0)',
        ("mlp_logits(X, p) for the first five names", "the hidden layer uses ReLU"),
    ),
    Broken(
        "17",
        "batchnorm's sums over axis 1, with keepdims",
        _BN17,
        _BN17.replace("sum(0)", "sum(1, keepdims=True)"),
        ("batchnorm_backward for n = 16, H = 16", "yours sum each row, over axis 1"),
    ),
    Broken(
        "17",
        "the tanh's derivative skipped in gradients",
        "    dhpreact = (1 - h**2) * dh\n",
        "    dhpreact = dh\n",
        ("dC from gradients(X, Y, p)", "the mistake is in the step between, the tanh"),
    ),
    Broken(
        "17",
        "the forward's variance over n",
        "    bnvar_inv = ((bndiff**2).sum(0, keepdims=True) / (n - 1) + 1e-5) ** -0.5\n",
        "    bnvar_inv = ((bndiff**2).sum(0, keepdims=True) / n + 1e-5) ** -0.5\n",
        ("the loss of gradients(X, Y, p)", "divides by n - 1 (Bessel)"),
    ),
)
