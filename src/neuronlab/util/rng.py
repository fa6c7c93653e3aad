"""Seeds: every random thing in neuronlab takes one, so the same seed gives the same numbers.

A ``Seed`` is an int (>= 0), a ``numpy.random.Generator`` (used as is, so one
generator can feed several layers in turn), or ``None`` for fresh randomness.
"""

from __future__ import annotations

from typing import Union

import numpy as np

from .checks import describe

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
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)):
        if seed < 0:
            raise ValueError(f"seed: expected an int >= 0, got {seed}")
        return np.random.default_rng(int(seed))
    raise TypeError(
        f"seed: expected an int >= 0, a numpy.random.Generator or None, got {describe(seed)}"
    )
