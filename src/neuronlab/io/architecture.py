"""A model as a JSON record and named arrays, and back: what ``save`` and ``load`` agree on.

``describe(model)`` gives the architecture record of a tensor ``Sequential``
(its layers, their sizes, the dtype) or of a scalar ``MLP`` (its sizes and
activations); ``parameter_arrays(model)`` its numbers, named as its
``state_dict`` names them (for the scalar MLP, one ``(out, in)`` weight matrix
and one bias vector per layer).  ``plan_model(record, limits)`` reads a record
back: it checks every field, works out the name and shape of every array the
model needs and refuses a model beyond ``limits`` -- all from the record
alone, before anything is allocated -- and ``Plan.build()`` then makes the
model, whose numbers ``load_numbers`` sets.  The class of a model decides
what it is, never the type of its parameters; a model with no parameters has
nothing to save and is refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..nn.activations import ACTIVATIONS
from ..nn.layers import ACTIVATION_LAYERS, Flatten, Linear, Sequential
from ..nn.module import Module
from ..nn.scalar import MLP

__all__ = [
    "LAYER_TYPES",
    "Limits",
    "Plan",
    "describe",
    "parameter_arrays",
    "plan_model",
    "load_numbers",
]

#: Layer type name -> class, for the tensor layers a record may hold.
LAYER_TYPES: dict[str, type[Module]] = {
    "Linear": Linear,
    "Flatten": Flatten,
    "Sequential": Sequential,
    **{cls.__name__: cls for cls in ACTIVATION_LAYERS.values()},
}


@dataclass(frozen=True)
class Limits:
    """How big a model may be: numbers in a tensor model, in a scalar MLP, levels of nesting."""

    parameters: int
    scalar_parameters: int
    depth: int


@dataclass(frozen=True)
class Plan:
    """What a record calls for: how to build the model, and each array's name and shape."""

    build: Callable[[], Module]
    shapes: dict[str, tuple[int, ...]]
    dtype: str


# -- a model as JSON and arrays -----------------------------------------------


def describe(model: Module, limits: Limits) -> dict[str, Any]:
    """The JSON architecture record of ``model`` (its class decides: scalar MLP or tensor).

    Raises TypeError for a model or layer that cannot be described, and
    ValueError for mixed dtypes or nesting deeper than ``limits.depth``.
    """
    if type(model) is MLP:
        return {
            "kind": "MLP",
            "dtype": "float64",
            "sizes": model.sizes,
            "activations": [layer.neurons[0].activation for layer in model.layers],
            "fused": bool(model.layers[0].neurons[0].fused),
        }
    if type(model) is Sequential:
        layers = [_layer_record(layer, 1, limits.depth) for layer in model]
        dtypes = sorted({str(p.data.dtype) for p in model.parameters()})
        if len(dtypes) > 1:
            raise ValueError(f"the model mixes dtypes {dtypes}")
        return {
            "kind": "Sequential",
            "dtype": dtypes[0] if dtypes else "float32",
            "layers": layers,
        }
    if isinstance(model, Linear):
        raise TypeError(
            "expected a whole model; wrap a single layer as Sequential(layer) to save it"
        )
    raise TypeError(
        "expected a tensor Sequential (of Linear, Flatten and activation layers) "
        f"or a scalar MLP, got {type(model).__name__}"
    )


def _layer_record(layer: Module, depth: int, max_depth: int) -> dict[str, Any]:
    """One layer of a Sequential as JSON."""
    kind = type(layer).__name__
    if LAYER_TYPES.get(kind) is not type(layer):
        raise TypeError(
            f"cannot save a layer of type {kind}; supported: {', '.join(sorted(LAYER_TYPES))}"
        )
    if isinstance(layer, Linear):
        return {
            "type": "Linear",
            "in_features": layer.in_features,
            "out_features": layer.out_features,
            "bias": layer.bias is not None,
        }
    if isinstance(layer, Sequential):
        if depth >= max_depth:
            raise ValueError(f"Sequential is nested more than {max_depth} levels deep")
        inner = [_layer_record(x, depth + 1, max_depth) for x in layer]
        return {"type": "Sequential", "layers": inner}
    if isinstance(layer, Flatten):
        return {"type": "Flatten", "start_dim": layer.start_dim, "end_dim": layer.end_dim}
    return {"type": kind}


def parameter_arrays(model: Module) -> dict[str, np.ndarray]:
    """The parameters of ``model`` as named arrays (the tensor ones are not copied)."""
    if type(model) is not MLP:
        return {name: np.ascontiguousarray(p.data) for name, p in model.named_parameters()}
    arrays: dict[str, np.ndarray] = {}
    for i, layer in enumerate(model.layers):
        neurons = layer.neurons
        arrays[f"layers.{i}.weight"] = np.array(
            [[w.data for w in n.w] for n in neurons], dtype=np.float64
        )
        arrays[f"layers.{i}.bias"] = np.array([n.b.data for n in neurons], dtype=np.float64)
    return arrays


# -- what a record calls for -------------------------------------------------------------


def _positive_int(spec: dict[str, Any], key: str, where: str) -> int:
    """``spec[key]`` when it is a positive int."""
    value = spec.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: {key!r} must be a positive int, got {value!r:.60}")
    return value


def plan_model(record: dict[str, Any], limits: Limits) -> Plan:
    """What builds the model ``record`` describes and the arrays it needs, checked against
    ``limits`` from the record alone, so nothing the record claims is allocated first.

    Raises ValueError, saying what is wrong, for anything the record gets wrong.
    """
    kind = record.get("kind")
    if kind == "MLP":
        plan, limit = _plan_mlp(record), limits.scalar_parameters
        what = "a scalar MLP (each of its numbers is a Python object, made one by one)"
    elif kind == "Sequential":
        plan = _plan_sequential(record, limits.depth)
        limit, what = limits.parameters, "a tensor model"
    else:
        raise ValueError(f"record: unknown model kind {kind!r:.60}; expected 'Sequential' or 'MLP'")
    count = sum(math.prod(shape) for shape in plan.shapes.values())
    if count == 0:
        raise ValueError(
            "the model has no parameters, so there is nothing to save or load "
            "(a model file holds a network's weights: add a Linear layer)"
        )
    if count > limit:
        raise ValueError(
            f"the model has {count:,} parameters; neuronlab saves and loads at most "
            f"{limit:,} in {what}, so that loading a file stays bounded in memory and time"
        )
    return plan


def _plan_sequential(record: dict[str, Any], max_depth: int) -> Plan:
    dtype = record.get("dtype")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"record: dtype must be 'float32' or 'float64', got {dtype!r:.60}")
    layers = record.get("layers")
    if not isinstance(layers, list):
        raise ValueError(f"record: 'layers' must be a list, got {type(layers).__name__}")
    shapes: dict[str, tuple[int, ...]] = {}
    _layer_shapes(layers, "", 1, max_depth, shapes)
    _check_widths(layers)

    def build() -> Module:
        """The Sequential, with freshly initialised parameters."""
        return Sequential(*[_build_layer(spec, dtype) for spec in layers])

    return Plan(build, shapes, dtype)


def _layer_shapes(
    layers: list[Any], prefix: str, depth: int, max_depth: int, shapes: dict[str, tuple[int, ...]]
) -> None:
    """Check a list of layer records and add the parameter shapes they call for, named as
    ``state_dict`` names them (``0.weight``, ``1.0.bias``), to ``shapes``."""
    for i, spec in enumerate(layers):
        where = f"record, layer {prefix}{i}"
        if not isinstance(spec, dict):
            raise ValueError(f"{where}: expected an object, got {type(spec).__name__}")
        kind = spec.get("type")
        if not isinstance(kind, str) or kind not in LAYER_TYPES:
            raise ValueError(
                f"{where}: unknown layer type {kind!r:.60}; "
                f"this version of neuronlab knows {', '.join(sorted(LAYER_TYPES))}"
            )
        options = {k: v for k, v in spec.items() if k != "type"}
        if kind == "Linear":
            n_in = _positive_int(spec, "in_features", where)
            n_out = _positive_int(spec, "out_features", where)
            bias = spec.get("bias", True)
            if not isinstance(bias, bool):
                raise ValueError(f"{where}: 'bias' must be true or false, got {bias!r:.60}")
            shapes[f"{prefix}{i}.weight"] = (n_out, n_in)
            if bias:
                shapes[f"{prefix}{i}.bias"] = (n_out,)
        elif kind == "Sequential":
            inner = spec.get("layers")
            if not isinstance(inner, list):
                raise ValueError(f"{where}: 'layers' must be a list")
            if depth >= max_depth:
                raise ValueError(f"{where}: Sequential nested more than {max_depth} levels deep")
            _layer_shapes(inner, f"{prefix}{i}.", depth + 1, max_depth, shapes)
        elif kind == "Flatten":
            for k, v in options.items():
                if (
                    k not in ("start_dim", "end_dim")
                    or isinstance(v, bool)
                    or not isinstance(v, int)
                ):
                    raise ValueError(f"{where}: bad Flatten option {k}={v!r:.60}")
        elif options:
            raise ValueError(f"{where}: {kind} takes no options, got {sorted(options)}")


def _check_widths(layers: list[Any], width: int | None = None) -> int | None:
    """Each Linear must take as many inputs as the Linear before it gives (activations keep
    the width, Flatten makes it unknown); returns the width that comes out."""
    for spec in layers:
        kind = spec["type"]
        if kind == "Linear":
            n_in = spec["in_features"]
            if width is not None and n_in != width:
                raise ValueError(
                    f"record: a Linear layer takes {n_in} inputs but the layer before gives {width}"
                )
            width = spec["out_features"]
        elif kind == "Sequential":
            width = _check_widths(spec["layers"], width)
        elif kind == "Flatten":
            width = None
    return width


def _build_layer(spec: dict[str, Any], dtype: str) -> Module:
    """One layer from its record (already checked by ``_layer_shapes``)."""
    kind = spec["type"]
    if kind == "Linear":
        n_in, n_out = spec["in_features"], spec["out_features"]
        return Linear(n_in, n_out, bias=spec.get("bias", True), dtype=dtype, seed=0)
    if kind == "Sequential":
        return Sequential(*[_build_layer(x, dtype) for x in spec["layers"]])
    return LAYER_TYPES[kind](**{k: v for k, v in spec.items() if k != "type"})


def _plan_mlp(record: dict[str, Any]) -> Plan:
    if record.get("dtype") != "float64":
        raise ValueError(f"record: an MLP's dtype is 'float64', got {record.get('dtype')!r:.60}")
    sizes = record.get("sizes")
    acts = record.get("activations")
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes)
    ):
        raise ValueError(
            f"record: MLP 'sizes' must be a list of >= 2 positive ints, got {sizes!r:.80}"
        )
    if not isinstance(acts, list) or len(acts) != len(sizes) - 1:
        raise ValueError(
            f"record: MLP 'activations' must list one activation per layer "
            f"({len(sizes) - 1}), got {acts!r:.80}"
        )
    for a in acts:
        if not isinstance(a, str) or a not in ACTIVATIONS:
            raise ValueError(
                f"record: unknown activation {a!r:.60}; expected one of {', '.join(ACTIVATIONS)}"
            )
    hidden = acts[:-1]
    if len(set(hidden)) > 1:
        raise ValueError(f"record: an MLP's hidden layers share one activation, got {hidden}")
    fused = record.get("fused", True)
    if not isinstance(fused, bool):
        raise ValueError(f"record: 'fused' must be true or false, got {fused!r:.60}")

    def build() -> Module:
        """The MLP, with freshly initialised parameters."""
        activation = hidden[0] if hidden else "relu"
        output = acts[-1]
        return MLP(sizes[0], sizes[1:], activation, output_activation=output, seed=0, fused=fused)

    shapes: dict[str, tuple[int, ...]] = {}
    for i in range(len(sizes) - 1):
        shapes[f"layers.{i}.weight"] = (sizes[i + 1], sizes[i])
        shapes[f"layers.{i}.bias"] = (sizes[i + 1],)
    return Plan(build, shapes, "float64")


def load_numbers(model: Module, arrays: dict[str, np.ndarray]) -> None:
    """Set ``model``'s parameters from the arrays its plan called for (already checked).

    A scalar MLP's Values are set straight from its per-layer matrices, without
    a ``state_dict`` of one named entry per number.
    """
    if not isinstance(model, MLP):
        model.load_state_dict(arrays)
        return
    for i, layer in enumerate(model.layers):
        weights = arrays[f"layers.{i}.weight"].tolist()
        biases = arrays[f"layers.{i}.bias"].tolist()
        for neuron, row, bias in zip(layer.neurons, weights, biases):
            for w, x in zip(neuron.w, row):
                w.data = x
            neuron.b.data = bias
