"""save/load: round trips for tensor and scalar models, no pickle, atomic, every damaged file."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

from neuronlab import MLP
from neuronlab.io.serialize import FORMAT_VERSION, RECORD_KEY, load, save
from neuronlab.nn import Flatten, Linear, Sequential, Sigmoid, Tanh, mlp
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
    X = RNG.normal(size=shape)
    np.testing.assert_array_equal(predict(model, X), predict(back, X))


def test_scalar_mlp_round_trip(tmp_path):
    model = MLP(3, [4, 4, 2], activation="tanh", output_activation="sigmoid", seed=5, fused=False)
    path = str(tmp_path / "scalar.npz")
    save(model, path)
    back = load(path)
    assert type(back) is MLP and repr(back) == repr(model)
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
    save(model, tmp_path / "m")
    back = load(tmp_path / "m")  # the path is used as given: no .npz added
    same_numbers(model, back)
    assert back.layers[0].neurons[0].activation == "sigmoid"


def test_file_is_plain_npz_with_readable_record(tmp_path):
    path = tmp_path / "m.npz"
    save(mlp([4, 3, 2], seed=0), path)
    with np.load(path, allow_pickle=False) as npz:
        record = json.loads(npz[RECORD_KEY].tobytes().decode("utf-8"))
        assert set(npz.files) == {RECORD_KEY, "0.weight", "0.bias", "2.weight", "2.bias"}
    assert record["format"] == "neuronlab-model"
    assert record["format_version"] == FORMAT_VERSION
    assert record["kind"] == "Sequential" and record["dtype"] == "float32"
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
    with pytest.raises(ValueError, match="good.npz"):
        load(saved)


def test_random_bytes(saved):
    saved.write_bytes(np.random.default_rng(0).bytes(2000))
    with pytest.raises(ValueError, match="not a NumPy .npz archive"):
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
            "'in_features' must be a positive int",
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
    with pytest.raises(ValueError, match="the architecture needs"):
        load(path)


def test_record_that_is_not_json(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, **{RECORD_KEY: np.frombuffer(b"{not json", np.uint8), **TENSOR_ARRAYS})
    with pytest.raises(ValueError, match="not valid JSON"):
        load(path)
    np.savez(path, **{RECORD_KEY: np.zeros((2, 2)), **TENSOR_ARRAYS})
    with pytest.raises(ValueError, match="UTF-8 bytes"):
        load(path)
