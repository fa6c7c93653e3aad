"""To PyTorch and back: the learner's next step.

``to_torch(model)`` builds the ``torch.nn.Sequential`` that computes the same
function — ``nn.Linear`` layers holding the same numbers (neuronlab's
``Linear`` already stores its weight as PyTorch does, ``(out, in)``) and the
same activations — so a network trained here runs, and keeps training, there.
``from_torch(module)`` reads such a PyTorch network back into a tensor
``Sequential``.

PyTorch is imported only when one of these is called; it is a test-only
dependency of neuronlab (``pip install torch``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..nn import layers
from ..nn.convert import from_value_mlp
from ..nn.module import Module
from ..nn.scalar import MLP

__all__ = ["to_torch", "from_torch"]


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

    Supports tensor ``Sequential`` models of ``Linear``, ``ReLU``, ``Tanh``,
    ``Sigmoid`` and ``Flatten`` (nested Sequentials stay nested) in their
    dtype, and the scalar ``MLP`` (as float64 ``nn.Linear`` layers, each
    followed by its activation; a "linear" activation adds nothing).  The
    PyTorch copy owns its numbers: training one does not change the other.
    """
    torch = _torch()
    if isinstance(model, MLP):
        model = from_value_mlp(model, dtype=np.float64)

    if isinstance(model, layers.Sequential):
        return torch.nn.Sequential(*[_layer_to_torch(torch, layers, x) for x in model])
    if isinstance(model, layers.Linear):
        return _layer_to_torch(torch, layers, model)
    raise TypeError(
        "to_torch: expected a tensor Sequential (or Linear) or a scalar MLP, "
        f"got {type(model).__name__}"
    )


def _layer_to_torch(torch: Any, layers: Any, layer: Any) -> Any:
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
    raise TypeError(
        f"to_torch: no PyTorch counterpart for layer {kind}; "
        "supported: Linear, ReLU, Tanh, Sigmoid, Flatten, Sequential"
    )


def from_torch(module: Any) -> Module:
    """A neuronlab tensor ``Sequential`` computing what ``module`` computes.

    ``module``: a ``torch.nn.Sequential`` (nested ones stay nested) or a
    single layer, made of ``nn.Linear``, ``nn.ReLU``, ``nn.Tanh``,
    ``nn.Sigmoid``, ``nn.Flatten`` and ``nn.Identity`` (dropped).  The dtype
    follows the PyTorch parameters: float64 stays float64, anything else
    becomes float32.  The numbers are copied.
    """
    torch = _torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch: expected a torch.nn.Module, got {type(module).__name__}")
    params = list(module.parameters())
    dtype = "float64" if params and params[0].dtype == torch.float64 else "float32"
    top = module if isinstance(module, torch.nn.Sequential) else torch.nn.Sequential(module)
    return _sequential_from_torch(torch, layers, top, dtype, "module")


def _sequential_from_torch(torch: Any, layers: Any, seq: Any, dtype: str, where: str) -> Any:
    out = []
    for name, child in seq.named_children():
        converted = _layer_from_torch(torch, layers, child, dtype, f"{where}.{name}")
        if converted is not None:
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
        as_dtype = torch.float64 if dtype == "float64" else torch.float32
        state = {"weight": child.weight.detach().cpu().to(as_dtype).numpy()}
        if child.bias is not None:
            state["bias"] = child.bias.detach().cpu().to(as_dtype).numpy()
        layer.load_state_dict(state)
        return layer
    if kind in (nn.ReLU, nn.Tanh, nn.Sigmoid):
        return getattr(layers, kind.__name__)()
    if kind is nn.Flatten:
        return layers.Flatten(child.start_dim, child.end_dim)
    if kind is nn.Identity:
        return None
    raise TypeError(
        f"from_torch: {where} is a {kind.__name__}, which neuronlab has no layer for; "
        "supported: Linear, ReLU, Tanh, Sigmoid, Flatten, Identity, Sequential"
    )
