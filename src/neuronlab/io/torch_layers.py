"""The two layers of neuronlab that PyTorch lacks, written for PyTorch (imported with torch only).

- ``FlattenConsecutive``: the WaveNet lecture's merging of neighbours,
  (B, T, C) -> (B, T/n, C·n), or (B, C·n) when T == n.
- ``ChannelsLastBatchNorm1d``: ``torch.nn.BatchNorm1d`` for inputs whose
  features are the *last* dimension, as neuronlab's are: a (N, T, C) input is
  normalised over N and T (PyTorch's own takes (N, C, L)); a (N, C) input
  is normalised exactly as PyTorch's.  Its parameters and running statistics
  have PyTorch's names, so state_dicts move between the two unchanged.

``to_torch`` builds models with them; they are ordinary ``torch.nn.Module``
classes, so a model made of them trains, saves and loads as any other.
"""

from __future__ import annotations

import torch

__all__ = ["ChannelsLastBatchNorm1d", "FlattenConsecutive"]


class FlattenConsecutive(torch.nn.Module):
    """Merge every ``n`` consecutive positions: (B, T, C) -> (B, T/n, C·n), (B, C·n) when T == n."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x of shape (B, T, C) with each n neighbours side by side."""
        b, t, c = x.shape
        x = x.reshape(b, t // self.n, c * self.n)
        return x.squeeze(1) if x.shape[1] == 1 else x

    def extra_repr(self) -> str:
        """What ``print(model)`` shows inside the parentheses."""
        return f"n={self.n}"


class ChannelsLastBatchNorm1d(torch.nn.BatchNorm1d):
    """BatchNorm1d over (N, C) or (N, T, C) inputs: the features are the last dimension."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Normalise each of the C features over every other dimension."""
        if x.dim() == 3:
            return super().forward(x.transpose(1, 2)).transpose(1, 2)
        return super().forward(x)
