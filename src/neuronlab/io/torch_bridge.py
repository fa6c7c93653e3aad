"""To PyTorch and back: the learner's next step.

``to_torch(model)`` builds the ``torch.nn.Sequential`` that computes the same
function — ``nn.Linear`` layers holding the same numbers (neuronlab's
``Linear`` already stores its weight as PyTorch does, ``(out, in)``), the
same activations, ``nn.Embedding``, ``nn.LayerNorm``, ``nn.Dropout``, and
for the two layers PyTorch lacks, the classes of ``torch_layers``
(``FlattenConsecutive``, and a BatchNorm1d whose features are the last
dimension) — so a network trained here runs, and keeps training, there.
Parameters and BatchNorm's running statistics keep their state_dict names.
``from_torch(module)`` reads such a PyTorch network back into a tensor
``Sequential``.

PyTorch is imported only when one of these is called; it is a test-only
dependency of neuronlab (``pip install torch``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data.text import Vocabulary
from ..language.model import LanguageModel
from ..nn import layers
from ..nn.convert import on_tensor_engine
from ..nn.dropout import Dropout
from ..nn.module import Module
from ..nn.normalization import BatchNorm1d, LayerNorm
from ..nn.sequence import Embedding, FlattenConsecutive

__all__ = ["from_torch", "to_torch"]


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:
        raise ImportError(
            "to_torch/from_torch need PyTorch, which is not installed; install it with "
            "pip install torch (CPU build: pip install torch --index-url "
            "https://download.pytorch.org/whl/cpu)"
        ) from exc
    return torch


def _torch_linear(torch: Any, weight: np.ndarray, bias: np.ndarray | None) -> Any:
    dtype = torch.float64 if weight.dtype == np.float64 else torch.float32
    out_features, in_features = weight.shape
    # skip_init: no random start to overwrite, and torch's global random state is left alone
    layer = torch.nn.utils.skip_init(
        torch.nn.Linear, in_features, out_features, bias=bias is not None, dtype=dtype
    )
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.array(weight, dtype=weight.dtype)))
        if bias is not None:
            layer.bias.copy_(torch.from_numpy(np.array(bias, dtype=weight.dtype)))
    return layer


def to_torch(model: Module) -> Any:
    """An equivalent ``torch.nn.Sequential``: the same layers, weights and outputs.

    (A lone ``Linear`` gives an ``nn.Linear``.)

    Supports tensor ``Sequential`` models (a ``LanguageModel`` too) of
    ``Linear``, ``ReLU``, ``Tanh``, ``Sigmoid``, ``Flatten``, ``Embedding``,
    ``FlattenConsecutive``, ``BatchNorm1d``, ``LayerNorm`` and ``Dropout``
    (nested Sequentials stay nested) in their dtype, and the scalar ``MLP``
    (as float64 ``nn.Linear`` layers, each followed by its activation; a
    "linear" activation adds nothing).  Each layer is in the mode (training or
    evaluation) it was in here.  The PyTorch copy owns its numbers: training
    one does not change the other.
    """
    torch = _torch()
    model = on_tensor_engine(model)  # a scalar MLP: as float64 Linear layers
    if isinstance(model, (layers.Sequential, layers.Linear)):  # a LanguageModel: its layers
        return _layer_to_torch(torch, layers, model)
    raise TypeError(
        "to_torch: expected a tensor Sequential (or Linear) or a scalar MLP, "
        f"got {type(model).__name__}"
    )


def _layer_to_torch(torch: Any, layers: Any, layer: Any) -> Any:
    """The PyTorch twin of ``layer``, in the mode (training or evaluation) the layer is in."""
    made = _torch_twin(torch, layers, layer)
    made.training = layer.training  # its own mode only: a Sequential's layers keep theirs
    return made


def _torch_twin(torch: Any, layers: Any, layer: Any) -> Any:
    nn = torch.nn
    if isinstance(layer, layers.Sequential):
        return nn.Sequential(*[_layer_to_torch(torch, layers, x) for x in layer])
    if isinstance(layer, layers.Linear):
        bias = None if layer.bias is None else layer.bias.data
        return _torch_linear(torch, layer.weight.data, bias)
    kind = type(layer).__name__
    if kind in ("ReLU", "Tanh", "Sigmoid") and isinstance(layer, getattr(layers, kind)):
        return getattr(nn, kind)()
    if isinstance(layer, layers.Flatten):
        return nn.Flatten(layer.start_dim, layer.end_dim)
    if isinstance(layer, layers.Step):
        raise ValueError(
            "to_torch: PyTorch has no step layer (its slope is 0 everywhere, so it cannot be "
            "trained there either); use sigmoid for a smooth step"
        )
    made = _language_layer_to_torch(torch, layer)
    if made is None:
        raise TypeError(
            f"to_torch: no PyTorch counterpart for layer {kind}; supported: Linear, ReLU, Tanh, "
            "Sigmoid, Flatten, Embedding, FlattenConsecutive, BatchNorm1d, LayerNorm, Dropout, "
            "Sequential"
        )
    return made


def _state(torch: Any, layer: Any) -> dict[str, Any]:
    """A layer's state_dict as torch tensors (copies), to load into its PyTorch twin."""
    return {
        name: torch.from_numpy(np.array(a, copy=True)) for name, a in layer.state_dict().items()
    }


def _language_layer_to_torch(torch: Any, layer: Any) -> Any:
    """The PyTorch twin of a language-model layer, or None for another kind of layer."""
    from . import torch_layers  # imports torch: only now that it is needed

    nn = torch.nn
    if isinstance(layer, Embedding):
        twin = nn.utils.skip_init(
            nn.Embedding, layer.num_embeddings, layer.embedding_dim, dtype=_dtype(torch, layer)
        )
    elif isinstance(layer, FlattenConsecutive):
        return torch_layers.FlattenConsecutive(layer.n)
    elif isinstance(layer, Dropout):
        return nn.Dropout(layer.p)
    elif isinstance(layer, BatchNorm1d):
        twin = torch_layers.ChannelsLastBatchNorm1d(
            layer.num_features, layer.eps, layer.momentum, layer.affine, dtype=_dtype(torch, layer)
        )
    elif isinstance(layer, LayerNorm):
        twin = nn.LayerNorm(
            layer.normalized_shape, layer.eps, layer.elementwise_affine, dtype=_dtype(torch, layer)
        )
    else:
        return None
    twin.load_state_dict(_state(torch, layer))
    return twin


def _dtype(torch: Any, layer: Any) -> Any:
    """torch.float64 for a float64 layer, torch.float32 otherwise."""
    arrays = [p.data for p in layer.parameters()] or [getattr(layer, "running_mean", None)]
    first = arrays[0]
    return torch.float64 if first is not None and first.dtype == np.float64 else torch.float32


def from_torch(
    module: Any, *, vocabulary: Vocabulary | None = None, block_size: int | None = None
) -> Module:
    """A neuronlab tensor ``Sequential`` computing what ``module`` computes.

    ``module``: a ``torch.nn.Sequential`` (nested ones stay nested) or a
    single layer, made of ``nn.Linear``, ``nn.ReLU``, ``nn.Tanh``,
    ``nn.Sigmoid``, ``nn.Flatten``, ``nn.Identity`` (dropped),
    ``nn.Embedding``, ``nn.BatchNorm1d`` (read as features-last: the same for
    (N, C) inputs), ``nn.LayerNorm`` (of the last dimension), ``nn.Dropout``
    and the classes ``to_torch`` makes.  The dtype follows the PyTorch
    parameters: float64 stays float64, anything else becomes float32.  The
    numbers (BatchNorm's running statistics included) are copied, and each
    layer keeps its training or evaluation mode.  With ``vocabulary`` and
    ``block_size`` the result is a ``LanguageModel``.
    """
    torch = _torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch: expected a torch.nn.Module, got {type(module).__name__}")
    params = list(module.parameters())
    dtype = "float64" if params and params[0].dtype == torch.float64 else "float32"
    top = module if isinstance(module, torch.nn.Sequential) else torch.nn.Sequential(module)
    seq = _sequential_from_torch(torch, layers, top, dtype, "module")
    if vocabulary is not None or block_size is not None:
        if vocabulary is None or block_size is None:
            raise ValueError("from_torch: a language model needs both vocabulary and block_size")
        seq = LanguageModel(*seq, vocabulary=vocabulary, block_size=block_size)
    seq.training = module.training
    return seq


def _sequential_from_torch(torch: Any, layers: Any, seq: Any, dtype: str, where: str) -> Any:
    out = []
    for name, child in seq.named_children():
        converted = _layer_from_torch(torch, layers, child, dtype, f"{where}.{name}")
        if converted is not None:
            converted.training = child.training  # its own mode: a Sequential's layers keep theirs
            out.append(converted)
    return layers.Sequential(*out)


def _layer_from_torch(torch: Any, layers: Any, child: Any, dtype: str, where: str) -> Any:
    nn = torch.nn
    kind = type(child)
    if kind is nn.Sequential:
        return _sequential_from_torch(torch, layers, child, dtype, where)
    if kind is nn.Linear:
        layer = layers.Linear(
            child.in_features, child.out_features, bias=child.bias is not None, dtype=dtype, seed=0
        )
        layer.load_state_dict(_numpy_state(torch, child, dtype))
        return layer
    if kind in (nn.ReLU, nn.Tanh, nn.Sigmoid):
        return getattr(layers, kind.__name__)()
    if kind is nn.Flatten:
        return layers.Flatten(child.start_dim, child.end_dim)
    if kind is nn.Identity:
        return None
    made = _language_layer_from_torch(torch, child, dtype, where)
    if made is None:
        raise TypeError(
            f"from_torch: {where} is a {kind.__name__}, which neuronlab has no layer for; "
            "supported: Linear, ReLU, Tanh, Sigmoid, Flatten, Identity, Embedding, BatchNorm1d, "
            "LayerNorm, Dropout, FlattenConsecutive, Sequential"
        )
    return made


def _numpy_state(torch: Any, child: Any, dtype: str) -> dict[str, np.ndarray]:
    """A PyTorch layer's state_dict as NumPy arrays: floats in ``dtype``, counts as they are."""
    as_dtype = torch.float64 if dtype == "float64" else torch.float32
    return {
        name: (t.detach().cpu().to(as_dtype) if t.is_floating_point() else t.detach().cpu())
        .numpy()
        .copy()
        for name, t in child.state_dict().items()
    }


def _language_layer_from_torch(torch: Any, child: Any, dtype: str, where: str) -> Any:
    """The neuronlab twin of a PyTorch language-model layer, or None for another kind."""
    from . import torch_layers

    nn = torch.nn
    kind = type(child)
    if kind is torch_layers.FlattenConsecutive:
        return FlattenConsecutive(child.n)
    if kind is nn.Dropout:
        return Dropout(child.p)
    if kind is nn.Embedding:
        if child.padding_idx is not None or child.max_norm is not None:
            raise ValueError(f"from_torch: {where}: an Embedding with padding_idx or max_norm")
        layer: Module = Embedding(child.num_embeddings, child.embedding_dim, dtype=dtype, seed=0)
    elif kind in (nn.BatchNorm1d, torch_layers.ChannelsLastBatchNorm1d):
        if not child.track_running_stats or child.momentum is None:
            raise ValueError(
                f"from_torch: {where}: a BatchNorm1d without running statistics or with "
                "momentum=None (a cumulative average); neuronlab's keeps an exponential one"
            )
        layer = BatchNorm1d(
            child.num_features, child.eps, child.momentum, child.affine, dtype=dtype
        )
    elif kind is nn.LayerNorm:
        if len(child.normalized_shape) != 1 or (child.weight is None) != (child.bias is None):
            raise ValueError(
                f"from_torch: {where}: a LayerNorm over more than the last dimension, or with a "
                "weight but no bias"
            )
        affine = child.weight is not None
        layer = LayerNorm(child.normalized_shape[0], child.eps, affine, dtype=dtype)
    else:
        return None
    layer.load_state_dict(_numpy_state(torch, child, dtype))
    return layer
