"""save/load: round trips for tensor and scalar models, no pickle, atomic, every damaged file.

The hostile files are made here from small byte strings: what they claim is
huge, what they hold is small.  Each one that would once have taken gigabytes
is loaded in a child process whose address space is capped (RLIMIT_AS) at
1 GiB above what it uses before loading, so a regression fails the test
instead of exhausting the machine.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import sys
import zipfile
import zlib
from typing import ClassVar

import numpy as np
import pytest
from child_process import run_limited as limited_child
from helpers import npy_bytes, npy_header

from neuronlab import MLP
from neuronlab.io import serialize
from neuronlab.io.npy import MAX_HEADER_BYTES, NpyHeader, read_npy, read_npy_header
from neuronlab.io.npz import NpzArchive
from neuronlab.io.serialize import FORMAT_VERSION, RECORD_KEY, load, save
from neuronlab.nn import Flatten, Linear, ReLU, Sequential, Sigmoid, Step, Tanh, mlp
from neuronlab.training import predict

RNG = np.random.default_rng(7)


def same_numbers(a, b) -> None:
    sa, sb = a.state_dict(), b.state_dict()
    assert sa.keys() == sb.keys()
    for name in sa:
        np.testing.assert_array_equal(sa[name], sb[name])
        assert np.asarray(sa[name]).dtype == np.asarray(sb[name]).dtype


MODELS = {
    "mlp-relu": lambda: mlp([64, 32, 10], seed=1),
    "mlp-float64-tanh-sigmoid": lambda: mlp(
        [5, 4, 3, 1], activation="tanh", output_activation="sigmoid", seed=2, dtype="float64"
    ),
    "flatten-nested-nobias": lambda: Sequential(
        Flatten(),
        Sequential(Linear(16, 8, seed=3), Tanh()),
        Linear(8, 3, bias=False, seed=4),
        Sigmoid(),
    ),
    "step-perceptron": lambda: Sequential(
        Linear(5, 4, seed=5), Step(), Linear(4, 2, seed=6), Step()
    ),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_tensor_round_trip(tmp_path, name):
    model = MODELS[name]()
    path = tmp_path / "model.npz"
    save(model, path)
    back = load(path)
    assert type(back) is Sequential
    assert repr(back) == repr(model)
    same_numbers(model, back)
    shape = (6, 4, 4) if name.startswith("flatten") else (6, 64 if name == "mlp-relu" else 5)
    if name.startswith("step"):
        assert [type(m).__name__ for m in back] == ["Linear", "Step", "Linear", "Step"]
    X = RNG.normal(size=shape)
    np.testing.assert_array_equal(predict(model, X), predict(back, X))


def test_scalar_mlp_round_trip(tmp_path):
    model = MLP(3, [4, 4, 2], activation="tanh", output_activation="sigmoid", seed=5, fused=False)
    path = str(tmp_path / "scalar.npz")
    save(model, path)
    back = load(path)
    assert type(back) is MLP
    assert repr(back) == repr(model)
    assert back.layers[0].neurons[0].fused is False
    same_numbers(model, back)
    X = RNG.normal(size=(5, 3))
    np.testing.assert_array_equal(predict(model, X), predict(back, X))
    # the scalar weights are stored as one matrix per layer, PyTorch's (out, in) layout
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted(
            [RECORD_KEY] + [f"layers.{i}.{p}" for i in range(3) for p in ("weight", "bias")]
        )
        assert npz["layers.0.weight"].shape == (4, 3)
        assert npz["layers.0.weight"][1, 2] == model.layers[0].neurons[1].w[2].data


def test_single_layer_mlp(tmp_path):
    model = MLP(2, [1], output_activation="sigmoid", seed=0)
    save(model, tmp_path / "m.NPZ")  # the suffix's case does not matter
    back = load(tmp_path / "m.NPZ")
    same_numbers(model, back)
    assert back.layers[0].neurons[0].activation == "sigmoid"


@pytest.mark.parametrize("name", ["x.json", "m", "m.npz.bak", "model.npy", ".npz"])
def test_save_refuses_a_name_not_ending_in_npz(tmp_path, name):
    with pytest.raises(ValueError, match=r"expected a file name ending in \.npz") as info:
        save(mlp([2, 2], seed=0), tmp_path / name)
    assert name in str(info.value)
    assert os.listdir(tmp_path) == []  # nothing written, not even a temporary file


@pytest.mark.parametrize(
    "model",
    [
        Sequential(),
        Sequential(Flatten()),
        Sequential(ReLU()),
        Sequential(Sequential(), Tanh(), Step()),
    ],
    ids=["empty", "flatten", "relu", "nested-activations"],
)
def test_models_without_parameters_are_refused_at_save(tmp_path, model):
    with pytest.raises(ValueError, match="save: the model has no parameters"):
        save(model, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "layers",
    [[], [{"type": "ReLU"}], [{"type": "Flatten"}], [{"type": "Sequential", "layers": []}]],
)
def test_models_without_parameters_are_refused_at_load(tmp_path, layers):
    path = tmp_path / "empty.npz"
    _write_npz(path, {}, {"kind": "Sequential", "dtype": "float32", "layers": layers})
    with pytest.raises(ValueError, match=r"empty\.npz: the model has no parameters"):
        load(path)


def test_the_class_decides_what_is_saved_not_the_parameters(tmp_path):
    class Mine(Sequential):
        pass

    with pytest.raises(TypeError, match="got Mine"):  # a subclass would load back as Sequential
        save(Mine(Linear(2, 2)), tmp_path / "m.npz")
    # a float64 model whose first layer has no parameters records float64
    model = Sequential(Flatten(), Linear(4, 2, dtype="float64", seed=0))
    save(model, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:
        assert json.loads(npz[RECORD_KEY].tobytes())["dtype"] == "float64"
    same_numbers(model, load(tmp_path / "m.npz"))


def test_frozen_parameter_is_refused_at_save(tmp_path):
    model = Sequential(Linear(2, 3, seed=0))
    model[0].weight.requires_grad = False  # state_dict would leave the weight out
    with pytest.raises(ValueError, match="do not match its layers"):
        save(model, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_file_is_plain_npz_with_readable_record(tmp_path):
    path = tmp_path / "m.npz"
    save(mlp([4, 3, 2], seed=0), path)
    with np.load(path, allow_pickle=False) as npz:
        record = json.loads(npz[RECORD_KEY].tobytes().decode("utf-8"))
        assert set(npz.files) == {RECORD_KEY, "0.weight", "0.bias", "2.weight", "2.bias"}
    assert record["format"] == "neuronlab-model"
    assert record["format_version"] == FORMAT_VERSION
    assert record["kind"] == "Sequential"
    assert record["dtype"] == "float32"
    assert record["layers"] == [
        {"type": "Linear", "in_features": 4, "out_features": 3, "bias": True},
        {"type": "ReLU"},
        {"type": "Linear", "in_features": 3, "out_features": 2, "bias": True},
    ]
    with zipfile.ZipFile(path) as z:  # nothing pickled anywhere
        for name in z.namelist():
            assert b"\x80" not in z.read(name)[:2]


def test_save_is_atomic_and_replaces(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    save(mlp([2, 2], seed=0), path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save(mlp([2, 3], seed=1), path)
    assert path.read_bytes() == before  # the old file is intact
    assert os.listdir(tmp_path) == ["m.npz"]  # and no temporary file is left behind
    monkeypatch.undo()
    save(mlp([2, 3], seed=1), path)
    assert load(path)[0].out_features == 3


@pytest.mark.parametrize(
    ("model", "exc", "match"),
    [
        (Linear(2, 3), TypeError, r"Sequential\(layer\)"),
        ("model", TypeError, "neuronlab model"),
        (
            Sequential(Linear(2, 2), Sequential(MLP(2, [1]))),
            TypeError,
            "cannot save a layer of type MLP",
        ),
        (MLP(2, [2], activation="step", output_activation="step"), None, None),
    ],
)
def test_save_what_it_can(tmp_path, model, exc, match):
    if exc is None:  # a step perceptron network saves and loads too
        save(model, tmp_path / "ok.npz")
        same_numbers(model, load(tmp_path / "ok.npz"))
        return
    with pytest.raises(exc, match=match):
        save(model, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


def test_bad_paths(tmp_path):
    with pytest.raises(TypeError, match="file path"):
        save(mlp([2, 2]), 42)
    with pytest.raises(TypeError, match="file path"):
        load(None)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.npz")


# -- damaged and foreign files: a clear ValueError, nothing loaded --------------------------


def _write_npz(path, arrays, record=None) -> None:
    payload = dict(arrays)
    if record is not None:
        full = {"format": "neuronlab-model", "format_version": 1, **record}
        payload[RECORD_KEY] = np.frombuffer(json.dumps(full).encode(), np.uint8)
    np.savez(path, **payload)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "good.npz"
    save(mlp([6, 5, 3], seed=0), path)
    return path


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_truncated_file(saved, keep):
    content = saved.read_bytes()
    saved.write_bytes(content[: int(len(content) * keep)])
    with pytest.raises(ValueError, match=r"good\.npz"):
        load(saved)


def test_random_bytes(saved):
    saved.write_bytes(np.random.default_rng(0).bytes(2000))
    with pytest.raises(ValueError, match=r"not a NumPy \.npz archive"):
        load(saved)


def test_random_bytes_after_a_zip_signature(saved):
    saved.write_bytes(b"PK\x03\x04" + np.random.default_rng(1).bytes(2000))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load(saved)


def test_flipped_bytes_inside_an_array(saved):
    content = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as z:
        info = z.getinfo("0.weight.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    content[start : start + 8] = b"\xff" * 8  # inside the weight numbers: only the CRC can tell
    saved.write_bytes(bytes(content))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load(saved)


def test_npz_without_record(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, w=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="no architecture record"):
        load(path)


def test_pickled_npz_is_refused(tmp_path):
    path = tmp_path / "pickle.npz"
    np.savez(path, **{RECORD_KEY: np.array([{"evil": 1}], dtype=object)})
    with pytest.raises(ValueError, match="pickled Python objects"):
        load(path)


TENSOR_RECORD = {
    "kind": "Sequential",
    "dtype": "float32",
    "layers": [
        {"type": "Linear", "in_features": 3, "out_features": 2, "bias": True},
        {"type": "ReLU"},
    ],
}
TENSOR_ARRAYS = {"0.weight": np.zeros((2, 3), np.float32), "0.bias": np.zeros(2, np.float32)}


def _variant(**changes):
    record = json.loads(json.dumps(TENSOR_RECORD))
    arrays = dict(TENSOR_ARRAYS)
    for key, value in changes.items():
        if key == "arrays":
            arrays = value
        elif key == "layers":
            record["layers"] = value
        else:
            record[key] = value
    return record, arrays


@pytest.mark.parametrize(
    ("record", "arrays", "match"),
    [
        (*_variant(layers=[{"type": "Conv2d"}]), "unknown layer type 'Conv2d'"),
        (*_variant(layers=[{"type": "ReLU", "inplace": True}]), "takes no options"),
        (*_variant(layers=["ReLU"]), "expected an object"),
        (*_variant(layers="ReLU"), "'layers' must be a list"),
        (*_variant(kind="Transformer"), "unknown model kind"),
        (*_variant(dtype="float16"), "dtype must be"),
        (
            *_variant(layers=[{"type": "Linear", "in_features": 0, "out_features": 2}]),
            "'in_features': expected a whole number >= 1",
        ),
        (
            *_variant(
                layers=[{"type": "Linear", "in_features": 3, "out_features": 2, "bias": "yes"}]
            ),
            "'bias' must be true or false",
        ),
        (
            *_variant(
                layers=[
                    {"type": "Linear", "in_features": 3, "out_features": 2},
                    {"type": "Tanh"},
                    {"type": "Linear", "in_features": 5, "out_features": 1},
                ],
                arrays={
                    **TENSOR_ARRAYS,
                    "2.weight": np.zeros((1, 5), np.float32),
                    "2.bias": np.zeros(1, np.float32),
                },
            ),
            "takes 5 inputs but the layer before gives 2",
        ),
        (
            *_variant(
                arrays={"0.weight": np.zeros((3, 2), np.float32), "0.bias": np.zeros(2, np.float32)}
            ),
            r"'0.weight' has shape \(3, 2\), the architecture needs \(2, 3\)",
        ),
        (*_variant(arrays={"0.weight": np.zeros((2, 3), np.float32)}), r"missing: \['0.bias'\]"),
        (
            *_variant(arrays={**TENSOR_ARRAYS, "1.weight": np.zeros(1, np.float32)}),
            r"unexpected: \['1.weight'\]",
        ),
        (
            *_variant(arrays={"0.weight": np.zeros((2, 3)), "0.bias": np.zeros(2)}),
            "holds float64, the record says float32",
        ),
        (
            *_variant(
                arrays={"0.weight": np.zeros((2, 3), np.int32), "0.bias": np.zeros(2, np.float32)}
            ),
            "holds int32",
        ),
        (*_variant(format_version=99), "newer than this neuronlab reads"),
        (*_variant(format="something-else"), "not a 'neuronlab-model' record"),
        (
            {"kind": "MLP", "dtype": "float64", "sizes": [2, 1], "activations": ["softplus"]},
            {"layers.0.weight": np.zeros((1, 2)), "layers.0.bias": np.zeros(1)},
            "unknown activation 'softplus'",
        ),
        (
            {"kind": "MLP", "dtype": "float64", "sizes": [2, 1], "activations": ["relu", "relu"]},
            {},
            "one activation per layer",
        ),
        (
            {
                "kind": "MLP",
                "dtype": "float64",
                "sizes": [2, 3, 1],
                "activations": ["relu", "linear"],
            },
            {"layers.0.weight": np.zeros((3, 2)), "layers.0.bias": np.zeros(3)},
            r"missing: \['layers.1.bias', 'layers.1.weight'\]",
        ),
        (
            {"kind": "MLP", "dtype": "float32", "sizes": [2, 1], "activations": ["linear"]},
            {"layers.0.weight": np.zeros((1, 2)), "layers.0.bias": np.zeros(1)},
            "MLP's dtype is 'float64'",
        ),
    ],
)
def test_mismatched_records_and_arrays(tmp_path, record, arrays, match):
    path = tmp_path / "bad.npz"
    _write_npz(path, arrays, record)
    with pytest.raises(ValueError, match=match) as info:
        load(path)
    assert "bad.npz" in str(info.value)


def test_huge_sizes_in_a_record_are_refused_before_allocating(tmp_path):
    path = tmp_path / "huge.npz"
    record, arrays = _variant(
        layers=[{"type": "Linear", "in_features": 10**9, "out_features": 10**9}],
    )
    _write_npz(path, arrays, record)
    with pytest.raises(ValueError, match=r"1,000,000,001,000,000,000 parameters.*25,000,000"):
        load(path)


def test_record_that_is_not_json(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, **{RECORD_KEY: np.frombuffer(b"{not json", np.uint8), **TENSOR_ARRAYS})
    with pytest.raises(ValueError, match="not valid JSON"):
        load(path)
    np.savez(path, **{RECORD_KEY: np.zeros((2, 2)), **TENSOR_ARRAYS})
    with pytest.raises(ValueError, match="UTF-8 bytes"):
        load(path)


# -- limits: each one exact, at the boundary (lowered for the test) -------------------------


def test_scalar_mlp_limit_is_exact(tmp_path, monkeypatch):
    monkeypatch.setattr(serialize, "MAX_SCALAR_PARAMETERS", 9)  # MLP(2, [3]) has 9 numbers
    save(MLP(2, [3], seed=0), tmp_path / "ok.npz")
    assert load(tmp_path / "ok.npz").num_parameters() == 9
    with pytest.raises(ValueError, match=r"has 12 parameters; .* at most 9 in a scalar MLP"):
        save(MLP(3, [3], seed=0), tmp_path / "big.npz")
    assert not (tmp_path / "big.npz").exists()
    monkeypatch.setattr(serialize, "MAX_SCALAR_PARAMETERS", 8)
    with pytest.raises(ValueError, match=r"ok\.npz: the model has 9 parameters"):
        load(tmp_path / "ok.npz")


def test_tensor_limit_is_exact(tmp_path, monkeypatch):
    monkeypatch.setattr(serialize, "MAX_PARAMETERS", 9)
    save(mlp([2, 3]), tmp_path / "ok.npz")
    with pytest.raises(ValueError, match="save: the model has 12 parameters"):
        save(mlp([3, 3]), tmp_path / "big.npz")
    monkeypatch.setattr(serialize, "MAX_PARAMETERS", 8)
    with pytest.raises(ValueError, match="at most 8 in a tensor model"):
        load(tmp_path / "ok.npz")


def nested(depth: int) -> Sequential:
    """A Linear inside ``depth`` Sequentials (the outer one included)."""
    model = Sequential(Linear(2, 2, seed=0))
    for _ in range(depth - 1):
        model = Sequential(model)
    return model


def test_nesting_limit(tmp_path):
    deep = nested(serialize.MAX_DEPTH)
    save(deep, tmp_path / "deep.npz")
    same_numbers(deep, load(tmp_path / "deep.npz"))
    with pytest.raises(ValueError, match="nested more than 32 levels"):
        save(nested(serialize.MAX_DEPTH + 1), tmp_path / "deeper.npz")
    layers = [{"type": "Linear", "in_features": 2, "out_features": 2}]
    for _ in range(serialize.MAX_DEPTH):
        layers = [{"type": "Sequential", "layers": layers}]
    _write_npz(
        tmp_path / "deeper.npz", {}, {"kind": "Sequential", "dtype": "float32", "layers": layers}
    )
    with pytest.raises(ValueError, match=r"deeper\.npz: .*nested more than 32 levels"):
        load(tmp_path / "deeper.npz")


def test_record_size_limit(tmp_path, monkeypatch):
    save(mlp([2, 2]), tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as npz:
        size = npz[RECORD_KEY].size
    monkeypatch.setattr(serialize, "MAX_RECORD_BYTES", size)
    load(tmp_path / "m.npz")
    monkeypatch.setattr(serialize, "MAX_RECORD_BYTES", size - 1)
    with pytest.raises(ValueError, match=f"the architecture record: .*more than the {size - 1}"):
        load(tmp_path / "m.npz")


def test_member_count_limit(tmp_path, monkeypatch):
    save(mlp([2, 2, 2]), tmp_path / "m.npz")  # 4 arrays and the record
    monkeypatch.setattr(serialize, "MAX_MEMBERS", 5)
    load(tmp_path / "m.npz")
    monkeypatch.setattr(serialize, "MAX_MEMBERS", 4)
    with pytest.raises(ValueError, match=r"lists 5 members .* at most 4 members"):
        load(tmp_path / "m.npz")


# -- compatibility: files of format version 1, as NumPy writes them --------------------------


@pytest.mark.parametrize("writer", [np.savez, np.savez_compressed])
def test_version_1_files_written_by_numpy_load(tmp_path, writer):
    path = tmp_path / "v1.npz"
    record = {"format": "neuronlab-model", "format_version": 1, "neuronlab_version": "0.1.0"}
    record.update(TENSOR_RECORD)
    weight = np.arange(6, dtype=np.float32).reshape(2, 3)
    payload = {"0.weight": weight, "0.bias": np.array([0.5, -1], np.float32)}
    payload[RECORD_KEY] = np.frombuffer(json.dumps(record, indent=1).encode(), np.uint8)
    writer(path, **payload)
    model = load(path)
    np.testing.assert_array_equal(model[0].weight.data, weight)
    np.testing.assert_array_equal(predict(model, np.ones((1, 3))), [[3.5, 11.0]])


def test_fortran_ordered_arrays_load(tmp_path):
    path = tmp_path / "f.npz"
    weight = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    _write_npz(path, {"0.weight": weight, "0.bias": np.zeros(2, np.float32)}, TENSOR_RECORD)
    with zipfile.ZipFile(path) as z:
        assert b"'fortran_order': True" in z.read("0.weight.npy")[:128]
    np.testing.assert_array_equal(load(path)[0].weight.data, weight)


# -- hostile files: what they claim is huge, what they hold is small -------------------------


def stored(name, content, flags=0):
    """A zip member, stored: (name, payload, method, crc, uncompressed size, flags)."""
    return (name, content, zipfile.ZIP_STORED, zlib.crc32(content), len(content), flags)


def zip_bytes(members, *, entries=None, locator=b"") -> bytes:
    """A zip archive made by hand, so that sizes, flags and methods can be anything.

    Each member is (name, payload, method, crc, size, flags[, claimed compressed size]).
    """
    out, directory = bytearray(), bytearray()
    for name, payload, method, crc, size, flags, *claim in members:
        raw = name.encode()
        packed = claim[0] if claim else len(payload)  # the compressed size it claims
        common = struct.pack("<5H3I", 20, flags, method, 0, 0x21, crc, packed, size)
        directory += b"PK\x01\x02" + struct.pack("<H", 20) + common
        directory += struct.pack("<5H2I", len(raw), 0, 0, 0, 0, 0, len(out)) + raw
        out += b"PK\x03\x04" + common + struct.pack("<2H", len(raw), 0) + raw + payload
    offset = len(out)
    count = len(members) if entries is None else entries
    out += directory + locator
    out += b"PK\x05\x06" + struct.pack("<4H2IH", 0, 0, count, count, len(directory), offset, 0)
    return bytes(out)


def deflate_repeated(prefix: bytes, fill: bytes, mib: int):
    """Raw deflate of ``prefix`` and then ``mib`` MiB of the byte ``fill``, made from one
    compressed block repeated (a few KB per MiB): (data, crc, size)."""
    chunk = fill * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(prefix) + c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH) == block  # the steady state
    data = first + block * (mib - 1) + c.flush()
    crc = zlib.crc32(prefix)
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return data, crc, len(prefix) + mib * len(chunk)


def record_npy(record=None, pad=b"") -> bytes:
    full = {"format": "neuronlab-model", "format_version": 1, **(record or TENSOR_RECORD)}
    return npy_bytes(np.frombuffer(json.dumps(full).encode() + pad, np.uint8))


GOOD_BIAS = stored("0.bias.npy", npy_bytes(np.zeros(2, np.float32)))
GOOD_WEIGHT = stored("0.weight.npy", npy_bytes(np.zeros((2, 3), np.float32)))
GOOD_RECORD = stored(RECORD_KEY + ".npy", record_npy())


def bomb_member(header: bytes, mib: int = 2048):
    data, crc, size = deflate_repeated(header, b"\0", mib)
    return ("0.weight.npy", data, zipfile.ZIP_DEFLATED, crc, size, 0)


def padded_record(mib: int = 1024):
    full = {"format": "neuronlab-model", "format_version": 1, **TENSOR_RECORD}
    text = json.dumps(full).encode()
    header = npy_header((len(text) + mib * (1 << 20),), "|u1") + text
    data, crc, size = deflate_repeated(header, b" ", mib)
    return (RECORD_KEY + ".npy", data, zipfile.ZIP_DEFLATED, crc, size, 0)


def big_scalar_mlp(n: int = 2000) -> bytes:
    """A 32 KB file declaring an n×n scalar MLP: zeros compress well."""
    record = {"kind": "MLP", "dtype": "float64", "sizes": [n, n], "activations": ["linear"]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(RECORD_KEY + ".npy", record_npy(record))
        z.writestr("layers.0.weight.npy", npy_bytes(np.zeros((n, n))))
        z.writestr("layers.0.bias.npy", npy_bytes(np.zeros(n)))
    return buffer.getvalue()


def run_limited(body: str, extra: int = 1 << 30) -> str:
    """``child_process.run_limited`` with this file's imports done before the cap."""
    return limited_child(body, extra, setup="from neuronlab.io.serialize import load")


def load_limited(path) -> str:
    """``load(path)`` under ``run_limited``: the ValueError's message, or "loaded"."""
    return run_limited(
        f"""
        try:
            load({str(path)!r})
        except ValueError as exc:
            print("ValueError:", exc)
        else:
            print("loaded")
        """
    )


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the address space from /proc"
)


@linux_only
@pytest.mark.parametrize(
    ("make", "match"),
    [
        # a 2 MB file whose weight member inflates to 2 GiB, and says so in its header
        (
            lambda: zip_bytes([GOOD_RECORD, bomb_member(npy_header((1 << 29,), "<f4")), GOOD_BIAS]),
            r"parameter '0.weight': the .npy header announces shape \(536870912,\)",
        ),
        # the same bomb behind a header that claims the right shape: more bytes than it says
        (
            lambda: zip_bytes([GOOD_RECORD, bomb_member(npy_header((2, 3), "<f4")), GOOD_BIAS]),
            "parameter '0.weight': more bytes follow the 24 bytes",
        ),
        # the JSON record padded with 1 GiB of spaces (once loaded, at 3 GB)
        (
            lambda: zip_bytes([padded_record(), GOOD_WEIGHT, GOOD_BIAS]),
            "the architecture record: .* more than the 1,048,576 bytes allowed",
        ),
        # 32 KB declaring a 2000×2000 scalar MLP (once 2 GB and 35 s)
        (
            big_scalar_mlp,
            "the model has 4,002,000 parameters; .* at most 1,000,000 in a scalar MLP",
        ),
        # a header claiming 10¹² entries (once a MemoryError)
        (
            lambda: zip_bytes(
                [
                    GOOD_RECORD,
                    stored("0.weight.npy", npy_header((10**12,), "<f4") + bytes(24)),
                    GOOD_BIAS,
                ]
            ),
            r"announces shape \(1000000000000,\) of float32 \(4,000,000,000,000 bytes\)",
        ),
    ],
    ids=["bomb-claimed", "bomb-hidden", "padded-record", "scalar-2000x2000", "10**12-entries"],
)
def test_hostile_files_are_refused_in_bounded_memory(tmp_path, make, match):
    path = tmp_path / "hostile.npz"
    path.write_bytes(make())
    assert path.stat().st_size < 3 << 20
    out = load_limited(path)
    assert out.startswith(f"ValueError: load: {path}: "), out
    assert re.search(match, out), out


@linux_only
def test_the_child_limit_is_real():
    """What the old loader did with these files -- allocate 2 GB -- fails in the child."""
    out = run_limited(
        """
        import numpy as np
        try:
            np.ones(1 << 28)  # 2 GiB
        except MemoryError:
            print("MemoryError")
        """
    )
    assert out == "MemoryError"
    assert run_limited("import numpy as np; print(np.ones(1 << 25).sum())") == str(float(1 << 25))


def _lzma_member() -> tuple:
    """An LZMA member with its compressed bytes garbled (zipfile would raise LZMAError)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("0.weight.npy", npy_bytes(np.zeros((2, 3), np.float32)), zipfile.ZIP_LZMA)
        info = z.getinfo("0.weight.npy")
    data = b"\xff" * info.compress_size
    return ("0.weight.npy", data, zipfile.ZIP_LZMA, info.CRC, info.file_size, 0)


def _with_weight(member) -> bytes:
    return zip_bytes([GOOD_RECORD, member, GOOD_BIAS])


def _weight_npy() -> bytes:
    return npy_bytes(np.zeros((2, 3), np.float32))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (lambda: _with_weight(_lzma_member()), "'0.weight.npy' is compressed with LZMA"),
        (
            lambda: _with_weight(("0.weight.npy", b"BZh9" + bytes(40), 12, 0, 152, 0)),
            "compressed with bzip2",
        ),
        (lambda: _with_weight(("0.weight.npy", bytes(10), 99, 0, 152, 0)), "with method 99"),
        (lambda: _with_weight(stored("0.weight.npy", _weight_npy(), flags=1)), "is encrypted"),
        (lambda: _with_weight(stored("0.weight.npy", _weight_npy(), flags=0x20)), "patched"),
        (
            lambda: zip_bytes([GOOD_RECORD, GOOD_WEIGHT, GOOD_WEIGHT, GOOD_BIAS]),
            "two members named '0.weight.npy'",
        ),
        (lambda: _with_weight(stored("0.weight", _weight_npy())), "lacks .npy"),
        (  # a stored member whose sizes disagree
            lambda: _with_weight(("0.weight.npy", _weight_npy(), 0, 0, 10**9, 0)),
            "stored uncompressed but its sizes differ",
        ),
        (  # compressed data said to run far past the end of the file
            lambda: _with_weight(("0.weight.npy", _weight_npy(), 0, 0, 10**9, 0, 10**9)),
            "runs past the end of the archive",
        ),
        (
            lambda: zip_bytes([GOOD_RECORD, GOOD_WEIGHT, GOOD_BIAS], entries=5000),
            "lists 5,000 members",
        ),
        (
            lambda: zip_bytes(
                [GOOD_RECORD, GOOD_WEIGHT, GOOD_BIAS], locator=b"PK\x06\x07" + bytes(16)
            ),
            "ZIP64",
        ),
        (  # a member whose .npy header says it is 4 GB long
            lambda: _with_weight(stored("0.weight.npy", b"\x93NUMPY\x02\x00\xff\xff\xff\xff")),
            f"claims 4,294,967,295 bytes; a header has at most {10_000:,}",
        ),
        (lambda: _with_weight(stored("0.weight.npy", b"\x93NUMPY\x09\x00")), "version 9.0"),
        (
            lambda: _with_weight(stored("0.weight.npy", npy_header(None, text="[" * 5000))),
            "not a Python dict literal",
        ),
        (
            lambda: _with_weight(stored("0.weight.npy", npy_header((2, 3), descr="<U4"))),
            "only plain numbers",
        ),
        (
            lambda: _with_weight(stored("0.weight.npy", npy_header((2, 3), descr=[("a", "<f4")]))),  # type: ignore[arg-type]
            "only plain numbers",
        ),
        (
            lambda: _with_weight(stored("0.weight.npy", npy_header((2, -3), "<f4"))),
            r"bad shape \(2, -3\)",
        ),
        (lambda: _with_weight(stored("0.weight.npy", npy_header((2,) * 65, "<f4"))), "at most 64"),
        (
            lambda: _with_weight(stored("0.weight.npy", npy_header((2, 3), "<f4", fortran=1))),  # type: ignore[arg-type]
            "'fortran_order' must be True or False",
        ),
        (lambda: _with_weight(stored("0.weight.npy", _weight_npy()[:-1])), "truncated"),
        (lambda: _with_weight(stored("0.weight.npy", _weight_npy() + b"\0")), "more bytes follow"),
    ],
    ids=[
        "lzma",
        "bzip2",
        "unknown-method",
        "encrypted",
        "patched",
        "duplicate",
        "not-npy",
        "stored-sizes",
        "past-the-end",
        "too-many-members",
        "zip64",
        "long-npy-header",
        "npy-version",
        "nested-npy-header",
        "strings",
        "records",
        "negative-shape",
        "65-dims",
        "fortran-not-bool",
        "short-data",
        "long-data",
    ],
)
def test_hostile_archives_give_a_clear_error(tmp_path, content, match):
    path = tmp_path / "hostile.npz"
    path.write_bytes(content())
    with pytest.raises(ValueError, match=r"^load: ") as info:
        load(path)
    message = str(info.value)
    assert message.startswith(f"load: {path}: "), message
    assert match is None or re.search(match, message), message


def test_unseen_zip_trouble_becomes_a_value_error(tmp_path, monkeypatch):
    """Whatever zipfile raises that the checks did not foresee is still a ValueError."""
    save(mlp([2, 2]), tmp_path / "m.npz")
    for exc in (NotImplementedError("x"), RuntimeError("y"), EOFError("z")):

        def broken(*args, exc=exc, **kwargs):
            raise exc

        monkeypatch.setattr(zipfile.ZipFile, "open", broken)
        with pytest.raises(ValueError, match=f"truncated or corrupt \\({type(exc).__name__}"):
            load(tmp_path / "m.npz")


@pytest.mark.parametrize(
    ("record", "match"),
    [
        ({**TENSOR_RECORD, "kind": ["Sequential"]}, r"unknown model kind \['Sequential'\]"),
        ({**TENSOR_RECORD, "dtype": ["float32"]}, "dtype must be"),
        ({**TENSOR_RECORD, "layers": [{"type": ["ReLU"]}]}, r"unknown layer type \['ReLU'\]"),
        ({**TENSOR_RECORD, "layers": [{"type": {"a": 1}}]}, "unknown layer type"),
        (
            {"kind": "MLP", "dtype": "float64", "sizes": [2, 1], "activations": [["relu"]]},
            r"unknown activation \['relu'\]",
        ),
        (
            {"kind": "MLP", "dtype": "float64", "sizes": [2, [1]], "activations": ["relu"]},
            r"'sizes'\[1\]: expected a whole number \(int\), got list \[1\]",
        ),
    ],
)
def test_a_list_where_a_name_belongs(tmp_path, record, match):
    path = tmp_path / "bad.npz"
    _write_npz(path, TENSOR_ARRAYS, record)
    with pytest.raises(ValueError, match=match):
        load(path)


def test_deeply_nested_record(tmp_path):
    path = tmp_path / "deep.npz"
    text = b'{"format": "neuronlab-model", "format_version": 1, "x": ' + b"[" * 100_000
    text += b"]" * 100_000 + b"}"
    np.savez(path, **{RECORD_KEY: np.frombuffer(text, np.uint8), **TENSOR_ARRAYS})
    with pytest.raises(
        ValueError, match=r"deep\.npz: the architecture record is nested too deeply"
    ):
        load(path)


@pytest.mark.parametrize("kind", ["folder", "fifo", "dev-zero"])
def test_a_path_that_is_not_a_regular_file_is_refused_unread(tmp_path, kind):
    if kind == "folder":
        path = tmp_path / "folder.npz"
        path.mkdir()
        match = "expected a regular file, got a folder"
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        path = tmp_path / "pipe.npz"
        os.mkfifo(path)  # nobody writes to it: reading it would wait forever
        match = r"expected a regular file, got a FIFO"
    else:
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero here")
        path = tmp_path / "zero.npz"
        path.symlink_to("/dev/zero")  # endless zeros, behind an innocent name
        match = "expected a regular file, got a character device"
    # in a child: a regression that blocks on the FIFO fails on the timeout, not the suite
    out = run_limited(
        f"""
        try:
            load({str(path)!r})
        except ValueError as exc:
            print(exc)
        """
    )
    assert out.startswith(f"load: {path}: "), out
    assert re.search(match, out), out


def test_load_names_the_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.npz"):
        load(tmp_path / "missing.npz")


# -- the .npy and .npz readers on their own ------------------------------------------------


@pytest.mark.parametrize(
    "array",
    [
        np.arange(6, dtype=np.int16).reshape(2, 3),
        np.asfortranarray(np.arange(12.0).reshape(3, 4)),
        np.array([True, False]),
        np.array(3.5),
        np.zeros((0, 5), np.float32),
        np.arange(4, dtype=">i4"),
        np.array([1 + 2j], np.complex128),
    ],
    ids=["int16", "fortran", "bool", "0-d", "empty", "big-endian", "complex"],
)
def test_read_npy_reads_what_numpy_writes(array):
    buffer = io.BytesIO(npy_bytes(array))
    header = read_npy_header(buffer)
    assert header == NpyHeader(array.shape, array.dtype, np.isfortran(array))
    _shape, _dtype, _fortran = header  # unpacks as (shape, dtype, fortran)
    assert header.nbytes == array.nbytes
    assert header.size == array.size
    buffer.seek(0)
    back = read_npy(buffer)
    assert back.dtype == array.dtype
    assert back.shape == array.shape
    np.testing.assert_array_equal(back, array)


@pytest.mark.parametrize("version", [(2, 0), (3, 0)])
def test_read_npy_header_versions_2_and_3(version):
    header = npy_header((4, 2), "<f8", version=version)
    assert read_npy_header(io.BytesIO(header)) == NpyHeader((4, 2), np.dtype("<f8"), False)


def test_read_npy_header_limits_and_names():
    claim = io.BytesIO(npy_header((1000, 1000), "<f8"))
    with pytest.raises(
        ValueError, match=r"rows.npy: .* \(8,000,000 bytes\), more than the 7,999,999"
    ):
        read_npy_header(claim, max_bytes=7_999_999, where="rows.npy")
    claim.seek(0)
    assert read_npy_header(claim, max_bytes=8_000_000).shape == (1000, 1000)
    with pytest.raises(ValueError, match="pickled Python objects"):
        read_npy_header(io.BytesIO(npy_header((2,), "|O")))
    with pytest.raises(ValueError, match=r"not a NumPy \.npy array"):
        read_npy_header(io.BytesIO(b"\x93NUMP"))
    long_header = b"\x93NUMPY\x01\x00" + struct.pack("<H", MAX_HEADER_BYTES + 1)
    with pytest.raises(ValueError, match="a header has at most 10,000"):
        read_npy_header(io.BytesIO(long_header + b" " * (MAX_HEADER_BYTES + 1)))
    with pytest.raises(ValueError, match=r"truncated \.npy header"):
        read_npy_header(io.BytesIO(npy_header((2,), "<f4")[:-5]))
    with pytest.raises(ValueError, match="exactly the keys"):
        read_npy_header(io.BytesIO(npy_header(None, text="{'descr': '<f4', 'shape': (2,)}")))


def test_read_npy_check_runs_before_the_data_is_read():
    class Counting(io.BytesIO):
        read_sizes: ClassVar[list[int]] = []  # one buffer in this test: kept on the class

        def read(self, n=-1):
            self.read_sizes.append(n)
            return super().read(n)

    buffer = Counting(npy_bytes(np.zeros(1000)))

    def refuse(header):
        raise ValueError(f"refused {header.shape}")

    with pytest.raises(ValueError, match=r"refused \(1000,\)"):
        read_npy(buffer, check=refuse)
    assert sum(buffer.read_sizes) == buffer.tell() == 128  # the header alone was read


def test_npz_archive_lists_and_reads_members(tmp_path):
    path = tmp_path / "a.npz"
    np.savez_compressed(path, a=np.arange(3), b=np.eye(2))
    with open(path, "rb") as f, NpzArchive(f, max_members=2) as archive:
        assert archive.names == ["a", "b"]
        np.testing.assert_array_equal(archive.read("b"), np.eye(2))
        with pytest.raises(ValueError, match=r"array 'a': .* more than the 8 bytes allowed"):
            archive.read("a", max_bytes=8)
    with open(path, "rb") as f, pytest.raises(ValueError, match="at most 1 members"):
        NpzArchive(f, max_members=1)
    # one member, but a directory far larger than one member's entry needs
    long_name = stored("x" * 2000 + ".npy", npy_bytes(np.zeros(1)))
    with pytest.raises(ValueError, match="lists 1 members in a 2,050-byte directory"):
        NpzArchive(io.BytesIO(zip_bytes([long_name])), max_members=1)
