"""A model as a JSON record and named arrays, and back: what ``save`` and ``load`` agree on.

``describe(model)`` gives the architecture record of a tensor ``Sequential``
(its layers, their sizes, the dtype), of a ``LanguageModel`` (the same, with
its vocabulary and block size) or of a scalar ``MLP`` (its sizes and
activations); ``parameter_arrays(model)`` its numbers, named as its
``state_dict`` names them -- parameters and buffers (BatchNorm's running
statistics) -- (for the scalar MLP, one ``(out, in)`` weight matrix and one
bias vector per layer).  ``plan_model(record, limits)`` reads a record back:
it checks every field, works out the name and shape of every array the model
needs and refuses a model beyond ``limits`` -- all from the record alone,
before anything is allocated -- and ``Plan.build()`` then makes the model,
whose numbers ``load_numbers`` sets.  How each layer is recorded is the table
of ``layer_records``.  The class of a model decides what it is, never the
type of its parameters; a model with no parameters has nothing to save and is
refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from ..data.text import MAX_BLOCK_SIZE, Vocabulary
from ..language.model import LanguageModel
from ..nn.activations import ACTIVATIONS
from ..nn.layers import Linear, Sequential
from ..nn.module import Module, evaluation_mode
from ..nn.scalar import MLP
from ..tensor import no_grad
from ..util.checks import whole_number
from .layer_records import INT_ARRAYS, LAYER_KINDS, Width, layer_record, record_value

__all__ = [
    "MODEL_KINDS",
    "Limits",
    "Plan",
    "describe",
    "load_numbers",
    "model_kind",
    "parameter_arrays",
    "plan_model",
]

#: Model kind -> class, for the tensor models a record may hold.
TENSOR_MODELS: dict[str, type[Sequential]] = {
    "Sequential": Sequential,
    "LanguageModel": LanguageModel,
}
#: Model kind -> class, for every model a record may hold: the kind is the exact class's name.
MODEL_KINDS: dict[str, type[Module]] = {"MLP": MLP, **TENSOR_MODELS}


def model_kind(model: object) -> str | None:
    """The kind a model file records for ``model`` ("MLP", "Sequential", ...), None for none.

    The class decides, exactly: a subclass of your own is not a kind a file can
    rebuild, so it has none.
    """
    kind = type(model).__name__
    return kind if MODEL_KINDS.get(kind) is type(model) else None


@dataclass(frozen=True)
class Limits:
    """How big a model may be: numbers in a tensor model, in a scalar MLP, levels of nesting."""

    parameters: int
    scalar_parameters: int
    depth: int


@dataclass(frozen=True)
class Plan:
    """What a record calls for: how to build the model, and each array's name and shape.

    Every array holds ``dtype`` numbers except those named in ``ints`` (counts, int64).
    """

    build: Callable[[], Module]
    shapes: dict[str, tuple[int, ...]]
    dtype: str
    ints: frozenset[str] = field(default_factory=frozenset)

    def dtype_of(self, name: str) -> np.dtype:
        """The dtype array ``name`` must have."""
        return np.dtype(np.int64) if name in self.ints else np.dtype(self.dtype)


# -- a model as JSON and arrays -----------------------------------------------


def describe(model: Module, limits: Limits) -> dict[str, Any]:
    """The JSON architecture record of ``model`` (its class decides: scalar MLP or tensor).

    Raises TypeError for a model or layer that cannot be described, and
    ValueError for mixed dtypes or nesting deeper than ``limits.depth``.
    """
    kind = model_kind(model)
    if kind == "MLP":
        model = cast(MLP, model)
        return {
            "kind": "MLP",
            "dtype": "float64",
            "sizes": model.sizes,
            "activations": [layer.neurons[0].activation for layer in model.layers],
            "fused": bool(model.layers[0].neurons[0].fused),
        }
    if kind is not None:
        model = cast(Sequential, model)
        layers = [_layer_record(layer, 1, limits.depth) for layer in model]
        dtypes = sorted({str(p.data.dtype) for p in model.parameters()})
        if len(dtypes) > 1:
            raise ValueError(f"the model mixes dtypes {dtypes}")
        record: dict[str, Any] = {
            "kind": kind,
            "dtype": dtypes[0] if dtypes else "float32",
            "layers": layers,
        }
        if isinstance(model, LanguageModel):
            record["vocabulary"] = model.vocabulary.characters
            record["block_size"] = model.block_size
        return record
    if isinstance(model, Linear):
        raise TypeError(
            "expected a whole model; wrap a single layer as Sequential(layer) to save it"
        )
    raise TypeError(
        "expected a tensor Sequential (of Linear, Flatten and activation layers), a "
        f"LanguageModel or a scalar MLP, got {type(model).__name__}"
    )


def _layer_record(layer: Module, depth: int, max_depth: int) -> dict[str, Any]:
    """One layer of a Sequential as JSON."""
    if model_kind(layer) == "Sequential":
        if depth >= max_depth:
            raise ValueError(f"Sequential is nested more than {max_depth} levels deep")
        inner = [_layer_record(x, depth + 1, max_depth) for x in cast(Sequential, layer)]
        return {"type": "Sequential", "layers": inner}
    return layer_record(layer)


def parameter_arrays(model: Module) -> dict[str, np.ndarray]:
    """The parameters and buffers of ``model`` as named arrays (the tensor ones are not copied)."""
    if model_kind(model) != "MLP":
        arrays = {name: np.ascontiguousarray(p.data) for name, p in model.named_parameters()}
        arrays.update((name, np.asarray(b, order="C")) for name, b in model.named_buffers())
        return arrays
    arrays = {}
    for i, layer in enumerate(cast(MLP, model).layers):
        neurons = layer.neurons
        arrays[f"layers.{i}.weight"] = np.array(
            [[w.data for w in n.w] for n in neurons], dtype=np.float64
        )
        arrays[f"layers.{i}.bias"] = np.array([n.b.data for n in neurons], dtype=np.float64)
    return arrays


# -- what a record calls for -------------------------------------------------------------


def plan_model(record: dict[str, Any], limits: Limits) -> Plan:
    """What builds the model ``record`` describes and the arrays it needs, checked against
    ``limits`` from the record alone, so nothing the record claims is allocated first.

    Raises ValueError, saying what is wrong, for anything the record gets wrong.
    """
    kind = record.get("kind")
    if kind == "MLP":
        plan, limit = _plan_mlp(record), limits.scalar_parameters
        what = "a scalar MLP (each of its numbers is a Python object, made one by one)"
    elif isinstance(kind, str) and kind in TENSOR_MODELS:
        plan = _plan_tensor_model(record, kind, limits.depth)
        limit, what = limits.parameters, "a tensor model"
    else:
        raise ValueError(
            f"record: unknown model kind {kind!r:.60}; expected one of "
            f"{', '.join(['MLP', *TENSOR_MODELS])}"
        )
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


#: A checked layer: its type and options, or ("Sequential", [checked layers]).
Checked = tuple[str, Any]


def _plan_tensor_model(record: dict[str, Any], kind: str, max_depth: int) -> Plan:
    dtype = record.get("dtype")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"record: dtype must be 'float32' or 'float64', got {dtype!r:.60}")
    raw = record.get("layers")
    if not isinstance(raw, list):
        raise ValueError(f"record: 'layers' must be a list, got {type(raw).__name__}")
    shapes: dict[str, tuple[int, ...]] = {}
    layers = _checked_layers(raw, "", 1, max_depth, shapes)
    width = _output_width(layers, None)
    ints = frozenset(name for name in shapes if name.rpartition(".")[2] in INT_ARRAYS)
    if kind == "LanguageModel":
        vocabulary, block = _language(record, layers, width)

        def build() -> Module:
            """The LanguageModel, with freshly initialised parameters, checked to read contexts
            of its block size."""
            built = [_build(layer, dtype) for layer in layers]
            model = LanguageModel(*built, vocabulary=vocabulary, block_size=block)
            _check_contexts(model)
            return model

    else:

        def build() -> Module:
            """The Sequential, with freshly initialised parameters."""
            return Sequential(*[_build(layer, dtype) for layer in layers])

    return Plan(build, shapes, dtype, ints)


def _checked_layers(
    raw: list[Any], prefix: str, depth: int, max_depth: int, shapes: dict[str, tuple[int, ...]]
) -> list[Checked]:
    """Check a list of layer records and add the arrays they call for, named as
    ``state_dict`` names them (``0.weight``, ``1.0.bias``), to ``shapes``."""
    checked: list[Checked] = []
    for i, spec in enumerate(raw):
        where = f"record, layer {prefix}{i}"
        if not isinstance(spec, dict):
            raise ValueError(f"{where}: expected an object, got {type(spec).__name__}")
        kind = spec.get("type")
        if kind == "Sequential":
            inner = spec.get("layers")
            if not isinstance(inner, list):
                raise ValueError(f"{where}: 'layers' must be a list")
            if depth >= max_depth:
                raise ValueError(f"{where}: Sequential nested more than {max_depth} levels deep")
            checked.append(
                (kind, _checked_layers(inner, f"{prefix}{i}.", depth + 1, max_depth, shapes))
            )
            continue
        if not isinstance(kind, str) or kind not in LAYER_KINDS:
            raise ValueError(
                f"{where}: unknown layer type {kind!r:.60}; "
                f"this version of neuronlab knows {', '.join(sorted([*LAYER_KINDS, 'Sequential']))}"
            )
        options = LAYER_KINDS[kind].checked(spec, where)
        for name, shape in LAYER_KINDS[kind].arrays(options).items():
            shapes[f"{prefix}{i}.{name}"] = shape
        checked.append((kind, options))
    return checked


def _output_width(layers: list[Checked], width: Width) -> Width:
    """The features that come out of ``layers`` given ``width`` going in; layers that do not
    fit together are a ValueError."""
    for i, (kind, options) in enumerate(layers):
        if kind == "Sequential":
            width = _output_width(options, width)
        else:
            width = LAYER_KINDS[kind].width(options, width, f"layer {i}")
    return width


def _build(layer: Checked, dtype: str) -> Module:
    kind, options = layer
    if kind == "Sequential":
        return Sequential(*[_build(x, dtype) for x in options])
    return LAYER_KINDS[kind].build(options, dtype)


def _language(
    record: dict[str, Any], layers: list[Checked], width: Width
) -> tuple[Vocabulary, int]:
    """A language model's vocabulary and block size, checked against its layers."""
    text, block = record.get("vocabulary"), record.get("block_size")
    if not isinstance(text, str):
        raise ValueError(f"record: 'vocabulary' must be a str of characters, got {text!r:.60}")
    try:
        vocabulary = Vocabulary(text)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"record: bad 'vocabulary': {exc}") from None
    block = record_value(
        whole_number, block, "record 'block_size'", minimum=1, maximum=MAX_BLOCK_SIZE
    )
    size = len(vocabulary)
    first = layers[0] if layers else ("", {})
    if first[0] != "Embedding" or first[1]["num_embeddings"] != size:
        raise ValueError(
            f"record: the vocabulary has {size} characters, but the model does not start with "
            f"an Embedding of {size} rows (one per character)"
        )
    if width is not None and width != size:
        raise ValueError(
            f"record: the vocabulary has {size} characters, but the model scores {width} "
            "(its last layer must give one score per character)"
        )
    return vocabulary, block


def _check_contexts(model: LanguageModel) -> None:
    """Refuse a block size the layers cannot read: one context of "." goes through them.

    (A ``Flatten`` hides from the record alone how wide the contexts make it, so
    a ``block_size`` that does not fit the layers shows only when they run.)
    """
    try:
        with no_grad(), evaluation_mode(model):
            model(np.zeros((1, model.block_size), dtype=np.int64))
    except ValueError as exc:
        raise ValueError(
            f"record: 'block_size' {model.block_size} does not fit the layers ({exc})"
        ) from None


def _plan_mlp(record: dict[str, Any]) -> Plan:
    if record.get("dtype") != "float64":
        raise ValueError(f"record: an MLP's dtype is 'float64', got {record.get('dtype')!r:.60}")
    sizes = record.get("sizes")
    acts = record.get("activations")
    if not isinstance(sizes, list) or len(sizes) < 2:
        raise ValueError(
            f"record: MLP 'sizes' must be a list of >= 2 positive ints, got {sizes!r:.80}"
        )
    for i, size in enumerate(sizes):
        record_value(whole_number, size, f"record: MLP 'sizes'[{i}]", minimum=1)
    if not isinstance(acts, list) or len(acts) != len(sizes) - 1:
        raise ValueError(
            f"record: MLP 'activations' must list one activation per layer "
            f"({len(sizes) - 1}), got {acts!r:.80}"
        )
    for a in acts:
        ACTIVATIONS.check(a, "record")
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
    if model_kind(model) != "MLP":
        model.load_state_dict(arrays)
        return
    for i, layer in enumerate(cast(MLP, model).layers):
        weights = arrays[f"layers.{i}.weight"].tolist()
        biases = arrays[f"layers.{i}.bias"].tolist()
        for neuron, row, bias in zip(layer.neurons, weights, biases):
            for w, x in zip(neuron.w, row):
                w.data = x
            neuron.b.data = bias
