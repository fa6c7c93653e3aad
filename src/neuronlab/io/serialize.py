"""Saving and loading trained models: a NumPy ``.npz`` archive, never pickle.

The file is an ordinary ``.npz`` (a zip of ``.npy`` arrays) holding

- one array per parameter, named as the model's ``state_dict`` names it
  (``layers.0.weight``; for the scalar ``MLP``, whose parameters are single
  Values, each layer's weights are gathered into one matrix of PyTorch's
  layout ``(out, in)`` plus a bias vector under the same kind of names), and
- ``__neuronlab__``: a JSON record (UTF-8 bytes) of the architecture — model
  kind, layer types and sizes, activations, dtype — and the format version.

``np.load`` opens it with ``allow_pickle=False``, so loading a file from
someone else cannot run code; a teacher can open it with NumPy alone.  The
file is written to a temporary file in the same folder and then renamed over
``path``, so a crash never leaves half a file.  ``load`` checks everything —
archive, record, layer types, names and shapes — before it builds the model:
a truncated, corrupt or mismatched file raises ``ValueError`` and returns
nothing.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from ..nn.activations import ACTIVATIONS
from ..nn.module import Module
from ..nn.scalar import MLP
from ..util.files import write_atomic
from ..version import __version__

__all__ = ["save", "load", "FORMAT", "FORMAT_VERSION", "RECORD_KEY"]

#: The ``format`` field of every record, and the version this code writes.
FORMAT = "neuronlab-model"
FORMAT_VERSION = 1
#: The archive member that holds the JSON architecture record.
RECORD_KEY = "__neuronlab__"

_ZIP_MAGIC = b"PK\x03\x04"


class _Invalid(ValueError):
    """A problem with the file's contents; ``load`` adds the file name."""


# -- what a model is, as JSON and arrays -------------------------------------------


def _tensor_layers() -> dict[str, type]:
    """Layer type name -> class, for the tensor engine's layers (imported when needed)."""
    from ..nn import layers

    return {
        name: getattr(layers, name)
        for name in ("Linear", "ReLU", "Tanh", "Sigmoid", "Step", "Flatten", "Sequential")
        if hasattr(layers, name)
    }


def _describe(model: Module) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON record and the named arrays that together rebuild ``model``."""
    if isinstance(model, MLP):
        return _describe_mlp(model)
    known = _tensor_layers()
    if "Sequential" in known and isinstance(model, known["Sequential"]):
        layers = [_describe_layer(layer, known) for layer in model]
        arrays = {name: np.asarray(a) for name, a in model.state_dict().items()}
        dtypes = {a.dtype for a in arrays.values()}
        if len(dtypes) > 1:
            raise ValueError(f"save: the model mixes dtypes {sorted(map(str, dtypes))}")
        record = {
            "kind": "Sequential",
            "dtype": str(next(iter(dtypes))) if dtypes else "float32",
            "layers": layers,
        }
        return record, arrays
    if "Linear" in known and isinstance(model, known["Linear"]):
        raise TypeError(
            "save: expected a whole model; wrap a single layer as Sequential(layer) to save it"
        )
    raise TypeError(
        "save: expected a tensor Sequential (Linear, ReLU, Tanh, Sigmoid, Flatten layers) "
        f"or a scalar MLP, got {type(model).__name__}"
    )


def _describe_layer(layer: Any, known: dict[str, type]) -> dict[str, Any]:
    kind = type(layer).__name__
    if kind not in known or type(layer) is not known[kind]:
        raise TypeError(
            f"save: cannot save a layer of type {kind}; supported: {', '.join(sorted(known))}"
        )
    if kind == "Linear":
        return {
            "type": "Linear",
            "in_features": int(layer.in_features),
            "out_features": int(layer.out_features),
            "bias": layer.bias is not None,
        }
    if kind == "Sequential":
        return {"type": "Sequential", "layers": [_describe_layer(x, known) for x in layer]}
    if kind == "Flatten":
        return {"type": "Flatten", "start_dim": layer.start_dim, "end_dim": layer.end_dim}
    return {"type": kind}


def _describe_mlp(model: MLP) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    arrays: dict[str, np.ndarray] = {}
    activations = []
    for i, layer in enumerate(model.layers):
        neurons = layer.neurons
        arrays[f"layers.{i}.weight"] = np.array(
            [[w.data for w in n.w] for n in neurons], dtype=np.float64
        )
        arrays[f"layers.{i}.bias"] = np.array([n.b.data for n in neurons], dtype=np.float64)
        activations.append(neurons[0].activation)
    record = {
        "kind": "MLP",
        "dtype": "float64",
        "sizes": model.sizes,
        "activations": activations,
        "fused": bool(model.layers[0].neurons[0].fused),
    }
    return record, arrays


# -- and back ------------------------------------------------------------------------


def _int(record: dict[str, Any], key: str, where: str) -> int:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Invalid(f"{where}: {key!r} must be a positive int, got {value!r}")
    return value


def _build(record: dict[str, Any]) -> tuple[Callable[[], Module], dict[str, tuple[int, ...]]]:
    """What builds the model the record describes, and the array shapes it needs by name.

    The shapes come from the record alone, so they can be checked against the
    file's arrays before a model (whose size the record states) is allocated.
    """
    kind = record.get("kind")
    if kind == "MLP":
        return _build_mlp(record)
    if kind == "Sequential":
        dtype = record.get("dtype")
        if dtype not in ("float32", "float64"):
            raise _Invalid(f"record: dtype must be 'float32' or 'float64', got {dtype!r}")
        known = _tensor_layers()
        layers = record.get("layers")
        if not isinstance(layers, list):
            raise _Invalid(f"record: 'layers' must be a list, got {type(layers).__name__}")
        shapes = _layer_shapes(layers, known, "")
        _check_widths(layers)

        def build() -> Module:
            return known["Sequential"](*[_build_layer(x, known, dtype) for x in layers])

        return build, shapes
    raise _Invalid(f"record: unknown model kind {kind!r}; expected 'Sequential' or 'MLP'")


def _layer_shapes(layers: list[Any], known: dict[str, type], prefix: str) -> dict[str, Any]:
    """The parameter shapes a list of layer records calls for, named as ``state_dict`` will
    name them (``0.weight``, ``1.0.bias``), worked out before anything is allocated."""
    shapes: dict[str, tuple[int, ...]] = {}
    for i, spec in enumerate(layers):
        where = f"layer {prefix}{i}"
        if not isinstance(spec, dict):
            raise _Invalid(f"record, {where}: expected an object, got {type(spec).__name__}")
        kind = spec.get("type")
        if kind not in known:
            raise _Invalid(
                f"record, {where}: unknown layer type {kind!r}; "
                f"this version of neuronlab knows {', '.join(sorted(known))}"
            )
        if kind == "Linear":
            n_in = _int(spec, "in_features", f"record, {where}")
            n_out = _int(spec, "out_features", f"record, {where}")
            bias = spec.get("bias", True)
            if not isinstance(bias, bool):
                raise _Invalid(f"record, {where}: 'bias' must be true or false, got {bias!r}")
            shapes[f"{prefix}{i}.weight"] = (n_out, n_in)
            if bias:
                shapes[f"{prefix}{i}.bias"] = (n_out,)
        elif kind == "Sequential":
            inner = spec.get("layers")
            if not isinstance(inner, list):
                raise _Invalid(f"record, {where}: 'layers' must be a list")
            shapes.update(_layer_shapes(inner, known, f"{prefix}{i}."))
        else:
            options = {k: v for k, v in spec.items() if k != "type"}
            if kind == "Flatten":
                for k, v in options.items():
                    if k not in ("start_dim", "end_dim") or not _is_int(v):
                        raise _Invalid(f"record, {where}: bad Flatten option {k}={v!r}")
            elif options:
                raise _Invalid(f"record, {where}: {kind} takes no options, got {sorted(options)}")
    return shapes


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_widths(layers: list[Any], width: int | None = None) -> int | None:
    """Each Linear must take as many inputs as the Linear before it gives (activations keep
    the width, Flatten makes it unknown); returns the width that comes out."""
    for spec in layers:
        if not isinstance(spec, dict):
            continue  # _build_layer reports it
        kind = spec.get("type")
        if kind == "Linear":
            n_in = spec.get("in_features")
            if width is not None and n_in != width:
                raise _Invalid(
                    f"record: a Linear layer takes {n_in!r} inputs but the layer before "
                    f"gives {width}"
                )
            width = spec.get("out_features")
        elif kind == "Sequential" and isinstance(spec.get("layers"), list):
            width = _check_widths(spec["layers"], width)
        elif kind == "Flatten":
            width = None
    return width


def _build_layer(spec: dict[str, Any], known: dict[str, type], dtype: str) -> Any:
    """One layer from its record (already checked by ``_layer_shapes``)."""
    kind = spec["type"]
    if kind == "Linear":
        n_in, n_out = spec["in_features"], spec["out_features"]
        return known["Linear"](n_in, n_out, bias=spec.get("bias", True), dtype=dtype, seed=0)
    if kind == "Sequential":
        return known["Sequential"](*[_build_layer(x, known, dtype) for x in spec["layers"]])
    return known[kind](**{k: v for k, v in spec.items() if k != "type"})


def _build_mlp(record: dict[str, Any]) -> tuple[Callable[[], MLP], dict[str, tuple[int, ...]]]:
    if record.get("dtype") != "float64":
        raise _Invalid(f"record: an MLP's dtype is 'float64', got {record.get('dtype')!r}")
    sizes = record.get("sizes")
    acts = record.get("activations")
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes)
    ):
        raise _Invalid(f"record: MLP 'sizes' must be a list of >= 2 positive ints, got {sizes!r}")
    if not isinstance(acts, list) or len(acts) != len(sizes) - 1:
        raise _Invalid(
            f"record: MLP 'activations' must list one activation per layer "
            f"({len(sizes) - 1}), got {acts!r}"
        )
    for a in acts:
        if a not in ACTIVATIONS:
            raise _Invalid(
                f"record: unknown activation {a!r}; expected one of {', '.join(ACTIVATIONS)}"
            )
    hidden = acts[:-1]
    if len(set(hidden)) > 1:
        raise _Invalid(f"record: an MLP's hidden layers share one activation, got {hidden}")
    fused = record.get("fused", True)
    if not isinstance(fused, bool):
        raise _Invalid(f"record: 'fused' must be true or false, got {fused!r}")

    def build() -> MLP:
        return MLP(
            sizes[0],
            sizes[1:],
            activation=hidden[0] if hidden else "relu",
            output_activation=acts[-1],
            seed=0,
            fused=fused,
        )

    shapes: dict[str, tuple[int, ...]] = {}
    for i in range(len(sizes) - 1):
        shapes[f"layers.{i}.weight"] = (sizes[i + 1], sizes[i])
        shapes[f"layers.{i}.bias"] = (sizes[i + 1],)
    return build, shapes


def _mlp_state(arrays: dict[str, np.ndarray], n_layers: int) -> dict[str, float]:
    """The MLP's ``state_dict`` (one float per Value) from per-layer matrices."""
    state: dict[str, float] = {}
    for i in range(n_layers):
        w = arrays[f"layers.{i}.weight"]
        b = arrays[f"layers.{i}.bias"]
        for j in range(w.shape[0]):
            for k in range(w.shape[1]):
                state[f"layers.{i}.neurons.{j}.w.{k}"] = float(w[j, k])
            state[f"layers.{i}.neurons.{j}.b"] = float(b[j])
    return state


# -- files -------------------------------------------------------------------------


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as an ``.npz`` with its architecture (atomically, no pickle).

    Supports tensor ``Sequential`` models made of ``Linear``, ``ReLU``,
    ``Tanh``, ``Sigmoid`` and ``Flatten`` layers (``mlp(...)`` builds one),
    and the scalar ``MLP``.  ``path`` is used as given (``.npz`` is the
    customary suffix).  ``load(path)`` gives the model back.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save(path): expected a file path, got {type(path).__name__}")
    if not isinstance(model, Module):
        raise TypeError(f"save(model): expected a neuronlab model, got {type(model).__name__}")
    record, arrays = _describe(model)
    record = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "neuronlab_version": __version__,
        **record,
    }
    for name in arrays:
        if name == RECORD_KEY or not name:
            raise ValueError(f"save: a parameter may not be called {name!r}")
    payload = {name: np.ascontiguousarray(arr) for name, arr in arrays.items()}
    payload[RECORD_KEY] = np.frombuffer(json.dumps(record, indent=1).encode("utf-8"), np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **payload)
    write_atomic(path, buffer.getvalue())


def _read_arrays(content: bytes) -> dict[str, np.ndarray]:
    """Every member of an ``.npz`` held in ``content``, read and CRC-checked, no pickle."""
    if not content.startswith(_ZIP_MAGIC):
        raise _Invalid("not a neuronlab model file (it is not a NumPy .npz archive)")
    try:
        with np.load(io.BytesIO(content), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as exc:
        if "pickle" in str(exc):
            raise _Invalid(
                "the archive holds pickled Python objects, which neuronlab never loads "
                "(a model file holds only number arrays)"
            ) from None
        raise _Invalid(
            f"the archive is truncated or corrupt ({type(exc).__name__}: {exc})"
        ) from None
    for name, arr in arrays.items():
        if not isinstance(arr, np.ndarray):
            raise _Invalid(f"archive member {name!r} is not a NumPy array")
    return arrays


def _read_record(arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    raw = arrays.pop(RECORD_KEY, None)
    if raw is None:
        raise _Invalid(
            f"no architecture record ({RECORD_KEY!r}): an .npz, but not one neuronlab saved"
        )
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise _Invalid(f"the architecture record must be UTF-8 bytes, got {raw.dtype} {raw.shape}")
    try:
        record = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Invalid(f"the architecture record is not valid JSON ({exc})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise _Invalid(f"the architecture record is not a {FORMAT!r} record")
    version = record.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Invalid(f"record: bad format_version {version!r}")
    if version > FORMAT_VERSION:
        raise _Invalid(
            f"record: format version {version} is newer than this neuronlab reads "
            f"({FORMAT_VERSION}); upgrade neuronlab"
        )
    return record


def _check_arrays(
    arrays: dict[str, np.ndarray], shapes: dict[str, tuple[int, ...]], dtype: str
) -> None:
    missing = sorted(set(shapes) - set(arrays))
    unexpected = sorted(set(arrays) - set(shapes))
    if missing or unexpected:
        raise _Invalid(
            "the parameter arrays do not match the architecture "
            f"(missing: {missing[:5] or 'none'}; unexpected: {unexpected[:5] or 'none'})"
        )
    for name, shape in shapes.items():
        arr = arrays[name]
        if arr.shape != shape:
            raise _Invalid(
                f"parameter {name!r} has shape {arr.shape}, the architecture needs {shape}"
            )
        if arr.dtype != np.dtype(dtype):
            raise _Invalid(f"parameter {name!r} holds {arr.dtype}, the record says {dtype}")


def load(path: str | os.PathLike[str]) -> Module:
    """The model saved at ``path`` by ``save``: same architecture, same numbers.

    Raises FileNotFoundError if there is no such file, and ValueError (naming
    the file and what is wrong) if it is truncated, corrupt, not a neuronlab
    model, or its arrays do not fit its architecture; nothing is built then.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load(path): expected a file path, got {type(path).__name__}")
    path = os.fspath(path)
    with open(path, "rb") as f:
        content = f.read()
    try:
        arrays = _read_arrays(content)
        record = _read_record(arrays)
        build, shapes = _build(record)
        _check_arrays(arrays, shapes, record["dtype"])
        try:
            model = build()
        except (TypeError, ValueError) as exc:
            raise _Invalid(
                f"the architecture record describes an impossible model ({exc})"
            ) from None
        if isinstance(model, MLP):
            model.load_state_dict(_mlp_state(arrays, len(model.layers)))
        else:
            model.load_state_dict(arrays)
    except _Invalid as exc:
        raise ValueError(f"load: {path}: {exc}") from None
    return model
