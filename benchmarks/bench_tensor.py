"""Tensor engine speed and accuracy, side by side with the baselines, in one run.

Run with ``make bench`` (its .bench-venv holds PyTorch and scikit-learn).

1. One epoch of an MLP 784-128-10 (ReLU, cross-entropy from logits, plain SGD
   lr 0.1, float32) on 60,000 MNIST-shaped examples, for batch sizes 10, 64
   and 256, against:
   - PyTorch on the CPU, same threads, same data, same initial weights;
   - the floor: the same forward and backward written out by hand in NumPy;
   - the textbook loop: per-example backprop through each mini-batch, as in
     the best-known online book's network.py (timed on a slice, scaled).
2. ``digits`` (real 8×8 handwriting): MLP 64-64-10, test accuracy and training
   time, next to scikit-learn's MLPClassifier on the same split.

Each contender runs in its own process with the BLAS/OpenMP thread count set
to ``--threads`` (PyTorch's too), and reports its peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

from workers import run_worker, spread

N, D, H, C = 60_000, 784, 128, 10
LR = 0.1


def make_data(seed: int = 0):
    """60,000 MNIST-shaped examples: 784 values in [0, 1], 10 learnable classes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(0.0, 1.0, (C, D)).astype(np.float32)
    y = rng.integers(0, C, N)
    X = np.empty((N, D), dtype=np.float32)
    for start in range(0, N, 5_000):  # in chunks: no float64 copy of the whole set inflates
        rows = slice(start, start + 5_000)  # the memory peak before the epoch starts
        noise = rng.standard_normal((len(y[rows]), D), dtype=np.float32) * np.float32(0.35)
        np.clip(prototypes[y[rows]] + noise, 0.0, 1.0, out=X[rows])
    return X, y.astype(np.int64)


def initial_weights(seed: int = 1):
    """He-uniform weights in PyTorch's (out, in) layout, biases 0, as float32 arrays."""
    import numpy as np

    rng = np.random.default_rng(seed)
    w1 = rng.uniform(-1, 1, (H, D)) * np.sqrt(6.0 / D)
    w2 = rng.uniform(-1, 1, (C, H)) * np.sqrt(6.0 / H)
    as32 = lambda a: np.asarray(a, dtype=np.float32)
    return {
        "0.weight": as32(w1),
        "0.bias": as32(np.zeros(H)),
        "2.weight": as32(w2),
        "2.bias": as32(np.zeros(C)),
    }


def epoch_neuronlab(X, y, batch: int, order) -> float:
    """One epoch with neuronlab's Tensor engine: the loop a user writes."""
    from neuronlab.losses import cross_entropy
    from neuronlab.nn import mlp
    from neuronlab.optim import SGD
    from neuronlab.tensor import Tensor

    model = mlp([D, H, C], activation="relu", seed=0)
    model.load_state_dict(initial_weights())
    opt = SGD(model.parameters(), lr=LR)
    loss = None
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        loss = cross_entropy(model(Tensor(X[idx])), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return float(loss.item())


def epoch_neuronlab_fit(X, y, batch: int, order) -> float:
    """One epoch through ``neuronlab.fit`` (progress off): its checks and history included."""
    from neuronlab import fit
    from neuronlab.nn import mlp

    model = mlp([D, H, C], activation="relu", seed=0)
    model.load_state_dict(initial_weights())
    history = fit(
        model, X, y, loss="cross_entropy", lr=LR, epochs=1, batch_size=batch, seed=0, verbose=False
    )
    return history.loss[-1]


def epoch_torch(X, y, batch: int, order) -> float:
    """One epoch of the same network in PyTorch."""
    import torch

    torch.set_num_threads(int(os.environ["BENCH_THREADS"]))
    model = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.ReLU(), torch.nn.Linear(H, C))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in initial_weights().items()})
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    ot = torch.from_numpy(order)
    loss = None
    for start in range(0, len(order), batch):
        idx = ot[start : start + batch]
        loss = torch.nn.functional.cross_entropy(model(Xt[idx]), yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return float(loss.item())


def epoch_numpy(X, y, batch: int, order) -> float:
    """The floor: forward and backward of the same network written out in NumPy."""
    import numpy as np

    w = initial_weights()
    W1, b1, W2, b2 = w["0.weight"], w["0.bias"], w["2.weight"], w["2.bias"]
    loss = 0.0
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        xb, yb = X[idx], y[idx]
        h = xb @ W1.T + b1
        a = np.maximum(h, 0)
        z = a @ W2.T + b2
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        rows = np.arange(len(idx))
        loss = float(np.mean(np.log(s[:, 0]) - z[rows, yb]))
        dz = e / s
        dz[rows, yb] -= 1
        dz /= len(idx)
        dW2, db2 = dz.T @ a, dz.sum(axis=0)
        dh = dz @ W2
        dh[h <= 0] = 0
        dW1, db1 = dh.T @ xb, dh.sum(axis=0)
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
    return loss


def epoch_textbook(X, y, batch: int, order, limit: int) -> float:
    """The per-example loop of the classic book: backprop one column vector at a time.

    Runs the first ``limit`` examples of the epoch; the caller scales the time.
    Weights are float64, as network.py makes them with ``np.random.randn``.
    """
    import numpy as np

    w = initial_weights()
    weights = [w["0.weight"].astype(np.float64), w["2.weight"].astype(np.float64)]
    biases = [w["0.bias"][:, None].astype(np.float64), w["2.bias"][:, None].astype(np.float64)]
    loss = 0.0
    for start in range(0, limit, batch):
        idx = order[start : start + batch]
        nabla_w = [np.zeros_like(m) for m in weights]
        nabla_b = [np.zeros_like(v) for v in biases]
        for i in idx:  # one example at a time, as in network.py
            x = X[i][:, None]
            zs, activations = [], [x]
            for k, (W, b) in enumerate(zip(weights, biases)):
                zk = W @ activations[-1] + b
                zs.append(zk)
                activations.append(np.maximum(zk, 0) if k == 0 else zk)
            z = activations[-1] - activations[-1].max()
            p = np.exp(z) / np.exp(z).sum()
            loss = float(-np.log(p[y[i], 0]))
            delta = p.copy()
            delta[y[i]] -= 1
            nabla_b[1] += delta
            nabla_w[1] += delta @ activations[1].T
            delta = (weights[1].T @ delta) * (zs[0] > 0)
            nabla_b[0] += delta
            nabla_w[0] += delta @ activations[0].T
        for k in range(2):
            weights[k] -= (LR / len(idx)) * nabla_w[k]
            biases[k] -= (LR / len(idx)) * nabla_b[k]
    return loss


def worker(name: str, batch: int, limit: int) -> None:
    """Time one contender's epoch in this process; print JSON."""
    import numpy as np

    X, y = make_data()
    order = np.random.default_rng(2).permutation(N)
    # Import the contender's library before the clock starts: `import torch` alone takes
    # seconds, which would otherwise be billed to PyTorch's epoch (and ~0.1 s to neuronlab's).
    if name == "torch":
        import torch  # noqa: F401
    elif name.startswith("neuronlab"):
        import neuronlab.losses
        import neuronlab.nn
        import neuronlab.optim
        import neuronlab.training  # noqa: F401
    epoch = {
        "neuronlab": epoch_neuronlab,
        "neuronlab-fit": epoch_neuronlab_fit,
        "torch": epoch_torch,
        "numpy": epoch_numpy,
    }.get(name)
    if epoch is not None:  # warm up on a few batches: PyTorch's first steps cost over a second
        warm = order[: 5 * batch]
        epoch(X[warm], y[warm], batch, np.arange(len(warm)))
    base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if name == "textbook":
        loss = epoch_textbook(X, y, batch, order, limit)
    else:
        loss = epoch(X, y, batch, order)
    seconds = time.perf_counter() - start
    if name == "textbook":
        seconds *= N / limit
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "loss": loss,
                "peak_kib": peak_kib,
                "grew_kib": peak_kib - base_kib,
            }
        )
    )


def digits_worker() -> None:
    """digits: neuronlab MLP 64-64-10 vs scikit-learn's MLPClassifier on one split."""
    import numpy as np

    from neuronlab import Adam, fit
    from neuronlab.data import digits
    from neuronlab.nn import mlp
    from neuronlab.training import evaluate

    split = digits(seed=0)
    X_train, X_test, y_train, y_test = split
    start = time.perf_counter()
    model = mlp([64, 64, 10], activation="relu", seed=0)
    fit(
        model,
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer=Adam(model.parameters(), lr=1e-2),
        epochs=30,
        batch_size=32,
        seed=0,
        verbose=False,
    )
    ours_time = time.perf_counter() - start
    ours = evaluate(model, X_test, y_test, loss="cross_entropy")["accuracy"]

    from sklearn.neural_network import MLPClassifier

    start = time.perf_counter()
    clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=0)
    clf.fit(X_train, y_train)
    sk_time = time.perf_counter() - start
    sk = float(np.mean(clf.predict(X_test) == y_test))
    print(
        json.dumps(
            {
                "ours": ours,
                "ours_time": ours_time,
                "sk": sk,
                "sk_time": sk_time,
                "n_train": len(X_train),
                "n_test": len(X_test),
            }
        )
    )


def run(args: list[str], threads: int) -> dict:
    """One worker of this script in its own process, with ``threads`` BLAS/torch threads."""
    return run_worker(__file__, args, threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=64, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=3000, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help="BLAS/torch threads (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="repeats per figure (median)")
    parser.add_argument(
        "--textbook-examples",
        type=int,
        default=3000,
        help="examples the per-example loop runs (its time is scaled to 60,000)",
    )
    args = parser.parse_args()
    if args.worker == "digits":
        return digits_worker()
    if args.worker:
        return worker(args.worker, args.batch, args.limit)

    import numpy as np
    import torch

    print(
        f"Python {sys.version.split()[0]}, NumPy {np.__version__}, PyTorch {torch.__version__}, "
        f"{os.cpu_count()} cores; every contender runs with {args.threads} thread(s)"
    )
    print(
        f"one epoch of MLP {D}-{H}-{C} (ReLU, cross-entropy, SGD lr {LR}, float32) on "
        f"{N:,} MNIST-shaped examples; median of {args.rounds} runs, each in its own process;\n"
        "each ratio is taken within a round, then the median (lowest-highest round)\n"
    )
    header = (
        f"{'batch':>5s} {'neuronlab s':>12s} {'fit() s':>8s} {'PyTorch s':>10s} "
        f"{'NumPy s':>8s} {'ours/PyTorch':>17s} {'ours/NumPy':>17s} {'fit/PyTorch':>17s} "
        f"{'fit/ours':>17s}"
    )
    print(header)
    figures = {}
    for batch in (10, 64, 256):
        times: dict[str, list[float]] = {
            k: [] for k in ("neuronlab", "neuronlab-fit", "torch", "numpy")
        }
        peaks: dict[str, int] = {}
        for _ in range(args.rounds):
            for name in times:
                r = run(["--worker", name, "--batch", str(batch)], args.threads)
                times[name].append(r["seconds"])
                peaks[name] = r["grew_kib"]
        med = {k: statistics.median(v) for k, v in times.items()}
        figures[batch] = (med, peaks)

        def ratio(top: str, bottom: str, times: dict[str, list[float]] = times) -> str:
            return spread([a / b for a, b in zip(times[top], times[bottom])])

        print(
            f"{batch:5d} {med['neuronlab']:12.2f} {med['neuronlab-fit']:8.2f} "
            f"{med['torch']:10.2f} {med['numpy']:8.2f} "
            f"{ratio('neuronlab', 'torch'):>17s} {ratio('neuronlab', 'numpy'):>17s} "
            f"{ratio('neuronlab-fit', 'torch'):>17s} {ratio('neuronlab-fit', 'neuronlab'):>17s}"
        )

    med64, peaks64 = figures[64]
    book = run(
        ["--worker", "textbook", "--batch", "64", "--limit", str(args.textbook_examples)],
        args.threads,
    )
    print(
        "\nper-example textbook loop (float64 weights, as network.py), batch 64: "
        f"{book['seconds']:.1f} s per epoch (timed on "
        f"{args.textbook_examples:,} examples, scaled) -> neuronlab's batched engine is "
        f"{book['seconds'] / med64['neuronlab']:.0f}x faster"
    )
    print(
        "\nmemory an epoch adds on top of the data (batch 64): "
        + ", ".join(f"{k} {v / 1024:.0f} MiB" for k, v in peaks64.items())
    )

    d = run(["--worker", "digits"], args.threads)
    print(
        f"\ndigits ({d['n_train']} train / {d['n_test']} test, stratified, seed 0): "
        f"neuronlab MLP 64-64-10 {d['ours']:.2%} test accuracy in {d['ours_time']:.1f} s; "
        f"scikit-learn MLPClassifier(64) {d['sk']:.2%} in {d['sk_time']:.1f} s"
    )
    return None


if __name__ == "__main__":
    main()
