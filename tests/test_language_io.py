"""Language models in files and in PyTorch: save/load, to_torch and from_torch for the ladder.

Every model of the ladder is trained a few steps first, so BatchNorm's
running statistics and its int64 count are no longer at their start; then a
saved and loaded copy, and a PyTorch copy, must hold the same numbers and
compute the same logits and loss.  Records that are hostile or do not fit
together (written by hand, as ``test_serialize.py`` does) are refused with a
ValueError naming the file.
"""

from __future__ import annotations

import json
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from neuronlab import TrainingWarning, datasets, fit, load, predict, save
from neuronlab.data import Vocabulary
from neuronlab.data.text import context_windows
from neuronlab.io.serialize import RECORD_KEY
from neuronlab.language import LADDER, LanguageModel, mlp, wavenet
from neuronlab.losses import cross_entropy
from neuronlab.nn import BatchNorm1d, FlattenConsecutive, Sequential
from neuronlab.tensor import Tensor, no_grad

if TYPE_CHECKING:
    import torch
else:
    torch = pytest.importorskip("torch")
nn = torch.nn
F = nn.functional

from neuronlab.io.torch_bridge import from_torch, to_torch  # noqa: E402
from neuronlab.io.torch_layers import ChannelsLastBatchNorm1d  # noqa: E402


@pytest.fixture(scope="module")
def words() -> list[str]:
    return datasets.names()[:3000]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_words(datasets.names())


def trained(name: str, vocab: Vocabulary, words: list[str], dtype: str = "float32"):
    """A ladder model after 5 steps of SGD, and contexts of its block size."""
    model = LADDER[name].build(vocab, seed=1, dtype=dtype)
    X, Y = context_windows(words, model.block_size, vocab)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingWarning)
        fit(model, X, Y, loss="cross_entropy", lr=0.1, steps=5, batch_size=32, batches="random")
    return model, X[:200], Y[:200]


def assert_same_state(a, b) -> None:
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for name in sa:
        np.testing.assert_array_equal(sa[name], sb[name], err_msg=name)
        assert np.asarray(sa[name]).dtype == np.asarray(sb[name]).dtype, name


# -- save and load --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(LADDER))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ladder_models_round_trip(tmp_path, vocab, words, name, dtype) -> None:
    model, X, _ = trained(name, vocab, words, dtype)
    buffers = dict(model.named_buffers())
    for key, b in buffers.items():  # the statistics moved away from their start
        if key.endswith("num_batches_tracked"):
            assert int(b) == 5
        elif key.endswith("running_mean"):
            assert b.any()
    path = tmp_path / f"{name}.npz"
    save(model, path)
    back = load(path)
    assert type(back) is LanguageModel
    assert back.vocabulary == vocab
    assert back.block_size == model.block_size
    assert repr(back) == repr(model)
    assert_same_state(model, back)
    for key in buffers:
        if key.endswith("num_batches_tracked"):
            assert back.state_dict()[key].dtype == np.int64
            assert back.state_dict()[key].shape == ()
    np.testing.assert_array_equal(predict(model, X), predict(back, X))
    with np.load(path, allow_pickle=False) as npz:
        record = json.loads(npz[RECORD_KEY].tobytes())
        assert set(npz.files) == {RECORD_KEY, *model.state_dict()}
        if name in ("batchnorm", "wavenet"):
            assert npz["3.num_batches_tracked"].dtype == np.int64
    assert record["kind"] == "LanguageModel"
    assert record["dtype"] == dtype
    assert record["vocabulary"] == ".abcdefghijklmnopqrstuvwxyz"
    assert record["block_size"] == model.block_size


def test_the_record_is_readable_text_with_every_layers_options(tmp_path, vocab) -> None:
    model = wavenet(vocab, block_size=4, n_embd=3, n_hidden=5, seed=0)
    model[3].momentum, model[3].eps = 0.25, 1e-3
    path = tmp_path / "w.npz"
    save(model, path)
    record = json.loads(np.load(path, allow_pickle=False)[RECORD_KEY].tobytes().decode("utf-8"))
    assert record["layers"][:4] == [
        {"type": "Embedding", "num_embeddings": 27, "embedding_dim": 3},
        {"type": "FlattenConsecutive", "n": 2},
        {"type": "Linear", "in_features": 6, "out_features": 5, "bias": False},
        {"type": "BatchNorm1d", "num_features": 5, "eps": 1e-3, "momentum": 0.25, "affine": True},
    ]
    back = load(path)
    assert isinstance(back, Sequential)
    assert (back[3].momentum, back[3].eps) == (0.25, 1e-3)


# -- records that are hostile or do not fit together ----------------------------------------------


def parts(path) -> tuple[dict, dict[str, np.ndarray]]:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files if k != RECORD_KEY}
        return json.loads(npz[RECORD_KEY].tobytes()), arrays


def write(path, record: dict, arrays: dict[str, np.ndarray]) -> None:
    contents: dict[str, Any] = {
        **arrays,
        RECORD_KEY: np.frombuffer(json.dumps(record).encode(), np.uint8),
    }
    np.savez(path, **contents)


def layer_of(record: dict, kind: str, nth: int = 0) -> dict:
    return [layer for layer in record["layers"] if layer["type"] == kind][nth]


def change_vocabulary(text):
    def change(record, arrays):
        record["vocabulary"] = text

    return change


def set_block_size(value):
    def change(record, arrays):
        record["block_size"] = value

    return change


def set_batchnorm(key, value):
    def change(record, arrays):
        layer_of(record, "BatchNorm1d")[key] = value

    return change


def wider_embedding(record, arrays):
    layer_of(record, "Embedding")["num_embeddings"] = 28
    arrays["0.weight"] = np.zeros((28, 3), np.float32)


def narrower_output(record, arrays):
    last = record["layers"][-1]
    last["out_features"] = 26
    key = f"{len(record['layers']) - 1}"
    arrays[f"{key}.weight"] = arrays[f"{key}.weight"][:26]
    arrays[f"{key}.bias"] = arrays[f"{key}.bias"][:26]


def float_count(record, arrays):
    arrays["3.num_batches_tracked"] = np.array(5.0)


def fractional_count(record, arrays):
    arrays["3.num_batches_tracked"] = np.array(2.5, dtype=np.int64)  # (int64: 2) still fine


def merged_four(record, arrays):
    layer_of(record, "FlattenConsecutive")["n"] = 4


def unknown_option(record, arrays):
    layer_of(record, "Embedding")["padding_idx"] = 0


def bad_momentum_type(record, arrays):
    layer_of(record, "BatchNorm1d")["momentum"] = "0.1"


HOSTILE = {
    "vocabulary not starting with '.'": (
        change_vocabulary("abcdefghijklmnopqrstuvwxyz."),
        "bad 'vocabulary'.*'\\.'",
    ),
    "vocabulary repeating a character": (
        change_vocabulary(".abcdefghijklmnopqrstuvwxya"),
        "bad 'vocabulary'.*'a' twice",
    ),
    "vocabulary not a str": (change_vocabulary(27), "'vocabulary' must be a str"),
    "vocabulary shorter than the table": (
        change_vocabulary(".abcdefghijklmnopqrstuvwxy"),
        "the vocabulary has 26 characters, but the model does not start with an Embedding of 26",
    ),
    "table longer than the vocabulary": (
        wider_embedding,
        "the vocabulary has 27 characters, but the model does not start with an Embedding of 27",
    ),
    "output narrower than the vocabulary": (narrower_output, "the model scores 26"),
    "block_size 0": (
        set_block_size(0),
        "'block_size': expected a whole number from 1 to 64, got 0",
    ),
    "block_size 10**9": (
        set_block_size(10**9),
        "'block_size': expected a whole number from 1 to 64",
    ),
    "block_size true": (set_block_size(True), "'block_size': expected a whole number"),
    "block_size a str": (set_block_size("4"), "'block_size': expected a whole number"),
    "block_size missing": (set_block_size(None), "'block_size': expected a whole number"),
    "BatchNorm eps 0": (set_batchnorm("eps", 0), "'eps': expected a number > 0, got 0"),
    "BatchNorm eps nan": (set_batchnorm("eps", float("nan")), "'eps': expected a number > 0"),
    "BatchNorm momentum 2": (
        set_batchnorm("momentum", 2),
        "'momentum': expected a number from 0 to 1",
    ),
    "BatchNorm momentum a str": (bad_momentum_type, "'momentum': expected a number"),
    "BatchNorm affine 1": (set_batchnorm("affine", 1), "'affine' must be true or false"),
    "BatchNorm features 0": (
        set_batchnorm("num_features", 0),
        "'num_features': expected a whole number >= 1",
    ),
    "count stored as float": (
        float_count,
        "num_batches_tracked' holds float64, the record says int64",
    ),
    "merged widths that do not fit": (
        merged_four,
        "a Linear layer takes 6 inputs but the layer before gives 12",
    ),
    "unknown option": (unknown_option, "bad Embedding option padding_idx=0"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_and_inconsistent_records_are_refused(tmp_path, vocab, case) -> None:
    change, match = HOSTILE[case]
    path = tmp_path / "model.npz"
    save(wavenet(vocab, block_size=4, n_embd=3, n_hidden=5, seed=0), path)
    load(path)  # as saved: fine
    record, arrays = parts(path)
    change(record, arrays)
    write(path, record, arrays)
    with pytest.raises(ValueError, match=match) as info:
        load(path)
    assert str(info.value).startswith(f"load: {path}: ")


def test_a_count_of_the_right_dtype_loads(tmp_path, vocab) -> None:
    path = tmp_path / "model.npz"
    save(wavenet(vocab, block_size=4, n_embd=3, n_hidden=5, seed=0), path)
    record, arrays = parts(path)
    fractional_count(record, arrays)
    write(path, record, arrays)
    back = load(path)
    assert isinstance(back, Sequential)
    assert int(back[3].num_batches_tracked) == 2


@pytest.mark.parametrize(
    ("build", "block_size"),
    [
        (lambda v: mlp(v, n_embd=2, n_hidden=4, seed=0), 4),
        (lambda v: wavenet(v, 4, 3, 5, seed=0), 8),
    ],
    ids=["mlp", "wavenet"],
)
def test_a_block_size_the_layers_cannot_read_is_refused(tmp_path, vocab, build, block_size) -> None:
    """A Flatten hides the width from the record's layers alone: the contexts must fit too."""
    path = tmp_path / "model.npz"
    save(build(vocab), path)
    record, arrays = parts(path)
    record["block_size"] = block_size
    write(path, record, arrays)
    with pytest.raises(ValueError, match=rf"load: .*model.npz: .*block_size.* {block_size}"):
        load(path)


# -- to_torch -------------------------------------------------------------------------------------


def torch_logits(module, X: np.ndarray) -> torch.Tensor:
    return module(torch.from_numpy(np.asarray(X, dtype=np.int64)))


@pytest.mark.parametrize("name", list(LADDER))
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_to_torch_gives_the_same_logits_loss_and_state(vocab, words, name, mode) -> None:
    model, X, Y = trained(name, vocab, words)
    getattr(model, mode)()
    module = to_torch(model)
    assert isinstance(module, nn.Sequential)
    kinds = {type(m).__name__ for m in module}
    assert "Embedding" in kinds
    if name in ("batchnorm", "wavenet"):
        assert ChannelsLastBatchNorm1d in {type(m) for m in module}
    assert all(m.training == (mode == "train") for m in module.modules())
    state, ref = model.state_dict(), module.state_dict()
    assert state.keys() == ref.keys()  # (PyTorch lists each layer's buffers after its weights)
    for key in state:
        np.testing.assert_array_equal(state[key], ref[key].numpy(), err_msg=key)
        assert ref[key].dtype == (torch.int64 if key.endswith("tracked") else torch.float32)
    with no_grad():
        ours = model(X)
        loss = cross_entropy(ours, Y).item()
    with torch.no_grad():
        theirs = torch_logits(module, X)
        ref_loss = F.cross_entropy(theirs, torch.from_numpy(Y)).item()
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-5, atol=1e-5)
    assert loss == pytest.approx(ref_loss, abs=1e-5)
    after, ref_after = model.state_dict(), module.state_dict()  # a training forward moved both
    for key in after:
        np.testing.assert_allclose(after[key], ref_after[key].numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(LADDER))
def test_the_torch_copy_keeps_training_and_comes_back(vocab, words, name) -> None:
    model, X, Y = trained(name, vocab, words)
    module = to_torch(model)
    opt = torch.optim.SGD(module.parameters(), lr=0.1)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    first = F.cross_entropy(module(Xt), Yt)
    first.backward()
    opt.step()
    assert F.cross_entropy(module(Xt), Yt).item() < first.item()
    back = from_torch(module, vocabulary=vocab, block_size=model.block_size)
    assert type(back) is LanguageModel
    assert back.vocabulary == vocab
    assert back.block_size == model.block_size
    assert repr(back) == repr(model)
    state = module.state_dict()
    assert_same_state(back, from_torch(module, vocabulary=vocab, block_size=model.block_size))
    for key, value in back.state_dict().items():
        np.testing.assert_array_equal(value, state[key].numpy(), err_msg=key)
    module.eval()
    with torch.no_grad():
        expected = module(Xt).numpy()
    np.testing.assert_allclose(predict(back, X), expected, rtol=1e-5, atol=1e-5)


def test_to_torch_and_back_is_exact(vocab, words) -> None:
    model, X, _ = trained("wavenet", vocab, words, "float64")
    back = from_torch(to_torch(model), vocabulary=vocab, block_size=8)
    assert_same_state(model, back)
    np.testing.assert_array_equal(predict(model, X), predict(back, X))
    plain = from_torch(to_torch(model))  # without a vocabulary: a plain Sequential
    assert type(plain) is not LanguageModel
    with pytest.raises(ValueError, match="needs both vocabulary and block_size"):
        from_torch(to_torch(model), vocabulary=vocab)


def test_from_torch_reads_torchs_own_layers(vocab) -> None:
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Embedding(27, 4),
        nn.Flatten(),
        nn.Linear(12, 8, bias=False),
        nn.BatchNorm1d(8),
        nn.Tanh(),
        nn.LayerNorm(8),
        nn.Dropout(0.2),
        nn.Linear(8, 27),
    )
    module.eval()
    X = np.random.default_rng(0).integers(0, 27, (10, 3))
    with torch.no_grad():
        module(torch.from_numpy(X))
    model = from_torch(module, vocabulary=vocab, block_size=3)
    assert isinstance(model, Sequential)
    assert [type(m).__name__ for m in model] == [
        "Embedding",
        "Flatten",
        "Linear",
        "BatchNorm1d",
        "Tanh",
        "LayerNorm",
        "Dropout",
        "Linear",
    ]
    assert not any(m.training for m in model.modules())  # every layer in PyTorch's mode
    with torch.no_grad():
        expected = module(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(predict(model, X), expected, rtol=1e-5, atol=1e-6)
    module.train()
    assert all(m.training for m in from_torch(module).modules())


@pytest.mark.parametrize(
    ("layer", "match"),
    [
        (nn.BatchNorm1d(4, momentum=None), "momentum=None"),
        (nn.BatchNorm1d(4, track_running_stats=False), "without running statistics"),
        (nn.Embedding(27, 4, padding_idx=0), "an Embedding with padding_idx"),
        (nn.Embedding(27, 4, max_norm=1.0), "max_norm"),
        (nn.LayerNorm((2, 4)), "more than the last dimension"),
    ],
)
def test_from_torch_refuses_what_neuronlab_computes_differently(layer, match) -> None:
    with pytest.raises(ValueError, match=match) as info:
        from_torch(nn.Sequential(nn.Identity(), layer))
    assert "module.1" in str(info.value)


def test_to_torch_batchnorm_over_positions_is_torchs_through_a_transpose() -> None:
    bn = BatchNorm1d(5, dtype="float64")
    module = to_torch(Sequential(bn))
    x = np.random.default_rng(1).standard_normal((4, 3, 5))
    ours = bn(Tensor(x, dtype="float64"))
    ref = nn.BatchNorm1d(5, dtype=torch.float64)
    theirs = ref(torch.from_numpy(x).transpose(1, 2)).transpose(1, 2)
    np.testing.assert_allclose(ours.data, module(torch.from_numpy(x)).detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    assert ref.running_var is not None
    np.testing.assert_allclose(bn.running_var, ref.running_var.numpy(), rtol=1e-12)
    np.testing.assert_allclose(module[0].running_var.numpy(), ref.running_var.numpy(), rtol=1e-12)


@pytest.mark.parametrize("shape", [(4, 8, 3), (4, 2, 3)])
def test_to_torch_flatten_consecutive_merges_as_ours(shape) -> None:
    x = np.random.default_rng(2).standard_normal(shape)
    module = to_torch(Sequential(FlattenConsecutive(2)))
    theirs = module(torch.from_numpy(x)).numpy()
    ours = FlattenConsecutive(2)(Tensor(x, dtype="float64")).data
    assert theirs.shape == ours.shape
    np.testing.assert_array_equal(theirs, ours)
    assert repr(module[0]) == "FlattenConsecutive(n=2)"
    back = from_torch(module)
    assert isinstance(back, Sequential)
    assert type(back[0]) is FlattenConsecutive
