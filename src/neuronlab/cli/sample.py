"""``neuronlab sample``: new words from a language model saved by ``neuronlab makemore --save``."""

from __future__ import annotations

import argparse

from ..io.serialize import load
from ..language import LanguageModel, sample
from .errors import UsageError
from .output import say

__all__ = ["run_sample"]


def run_sample(args: argparse.Namespace) -> list[str]:
    """Load the model, check it is a language model, and print ``-n`` words, one a line."""
    try:
        model = load(args.model)
    except FileNotFoundError:
        raise UsageError(f"neuronlab sample: {args.model}: no such file") from None
    if not isinstance(model, LanguageModel):
        raise UsageError(
            f"neuronlab sample: {args.model}: not a language model (it holds a "
            f"{type(model).__name__}; save one with neuronlab makemore --save)"
        )
    unknown = sorted(set(args.start) - set(model.vocabulary.characters[1:]))
    if unknown:
        raise UsageError(
            f"neuronlab sample: --start {args.start!r}: {unknown[0]!r} is not in the model's "
            f"vocabulary ({model.vocabulary.characters[1:]!r})"
        )
    if args.top_k is not None and args.top_k > len(model.vocabulary):
        raise UsageError(
            f"neuronlab sample: --top-k {args.top_k}: the model knows only "
            f"{len(model.vocabulary)} characters"
        )
    words = sample(
        model,
        args.n,
        temperature=args.temperature,
        top_k=args.top_k,
        start=args.start,
        max_length=args.max_length,
        seed=args.seed,
    )
    for word in words:
        say(word)
    return words
