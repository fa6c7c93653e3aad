"""Scalar engine speed: micrograd's demo training step, neuronlab vs micrograd 0.1.0.

Run with ``make bench`` (it creates .bench-venv with micrograd from PyPI).

Every contender trains the same MLP(2, [16, 16, 1]) from the same initial
weights on the same 100 moons points with the same loop (hinge loss + 1e-4
L2, lr 1.0 → 0.1), each in its own fresh process so that one library's
garbage cannot slow the next, and the contenders alternate over ``--rounds``
processes each, so that a busy moment of a shared machine hits all alike.
Printed for each contender: the median over the rounds of each process's
median time per step, with the lowest and highest round; the speed-up over
micrograd in the same round (median, lowest, highest); the largest difference
of the loss trajectories.  Then the backward pass of a 1,000,000-node chain
(three processes): time per node and memory.
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

STEPS = 30  # timed training steps per contender (after one warm-up step)
MICROGRAD_STEPS = 5  # micrograd's step takes about a second: fewer are as telling


def demo_data():
    """100 moons points (noise 0.1, seed 0) with labels ±1, as plain Python lists."""
    from neuronlab import datasets

    X, y = datasets.moons(100, noise=0.1, seed=0)
    return X.tolist(), (2 * y - 1).tolist()


def initial_weights():
    """The starting weights every contender copies: neuronlab's MLP(2, [16, 16, 1], seed=0)."""
    from neuronlab import MLP

    model = MLP(2, [16, 16, 1], seed=0)
    return [[([w.data for w in n.w], n.b.data) for n in layer.neurons] for layer in model.layers]


def build(contender: str):
    """The model of one contender, loaded with ``initial_weights()``."""
    if contender == "micrograd":
        from micrograd.nn import MLP
    else:
        from neuronlab import MLP
    model = (
        MLP(2, [16, 16, 1])
        if contender == "micrograd"
        else MLP(2, [16, 16, 1], seed=0, fused=contender != "unfused")
    )
    for layer, weights in zip(model.layers, initial_weights()):
        for neuron, (w, b) in zip(layer.neurons, weights):
            for wi, value in zip(neuron.w, w):
                wi.data = value
            neuron.b.data = b
    return model


def training_step(model, X, y, k: int) -> float:
    """One step of micrograd's demo, written once and run on every contender."""
    scores = list(map(model, X))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    model.zero_grad()
    total.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= lr * p.grad
    return total.data


def worker(contender: str) -> None:
    """Time ``STEPS`` training steps in this process and print JSON.

    A ``+paused`` contender runs each step inside ``cycle_collector_paused()``,
    as ``neuronlab.fit`` does.
    """
    import contextlib

    X, y = demo_data()
    library, _, mode = contender.partition("+")
    model = build(library)
    if mode == "paused":
        from neuronlab.engine import cycle_collector_paused as context
    else:
        context = contextlib.nullcontext
    losses = [training_step(model, X, y, 0)]
    times = []
    for k in range(1, (MICROGRAD_STEPS if library == "micrograd" else STEPS) + 1):
        start = time.perf_counter()
        with context():
            losses.append(training_step(model, X, y, k))
        times.append(time.perf_counter() - start)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"times": times, "losses": losses, "peak_kib": peak_kib}))


def chain_worker(n: int) -> None:
    """Backward through a chain of n additions: seconds per node and memory."""
    from neuronlab import Value

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    x = Value(1.0)
    out = x
    start = time.perf_counter()
    for _ in range(n):
        out = out + 1.0
    built = time.perf_counter() - start
    start = time.perf_counter()
    out.backward()
    backward = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert x.grad == 1.0
    print(json.dumps({"build": built, "backward": backward, "grew_kib": peak - before}))


def run(args: list[str]) -> dict:
    """One worker of this script in its own process (hash seed fixed: the same graphs)."""
    return run_worker(__file__, args, PYTHONHASHSEED="0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--chain", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    if args.chain:
        return chain_worker(args.chain)
    try:
        import micrograd  # noqa: F401
    except ImportError:
        raise SystemExit(
            "micrograd is not installed here: run `make bench`, which installs "
            "micrograd==0.1.0 into .bench-venv"
        ) from None

    contenders = ["micrograd", "neuronlab", "unfused", "neuronlab+paused", "unfused+paused"]
    names = {
        "neuronlab": "neuronlab (fused, default)",
        "unfused": "neuronlab fused=False",
        "neuronlab+paused": "fused, as fit() runs it",
        "unfused+paused": "fused=False, as fit() runs it",
    }
    medians: dict[str, list[float]] = {c: [] for c in contenders}  # one per round
    trajectories: dict[str, list[float]] = {}
    peaks: dict[str, int] = {}
    for _ in range(args.rounds):  # alternate, so a noisy moment hits everyone alike
        for c in contenders:
            r = run(["--worker", c])
            medians[c].append(statistics.median(r["times"]))
            trajectories[c] = r["losses"]
            peaks[c] = max(peaks.get(c, 0), r["peak_kib"])

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; micrograd 0.1.0 from PyPI")
    print(
        "micrograd demo training step (100 moons points, MLP(2, [16, 16, 1])); "
        f"{args.rounds} rounds of one process per contender, {STEPS} steps each "
        f"({MICROGRAD_STEPS} for micrograd); median (lowest-highest round)\n"
    )
    print(
        f"{'contender':30s} {'ms/step':>20s} {'speed-up':>20s} {'peak RSS MiB':>13s} "
        f"{'max |Δloss|':>12s}"
    )
    for c in contenders:
        ms = [m * 1000 for m in medians[c]]
        ratios = [base / m for base, m in zip(medians["micrograd"], medians[c])]
        diff = max(abs(a - b) for a, b in zip(trajectories[c], trajectories["micrograd"]))
        print(
            f"{names.get(c, c):30s} {spread(ms, 1 if c == 'micrograd' else 2):>20s} "
            f"{spread(ratios, 1):>20s} {peaks[c] / 1024:13.1f} {diff:12.1e}"
        )

    n = 1_000_000
    chains = [run(["--chain", str(n)]) for _ in range(3)]
    per_node = [c["backward"] / n * 1e9 for c in chains]
    grew = [c["grew_kib"] * 1024 / n for c in chains]
    print(
        f"\nchain of {n:,} additions, 3 processes: backward {spread(per_node, 0)} ns per node, "
        f"memory {spread(grew, 0)} bytes per node"
    )
    return None


if __name__ == "__main__":
    main()
