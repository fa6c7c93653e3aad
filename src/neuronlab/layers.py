"""Layers for the tensor engine, on the same ``Module`` protocol as the scalar networks.

``Linear`` is the weighted sum of ``nn.Layer`` done for a whole batch at once:
row n of ``x @ Wᵀ + b`` is every neuron's ``w·x_n + b``.  Names, shapes and
parameter names follow PyTorch (``weight`` of shape (out, in), ``bias``,
``Sequential`` numbering ``0.weight``, ``1.bias``...), so a ``state_dict``
maps one to one onto ``torch.nn``.  Every random start takes a ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .module import Module
from .nn import MLP, Seed, make_rng
from .tensor import Tensor, _check_dtype, linear

__all__ = [
    "Linear",
    "Sequential",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "Flatten",
    "mlp",
    "from_value_mlp",
    "he_uniform",
    "xavier_uniform",
    "uniform_init",
    "INITS",
    "ACTIVATIONS",
]


def _size(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what}: expected a positive int, got {n!r}")
    return int(n)


def _shape2(shape: object, who: str) -> tuple[int, int]:
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValueError(f"{who}: expected a shape (fan_out, fan_in), got {shape!r}")
    return _size(shape[0], f"{who}(fan_out)"), _size(shape[1], f"{who}(fan_in)")


def _as_tensor(x: Any, who: str, dtype: Any = None) -> Tensor:
    """A Tensor passes through; an array or nested list becomes one (of ``dtype``)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, list, tuple)):
        return Tensor(x, dtype=dtype)
    raise TypeError(f"{who}: expected a Tensor (or a numpy array), got {type(x).__name__}")


# -- initialisation ---------------------------------------------------------------


def he_uniform(shape: tuple[int, int], *, seed: Seed = None, dtype: Any = None) -> np.ndarray:
    """He (Kaiming) uniform for ReLU layers: U(-a, a), a = √(6 / fan_in).

    Keeps the variance of the activations about constant through ReLU layers
    (Var w = 2 / fan_in).  ``shape`` is (fan_out, fan_in), PyTorch's layout.
    """
    fan_out, fan_in = _shape2(shape, "he_uniform")
    a = math.sqrt(6.0 / fan_in)
    return make_rng(seed).uniform(-a, a, (fan_out, fan_in)).astype(_check_dtype(dtype))


def xavier_uniform(shape: tuple[int, int], *, seed: Seed = None, dtype: Any = None) -> np.ndarray:
    """Xavier (Glorot) uniform for tanh/sigmoid layers: U(-a, a), a = √(6 / (fan_in + fan_out)).

    Var w = 2 / (fan_in + fan_out): the signal keeps its scale both forward and
    backward.  ``shape`` is (fan_out, fan_in).
    """
    fan_out, fan_in = _shape2(shape, "xavier_uniform")
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return make_rng(seed).uniform(-a, a, (fan_out, fan_in)).astype(_check_dtype(dtype))


def uniform_init(shape: tuple[int, ...], *, seed: Seed = None, dtype: Any = None) -> np.ndarray:
    """PyTorch's default for ``nn.Linear``: U(-a, a), a = 1 / √fan_in, fan_in = shape[-1].

    Used for the weight (shape (out, in)) and, with init="uniform", for the bias
    too (shape (out,), with the layer's fan_in passed as ``shape[-1]`` of the weight).
    """
    if not isinstance(shape, (tuple, list)) or not shape:
        raise ValueError(f"uniform_init: expected a shape (..., fan_in), got {shape!r}")
    dims = tuple(_size(n, "uniform_init(shape)") for n in shape)
    a = 1.0 / math.sqrt(dims[-1])
    return make_rng(seed).uniform(-a, a, dims).astype(_check_dtype(dtype))


#: Linear(init=...) name -> weight initialiser.
INITS: dict[str, Callable[..., np.ndarray]] = {
    "he": he_uniform,
    "xavier": xavier_uniform,
    "uniform": uniform_init,
}


# -- layers --------------------------------------------------------------------------


class Linear(Module):
    """y = x @ Wᵀ + b: ``out_features`` neurons, each a weighted sum of ``in_features`` inputs.

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,),
    exactly as ``torch.nn.Linear``.  ``init`` picks the starting weights: "he"
    (default, for ReLU), "xavier" (tanh/sigmoid) — both with zero bias — or
    "uniform", PyTorch's own default U(±1/√in) for weight and bias.  Inputs may
    have any number of leading batch dimensions: (..., in) -> (..., out).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        init: str = "he",
        seed: Seed = None,
        dtype: Any = None,
    ) -> None:
        n_in = _size(in_features, "Linear(in_features)")
        n_out = _size(out_features, "Linear(out_features)")
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"Linear(bias): expected True or False, got {bias!r}")
        if init not in INITS:
            raise ValueError(f"Linear(init): expected one of {', '.join(INITS)}, got {init!r}")
        dt = _check_dtype(dtype)
        rng = make_rng(seed)
        w = INITS[init]((n_out, n_in), seed=rng, dtype=dt)
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

    def append(self, module: Module) -> Sequential:
        """Add a module at the end (returns the Sequential, as PyTorch does)."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.append: expected a Module, got {type(module).__name__}")
        self._layers.append(module)
        return self

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return Sequential(*self._layers[index])
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"Sequential: index must be an int or a slice, got {index!r}")
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


class _Stateless(Module):
    """A layer without parameters (activations, Flatten): nothing to walk."""

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        return iter(())

    def _parameter_list(self) -> list[Any]:
        if type(self)._walk_parameters is not _Stateless._walk_parameters:
            return super()._parameter_list()
        return []


class ReLU(_Stateless):
    """max(0, x), elementwise;  d/dx = 1 if x > 0 else 0."""

    def forward(self, x: Tensor) -> Tensor:
        """relu(x)."""
        return _as_tensor(x, "ReLU").relu()

    def __repr__(self) -> str:
        return "ReLU()"


class Tanh(_Stateless):
    """tanh x, elementwise;  d/dx = 1 - tanh(x)**2."""

    def forward(self, x: Tensor) -> Tensor:
        """tanh(x)."""
        return _as_tensor(x, "Tanh").tanh()

    def __repr__(self) -> str:
        return "Tanh()"


class Sigmoid(_Stateless):
    """σ(x) = 1 / (1 + e**-x), elementwise;  d/dx = σ(x) (1 - σ(x))."""

    def forward(self, x: Tensor) -> Tensor:
        """sigmoid(x)."""
        return _as_tensor(x, "Sigmoid").sigmoid()

    def __repr__(self) -> str:
        return "Sigmoid()"


class Flatten(_Stateless):
    """Merge dimensions ``start_dim``..``end_dim`` into one: (N, 8, 8) -> (N, 64) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        for name, v in (("start_dim", start_dim), ("end_dim", end_dim)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise TypeError(f"Flatten({name}): expected an int, got {v!r}")
        self.start_dim = int(start_dim)
        self.end_dim = int(end_dim)

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
        merged = int(np.prod(shape[s : e + 1]))
        return x.reshape(shape[:s] + (merged,) + shape[e + 1 :])

    def __repr__(self) -> str:
        return f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim})"


#: Activation name -> layer class.
ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


def _activation(name: object, who: str, allow_none: bool) -> type[Module] | None:
    if allow_none and name in (None, "linear"):
        return None
    if not isinstance(name, str) or name not in ACTIVATIONS:
        options = ", ".join(ACTIVATIONS) + (", None" if allow_none else "")
        raise ValueError(f"{who}: expected one of {options}, got {name!r}")
    return ACTIVATIONS[name]


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
    sizes = [_size(n, "mlp(sizes)") for n in sizes]
    hidden = _activation(activation, "mlp(activation)", allow_none=False)
    last = _activation(output_activation, "mlp(output_activation)", allow_none=True)
    if init is None:
        init = "he" if activation == "relu" else "xavier"
    rng = make_rng(seed)
    layers: list[Module] = []
    for i in range(len(sizes) - 1):
        layers.append(Linear(sizes[i], sizes[i + 1], bias, init=init, seed=rng, dtype=dtype))
        act = hidden if i < len(sizes) - 2 else last
        if act is not None:
            layers.append(act())
    return Sequential(*layers)


def from_value_mlp(model: MLP, *, dtype: Any = np.float64) -> Sequential:
    """The tensor network with exactly the weights of a scalar ``nn.MLP`` (float64 by default).

    Layer i's neuron j becomes row j of ``Linear.weight`` (its ``w``) and entry
    j of ``bias`` (its ``b``), so both networks compute the same function.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"from_value_mlp: expected a neuronlab.nn.MLP, got {type(model).__name__}")
    dt = _check_dtype(dtype)
    layers: list[Module] = []
    for i, layer in enumerate(model.layers):
        neurons = layer.neurons
        name = neurons[0].activation
        if any(n.activation != name for n in neurons):
            raise ValueError(f"from_value_mlp: layer {i} mixes activations")
        act = None if name == "linear" else ACTIVATIONS.get(name)
        if name != "linear" and act is None:
            raise ValueError(
                f"from_value_mlp: layer {i} uses {name!r}, which has no tensor layer "
                f"(expected one of linear, {', '.join(ACTIVATIONS)})"
            )
        lin = Linear(len(neurons[0].w), len(neurons), dtype=dt, seed=0)
        lin.weight.data[...] = [[w.data for w in n.w] for n in neurons]
        lin.bias.data[...] = [n.b.data for n in neurons]  # type: ignore[union-attr]
        layers.append(lin)
        if act is not None:
            layers.append(act())
    return Sequential(*layers)
