"""Training the lectures' way: batches drawn at random, runs counted in steps, checkpoints of
the train and validation loss, update:data ratios, the new warnings, integer inputs for
models that start with an Embedding, evaluation mode, and the learning-rate finder."""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pytest

from neuronlab import (
    SGD,
    Trainer,
    TrainingWarning,
    datasets,
    evaluate,
    fit,
    lr_find,
    mlp,
    predict,
)
from neuronlab.data import Vocabulary
from neuronlab.data.text import context_windows
from neuronlab.language import batchnorm_mlp
from neuronlab.language import mlp as lecture_mlp
from neuronlab.losses import cross_entropy
from neuronlab.tensor import Tensor, no_grad
from neuronlab.training.updates import update_ratio


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_words(datasets.names())


@pytest.fixture(scope="module")
def contexts(vocab) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The contexts of 1,500 names (about 10,000 examples), and of 300 more to validate on."""
    words = datasets.names()
    X, Y = context_windows(words[:1500], 3, vocab)
    Xv, Yv = context_windows(words[1500:1800], 3, vocab)
    return X, Y, Xv, Yv


def small_data(n: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 3)), rng.integers(0, 2, n)


def all_warnings(run) -> list[str]:
    """The messages of every warning ``run()`` gives (none filtered out or merged)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [str(w.message) for w in caught if issubclass(w.category, TrainingWarning)]


# -- batches drawn at random, runs in steps -------------------------------------------------------


def test_random_batches_are_drawn_with_replacement_from_the_seed() -> None:
    """The first step is plain SGD on the rows rng(seed).integers(0, n, batch) picks, repeats
    and all: the same update by hand on a twin gives the same weights."""
    X, y = small_data(10)
    seed, batch = 5, 8
    idx = np.random.default_rng(seed).integers(0, 10, batch)
    assert len(set(idx.tolist())) < batch  # this draw repeats an example within the batch
    model = mlp([3, 4, 2], seed=0, dtype="float64")
    twin = copy.deepcopy(model)
    trainer = Trainer(
        model, X, y, loss="cross_entropy", lr=0.5, batch_size=batch, seed=seed, batches="random"
    )
    loss = trainer.step()
    expected = cross_entropy(twin(Tensor(X[idx], dtype="float64")), y[idx])
    expected.backward()
    for p in twin.parameters():
        p.data -= 0.5 * p.grad
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    for (name, a), b in zip(model.state_dict().items(), twin.state_dict().values()):
        np.testing.assert_allclose(a, b, rtol=1e-12, err_msg=name)


def test_the_same_seed_draws_the_same_batches() -> None:
    X, y = small_data(40)

    def run(seed: int) -> list[float]:
        model = mlp([3, 4, 2], seed=0, dtype="float64")
        history = fit(
            model, X, y, loss="cross_entropy", steps=12, batch_size=5, batches="random", seed=seed
        )
        return history.batch_loss

    assert run(1) == run(1)
    assert run(1) != run(2)


@pytest.mark.parametrize("batches", ["random", "epochs"])
@pytest.mark.parametrize("steps", [1, 7, 23])
def test_fit_steps_runs_exactly_that_many_steps(batches, steps) -> None:
    X, y = small_data(20)
    model = mlp([3, 4, 2], seed=0)
    history = fit(model, X, y, loss="cross_entropy", steps=steps, batch_size=6, batches=batches)
    assert len(history.batch_loss) == steps
    # an epoch: ceil(20 / 6) = 4 steps (of random batches: as many as it takes to draw 20 rows)
    assert history.epochs == steps // 4


def test_fit_refuses_epochs_and_steps_together_and_bad_steps() -> None:
    X, y = small_data(20)
    with pytest.raises(ValueError, match="give epochs or steps, not both"):
        fit(mlp([3, 2], seed=0), X, y, epochs=2, steps=10)
    with pytest.raises(ValueError, match=r"fit\(steps\): expected a whole number >= 1, got 0"):
        fit(mlp([3, 2], seed=0), X, y, steps=0)
    with pytest.raises(ValueError, match=r"fit\(batches\)"):
        fit(mlp([3, 2], seed=0), X, y, steps=1, batches="shuffled")


def test_random_batches_larger_than_the_data_are_refused() -> None:
    X, y = small_data(10)
    with pytest.raises(
        ValueError, match=r"fit\(batch_size\): a batch of 11 drawn at random from 10"
    ):
        fit(mlp([3, 2], seed=0), X, y, steps=1, batch_size=11, batches="random")
    with pytest.raises(ValueError, match=r"Trainer\(batch_size\)"):
        Trainer(mlp([3, 2], seed=0), X, y, batch_size=50, batches="random")
    assert Trainer(mlp([3, 2], seed=0), X, y, batch_size=10, batches="random").batch_size == 10
    assert Trainer(mlp([3, 2], seed=0), X, y, batch_size=50).batch_size == 50  # by epoch: fine


# -- checkpoints ----------------------------------------------------------------------------------


def test_checkpoints_hold_the_loss_on_all_the_data_at_their_steps(vocab, contexts) -> None:
    X, Y, Xv, Yv = contexts
    model = lecture_mlp(vocab, init="kaiming", seed=0)
    trainer = Trainer(
        model,
        X,
        Y,
        loss="cross_entropy",
        lr=0.1,
        batch_size=32,
        batches="random",
        eval_every=4,
        validation=(Xv, Yv),
    )
    for step in range(1, 11):
        trainer.step()
        if step % 4 == 0:
            point = trainer.history.checkpoints[-1]
            assert point.step == step
            assert point.loss == evaluate(model, X, Y)["loss"]
            assert point.val_loss == evaluate(model, Xv, Yv)["loss"]
            assert point.lr == 0.1
    assert [c.step for c in trainer.history.checkpoints] == [4, 8]
    losses = [c.loss for c in trainer.history.checkpoints]
    assert losses[1] < losses[0] < math.log(27) + 0.05  # it learns


def test_checkpoints_without_validation_and_with_a_schedule(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    model = lecture_mlp(vocab, init="kaiming", seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    from neuronlab.optim import MultiStepLR

    history = fit(
        model,
        X,
        Y,
        loss="cross_entropy",
        optimizer=opt,
        scheduler=MultiStepLR(opt, [5]),
        steps=9,
        batch_size=32,
        batches="random",
        eval_every=3,
    )
    assert [(c.step, c.val_loss) for c in history.checkpoints] == [(3, None), (6, None), (9, None)]
    assert [c.lr for c in history.checkpoints] == pytest.approx([0.1, 0.01, 0.01])
    assert history.checkpoints[-1].loss == evaluate(model, X, Y)["loss"]


# -- update:data ratios ---------------------------------------------------------------------------


def test_update_ratios_are_recorded_for_every_weight_matrix_at_their_steps(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    model = batchnorm_mlp(vocab, seed=0, dtype="float64")
    history = fit(
        model,
        X,
        Y,
        loss="cross_entropy",
        lr=0.1,
        steps=10,
        batch_size=32,
        batches="random",
        record_updates=4,
    )
    assert history.update_steps == [1, 5, 9]
    assert list(history.update_ratios) == ["0.weight", "2.weight", "5.weight"]  # 2-D only
    for name, ratios in history.update_ratios.items():
        assert len(ratios) == 3, name
        assert all(-6 < r < 0 for r in ratios), name


def test_an_sgd_update_ratio_is_log10_of_std_lr_grad_over_std_p(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    model = lecture_mlp(vocab, init="kaiming", seed=0, dtype="float64")
    lr = 0.05
    trainer = Trainer(
        model,
        X,
        Y,
        loss="cross_entropy",
        lr=lr,
        batch_size=32,
        batches="random",
        record_updates=2,
    )
    named = dict(model.named_parameters())
    for step in range(1, 6):
        trainer.step()
        if step in (1, 3, 5):
            for name, ratios in trainer.history.update_ratios.items():
                p = named[name]
                by_hand = math.log10(np.std(lr * p.grad) / np.std(p.data))
                assert ratios[-1] == pytest.approx(by_hand, rel=1e-9, abs=1e-12), (step, name)
    assert trainer.history.update_steps == [1, 3, 5]
    assert update_ratio(np.zeros(3), np.array([1.0, 2.0, 3.0])) == -math.inf
    assert math.isnan(update_ratio(np.ones(3), np.ones(3)))


# -- the new warnings -----------------------------------------------------------------------------


def test_saturated_tanh_warns_once_for_the_lectures_start_only(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    X, Y = X[:300], Y[:300]  # 300 examples: an "epoch" every 10 steps, so several checks

    def run(init: str) -> list[str]:
        model = lecture_mlp(vocab, init=init, seed=0)
        return all_warnings(
            lambda: fit(
                model,
                X,
                Y,
                loss="cross_entropy",
                lr=0.1,
                steps=40,
                batch_size=32,
                batches="random",
            )
        )

    normal = [m for m in run("normal") if "saturated" in m]
    assert len(normal) == 1
    assert "of the outputs of tanh layer 1 are saturated" in normal[0]
    assert 'init="kaiming"' in normal[0]
    assert "BatchNorm1d" in normal[0]
    assert not [m for m in run("kaiming") if "saturated" in m]


@pytest.mark.parametrize(
    ("lr", "match"),
    [(1e-9, "so it learns very slowly. Raise the learning rate"), (100.0, "undoes much")],
)
def test_steps_far_from_the_guide_warn(vocab, contexts, lr, match) -> None:
    X, Y, _, _ = contexts
    model = lecture_mlp(vocab, init="kaiming", seed=0)
    messages = all_warnings(
        lambda: fit(
            model, X, Y, loss="cross_entropy", lr=lr, steps=101, batch_size=32, batches="random"
        )
    )
    found = [m for m in messages if "lectures' guide is about 10^-3" in m]
    assert len(found) == 1
    assert match in found[0]


def test_steps_that_do_not_move_the_weights_at_all_warn(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    model = lecture_mlp(vocab, init="kaiming", seed=0)
    messages = all_warnings(
        lambda: fit(
            model,
            X,
            Y,
            loss="cross_entropy",
            lr=1e-12,
            steps=101,
            batch_size=32,
            batches="random",
            record_updates=100,
        )
    )
    assert [m for m in messages if "learns very slowly" in m]


def test_the_lecture_recipe_gets_no_update_warning(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    for init in ("normal", "kaiming"):
        model = lecture_mlp(vocab, init=init, seed=0)
        messages = all_warnings(
            lambda model=model: fit(
                model,
                X,
                Y,
                loss="cross_entropy",
                lr=0.1,
                steps=101,
                batch_size=32,
                batches="random",
            )
        )
        assert not [m for m in messages if "guide" in m], init


# -- evaluation mode ------------------------------------------------------------------------------


def test_evaluate_and_predict_use_running_statistics_and_keep_the_mode(vocab, contexts) -> None:
    X, Y, Xv, Yv = contexts
    model = batchnorm_mlp(vocab, seed=0, dtype="float64")
    fit(model, X, Y, loss="cross_entropy", lr=0.1, steps=20, batch_size=32, batches="random")
    assert all(m.training for m in model.modules())
    before = model.state_dict()
    figures = evaluate(model, Xv[:500], Yv[:500])
    outputs = predict(model, Xv[:500])
    assert all(m.training for m in model.modules())  # left as it was
    for key, value in model.state_dict().items():  # the running statistics did not move
        np.testing.assert_array_equal(value, before[key], err_msg=key)
    model.eval()
    with no_grad():
        logits = model(Xv[:500])
    np.testing.assert_array_equal(outputs, logits.data)
    assert figures["loss"] == pytest.approx(cross_entropy(logits, Yv[:500]).item(), rel=1e-12)
    model.train()
    with no_grad():
        batch = model(Xv[:500]).data  # training mode: this batch's statistics, another answer
    assert not np.allclose(batch, outputs)


# -- integer inputs for models that start with an Embedding ---------------------------------------


def test_whole_numbers_stored_as_floats_are_indices(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    a = lecture_mlp(vocab, init="kaiming", seed=0)
    b = lecture_mlp(vocab, init="kaiming", seed=0)
    ha = fit(a, X, Y, loss="cross_entropy", steps=5, batch_size=32, batches="random")
    hb = fit(
        b, X.astype(np.float64), Y, loss="cross_entropy", steps=5, batch_size=32, batches="random"
    )
    assert ha.batch_loss == hb.batch_loss
    np.testing.assert_array_equal(predict(a, X[:50]), predict(a, X[:50].astype(np.float32)))
    assert evaluate(a, X[:50].tolist(), Y[:50])["loss"] == evaluate(a, X[:50], Y[:50])["loss"]


def test_fractional_indices_are_refused(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    model = lecture_mlp(vocab, seed=0)
    bad = X.astype(np.float64)
    bad[3, 1] = 2.5
    for call in (
        lambda: fit(model, bad, Y, loss="cross_entropy", steps=1),
        lambda: evaluate(model, bad, Y),
        lambda: predict(model, bad),
    ):
        with pytest.raises(ValueError, match="expected integer indices, got numbers that are not"):
            call()
    nan = X.astype(np.float64)
    nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="not whole"):
        predict(model, nan)


@pytest.mark.parametrize("bad", [27, 100, -1])
def test_an_index_outside_the_vocabulary_is_refused_before_any_step(vocab, contexts, bad) -> None:
    X, Y, Xv, Yv = contexts
    model = lecture_mlp(vocab, seed=0)
    before = model.state_dict()
    X = X.copy()
    X[-1, 2] = bad
    with pytest.raises(IndexError, match=rf"index {bad} is out of range for an embedding of 27"):
        fit(model, X, Y, loss="cross_entropy", steps=5, batch_size=32, batches="random")
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)
    with pytest.raises(IndexError, match=rf"fit\(validation X\): index {bad} "):
        fit(model, Xv, Yv, loss="cross_entropy", steps=1, validation=(X, Y))
    with pytest.raises(IndexError, match=rf"predict\(X\): index {bad} "):
        predict(model, X)
    with pytest.raises(IndexError, match=rf"evaluate\(X\): index {bad} "):
        evaluate(model, X, Y)


# -- the learning-rate finder ---------------------------------------------------------------------


def test_lr_find_sweeps_1e_3_to_1_and_leaves_the_model_as_it_was(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    model = batchnorm_mlp(vocab, seed=0)
    fit(model, X, Y, loss="cross_entropy", lr=0.1, steps=3, batch_size=32, batches="random")
    before = model.state_dict()
    sweep = lr_find(model, X, Y)
    assert 100 < len(sweep.lrs) <= 1000
    assert len(sweep.losses) == len(sweep.lrs)
    assert sweep.lrs[0] == pytest.approx(1e-3, rel=1e-12)
    assert (np.diff(sweep.lrs) > 0).all()
    np.testing.assert_allclose(
        sweep.lrs, np.geomspace(1e-3, 1.0, 1000)[: len(sweep.lrs)], rtol=1e-12
    )
    if sweep.stopped:
        assert "lr" in sweep.stopped
        assert len(sweep.lrs) < 1000
    else:
        assert len(sweep.lrs) == 1000
        assert sweep.lrs[-1] == pytest.approx(1.0, rel=1e-12)
    assert sweep.lrs[0] / 2 <= sweep.suggestion <= sweep.lrs[-1]
    assert 0.01 < sweep.suggestion < 1.0  # the lectures read about 0.1 off this plot
    after = model.state_dict()
    assert list(after) == list(before)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)
        assert after[key].dtype == before[key].dtype
    assert sweep.smoothed().shape == sweep.losses.shape


def test_lr_find_stops_when_the_loss_diverges_and_checks_its_arguments(vocab, contexts) -> None:
    X, Y, _, _ = contexts
    model = lecture_mlp(vocab, init="kaiming", seed=0)
    before = model.state_dict()
    sweep = lr_find(model, X, Y, start=1.0, end=1e4, steps=200)
    assert sweep.stopped
    assert len(sweep.lrs) < 200
    assert sweep.lrs[0] <= sweep.suggestion * 2
    assert sweep.suggestion <= sweep.lrs[-1]
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)
    with pytest.raises(ValueError, match=r"lr_find: end \(0\.001\) must be above start \(0\.001\)"):
        lr_find(model, X, Y, start=1e-3, end=1e-3)
    with pytest.raises(ValueError, match="must be above start"):
        lr_find(model, X, Y, start=1.0, end=0.1)
    with pytest.raises(ValueError, match=r"lr_find\(steps\)"):
        lr_find(model, X, Y, steps=1)
    with pytest.raises(ValueError, match=r"lr_find\(optimizer\)"):
        lr_find(model, X, Y, optimizer="adam")
    with pytest.raises(ValueError, match=r"lr_find\(start\)"):
        lr_find(model, X, Y, start=0)
