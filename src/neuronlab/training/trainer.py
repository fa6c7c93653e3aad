"""The Trainer: gradient descent one batch at a time, the one training loop of neuronlab.

``fit()``, the command line and the lab all train through ``Trainer.step()``::

    trainer = Trainer(model, X, y, loss="cross_entropy", lr=0.1, batch_size=32, seed=0)
    trainer.step()                    # one batch: forward, loss, backward, update
    trainer.epoch()                   # the rest of this epoch
    trainer.evaluate(X_test, y_test)  # loss and accuracy, without a graph
    trainer.history                   # one row of figures per finished epoch

Each step: the predictions for a batch, the loss (plus ``l2 · Σ p²`` if
asked), ``zero_grad``, ``backward``, ``optimizer.step``, ``scheduler.step``.
If the loss or a gradient stops being a finite number, the step raises
``TrainingDiverged`` and the model keeps the last parameters that were finite.

Batches come in one of two ways (``BATCHES``): "epochs" shows every example
once per epoch, in a new order each time; "random" draws every batch afresh
with replacement, as the language-model lectures do
(``ix = torch.randint(0, n, (32,))``), and an "epoch" is then simply as many
steps as it takes to draw n examples.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Union

import numpy as np
import numpy.typing as npt

from ..losses import get_loss, loss_name, prepare_targets
from ..metrics import correct_count
from ..nn.module import Module, evaluation_mode
from ..nn.sequence import Embedding
from ..optim import SGD, LRScheduler, Optimizer
from ..util.checks import describe, flag, non_negative_number, one_of, whole_number
from ..util.rng import Seed, make_rng
from .diagnostics import Diagnostics
from .history import Checkpoint, History, TrainingDiverged
from .inputs import as_features, as_indices, as_targets
from .updates import UpdateWatch

__all__ = ["BATCHES", "DEFAULT_LR", "Trainer", "evaluate", "model_inputs", "predict"]

#: The learning rate of the SGD optimiser made when none is given.
DEFAULT_LR = 0.1
#: How batches are drawn: each example once per epoch, or each batch afresh with replacement.
BATCHES = ("epochs", "random")
#: Random batches drawn from the generator at a time.
RANDOM_BLOCK = 1024

#: Indices into the training examples (an epoch's order, a block of random batches).
IndexArray = npt.NDArray[np.integer[Any]]
LossArg = Union[str, Callable[[Any, Any], Any]]  # noqa: UP007 (a runtime alias on 3.10)


def _check_model(model: object, where: str) -> Module:
    if not isinstance(model, Module):
        raise TypeError(f"{where}(model): expected a neuronlab Module, got {describe(model)}")
    if not model.parameters():
        raise ValueError(f"{where}(model): the model has no parameters to train")
    return model


def model_inputs(model: Module, X: Any, where: str, *, dtype: Any = None) -> np.ndarray:
    """``X`` checked and converted once, as ``model`` reads it.

    Integer indices for a model that starts with an ``Embedding`` (checked to
    fit its table), otherwise features of the parameters' dtype (or ``dtype``).
    """
    engine = model.engine
    if model.takes_indices():
        table = next(m for m in model.modules() if isinstance(m, Embedding))
        return as_indices(X, where, table.num_embeddings)
    if dtype is None:
        dtype = engine.feature_dtype(model.parameters())
    return as_features(X, where, dtype, rows_only=engine.rows_only)


def _optimizer_for(
    model: Module, optimizer: Any, scheduler: Any, lr: float | None, where: str
) -> tuple[Optimizer, LRScheduler | None]:
    """The optimiser and schedule to train with: given, the schedule's, or SGD(lr)."""
    if scheduler is not None and not isinstance(scheduler, LRScheduler):
        raise TypeError(f"{where}(scheduler): expected an LRScheduler, got {describe(scheduler)}")
    if optimizer is None and scheduler is not None:
        optimizer = scheduler.optimizer  # the optimiser the schedule was made for
    if optimizer is not None and lr is not None:
        raise ValueError(
            f"{where}: give either an optimizer (which has its own lr) or lr, not both"
        )
    if scheduler is not None and optimizer is not scheduler.optimizer:
        raise ValueError(f"{where}: the scheduler steps a different optimizer than the one given")
    if optimizer is None:
        return SGD(model.parameters(), lr=DEFAULT_LR if lr is None else lr), None
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{where}(optimizer): expected an Optimizer, got {describe(optimizer)}")
    return optimizer, scheduler


class Trainer:
    """Trains ``model`` on ``(X, y)`` one batch per ``step()``.

    loss: "mse", "bce", "hinge" (0/1 labels are mapped to ±1), "cross_entropy"
    or a function ``(predictions, targets) -> loss``.  optimizer: defaults to
    ``SGD(model.parameters(), lr)`` (lr 0.1); give an optimizer or lr, not
    both.  batch_size: examples per step (all of them when None).  seed: the
    order of the examples, reshuffled every epoch (``shuffle=False``: in order).
    l2: adds ``l2 · Σ p²`` to the loss; l1: adds ``l1 · Σ |p|``.  scheduler: stepped after every
    optimiser step.  validation: ``(X_val, y_val)`` evaluated after every epoch.
    diagnose: warn once (``TrainingWarning``) about a stuck or overshooting run.
    batches: "epochs" (each example once per epoch) or "random" (each batch
    drawn with replacement, the lectures' way).  eval_every: every this many
    steps, the loss on all of ``X`` and on ``validation`` goes into
    ``history.checkpoints``.  record_updates: every this many steps, each
    weight matrix's update:data ratio goes into ``history.update_ratios``
    (0: never; it copies the weights before those steps).
    where: the name error messages give the caller (``fit`` passes "fit").
    """

    def __init__(
        self,
        model: Module,
        X: Any,
        y: Any,
        *,
        loss: LossArg = "mse",
        optimizer: Optimizer | None = None,
        lr: float | None = None,
        batch_size: int | None = None,
        seed: Seed = 0,
        shuffle: bool = True,
        l2: float = 0.0,
        l1: float = 0.0,
        scheduler: LRScheduler | None = None,
        validation: tuple[Any, Any] | None = None,
        diagnose: bool = True,
        batches: str = "epochs",
        eval_every: int | None = None,
        record_updates: int = 0,
        where: str = "Trainer",
    ) -> None:
        self.model = _check_model(model, where)
        self.engine = model.engine  # chosen once: every step asks it, never the parameter types
        self.params = model.parameters()
        self.X = model_inputs(model, X, f"{where}(X)")
        self.loss_name = loss_name(loss)
        self.loss_fn = get_loss(loss)
        self.y = prepare_targets(loss, as_targets(y, len(self.X), f"{where}(y)"))
        self.optimizer, self.scheduler = _optimizer_for(model, optimizer, scheduler, lr, where)
        self.n = len(self.X)
        self.batches = one_of(batches, BATCHES, f"{where}(batches)")
        self.batch_size = self._batch_size(batch_size, where)
        self.steps_per_epoch = math.ceil(self.n / self.batch_size)
        self.l2 = non_negative_number(l2, f"{where}(l2)")
        self.l1 = non_negative_number(l1, f"{where}(l1)")
        self.shuffle = flag(shuffle, f"{where}(shuffle)")
        self.validation = self._validation_data(validation, where)
        self.eval_every = (
            None
            if eval_every is None
            else whole_number(eval_every, f"{where}(eval_every)", minimum=1)
        )
        self.record_updates = whole_number(record_updates, f"{where}(record_updates)", minimum=0)
        self._start(make_rng(seed), flag(diagnose, f"{where}(diagnose)"))

    def _start(self, rng: np.random.Generator, diagnose: bool) -> None:
        """The state of a run that has taken no step yet."""
        self._watch = UpdateWatch(list(self.model.named_parameters()))
        self.history = History()
        self.history.update_ratios.update((name, []) for name in self._watch.names)
        self.epochs_done = 0
        self.steps_done = 0
        self.last_loss: float | None = None
        self._rng = rng
        # random batches, drawn ahead
        self._block: IndexArray = np.empty((0, self.batch_size), dtype=np.int64)
        self._drawn = 0
        self._order: IndexArray = np.arange(self.n)
        self._position = self.n  # the next step starts an epoch
        self._epoch_loss = 0.0
        self._epoch_seen = 0
        self._epoch_correct: int | None = 0
        self._epoch_lr = self.optimizer.lr
        dtype = self.engine.feature_dtype(self.params)
        self._limit = float(np.finfo(dtype).max) / 16  # far enough below overflow
        self._magnitude = self.engine.largest_magnitude(self.optimizer.params)  # bounds max |p|
        self.diagnostics = Diagnostics(self.model, self.X) if diagnose else None
        if self.diagnostics is not None:
            self.diagnostics.at_start()

    def _batch_size(self, batch_size: int | None, where: str) -> int:
        """Examples per step: all by default; no more than there are when drawn at random."""
        if batch_size is None:
            return self.n
        size = whole_number(batch_size, f"{where}(batch_size)", minimum=1)
        if self.batches == "random" and size > self.n:
            raise ValueError(
                f"{where}(batch_size): a batch of {size:,} drawn at random from {self.n:,} "
                "examples would repeat examples in every batch; use at most the number of examples"
            )
        return size

    def _validation_data(self, validation: Any, where: str) -> tuple[np.ndarray, Any] | None:
        if validation is None:
            return None
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise TypeError(f"{where}(validation): expected a pair (X_val, y_val)")
        X_val = model_inputs(self.model, validation[0], f"{where}(validation X)")
        y_val = as_targets(validation[1], len(X_val), f"{where}(validation y)")
        return X_val, y_val

    @property
    def order(self) -> IndexArray:
        """The order of the examples in the current (or last) epoch, as indices into X."""
        return np.copy(self._order)

    @property
    def epoch_progress(self) -> float:
        """How far into the current epoch the trainer is, from 0 to 1."""
        return 0.0 if self._position >= self.n else self._position / self.n

    def __repr__(self) -> str:
        return (
            f"<Trainer: {self.epochs_done} epochs, {self.steps_done} steps, {self.n} examples, "
            f"batch {self.batch_size}, loss {self.loss_name}, {self.optimizer!r}>"
        )

    # -- one step ---------------------------------------------------------------------

    def step(self) -> float:
        """Train on the next batch; returns its loss (before the update)."""
        idx = self._next_batch()
        Xb, yb = self.X.take(idx, axis=0), self.y.take(idx, axis=0)
        engine = self.engine
        watched = self._weights_before()
        with engine.step_context():
            predictions = engine.forward(self.model, Xb)
            batch_loss = self.loss_fn(predictions, yb)
            if self.l2:
                batch_loss = batch_loss + self.l2 * engine.sum_of_squares(self.params)
            if self.l1:
                batch_loss = batch_loss + self.l1 * engine.sum_of_magnitudes(self.params)
            value = engine.item(batch_loss)
            if not math.isfinite(value):
                raise self._diverged("the loss", value)
            for p in self.params:  # the model's zero_grad, without walking its modules again
                p.zero_grad()
            batch_loss.backward()
            self._update()
        if self.scheduler is not None:
            self.scheduler.step()
        self._count(engine.outputs(predictions), yb, value)
        self._position += len(idx)
        self.steps_done += 1
        self.last_loss = value
        self.history.batch_loss.append(value)
        if watched is not None:
            self._look_at_updates(watched)
        if self.eval_every is not None and self.steps_done % self.eval_every == 0:
            self.checkpoint()
        if self._position >= self.n:
            self._finish_epoch()
        return value

    def _next_batch(self) -> IndexArray:
        """The indices of the next batch: the epoch's next slice, or drawn with replacement.

        Random batches are drawn ``RANDOM_BLOCK`` at a time (one call to the
        generator instead of one per step); the same seed gives the same batches.
        """
        if self._position >= self.n:
            self._start_epoch()
        if self.batches == "random":
            if self._drawn >= len(self._block):
                self._block = self._rng.integers(0, self.n, (RANDOM_BLOCK, self.batch_size))
                self._drawn = 0
            self._drawn += 1
            batch: IndexArray = self._block[self._drawn - 1]
        else:
            batch = self._order[self._position : self._position + self.batch_size]
        return batch

    def _weights_before(self) -> list[np.ndarray] | None:
        """Copies of the weight matrices when this step's update is to be measured, else None."""
        if not self._watch:
            return None
        step = self.steps_done + 1
        record = self.record_updates and (step - 1) % self.record_updates == 0
        check = self.diagnostics is not None and self.diagnostics.wants_updates(step)
        return self._watch.before() if record or check else None

    def _look_at_updates(self, before: list[np.ndarray]) -> None:
        """Record (and let the diagnostics judge) the update:data ratios of the step just taken."""
        ratios = self._watch.ratios(before)
        step = self.steps_done
        if self.record_updates and (step - 1) % self.record_updates == 0:
            self.history.update_steps.append(step)
            for name, ratio in zip(self._watch.names, ratios):
                self.history.update_ratios[name].append(ratio)
        if self.diagnostics is not None and self.diagnostics.wants_updates(step):
            self.diagnostics.after_updates(dict(zip(self._watch.names, ratios)), self.optimizer.lr)

    def checkpoint(self) -> Checkpoint:
        """The loss on all the training data and on the validation data now, kept in history."""
        loss = self.evaluate(self.X, self.y)["loss"]
        val = None if self.validation is None else self.evaluate(*self.validation)["loss"]
        point = Checkpoint(self.steps_done, loss, val, self.optimizer.lr)
        self.history.checkpoints.append(point)
        return point

    def _update(self) -> None:
        """optimizer.step(), with a snapshot to fall back on only when it could overflow.

        A parameter can only become infinite if the update is huge: when its
        largest entry plus the most the optimiser can move it stays far below
        overflow, the step is taken as it is (the usual case, and no copies).
        (Σ grad² underflows to 0 for gradients below about 1e-154, which only
        leaves out moves far too small to matter for overflow.)
        """
        engine, trained = self.engine, self.optimizer.params
        grad_norm2 = engine.grad_norm_squared(trained)
        if not math.isfinite(grad_norm2):
            raise self._diverged("a gradient", "non-finite")
        change = self.optimizer.max_change(math.sqrt(grad_norm2))
        if change is not None and not self._magnitude + change < self._limit:
            self._magnitude = engine.largest_magnitude(trained)  # the bound may just be loose
        if change is not None and self._magnitude + change < self._limit:
            self.optimizer.step()
            self._magnitude += change
            return
        saved = engine.snapshot(trained)
        self.optimizer.step()
        if not engine.data_finite(trained):
            engine.restore(trained, saved)
            raise self._diverged("a parameter", "non-finite")
        self._magnitude = engine.largest_magnitude(trained)

    def _count(self, outputs: np.ndarray, yb: np.ndarray, value: float) -> None:
        self._epoch_loss += value * len(yb)
        self._epoch_seen += len(yb)
        if self._epoch_correct is not None:
            correct = correct_count(outputs, yb, self.loss_name)
            self._epoch_correct = None if correct is None else self._epoch_correct + correct

    def _diverged(self, what: str, value: float | str) -> TrainingDiverged:
        epoch = self.epochs_done + 1
        step = self.steps_done + 1
        return TrainingDiverged(
            f"training diverged: {what} became {value} at step {step} (epoch {epoch}); "
            f"the model keeps its last finite parameters. Try a lower learning rate "
            f"(it was {self.optimizer.lr:g}).",
            epoch=epoch,
            step=step,
            history=self.history,
        )

    # -- epochs -------------------------------------------------------------------------

    def _start_epoch(self) -> None:
        if self.batches == "epochs":
            shuffled = self.shuffle and self.batch_size < self.n
            self._order = self._rng.permutation(self.n) if shuffled else np.arange(self.n)
        self._position = 0
        self._epoch_loss = 0.0
        self._epoch_seen = 0
        self._epoch_correct = 0
        self._epoch_lr = self.optimizer.lr

    def _finish_epoch(self) -> None:
        history = self.history
        seen = max(1, self._epoch_seen)
        history.loss.append(self._epoch_loss / seen)
        correct = self._epoch_correct
        history.accuracy.append(None if correct is None else correct / seen)
        history.lr.append(self._epoch_lr)
        if self.validation is not None:
            figures = self.evaluate(*self.validation)
            history.val_loss.append(figures["loss"])
            history.val_accuracy.append(figures["accuracy"])
        self.epochs_done += 1
        if self.diagnostics is not None:
            self.diagnostics.after_epoch(history.loss[-1], self.optimizer.lr)

    def epoch(self) -> dict[str, float | None]:
        """Train until the current epoch ends (a whole one when none is under way).

        Returns that epoch's figures, as ``history.final()``.
        """
        target = self.epochs_done + 1
        while self.epochs_done < target:
            self.step()
        return self.history.final()

    def evaluate(self, X: Any, y: Any) -> dict[str, Any]:
        """Loss and accuracy on ``(X, y)`` under this trainer's loss (see ``evaluate``)."""
        return evaluate(self.model, X, y, loss=self.loss_fn)


def _chunks(X: np.ndarray, rows: int) -> list[np.ndarray]:
    """``X`` in pieces of at most ``rows`` examples (views, no copies)."""
    return [X[start : start + rows] for start in range(0, len(X), rows)]


def evaluate(model: Module, X: Any, y: Any, loss: LossArg | None = None) -> dict[str, Any]:
    """The model's loss and accuracy on ``(X, y)``, computed without keeping gradients.

    loss: as in ``fit`` ("mse", "bce", "hinge", "cross_entropy" or a function);
    by default "cross_entropy" for a model with several outputs and "mse" for
    one.  Returns ``{"loss": float, "accuracy": float or None, "n": examples}``;
    accuracy is read from the outputs the way training reads it (None for
    regression).  Large inputs are evaluated in pieces of ``engine.eval_rows``;
    the loss is the mean over all of them.  The model is evaluated in
    evaluation mode (BatchNorm's running statistics, no dropout) and each of
    its modules is put back in the mode it was in.
    """
    model = _check_model(model, "evaluate")
    engine = model.engine
    X = model_inputs(model, X, "evaluate(X)")
    y = as_targets(y, len(X), "evaluate(y)")
    if loss is not None:
        get_loss(loss)  # an unknown name fails before any work
    total = 0.0
    correct: int | None = 0
    with engine.no_grad(), evaluation_mode(model):
        for Xb, yb in zip(_chunks(X, engine.eval_rows), _chunks(y, engine.eval_rows)):
            predictions = engine.forward(model, Xb)
            out = engine.outputs(predictions)
            if loss is None:
                loss = "cross_entropy" if out.ndim == 2 and out.shape[1] > 1 else "mse"
            yb = prepare_targets(loss, yb)
            total += engine.item(get_loss(loss)(predictions, yb)) * len(yb)
            count = correct_count(out, yb, loss)
            correct = None if count is None or correct is None else correct + count
    accuracy = None if correct is None else correct / len(X)
    return {"loss": total / len(X), "accuracy": accuracy, "n": len(X)}


def predict(model: Module, X: Any) -> np.ndarray:
    """The model's outputs for every row of X, as a NumPy array (no gradients kept).

    Shape (n,) for one output per example, (n, k) for k outputs; computed
    in evaluation mode, as ``evaluate``.
    """
    model = _check_model(model, "predict")
    engine = model.engine
    X = model_inputs(model, X, "predict(X)")
    with engine.no_grad(), evaluation_mode(model):
        parts = [engine.outputs(engine.forward(model, Xb)) for Xb in _chunks(X, engine.eval_rows)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
