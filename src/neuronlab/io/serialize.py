"""Saving and loading trained models: a NumPy ``.npz`` archive, never pickle.

The file is an ordinary ``.npz`` (a zip of ``.npy`` arrays) holding

- one array per parameter and buffer (BatchNorm's running statistics),
  named as the model's ``state_dict`` names it (``layers.0.weight``; for the
  scalar ``MLP``, whose parameters are single Values, each layer's weights
  are gathered into one matrix of PyTorch's layout ``(out, in)`` plus a bias
  vector under the same kind of names), and
- ``__neuronlab__``: a JSON record (UTF-8 bytes) of the architecture — model
  kind, layer types and sizes, activations, dtype, and for a language model
  its vocabulary and block size — and the format version.

A teacher can open it with NumPy alone (``np.load(path, allow_pickle=False)``).
``save`` writes it atomically (``util.files``): a crash never leaves half a
file, and an existing file keeps its permissions.  The name must end in
``.npz``.

``load`` trusts nothing in the file.  It refuses a path that is not a regular
file without reading it, then checks, before anything large is read: the zip
directory (``io.npz``: stored or deflated members, no duplicates, no
encryption); the architecture record, read with a limit; the number of
parameters the record calls for; and each array's ``.npy`` header, whose shape
and dtype must be exactly what the record calls for (``io.architecture``
works that out from the record alone), before its data is decompressed.
Only then are the numbers read (each member CRC-checked) and the model
built.  Anything wrong is a ``ValueError`` ("load: <path>: <what is wrong>")
and no model is built.  The limits, one place each:

- ``MAX_RECORD_BYTES`` (1 MiB): the JSON record; a real one is a few KB.
- ``MAX_PARAMETERS`` (25 million numbers, 100 MB as float32): a tensor model.
- ``MAX_SCALAR_PARAMETERS`` (1 million): a scalar ``MLP``, where every number
  is a Python ``Value`` object of about 120 bytes, created one by one (a
  million take ~120 MB and a second or two; a 2000×2000 layer once took
  2 GB and half a minute to load).
- ``MAX_DEPTH`` (32): ``Sequential`` inside ``Sequential``, this many levels.
- ``MAX_MEMBERS`` (4,096): arrays in the archive.

``save`` refuses a model beyond these limits, and a model with no parameters
(``Sequential()``, ``Sequential(ReLU())``: there is nothing to save), so that
whatever it writes ``load`` reads back.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

import numpy as np

from ..nn.module import Module
from ..util.checks import whole_number
from ..util.files import atomic_file, open_regular
from ..version import __version__
from .architecture import Limits, Plan, describe, load_numbers, parameter_arrays, plan_model
from .layer_records import record_value
from .npy import NpyHeader
from .npz import NpzArchive

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_DEPTH",
    "MAX_MEMBERS",
    "MAX_PARAMETERS",
    "MAX_RECORD_BYTES",
    "MAX_SCALAR_PARAMETERS",
    "RECORD_KEY",
    "load",
    "save",
]

#: The ``format`` field of every record, and the version this code writes.
FORMAT = "neuronlab-model"
FORMAT_VERSION = 1
#: The archive member that holds the JSON architecture record.
RECORD_KEY = "__neuronlab__"
#: The largest architecture record read, in bytes.
MAX_RECORD_BYTES = 1 << 20
#: The most numbers a tensor model may hold.
MAX_PARAMETERS = 25_000_000
#: The most numbers a scalar MLP may hold: each is a Python object, made one by one.
MAX_SCALAR_PARAMETERS = 1_000_000
#: The most levels of Sequential inside Sequential.
MAX_DEPTH = 32
#: The most arrays (zip members) a model file may have.
MAX_MEMBERS = 4096

_SUFFIX = ".npz"
_ZIP_MAGIC = b"PK\x03\x04"
#: Exceptions that mean the zip structure or a compressed stream is damaged.
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    struct.error,
    NotImplementedError,
    RuntimeError,
)


def _limits() -> Limits:
    """The limits above, read when used (so that a test may lower them)."""
    return Limits(MAX_PARAMETERS, MAX_SCALAR_PARAMETERS, MAX_DEPTH)


# -- saving ------------------------------------------------------------------------------


def _check_path(path: object) -> str:
    """``path`` as a str, when it names an ``.npz`` file."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save(path): expected a file path, got {type(path).__name__}")
    name = os.fspath(path)
    if not isinstance(name, str):
        name = os.fsdecode(name)
    suffix = os.path.splitext(name)[1]
    if suffix.lower() != _SUFFIX:
        got = f"{suffix!r}" if suffix else "no suffix"
        raise ValueError(
            f"save: {name}: expected a file name ending in {_SUFFIX} (a NumPy archive), got {got}"
        )
    return name


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` (an ``.npz`` name) with its architecture: atomic, no pickle.

    Supports tensor ``Sequential`` models made of ``Linear``, ``Flatten``,
    activation layers (``ReLU``, ``Tanh``, ``Sigmoid``, ``Step``), the layers
    of language models (``Embedding``, ``FlattenConsecutive``,
    ``BatchNorm1d`` with its running statistics, ``LayerNorm``, ``Dropout``)
    and nested ``Sequential`` (``mlp(...)`` builds one); a ``LanguageModel``
    with its vocabulary and block size; and the scalar ``MLP``.
    Refuses, before writing anything, a name not ending in ``.npz``, another
    kind of model, a model with no parameters and one beyond the limits
    ``load`` reads (see the module docstring).  ``load(path)`` gives it back.
    """
    name = _check_path(path)
    if not isinstance(model, Module):
        raise TypeError(f"save(model): expected a neuronlab model, got {type(model).__name__}")
    try:
        record = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "neuronlab_version": __version__,
            **describe(model, _limits()),
        }
        plan = plan_model(record, _limits())
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"save: {exc}") from None
    arrays = parameter_arrays(model)
    found = {key: a.shape for key, a in arrays.items()}
    if found != plan.shapes or any(a.dtype != plan.dtype_of(key) for key, a in arrays.items()):
        raise ValueError(
            "save: the model's parameters do not match its layers (is a parameter frozen "
            f"or replaced?): the layers call for {plan.shapes}, the parameters are {found}"
        )
    text = json.dumps(record, indent=1).encode("utf-8")
    payload: dict[str, Any] = {**arrays, RECORD_KEY: np.frombuffer(text, np.uint8)}
    with atomic_file(name) as f:
        np.savez(f, **payload)


# -- loading -----------------------------------------------------------------------------


@contextlib.contextmanager
def _reading_archive() -> Iterator[None]:
    """Report a damaged zip structure or compressed stream as a ValueError."""
    try:
        yield
    except _DAMAGED as exc:
        raise ValueError(
            f"the archive is truncated or corrupt ({type(exc).__name__}: {exc})"
        ) from None


def _parse_record(raw: bytes) -> dict[str, Any]:
    """The record's JSON, checked to be a neuronlab record of a version this code reads."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"the architecture record is not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError("the architecture record is nested too deeply to be a model") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ValueError(f"the architecture record is not a {FORMAT!r} record")
    version = record.get("format_version")
    version = record_value(whole_number, version, "record 'format_version'", minimum=1)
    if version > FORMAT_VERSION:
        raise ValueError(
            f"record: format version {version} is newer than this neuronlab reads "
            f"({FORMAT_VERSION}); upgrade neuronlab"
        )
    return record


def _check_record_header(header: NpyHeader) -> None:
    if header.dtype != np.uint8 or len(header.shape) != 1:
        raise ValueError(
            f"the architecture record must be UTF-8 bytes, got {header.dtype} {header.shape}"
        )


def _read_record(archive: NpzArchive) -> dict[str, Any]:
    if RECORD_KEY not in archive.names:
        raise ValueError(
            f"no architecture record ({RECORD_KEY!r}): an .npz, but not one neuronlab saved"
        )
    raw = archive.read(
        RECORD_KEY,
        max_bytes=MAX_RECORD_BYTES,
        where="the architecture record",
        check=_check_record_header,
    )
    return _parse_record(raw.tobytes())


def _read_parameters(archive: NpzArchive, plan: Plan) -> dict[str, np.ndarray]:
    """Every array the plan calls for; each header is checked before its data is read."""
    names = set(archive.names) - {RECORD_KEY}
    missing = sorted(set(plan.shapes) - names)
    unexpected = sorted(names - set(plan.shapes))
    if missing or unexpected:
        raise ValueError(
            "the parameter arrays do not match the architecture "
            f"(missing: {missing[:5] or 'none'}; unexpected: {unexpected[:5] or 'none'})"
        )

    def check(name: str) -> Callable[[NpyHeader], None]:
        """What refuses a header for array ``name`` that is not what the plan calls for."""

        def check_header(header: NpyHeader) -> None:
            """Refuse the header unless its shape and dtype are the plan's."""
            if header.shape != plan.shapes[name]:
                raise ValueError(
                    f"parameter {name!r} has shape {header.shape}, "
                    f"the architecture needs {plan.shapes[name]}"
                )
            if header.dtype != plan.dtype_of(name):
                raise ValueError(
                    f"parameter {name!r} holds {header.dtype}, the record says "
                    f"{plan.dtype_of(name)}"
                )

        return check_header

    return {
        name: archive.read(name, where=f"parameter {name!r}", check=check(name))
        for name in plan.shapes
    }


def _load_from(f: IO[bytes]) -> Module:
    """The model in the open file ``f``; ValueError for anything wrong with it."""
    if f.read(len(_ZIP_MAGIC)) != _ZIP_MAGIC:
        raise ValueError("not a neuronlab model file (it is not a NumPy .npz archive)")
    with _reading_archive(), NpzArchive(f, max_members=MAX_MEMBERS) as archive:
        record = _read_record(archive)
        try:
            plan = plan_model(record, _limits())
        except TypeError as exc:  # a value of the wrong kind deep in the record
            raise ValueError(f"record: malformed ({exc})") from None
        arrays = _read_parameters(archive, plan)
    try:
        model = plan.build()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the architecture record describes an impossible model ({exc})") from None
    load_numbers(model, arrays)
    return model


def load(path: str | os.PathLike[str]) -> Module:
    """The model saved at ``path`` by ``save``: same architecture, same numbers.

    Raises FileNotFoundError if there is no such file, and ValueError
    ("load: <path>: ...") if it is not a regular file, or is truncated,
    corrupt, not a neuronlab model, beyond the limits (see the module
    docstring), or its arrays do not fit its architecture; nothing is built
    then, and memory and time stay bounded whatever the file claims.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load(path): expected a file path, got {type(path).__name__}")
    name = os.fspath(path)
    with open_regular(name, "load") as f:
        try:
            return _load_from(f)
        except ValueError as exc:
            raise ValueError(f"load: {name}: {exc}") from None
