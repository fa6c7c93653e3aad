"""Each tensor layer as a JSON record and back: its type, its options, and the arrays it holds.

``LAYER_KINDS`` is the one table of the layers a model file may hold.  For
each kind it says which options a record gives (each with its check), which
arrays the layer holds (their names and shapes, worked out from the options
alone, so nothing is allocated before a file is trusted), how wide its output
is given its input (so a record whose layers do not fit together is refused),
and how to build the layer.  ``Sequential`` is not in the table: the model
records nest it themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..nn.dropout import Dropout
from ..nn.layers import ACTIVATION_LAYERS, Flatten, Linear
from ..nn.module import Module
from ..nn.normalization import BatchNorm1d, LayerNorm
from ..nn.sequence import Embedding, FlattenConsecutive
from ..util.checks import real_number, whole_number

T = TypeVar("T")

__all__ = ["INT_ARRAYS", "LAYER_KINDS", "LayerKind", "Width", "layer_record", "record_value"]

#: Width of a layer's output features (None: unknown from the record alone).
Width = int | None
#: The arrays that hold counts, not floats: saved and read as int64.
INT_ARRAYS = frozenset({"num_batches_tracked"})


def record_value(check: Callable[..., T], value: Any, where: str, **bounds: Any) -> T:
    """``check(value, where, **bounds)``, one of ``util.checks``, on a value read from a file.

    A value of the wrong kind in a file is a ValueError (the file is bad, not
    the caller's argument), with the check's own message.
    """
    try:
        return check(value, where, **bounds)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def _positive_int(value: Any, key: str, where: str) -> int:
    return record_value(whole_number, value, f"{where} {key!r}", minimum=1)


def _any_int(value: Any, key: str, where: str) -> int:
    return record_value(whole_number, value, f"{where} {key!r}")


def _truth(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}: {key!r} must be true or false, got {value!r:.60}")
    return value


def _number(low: float, high: float | None, strict: bool) -> Callable[[Any, str, str], float]:
    """A check for a finite number in [low, high] (above ``low`` when ``strict``)."""

    def check(value: Any, key: str, where: str) -> float:
        bounds = {"minimum": low, "maximum": high, "strict": strict}
        return record_value(real_number, value, f"{where} {key!r}", **bounds)

    return check


_eps = _number(0.0, None, strict=True)
_fraction = _number(0.0, 1.0, strict=False)

Check = Callable[[Any, str, str], Any]


@dataclass(frozen=True)
class LayerKind:
    """One layer type: its options (name -> (check, default)), arrays, output width and builder."""

    cls: type[Module]
    options: dict[str, tuple[Check, Any]]
    describe: Callable[[Any], dict[str, Any]]
    arrays: Callable[[dict[str, Any]], dict[str, tuple[int, ...]]]
    width: Callable[[dict[str, Any], Width, str], Width]
    build: Callable[[dict[str, Any], str], Module]

    def checked(self, spec: dict[str, Any], where: str) -> dict[str, Any]:
        """The record's options, each checked, defaults filled in; unknown ones refused."""
        unknown = sorted(set(spec) - {"type"} - set(self.options))
        if unknown:
            if not self.options:
                raise ValueError(f"{where}: {spec['type']} takes no options, got {unknown}")
            raise ValueError(
                f"{where}: bad {spec['type']} option {unknown[0]}={spec[unknown[0]]!r:.60}"
            )
        return {
            key: check(spec.get(key, default), key, where)
            for key, (check, default) in self.options.items()
        }


def _fits(expected: int, width: Width, kind: str, where: str) -> None:
    if width is not None and width != expected:
        raise ValueError(
            f"record: {where}: a {kind} layer takes {expected} features but the layer before "
            f"gives {width}"
        )


def _linear_width(o: dict[str, Any], width: Width, where: str) -> Width:
    if width is not None and o["in_features"] != width:
        raise ValueError(
            f"record: a Linear layer takes {o['in_features']} inputs but the layer before "
            f"gives {width}"
        )
    return o["out_features"]


def _norm_arrays(width: int, affine: bool, running: bool) -> dict[str, tuple[int, ...]]:
    arrays: dict[str, tuple[int, ...]] = {}
    if affine:
        arrays.update(weight=(width,), bias=(width,))
    if running:
        arrays.update(running_mean=(width,), running_var=(width,), num_batches_tracked=())
    return arrays


def _batchnorm_width(o: dict[str, Any], width: Width, where: str) -> Width:
    _fits(o["num_features"], width, "BatchNorm1d", where)
    return o["num_features"]


def _layernorm_width(o: dict[str, Any], width: Width, where: str) -> Width:
    _fits(o["normalized_shape"], width, "LayerNorm", where)
    return o["normalized_shape"]


def _same(o: dict[str, Any], width: Width, where: str) -> Width:
    return width


_LINEAR = LayerKind(
    Linear,
    {
        "in_features": (_positive_int, None),
        "out_features": (_positive_int, None),
        "bias": (_truth, True),
    },
    lambda m: {
        "in_features": m.in_features,
        "out_features": m.out_features,
        "bias": m.bias is not None,
    },
    lambda o: {
        "weight": (o["out_features"], o["in_features"]),
        **({"bias": (o["out_features"],)} if o["bias"] else {}),
    },
    _linear_width,
    lambda o, dtype: Linear(
        o["in_features"], o["out_features"], bias=o["bias"], dtype=dtype, seed=0
    ),
)

_EMBEDDING = LayerKind(
    Embedding,
    {"num_embeddings": (_positive_int, None), "embedding_dim": (_positive_int, None)},
    lambda m: {"num_embeddings": m.num_embeddings, "embedding_dim": m.embedding_dim},
    lambda o: {"weight": (o["num_embeddings"], o["embedding_dim"])},
    lambda o, width, where: o["embedding_dim"],
    lambda o, dtype: Embedding(o["num_embeddings"], o["embedding_dim"], dtype=dtype, seed=0),
)

_BATCHNORM = LayerKind(
    BatchNorm1d,
    {
        "num_features": (_positive_int, None),
        "eps": (_eps, 1e-5),
        "momentum": (_fraction, 0.1),
        "affine": (_truth, True),
    },
    lambda m: {
        "num_features": m.num_features,
        "eps": m.eps,
        "momentum": m.momentum,
        "affine": m.affine,
    },
    lambda o: _norm_arrays(o["num_features"], o["affine"], running=True),
    _batchnorm_width,
    lambda o, dtype: BatchNorm1d(
        o["num_features"], o["eps"], o["momentum"], o["affine"], dtype=dtype
    ),
)

_LAYERNORM = LayerKind(
    LayerNorm,
    {
        "normalized_shape": (_positive_int, None),
        "eps": (_eps, 1e-5),
        "elementwise_affine": (_truth, True),
    },
    lambda m: {
        "normalized_shape": m.normalized_shape[0],
        "eps": m.eps,
        "elementwise_affine": m.elementwise_affine,
    },
    lambda o: _norm_arrays(o["normalized_shape"], o["elementwise_affine"], running=False),
    _layernorm_width,
    lambda o, dtype: LayerNorm(
        o["normalized_shape"], o["eps"], o["elementwise_affine"], dtype=dtype
    ),
)

_FLATTEN = LayerKind(
    Flatten,
    {"start_dim": (_any_int, 1), "end_dim": (_any_int, -1)},
    lambda m: {"start_dim": m.start_dim, "end_dim": m.end_dim},
    lambda o: {},
    lambda o, width, where: None,  # how many features come out depends on the input's shape
    lambda o, dtype: Flatten(o["start_dim"], o["end_dim"]),
)

_CONSECUTIVE = LayerKind(
    FlattenConsecutive,
    {"n": (_positive_int, None)},
    lambda m: {"n": m.n},
    lambda o: {},
    lambda o, width, where: None if width is None else width * o["n"],
    lambda o, dtype: FlattenConsecutive(o["n"]),
)

_DROPOUT = LayerKind(
    Dropout,
    {"p": (_fraction, 0.5)},
    lambda m: {"p": m.p},
    lambda o: {},
    _same,
    lambda o, dtype: Dropout(o["p"]),
)


def _activation(cls: type[Module]) -> LayerKind:
    return LayerKind(cls, {}, lambda m: {}, lambda o: {}, _same, lambda o, dtype: cls())


#: Layer type name -> how it is recorded and rebuilt (``Sequential`` nests; see the models).
LAYER_KINDS: dict[str, LayerKind] = {
    "Linear": _LINEAR,
    "Flatten": _FLATTEN,
    "Embedding": _EMBEDDING,
    "FlattenConsecutive": _CONSECUTIVE,
    "BatchNorm1d": _BATCHNORM,
    "LayerNorm": _LAYERNORM,
    "Dropout": _DROPOUT,
    **{cls.__name__: _activation(cls) for cls in ACTIVATION_LAYERS.values()},
}


def layer_record(layer: Module) -> dict[str, Any]:
    """One layer (not a Sequential) as JSON: its type and options."""
    kind = type(layer).__name__
    entry = LAYER_KINDS.get(kind)
    if entry is None or entry.cls is not type(layer):
        names = ", ".join(sorted([*LAYER_KINDS, "Sequential"]))
        raise TypeError(f"cannot save a layer of type {kind}; supported: {names}")
    return {"type": kind, **entry.describe(layer)}
