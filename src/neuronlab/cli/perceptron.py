"""``neuronlab perceptron``: the sweets decision, and the learning rule on logic gates."""

from __future__ import annotations

import argparse

from .. import data as datasets
from ..nn import Perceptron
from .output import say

__all__ = ["run_perceptron"]


def _sweets() -> None:
    X, _ = datasets.sweets()
    p = Perceptron(datasets.SWEETS_WEIGHTS, threshold=datasets.SWEETS_THRESHOLD)
    say(f"sweets perceptron: weights {tuple(p.weights.tolist())}, threshold {p.threshold:g}")
    say("  ".join(f"x{i + 1}" for i in range(3)) + "  w·x  output")
    for x in X:
        say("  ".join(f"{int(v):2d}" for v in x) + f"  {x @ p.weights:3g}  {p(x):6d}")
    same = all(p(x) == int(x[1]) for x in X)
    say(f"the output equals the second factor in every row: {same}")


def run_perceptron(args: argparse.Namespace) -> None:
    """The sweets decision, or the perceptron learning rule on a gate's truth table."""
    if args.sweets:
        _sweets()
        return
    X, y = datasets.gate(args.gate)
    p = Perceptron(2)
    result = p.fit(X, y, lr=args.lr, max_epochs=args.epochs)
    say(f"perceptron on {args.gate.upper()}: {result}")
    say(f"weights {p.weights.tolist()}, threshold {p.threshold:g}")
    say("x1 x2  target  output")
    for x, t in zip(X, y):
        say(f"{int(x[0]):2d} {int(x[1]):2d}  {int(t):6d}  {p(x):6d}")
    if not result.converged:
        say("no line separates these outputs: a single perceptron cannot learn them")
