"""Shared test setup: PyTorch on one thread, Hypothesis without deadlines.

PyTorch's default dtype is left alone (the tensor engine's tests use float32):
tests that compare in float64 ask for it explicitly.

Choose a Hypothesis profile with ``HYPOTHESIS_PROFILE``: ``dev`` (the default)
or ``ci`` (derandomized, so a run is repeatable).
"""

import os

from hypothesis import settings

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

try:
    import torch
except ImportError:  # a test-only dependency: tests that need it skip via importorskip
    pass
else:
    torch.set_num_threads(1)
