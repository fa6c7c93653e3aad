"""One training step of the makemore MLP with BatchNorm, written out tensor by tensor, drawn.

    python examples/tensor_graph.py               # writes docs/tensor-graph.png, prints explain
    python examples/tensor_graph.py --out /tmp/g  # writes /tmp/g/tensor-graph.png and .svg

This is the forward pass of the "backprop ninja" lecture, every operation
spelled out so each one can be looked at: a batch of 32 contexts of 3
characters from the shipped names, an embedding table C, a hidden layer of
64 with BatchNorm done by hand, tanh, the output layer and the
cross-entropy written as max, exp, sum, divide, log and pick.
``lecture_step()`` builds it; the tests draw and explain the same graph.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np

from neuronlab.data import Vocabulary, context_windows, names
from neuronlab.tensor import Tensor
from neuronlab.viz import draw_graph, explain

ROOT = Path(__file__).resolve().parent.parent

BATCH, BLOCK, EMBED, HIDDEN = 32, 3, 10, 64


class LectureStep(NamedTuple):
    """The loss of one batch, every tensor of the lecture by its name, and the batch itself."""

    loss: Tensor
    tensors: dict[str, Tensor]
    Xb: np.ndarray
    Yb: np.ndarray


def lecture_step(seed: int = 42) -> LectureStep:
    """One batch's forward pass, as the lecture writes it (parameters first, then each step)."""
    rng = np.random.default_rng(seed)
    words = names()[:1000]
    vocab = Vocabulary.from_words(names())
    X, Y = context_windows(words, BLOCK, vocab)
    pick = rng.integers(0, len(X), BATCH)
    Xb, Yb, n, v = X[pick], Y[pick], BATCH, len(vocab)

    def param(shape: tuple[int, ...], scale: float, shift: float = 0.0) -> Tensor:
        return Tensor(rng.standard_normal(shape) * scale + shift, requires_grad=True)

    C = param((v, EMBED), 1.0)
    W1 = param((EMBED * BLOCK, HIDDEN), (5 / 3) / (EMBED * BLOCK) ** 0.5)
    b1 = param((HIDDEN,), 0.1)
    W2 = param((HIDDEN, v), 0.1)
    b2 = param((v,), 0.1)
    bngain = param((1, HIDDEN), 0.1, 1.0)
    bnbias = param((1, HIDDEN), 0.1)

    emb = C[Xb]
    embcat = emb.reshape(n, -1)
    hprebn = embcat @ W1 + b1
    bnmeani = 1 / n * hprebn.sum(0, keepdims=True)
    bndiff = hprebn - bnmeani
    bndiff2 = bndiff**2
    bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdims=True)  # Bessel's correction
    bnvar_inv = (bnvar + 1e-5) ** -0.5
    bnraw = bndiff * bnvar_inv
    hpreact = bngain * bnraw + bnbias
    h = hpreact.tanh()
    logits = h @ W2 + b2
    logit_maxes = logits.max(1, keepdims=True)
    norm_logits = logits - logit_maxes  # subtract the max for numerical stability
    counts = norm_logits.exp()
    counts_sum = counts.sum(1, keepdims=True)
    counts_sum_inv = counts_sum**-1
    probs = counts * counts_sum_inv
    logprobs = probs.log()
    loss = -logprobs[range(n), Yb].mean()
    named = {k: t for k, t in locals().items() if isinstance(t, Tensor)}
    return LectureStep(loss, named, Xb, Yb)


def main(argv: list[str] | None = None) -> int:
    """Draw the lecture's step (PNG and SVG) and print its explanation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for PNG and SVG")
    args = parser.parse_args(argv)
    loss, tensors, _, _ = lecture_step()
    loss.backward()
    graph = draw_graph(loss, names=tensors)
    if args.out is None:
        print(graph.save(ROOT / "docs" / "tensor-graph.png"))
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        for ext in ("png", "svg"):
            print(graph.save(args.out / f"tensor-graph.{ext}"))
    explain(loss, names=tensors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
