"""Normalisation layers: ``BatchNorm1d`` (over the batch) and ``LayerNorm`` (over the features).

Both shift every feature to mean 0 and variance 1 and then apply a learned
gain (``weight``, starting at 1) and ``bias`` (starting at 0), so a deep
network's pre-activations stay in the range where tanh still has a slope.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..tensor import Tensor, batch_norm, batch_statistics, check_dtype, layer_norm
from ..util.checks import flag, positive_number, real_number, whole_number
from .engines import TENSOR
from .module import Module

__all__ = ["BatchNorm1d", "LayerNorm"]


def _gain_and_bias(width: int, affine: bool, dtype: np.dtype) -> tuple[Any, Any]:
    """A learnable gain of ones and bias of zeros (or None, None without ``affine``)."""
    if not affine:
        return None, None
    ones = Tensor(np.ones(width, dtype=dtype), dtype=dtype, requires_grad=True)
    zeros = Tensor(np.zeros(width, dtype=dtype), dtype=dtype, requires_grad=True)
    return ones, zeros


def _checked_input(x: Any, width: int, where: str, shapes: str) -> Tensor:
    node: Tensor = TENSOR.checked_node(x, where)
    if not node.data.ndim or node.data.shape[-1] != width:
        raise ValueError(
            f"{where}: expected input of shape {shapes} with {width} features in the last "
            f"dimension, got shape {node.shape}"
        )
    return node


class _Normalization(Module):
    """What both normalisation layers share: a gain (``weight``) and a ``bias``, or neither."""

    ENGINE = TENSOR
    weight: Tensor | None
    bias: Tensor | None

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        for name in ("weight", "bias"):
            p = getattr(self, name)
            if p is not None and p.requires_grad:
                yield f"{prefix}{name}", p


class BatchNorm1d(_Normalization):
    """Batch normalisation of (N, C) or (N, T, C) inputs, as ``torch.nn.BatchNorm1d`` computes it.

    Training mode: each of the C features is normalised with the mean and the
    *biased* variance (÷ n) of this batch, n = N (or N·T: every example and
    every position), then scaled by ``weight`` and shifted by ``bias``.  The
    running statistics move towards the batch's:
    running = (1 - momentum) · running + momentum · batch, where the running
    variance takes the *unbiased* batch variance (÷ (n - 1)).  Evaluation mode
    (``model.eval()``): the running mean and variance are used instead, so one
    example's output no longer depends on the others in its batch.

    Which variance where is PyTorch's choice, and the one viewers of the
    lectures ask about: normalise with ÷ n, remember ÷ (n - 1).  (The
    lectures' own class normalises with ``x.var(0)``, which is ÷ (n - 1); at a
    batch of 32 that is a factor 32/31 in the variance.)

    The features are the *last* dimension, as in the WaveNet lecture's class:
    a (N, T, C) input is normalised over N and T.  PyTorch's BatchNorm1d
    takes (N, C, L) instead, so compare with ``torch_bn(x.transpose(1, 2))
    .transpose(1, 2)``; ``to_torch`` does that for you.  A batch of one
    example in training mode is refused, as PyTorch refuses it.
    """

    BUFFERS = ("running_mean", "running_var", "num_batches_tracked")

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        *,
        dtype: Any = None,
    ) -> None:
        self.num_features = whole_number(num_features, "BatchNorm1d(num_features)", minimum=1)
        self.eps = positive_number(eps, "BatchNorm1d(eps)")
        self.momentum = real_number(momentum, "BatchNorm1d(momentum)", minimum=0.0, maximum=1.0)
        self.affine = flag(affine, "BatchNorm1d(affine)")
        dt = check_dtype(dtype)
        self.weight, self.bias = _gain_and_bias(self.num_features, self.affine, dt)
        self.running_mean = np.zeros(self.num_features, dtype=dt)
        self.running_var = np.ones(self.num_features, dtype=dt)
        self.num_batches_tracked = np.zeros((), dtype=np.int64)

    def forward(self, x: Tensor) -> Tensor:
        """x normalised per feature: by this batch (training) or the running statistics (eval)."""
        x = _checked_input(x, self.num_features, "BatchNorm1d", "(N, C) or (N, T, C)")
        if x.data.ndim not in (2, 3):
            raise ValueError(
                f"BatchNorm1d: expected input of shape (N, C) or (N, T, C), got shape {x.shape}"
            )
        if not self.training:
            mean, var = self.running_mean, self.running_var
            return batch_norm(x, self.weight, self.bias, mean, var, self.eps, from_batch=False)
        n = x.data.size // self.num_features  # the values each feature's statistics are taken over
        if n < 2:
            raise ValueError(
                f"BatchNorm1d: a batch of one example (input shape {x.shape}) in training mode: "
                "its variance is 0, so every feature would become 0, and the running variance "
                "needs n - 1 > 0. Train on batches of 2 or more, or call model.eval() to use "
                "the running statistics"
            )
        mean, var = batch_statistics(x.data)
        out = batch_norm(x, self.weight, self.bias, mean, var, self.eps, from_batch=True)
        self._update_running(mean, var, n)
        return out

    def _update_running(self, mean: np.ndarray, var: np.ndarray, n: int) -> None:
        """running = (1 - m) · running + m · batch, the variance made unbiased (× n / (n - 1))."""
        m = self.running_mean.dtype.type(self.momentum)
        self.running_mean *= 1 - m
        self.running_mean += m * mean
        self.running_var *= 1 - m
        self.running_var += (m * n / (n - 1)) * var
        self.num_batches_tracked += 1

    def __repr__(self) -> str:
        return (
            f"BatchNorm1d({self.num_features}, eps={self.eps:g}, momentum={self.momentum:g}"
            + ("" if self.affine else ", affine=False")
            + ")"
        )


class LayerNorm(_Normalization):
    """Layer normalisation over the last dimension, as ``torch.nn.LayerNorm(num_features)``.

    Each example (each position of a sequence) is normalised over its own
    features, with their mean and biased variance, then scaled by ``weight``
    and shifted by ``bias``.  Nothing depends on the other examples of the
    batch, so training and evaluation compute the same thing and there are no
    running statistics.  ``normalized_shape`` is the size of the last
    dimension (PyTorch also allows several trailing dimensions; this layer
    normalises the last one only).
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        *,
        dtype: Any = None,
    ) -> None:
        if isinstance(normalized_shape, (tuple, list)):
            if len(normalized_shape) != 1:
                raise ValueError(
                    "LayerNorm(normalized_shape): this layer normalises the last dimension only; "
                    f"expected its size (an int or a 1-tuple), got {normalized_shape!r}"
                )
            normalized_shape = normalized_shape[0]
        width = whole_number(normalized_shape, "LayerNorm(normalized_shape)", minimum=1)
        self.normalized_shape = (width,)
        self.eps = positive_number(eps, "LayerNorm(eps)")
        self.elementwise_affine = flag(elementwise_affine, "LayerNorm(elementwise_affine)")
        self.weight, self.bias = _gain_and_bias(width, self.elementwise_affine, check_dtype(dtype))

    def forward(self, x: Tensor) -> Tensor:
        """Each row of features normalised, scaled and shifted."""
        width = self.normalized_shape[0]
        x = _checked_input(x, width, "LayerNorm", "(..., features)")
        return layer_norm(x, self.weight, self.bias, self.eps)

    def __repr__(self) -> str:
        affine = "" if self.elementwise_affine else ", elementwise_affine=False"
        return f"LayerNorm({self.normalized_shape}, eps={self.eps:g}{affine})"
