"""Layers for the tensor engine, on the same ``Module`` protocol as the scalar networks.

``Linear`` is the weighted sum of ``nn.Layer`` done for a whole batch at once:
row n of ``x @ Wᵀ + b`` is every neuron's ``w·x_n + b``.  Names, shapes and
parameter names follow PyTorch (``weight`` of shape (out, in), ``bias``,
``Sequential`` numbering ``0.weight``, ``1.bias``...), so a ``state_dict``
maps one to one onto ``torch.nn``.  Every random start takes a ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..tensor import Tensor, check_dtype, linear, no_grad
from ..util.checks import describe, flag, positive_number, whole_number
from ..util.rng import Seed, make_rng
from .activations import ACTIVATIONS, check_activation
from .engines import TENSOR
from .init import INITS
from .module import LayerOutput, Module

__all__ = [
    "ACTIVATION_LAYERS",
    "Flatten",
    "Linear",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Step",
    "Tanh",
    "WeightedLayer",
    "mlp",
    "weighted_layers",
]


def _as_tensor(x: Any, where: str, dtype: Any = None) -> Tensor:
    """A Tensor passes through; an array or nested list becomes one (of ``dtype``)."""
    if TENSOR.is_node(x):
        return x
    if isinstance(x, (np.ndarray, list, tuple)):
        return Tensor(x, dtype=dtype)
    raise TypeError(f"{where}: expected a Tensor (or a numpy array), got {type(x).__name__}")


# -- layers --------------------------------------------------------------------------


class Linear(Module):
    """y = x @ Wᵀ + b: ``out_features`` neurons, each a weighted sum of ``in_features`` inputs.

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,),
    exactly as ``torch.nn.Linear``.  ``init`` picks the starting weights: "he"
    (default, for ReLU), "xavier" (tanh/sigmoid), "kaiming" (normal with
    σ = 1/√in, the lectures' ``randn / fan_in**0.5``) or "normal" (N(0, 1),
    the lectures' first, too-large start) — all with zero bias — or
    "uniform", PyTorch's own default U(±1/√in) for weight and bias.  ``gain``
    multiplies the starting weights: 5/3 before a tanh (``calculate_gain``),
    0.1 for the lectures' small last layer.  Inputs may have any number of
    leading batch dimensions: (..., in) -> (..., out).
    """

    ENGINE = TENSOR

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        init: str = "he",
        gain: float = 1.0,
        seed: Seed = None,
        dtype: Any = None,
    ) -> None:
        n_in = whole_number(in_features, "Linear(in_features)", minimum=1)
        n_out = whole_number(out_features, "Linear(out_features)", minimum=1)
        bias = flag(bias, "Linear(bias)")
        INITS.check(init, "Linear(init)")
        scale = positive_number(gain, "Linear(gain)")
        dt = check_dtype(dtype)
        rng = make_rng(seed)
        w = INITS.build(init, (n_out, n_in), seed=rng, dtype=dt)
        if scale != 1.0:
            w = (w * scale).astype(dt)
        self.weight = Tensor(w, dtype=dt, requires_grad=True)
        if not bias:
            self.bias: Tensor | None = None
        elif init == "uniform":
            b = rng.uniform(-1.0 / math.sqrt(n_in), 1.0 / math.sqrt(n_in), n_out)
            self.bias = Tensor(b, dtype=dt, requires_grad=True)
        else:
            self.bias = Tensor(np.zeros(n_out, dtype=dt), dtype=dt, requires_grad=True)
        self.in_features = n_in
        self.out_features = n_out
        self.init = init

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        # the attribute walk of Module, written out: weight, then bias (as torch orders them)
        if self.weight.requires_grad:
            yield f"{prefix}weight", self.weight
        if self.bias is not None and self.bias.requires_grad:
            yield f"{prefix}bias", self.bias

    def _parameter_list(self) -> list[Any]:
        if type(self)._walk_parameters is not Linear._walk_parameters:  # a subclass's own walk
            return super()._parameter_list()
        w, b = self.weight, self.bias
        return [t for t in (w, b) if t is not None and t.requires_grad]

    def forward(self, x: Tensor) -> Tensor:
        """x @ Wᵀ + b for x of shape (..., in_features)."""
        x = _as_tensor(x, "Linear", self.weight.data.dtype)
        if not x.data.ndim or x.data.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear: expected input with last dimension {self.in_features} (in_features), "
                f"got shape {x.shape}"
            )
        return linear(x, self.weight, self.bias)

    def __repr__(self) -> str:
        return (
            f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None})"
        )


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(2, 16), ReLU(), Linear(16, 1))``.

    Indexable (``seq[0]``, a slice gives a Sequential), has ``len`` and iterates
    over its modules.  Parameters are named by position, ``0.weight``,
    ``0.bias``, ``2.weight``..., exactly as in ``torch.nn.Sequential``.
    """

    ENGINE = TENSOR

    def __init__(self, *modules: Module) -> None:
        if len(modules) == 1 and isinstance(modules[0], (list, tuple)):
            raise TypeError(
                "Sequential: pass the modules as separate arguments, Sequential(*layers), "
                "not one list"
            )
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(
                    f"Sequential: argument {i} must be a Module (Linear, ReLU, ...), "
                    f"got {type(m).__name__}"
                )
        self._layers: list[Module] = list(modules)

    def forward(self, x: Any) -> Any:
        """Each module's output is the next one's input."""
        for m in self._layers:
            x = m(x)
        return x

    def takes_indices(self) -> bool:
        """True when the first module reads integer indices (an ``Embedding``)."""
        return bool(self._layers) and self._layers[0].takes_indices()

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The modules by position: ("0", first), ("1", second)..."""
        for i, m in enumerate(self._layers):
            yield str(i), m

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        for i, m in enumerate(self._layers):
            yield from m._walk_parameters(f"{prefix}{i}.")

    def _parameter_list(self) -> list[Any]:
        if type(self)._walk_parameters is not Sequential._walk_parameters:
            return super()._parameter_list()
        return [p for m in self._layers for p in m._parameter_list()]

    def trace(self, x: Any) -> list[Any]:
        """The output of every module in turn for the input ``x`` (the last is ``self(x)``).

        The graph is recorded as usual (not inside ``no_grad()``), so the
        gradient of each output can be read after a backward.  Nothing in the
        model changes: BatchNorm's running statistics, which a forward pass in
        training mode moves, are put back as they were.
        """
        buffers = [(b, b.copy()) for _, b in self.named_buffers()]
        outputs = []
        try:
            for module in self._layers:
                x = module(x)
                outputs.append(x)
        finally:
            for b, saved in buffers:
                b[...] = saved
        return outputs

    def layer_outputs(self, X: Any) -> list[LayerOutput]:
        """Each weighted layer's output, after the activation that follows it, for every row of X.

        A ``Linear`` starts a layer; the activation layer that follows it (after
        a BatchNorm, say) is applied before its output is read (no activation:
        "linear").  Computed without a graph, in the current mode, and without
        moving BatchNorm's running statistics (see ``trace``).
        """
        with no_grad():
            if self.takes_indices():
                x: Any = np.asarray(X)
            else:
                dtype = self.engine.feature_dtype(self.parameters())
                x = Tensor(np.asarray(X, dtype=dtype), dtype=dtype)
            traced = self.trace(x)
        layers = weighted_layers(self)
        return [
            LayerOutput(k, layer.activation, traced[layer.output].data, k < len(layers))
            for k, layer in enumerate(layers, start=1)
        ]

    def append(self, module: Module) -> Sequential:
        """Add a module at the end (returns the Sequential, as PyTorch does)."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.append: expected a Module, got {type(module).__name__}")
        self._layers.append(module)
        return self

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return Sequential(*self._layers[index])
        try:
            index = whole_number(index, "Sequential[index]")
        except TypeError:
            raise TypeError(f"Sequential: index must be an int or a slice, got {index!r}") from None
        if not -len(self._layers) <= index < len(self._layers):
            raise IndexError(
                f"Sequential: index {index} is out of range for {len(self._layers)} modules"
            )
        return self._layers[index]

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._layers)

    def __repr__(self) -> str:
        if not self._layers:
            return "Sequential()"
        inner = "\n".join(
            f"  ({i}): " + repr(m).replace("\n", "\n  ") for i, m in enumerate(self._layers)
        )
        return f"Sequential(\n{inner}\n)"


@dataclass(frozen=True)
class WeightedLayer:
    """One ``Linear`` of a ``Sequential`` and the activation read after it.

    ``index`` is the Linear's place in the Sequential; ``activation`` the name
    of the activation layer that follows it before the next Linear ("linear":
    none; after a BatchNorm, say, it still counts); ``output`` the place of the
    module whose output is the layer's (that activation, or the Linear itself).
    """

    index: int
    linear: Linear
    activation: str
    output: int


def weighted_layers(model: Sequential) -> list[WeightedLayer]:
    """Each ``Linear`` of ``model`` in order, with the activation after it: one reading for all.

    ``Sequential.layer_outputs``, ``nn.convert`` and the lab's scalar twin read
    a network's layers through this one function.

    >>> [(w.index, w.activation, w.output) for w in weighted_layers(mlp([2, 3, 1]))]
    [(0, 'relu', 1), (2, 'linear', 2)]
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"weighted_layers: expected a neuronlab Sequential, got {describe(model)}")
    found: list[WeightedLayer] = []
    for i, module in enumerate(model):
        name = getattr(module, "activation", None)
        if isinstance(module, Linear):
            found.append(WeightedLayer(i, module, "linear", i))
        elif isinstance(name, str) and found:
            found[-1] = WeightedLayer(found[-1].index, found[-1].linear, name, i)
    return found


class _Stateless(Module):
    """A layer without parameters (activations, Flatten): nothing to walk."""

    ENGINE = TENSOR

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        return iter(())

    def _parameter_list(self) -> list[Any]:
        if type(self)._walk_parameters is not _Stateless._walk_parameters:
            return super()._parameter_list()
        return []


class ReLU(_Stateless):
    """max(0, x), elementwise;  d/dx = 1 if x > 0 else 0."""

    activation = "relu"

    def forward(self, x: Tensor) -> Tensor:
        """relu(x)."""
        return _as_tensor(x, "ReLU").relu()

    def __repr__(self) -> str:
        return "ReLU()"


class Tanh(_Stateless):
    """tanh x, elementwise;  d/dx = 1 - tanh(x)**2."""

    activation = "tanh"

    def forward(self, x: Tensor) -> Tensor:
        """tanh(x)."""
        return _as_tensor(x, "Tanh").tanh()

    def __repr__(self) -> str:
        return "Tanh()"


class Sigmoid(_Stateless):
    """σ(x) = 1 / (1 + e**-x), elementwise;  d/dx = σ(x) (1 - σ(x))."""

    activation = "sigmoid"

    def forward(self, x: Tensor) -> Tensor:
        """sigmoid(x)."""
        return _as_tensor(x, "Sigmoid").sigmoid()

    def __repr__(self) -> str:
        return "Sigmoid()"


class Step(_Stateless):
    """1 where x > 0, else 0, elementwise: the perceptron's threshold;  d/dx = 0.

    Nothing flows back through it, so the layers before a Step never learn.
    """

    activation = "step"

    def forward(self, x: Tensor) -> Tensor:
        """step(x)."""
        return _as_tensor(x, "Step").step()

    def __repr__(self) -> str:
        return "Step()"


class Flatten(_Stateless):
    """Merge dimensions ``start_dim``..``end_dim`` into one: (N, 8, 8) -> (N, 64) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        self.start_dim = whole_number(start_dim, "Flatten(start_dim)")
        self.end_dim = whole_number(end_dim, "Flatten(end_dim)")

    def forward(self, x: Tensor) -> Tensor:
        """x reshaped so that the dimensions start_dim..end_dim become one."""
        x = _as_tensor(x, "Flatten")
        shape = x.data.shape
        nd = max(len(shape), 1)
        s, e = self.start_dim, self.end_dim
        if not (-nd <= s < nd and -nd <= e < nd):
            raise ValueError(
                f"Flatten: start_dim={s}, end_dim={e} are out of range for input of shape {shape}"
            )
        s, e = s % nd, e % nd
        if s > e:
            raise ValueError(
                f"Flatten: start_dim={self.start_dim} comes after end_dim={self.end_dim} "
                f"for input of shape {shape}"
            )
        if not shape:
            return x.reshape(1)
        merged = math.prod(shape[s : e + 1])
        return x.reshape((*shape[:s], merged, *shape[e + 1 :]))

    def __repr__(self) -> str:
        return f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim})"


#: Activation name -> its layer class ("linear" has none: nothing is applied).
ACTIVATION_LAYERS: dict[str, type[Module]] = {
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "step": Step,
}
assert set(ACTIVATION_LAYERS) | {"linear"} == set(ACTIVATIONS)


def _activation_layer(name: object, where: str) -> type[Module] | None:
    """The layer class of an activation name (None, and "linear", mean no layer)."""
    if name is None:
        return None
    name = check_activation(name, where)
    return ACTIVATION_LAYERS.get(name)


def mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    output_activation: str | None = None,
    *,
    seed: Seed = None,
    init: str | None = None,
    bias: bool = True,
    dtype: Any = None,
) -> Sequential:
    """A multi-layer perceptron as a Sequential: ``mlp([784, 128, 10])``.

    Linear layers between consecutive sizes, ``activation`` after each hidden
    one and ``output_activation`` (none by default: raw scores for
    cross-entropy) after the last.  ``init`` defaults to "he" for ReLU and
    "xavier" for tanh/sigmoid; ``seed`` makes the starting weights reproducible.
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ValueError(
            f"mlp(sizes): expected a list of at least two layer sizes (inputs, ..., outputs), "
            f"got {sizes!r}"
        )
    sizes = [whole_number(n, "mlp(sizes)", minimum=1) for n in sizes]
    hidden = _activation_layer(activation, "mlp(activation)")
    last = _activation_layer(output_activation, "mlp(output_activation)")
    if init is None:
        init = ACTIVATIONS[activation or "linear"].init
    rng = make_rng(seed)
    layers: list[Module] = []
    for i in range(len(sizes) - 1):
        layers.append(Linear(sizes[i], sizes[i + 1], bias, init=init, seed=rng, dtype=dtype))
        act = hidden if i < len(sizes) - 2 else last
        if act is not None:
            layers.append(act())
    return Sequential(*layers)
