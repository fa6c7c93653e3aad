"""``neuronlab graph`` and ``neuronlab tour``: a formula's chain rule, and the learner's path."""

from __future__ import annotations

import argparse

from .output import say

__all__ = ["run_graph", "run_tour"]


def run_graph(args: argparse.Namespace) -> None:
    """Evaluate the formula, print its gradients; draw and explain it when asked."""
    from ..viz.formula import graph_command  # loads the drawing code only when needed

    say(graph_command(args.expr, args.set, out=args.output, explain=args.explain))


def run_tour(args: argparse.Namespace) -> None:
    """The guided tour, its pictures saved in ``--out``."""
    from ..tour import run_tour as tour

    tour(args.out, print=lambda *parts: say(" ".join(str(p) for p in parts)))
