"""The makemore ladder: the models, the bigram counts, sampling and the recipes.

The lectures' numbers on the 32,033 names are checked exactly where there are
any (228,146 bigrams, N[".", "a"] = 4410, a loss of 2.4546 for the smoothed
counts, the parameter counts of every model); sampling is checked against the
lectures' own one-name-at-a-time loop, and its options (seed, temperature,
top-k, start, max_length) and errors one by one.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

from neuronlab import TrainingWarning, datasets, evaluate, fit
from neuronlab.data import Vocabulary
from neuronlab.data.text import context_windows, split_words
from neuronlab.language import (
    DEFAULTS,
    LADDER,
    LECTURE,
    LanguageModel,
    batchnorm_mlp,
    bigram_network,
    count_bigrams,
    fit_options,
    mlp,
    next_character_probabilities,
    recipe_for,
    sample,
    wavenet,
)
from neuronlab.language.sampling import MAX_SAMPLES
from neuronlab.nn import BatchNorm1d, Embedding, Flatten, Linear, Sequential
from neuronlab.optim import SGD, AdamW, CosineAnnealingLR, MultiStepLR
from neuronlab.tensor import multinomial
from neuronlab.util.rng import make_rng


@pytest.fixture(scope="module")
def words() -> list[str]:
    return datasets.names()


@pytest.fixture(scope="module")
def vocab(words) -> Vocabulary:
    return Vocabulary.from_words(words)


@pytest.fixture(scope="module")
def counts(words):
    return count_bigrams(words)


@pytest.fixture(scope="module")
def counts_model(counts) -> LanguageModel:
    return counts.as_model(dtype="float64")


# -- the ladder -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parameters", "block_size"),
    [("bigram", 729, 1), ("mlp", 11_897, 3), ("batchnorm", 12_097, 3), ("wavenet", 76_579, 8)],
)
def test_ladder_parameter_counts_on_the_names(vocab, name, parameters, block_size) -> None:
    model = LADDER[name].build(vocab, seed=0)
    assert isinstance(model, LanguageModel)
    assert model.num_parameters() == parameters
    assert model.block_size == block_size
    assert model.vocabulary == vocab
    logits = model(np.zeros((5, block_size), dtype=np.int64))
    assert logits.shape == (5, 27)


def test_the_ladders_layers_are_the_lectures(vocab) -> None:
    kinds = {name: [type(m).__name__ for m in LADDER[name].build(vocab, seed=0)] for name in LADDER}
    assert kinds["bigram"] == ["Embedding", "Flatten"]
    assert kinds["mlp"] == ["Embedding", "Flatten", "Linear", "Tanh", "Linear"]
    assert kinds["batchnorm"] == ["Embedding", "Flatten", "Linear", "BatchNorm1d", "Tanh", "Linear"]
    level = ["FlattenConsecutive", "Linear", "BatchNorm1d", "Tanh"]
    assert kinds["wavenet"] == ["Embedding", *level * 3, "Linear"]
    assert batchnorm_mlp(vocab, seed=0)[2].bias is None  # BatchNorm's bias takes its role
    assert list(LADDER) == ["bigram", "mlp", "batchnorm", "wavenet"]


def test_the_lectures_starts(vocab, words) -> None:
    """N(0, 1) everywhere (the first lecture), or Kaiming with tanh's gain and a small last
    layer, whose loss at the start is about ln 27 (every character about equally likely)."""
    normal = mlp(vocab, seed=0)
    for name, p in normal.named_parameters():
        if p.data.size >= 270:  # the table and both weight matrices: enough numbers to tell
            assert p.data.std() == pytest.approx(1.0, abs=0.1), name
    assert normal[2].bias.data.any()
    assert normal[4].bias.data.any()
    kaiming = mlp(vocab, init="kaiming", seed=0)
    assert kaiming[2].weight.data.std() == pytest.approx((5 / 3) / math.sqrt(30), rel=0.05)
    assert kaiming[4].weight.data.std() == pytest.approx(0.1 / math.sqrt(200), rel=0.05)
    assert not kaiming[2].bias.data.any()
    assert not kaiming[4].bias.data.any()
    X, Y = context_windows(words[:2000], 3, vocab)
    assert evaluate(kaiming, X, Y)["loss"] == pytest.approx(math.log(27), abs=0.05)
    assert evaluate(normal, X, Y)["loss"] > 10  # the too-large start of the lecture
    X8, Y8 = context_windows(words[:2000], 8, vocab)
    assert evaluate(wavenet(vocab, seed=0), X8, Y8)["loss"] == pytest.approx(math.log(27), abs=0.05)


@pytest.mark.parametrize("name", list(LADDER))
def test_the_same_seed_gives_the_same_weights(vocab, name) -> None:
    build = LADDER[name].build
    a, b, c = build(vocab, seed=7), build(vocab, seed=7), build(vocab, seed=8)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert list(sa) == list(sb) == list(sc)
    for key in sa:
        np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)
    assert any(not np.array_equal(sa[k], sc[k]) for k in sa if k.endswith("weight"))
    assert build(vocab, seed=0, dtype="float64").parameters()[0].dtype == np.float64


@pytest.mark.parametrize("block_size", [3, 5, 6, 12])
def test_wavenet_refuses_block_sizes_that_are_not_powers_of_2(vocab, block_size) -> None:
    with pytest.raises(ValueError, match=rf"expected a power of 2 .* got {block_size}"):
        wavenet(vocab, block_size=block_size)


@pytest.mark.parametrize(("block_size", "levels"), [(2, 1), (4, 2), (16, 4)])
def test_wavenet_has_one_level_per_doubling(vocab, block_size, levels) -> None:
    model = wavenet(vocab, block_size=block_size, n_embd=4, n_hidden=8, seed=0)
    assert sum(type(m).__name__ == "FlattenConsecutive" for m in model) == levels
    assert model(np.ones((3, block_size), dtype=np.int64)).shape == (3, 27)
    with pytest.raises(ValueError, match=r"wavenet\(block_size\): expected a whole number >= 2"):
        wavenet(vocab, block_size=1)


def test_builders_check_their_arguments(vocab) -> None:
    with pytest.raises(TypeError, match=r"mlp\(vocabulary\): expected a Vocabulary, got str"):
        mlp(".abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"bigram_network\(vocabulary\)"):
        bigram_network(list("abc"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"mlp\(init\)"):
        mlp(vocab, init="xavier")
    with pytest.raises(ValueError, match=r"batchnorm_mlp\(n_hidden\)"):
        batchnorm_mlp(vocab, n_hidden=0)


# -- LanguageModel --------------------------------------------------------------------------------


def test_language_model_refuses_contexts_of_the_wrong_shape(vocab) -> None:
    model = mlp(vocab, seed=0)
    for bad in (np.zeros((4, 2), dtype=np.int64), np.zeros(3, dtype=np.int64), np.zeros((2, 3, 1))):
        with pytest.raises(
            ValueError, match=r"expected contexts of shape \(N, 3\) \(block_size 3\)"
        ):
            model(bad)
    assert model([[0, 0, 1]]).shape == (1, 27)  # a nested list is fine


def test_language_model_needs_a_vocabulary_and_a_block_size(vocab) -> None:
    layers = (Embedding(27, 27, seed=0), Flatten())
    with pytest.raises(TypeError, match="expected a Vocabulary, got str"):
        LanguageModel(*layers, vocabulary=".abc", block_size=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="vocabulary"):
        LanguageModel(*layers, block_size=1)  # type: ignore[call-arg]
    with pytest.raises(
        ValueError, match=r"LanguageModel\(block_size\): expected a whole number >= 1"
    ):
        LanguageModel(*layers, vocabulary=vocab, block_size=0)


def test_language_model_refuses_layers_whose_output_is_not_one_score_per_character(vocab) -> None:
    narrow = LanguageModel(Embedding(27, 5, seed=0), Flatten(), vocabulary=vocab, block_size=1)
    with pytest.raises(ValueError, match=r"must give \(4, 27\), one score per character"):
        narrow(np.zeros((4, 1), dtype=np.int64))
    unflat = LanguageModel(Embedding(27, 27, seed=0), vocabulary=vocab, block_size=2)
    with pytest.raises(ValueError, match=r"its layers give shape \(4, 2, 27\)"):
        unflat(np.zeros((4, 2), dtype=np.int64))


def test_language_model_is_a_sequential_with_a_vocabulary(vocab) -> None:
    model = batchnorm_mlp(vocab, seed=0)
    part = model[2:4]
    assert type(part) is Sequential
    assert [type(m) for m in part] == [Linear, BatchNorm1d]
    assert isinstance(model[0], Embedding)
    assert model.takes_indices()
    assert repr(model).startswith("LanguageModel(vocabulary of 27 characters, block_size=3\n")
    assert list(model.state_dict())[:3] == ["0.weight", "2.weight", "3.weight"]


# -- the bigram counts ----------------------------------------------------------------------------


def test_count_bigrams_on_all_names_has_the_lectures_numbers(words, counts, vocab) -> None:
    s = vocab.stoi
    assert counts.counts.shape == (27, 27)
    assert counts.vocabulary == vocab
    assert counts.counts.sum() == 228_146 == len(context_windows(words, 1)[1])
    for (a, b), n in {
        (".", "a"): 4410,
        ("n", "."): 6763,
        ("a", "."): 6640,
        ("a", "n"): 5438,
        ("e", "."): 3983,
        (".", "."): 0,
    }.items():
        assert counts.counts[s[a], s[b]] == n, (a, b)
    assert counts.counts[0].sum() == len(words)  # every name starts once
    assert counts.counts[:, 0].sum() == len(words)  # and ends once


def test_the_smoothed_counts_loss_is_the_lectures(words, counts) -> None:
    nll = counts.nll(words)
    assert nll == pytest.approx(2.45458, abs=5e-6)  # float64
    assert abs(nll - 2.4544) < 5e-4  # the lecture's float32 running sum prints 2.4544
    assert count_bigrams(words, smoothing=0).nll(words) == pytest.approx(2.45401, abs=5e-6)
    P = counts.probabilities
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
    assert P[0, 1] == pytest.approx((4410 + 1) / (len(words) + 27), rel=1e-14)
    assert count_bigrams(["ab"], smoothing=0).nll(["ba"]) == math.inf  # an unseen pair


def test_counts_as_model_gives_the_same_loss_through_evaluate(words, counts, counts_model) -> None:
    X, Y = context_windows(words, 1, counts.vocabulary)
    assert evaluate(counts_model, X, Y)["loss"] == pytest.approx(counts.nll(words), abs=1e-10)
    f32 = counts.as_model()
    assert f32.parameters()[0].dtype == np.float32
    assert evaluate(f32, X, Y)["loss"] == pytest.approx(counts.nll(words), abs=1e-5)
    probs = next_character_probabilities(counts_model, np.arange(27)[:, None])
    np.testing.assert_allclose(probs, counts.probabilities, rtol=1e-12)


def test_unsmoothed_counts_as_model_never_writes_an_unseen_pair(words) -> None:
    table = count_bigrams(words, smoothing=0)
    model = table.as_model(dtype="float64")
    assert np.isfinite(model[0].weight.data).all()  # log 0 is a large negative number
    names = sample(model, 300, seed=0)
    s = table.vocabulary.stoi
    for name in names:
        chars = [".", *name, "."]
        for a, b in itertools.pairwise(chars):
            if len(name) < 32 or b != ".":
                assert table.counts[s[a], s[b]] > 0, (name, a, b)


# -- sampling -------------------------------------------------------------------------------------


def lecture_sample(model: LanguageModel, rng: np.random.Generator, max_length: int = 32) -> str:
    """The lectures' loop: one name at a time, a context list, multinomial with replacement
    (stopped after ``max_length`` characters, as ``sample`` stops)."""
    out: list[str] = []
    context = [0] * model.block_size
    while len(out) < max_length:
        probs = next_character_probabilities(model, np.array([context]))
        ix = int(multinomial(probs[0], num_samples=1, replacement=True, generator=rng)[0])
        context = [*context[1:], ix]
        if ix == 0:
            break
        out.append(model.vocabulary.itos[ix])
    return "".join(out)


def test_sample_one_at_a_time_is_the_lectures_loop_draw_for_draw(counts_model, vocab) -> None:
    ours = [sample(counts_model, 1, seed=np.random.default_rng(s))[0] for s in range(30)]
    theirs = [lecture_sample(counts_model, np.random.default_rng(s)) for s in range(30)]
    assert ours == theirs
    model = mlp(vocab, init="kaiming", seed=1)
    rng_a, rng_b = make_rng(3), make_rng(3)
    assert [sample(model, 1, seed=rng_a)[0] for _ in range(5)] == [
        lecture_sample(model, rng_b) for _ in range(5)
    ]


def first_characters(names: list[str]) -> np.ndarray:
    """How often each index of the names' vocabulary starts a name ("" counts as ".")."""
    vocab = Vocabulary(".abcdefghijklmnopqrstuvwxyz")
    firsts = [vocab.stoi[n[0]] if n else 0 for n in names]
    return np.bincount(firsts, minlength=27) / len(names)


def test_samples_follow_the_counts(counts, counts_model) -> None:
    """20,000 names side by side start as the counts' first row says, and are as long as the
    lectures' loop writes them."""
    names = sample(counts_model, 20_000, seed=0)
    assert len(names) == 20_000
    assert np.abs(first_characters(names) - counts.probabilities[0]).max() < 0.01
    rng = make_rng(1)
    lecture = [lecture_sample(counts_model, rng) for _ in range(2000)]
    assert np.abs(first_characters(lecture) - counts.probabilities[0]).max() < 0.03
    mean_length = np.mean([len(n) for n in names])
    assert abs(np.mean([len(n) for n in lecture]) - mean_length) < 0.3
    # a bigram model's names are as long as the chain of counts says: 1 / P(end) on average
    assert 4 < mean_length < 9


@pytest.mark.parametrize("temperature", [0.5, 2.0])
def test_temperature_raises_the_probabilities_to_1_over_t(counts, counts_model, temperature):
    names = sample(counts_model, 10_000, temperature=temperature, seed=1)
    sharpened = counts.probabilities[0] ** (1 / temperature)
    expected = sharpened / sharpened.sum()
    assert np.abs(first_characters(names) - expected).max() < 0.015
    assert np.abs(first_characters(names) - counts.probabilities[0]).max() > 0.03  # it changed


def test_temperature_near_zero_writes_the_most_likely_name(counts, counts_model) -> None:
    P = counts.probabilities
    greedy, i = "", 0
    while (i := int(P[i].argmax())) != 0:
        greedy += counts.vocabulary.itos[i]
    assert greedy == "a"  # "." -> "a" (4410), "a" -> "." (6640)
    assert set(sample(counts_model, 50, temperature=0.01, seed=0)) == {greedy}
    for seed in range(5):
        assert set(sample(counts_model, 20, top_k=1, seed=seed)) == {greedy}
    assert len(set(sample(counts_model, 200, seed=0))) > 100  # at temperature 1: many names


def test_top_k_only_writes_the_k_likeliest(counts, counts_model) -> None:
    top3 = set(np.argsort(counts.probabilities[0])[-3:])
    names = sample(counts_model, 500, top_k=3, seed=0)
    assert {counts.vocabulary.stoi[n[0]] for n in names} <= top3
    probs = next_character_probabilities(counts_model, [[0]], top_k=3)
    assert np.count_nonzero(probs) == 3
    assert probs.sum() == pytest.approx(1.0, rel=1e-14)
    assert sample(counts_model, 5, top_k=27, seed=4) == sample(counts_model, 5, seed=4)


def test_sample_seeds_counts_and_vocabulary(vocab, counts_model) -> None:
    model = batchnorm_mlp(vocab, seed=0)
    a, b = sample(model, 25, seed=11), sample(model, 25, seed=11)
    assert a == b
    assert len(a) == 25
    assert all(isinstance(n, str) for n in a)
    assert sample(model, 25, seed=12) != a
    for name in sample(counts_model, 300, seed=2) + a:
        assert "." not in name
        assert set(name) <= set(vocab.characters[1:])


def test_start_and_max_length(counts_model, vocab) -> None:
    names = sample(counts_model, 200, start="em", seed=0)
    assert all(n.startswith("em") for n in names)
    assert len(set(names)) > 20
    wavenet_names = sample(wavenet(vocab, seed=0), 20, start="em", seed=0)
    assert all(n.startswith("em") for n in wavenet_names)
    capped = sample(counts_model, 300, max_length=3, seed=0)
    assert max(len(n) for n in capped) == 3
    assert max(len(n) for n in sample(counts_model, 100, start="em", max_length=4, seed=0)) <= 4
    assert all(len(n) <= 32 for n in sample(counts_model, 1000, temperature=3.0, seed=0))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"start": "éa"}, ValueError, "the character 'é'"),
        ({"start": "a1"}, ValueError, "the character '1'"),
        ({"start": "a.b"}, ValueError, r"'\.' marks the end of a word"),
        ({"start": 3}, TypeError, r"sample\(start\): expected a str"),
        ({"n": 0}, ValueError, r"sample\(n\): expected a whole number from 1 to 100,000, got 0"),
        ({"n": MAX_SAMPLES + 1}, ValueError, r"sample\(n\)"),
        ({"n": 2.5}, TypeError, r"sample\(n\)"),
        ({"temperature": 0}, ValueError, r"sample\(temperature\)"),
        ({"temperature": -1.0}, ValueError, r"sample\(temperature\)"),
        ({"top_k": 0}, ValueError, r"sample\(top_k\)"),
        ({"top_k": 28}, ValueError, r"sample\(top_k\)"),
        ({"max_length": 0}, ValueError, r"sample\(max_length\)"),
    ],
)
def test_sample_errors(counts_model, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        sample(counts_model, **{"n": 3, **kwargs})


def test_sample_refuses_a_model_that_is_not_a_language_model(vocab) -> None:
    plain = Sequential(*mlp(vocab, seed=0))
    with pytest.raises(TypeError, match=r"sample\(model\): expected a LanguageModel .* Sequential"):
        sample(plain, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got str"):
        sample("model", 3)  # type: ignore[arg-type]


def test_sampling_leaves_every_modules_mode_alone(vocab) -> None:
    model = batchnorm_mlp(vocab, seed=0)
    X = np.random.default_rng(0).integers(0, 27, (64, 3))
    model(X)  # one training step's statistics
    state = model.state_dict()
    assert all(m.training for m in model.modules())
    sample(model, 1, seed=0)  # a batch of one: BatchNorm must use its running statistics
    assert all(m.training for m in model.modules())
    model[3].eval()
    modes = [m.training for m in model.modules()]
    sample(model, 10, seed=0)
    assert [m.training for m in model.modules()] == modes
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, state[key], err_msg=key)


# -- recipes --------------------------------------------------------------------------------------


def test_recipe_for_and_its_errors() -> None:
    assert recipe_for("mlp", "lecture") is LECTURE["mlp"]
    assert recipe_for("wavenet") is DEFAULTS["wavenet"]
    assert set(LECTURE) == set(DEFAULTS) == set(LADDER)
    with pytest.raises(ValueError, match="model"):
        recipe_for("transformer")
    with pytest.raises(ValueError, match="recipe set"):
        recipe_for("mlp", "mine")


def test_the_lecture_mlp_recipe_drops_the_rate_at_100000(vocab) -> None:
    recipe = LECTURE["mlp"]
    model = mlp(vocab, seed=0, **recipe.options)
    options = fit_options(recipe, model)
    opt, sched = options["optimizer"], options["scheduler"]
    assert isinstance(opt, SGD)
    assert opt.lr == 0.1
    assert opt.weight_decay == 0
    assert isinstance(sched, MultiStepLR)
    assert sched.optimizer is opt
    assert sched.milestones == [100_000]
    assert sched.gamma == 0.1
    assert sched.lr_at(99_999) == 0.1
    assert sched.lr_at(100_000) == pytest.approx(0.01)
    assert options["steps"] == 200_000
    assert options["batch_size"] == 32
    assert options["batches"] == "random"
    assert options["l2"] == 0.0
    assert opt.params == model.parameters()
    assert LECTURE["wavenet"].drop_at == 150_000
    assert LECTURE["batchnorm"].lecture == 2.105


def test_with_steps_moves_the_drop_in_proportion(vocab) -> None:
    short = LECTURE["mlp"].with_steps(300)
    assert (short.steps, short.drop_at) == (300, 150)
    assert LECTURE["wavenet"].with_steps(1000).drop_at == 750
    assert LECTURE["mlp"].with_steps(1).drop_at == 1
    assert DEFAULTS["mlp"].with_steps(10).drop_at is None
    assert fit_options(short, mlp(vocab, seed=0))["scheduler"].milestones == [150]
    assert LECTURE["mlp"].steps == 200_000  # a recipe is a value: with_steps makes a new one
    with pytest.raises(ValueError, match="steps"):
        LECTURE["mlp"].with_steps(0)


def test_the_default_recipes_use_adamw_and_a_cosine(vocab) -> None:
    recipe = DEFAULTS["wavenet"]
    options = fit_options(recipe, wavenet(vocab, seed=0))
    opt, sched = options["optimizer"], options["scheduler"]
    assert isinstance(opt, AdamW)
    assert opt.weight_decay == 0.01
    assert opt.lr == 0.002
    assert isinstance(sched, CosineAnnealingLR)
    assert sched.T_max == recipe.steps
    assert sched.eta_min == pytest.approx(0.002 / 100)
    bigram = fit_options(LECTURE["bigram"], bigram_network(vocab, seed=0))
    assert bigram["batch_size"] is None
    assert bigram["batches"] == "epochs"
    assert bigram["scheduler"] is None
    assert bigram["l2"] == pytest.approx(0.01 / 729)


def test_a_short_lecture_run_lowers_the_dev_loss(words, vocab) -> None:
    train, dev, _ = split_words(words)
    X, Y = context_windows(train, 3, vocab)
    Xd, Yd = context_windows(dev, 3, vocab)
    recipe = LECTURE["mlp"].with_steps(300)
    model = mlp(vocab, seed=42, **recipe.options)
    start = evaluate(model, Xd, Yd)["loss"]
    options = fit_options(recipe, model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingWarning)  # the lecture's start saturates tanh
        history = fit(model, X, Y, loss="cross_entropy", verbose=False, **options)
    end = evaluate(model, Xd, Yd)["loss"]
    assert len(history.batch_loss) == 300
    assert options["optimizer"].lr == pytest.approx(0.01)  # dropped half way
    assert end < start - 5
    assert end < 8
