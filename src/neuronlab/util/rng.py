"""Seeds: every random thing in neuronlab takes one, so the same seed gives the same numbers.

A ``Seed`` is an int (>= 0), a ``numpy.random.Generator`` (used as is, so one
generator can feed several layers in turn), or ``None`` for fresh randomness.
"""

from __future__ import annotations

from typing import Union

import numpy as np

from .checks import describe, whole_number

__all__ = ["Seed", "make_rng"]

Seed = Union[int, np.random.Generator, None]  # noqa: UP007 (a runtime alias on 3.10)


def make_rng(seed: Seed) -> np.random.Generator:
    """A NumPy random generator from an int seed, an existing generator, or None (fresh).

    >>> float(make_rng(0).uniform()) == float(make_rng(0).uniform())
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    try:
        return np.random.default_rng(whole_number(seed, "seed", minimum=0))
    except TypeError:
        raise TypeError(
            "seed: expected a whole number >= 0, a numpy.random.Generator or None, "
            f"got {describe(seed)}"
        ) from None
