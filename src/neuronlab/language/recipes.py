"""How each model of the ladder is trained: the lectures' recipes and neuronlab's own.

A ``Recipe`` is data: the optimiser, learning rate and its schedule, the
number of steps and the batch size.  ``LECTURE`` reproduces the lectures
(SGD, batches of 32 drawn at random, 200,000 steps, lr 0.1 dropped to 0.01
after 100,000 steps, 150,000 for the WaveNet); ``DEFAULTS`` is what
``neuronlab makemore`` uses when given no options: AdamW with a cosine
schedule, which reaches a lower dev loss than the lecture for every model in
no more steps.  ``fit_options(recipe, model)`` turns one into the arguments
of ``fit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..optim import OPTIMIZERS, CosineAnnealingLR, LRScheduler, MultiStepLR, Optimizer
from ..util.checks import one_of, positive_number, whole_number
from .ladder import LADDER

__all__ = ["DEFAULTS", "LECTURE", "RECIPE_SETS", "Recipe", "fit_options", "recipe_for"]


@dataclass(frozen=True)
class Recipe:
    """How to train one model of the ladder.

    optimizer: a name of ``optim.OPTIMIZERS`` ("sgd", "adam", "adamw").
    schedule: "drop" (lr × 0.1 after ``drop_at`` steps), "cosine" (half a
    cosine from lr down to lr / 100) or "constant".  batch_size None: every
    step sees all the training data (the bigram network's full-batch
    descent).  l2: the lecture's regulariser, l2 · Σ W².  data: "split"
    (train on the lectures' 80 % split, report the dev loss) or "all" (train
    and score on every word, as the bigram lecture does).  lecture: the
    lecture's figure for this recipe's loss, if any.
    """

    model: str
    optimizer: str
    lr: float
    steps: int
    batch_size: int | None = 32
    schedule: str = "constant"
    drop_at: int | None = None
    weight_decay: float = 0.0
    l2: float = 0.0
    data: str = "split"
    options: dict[str, Any] = field(default_factory=dict)
    lecture: float | None = None

    def with_steps(self, steps: int) -> Recipe:
        """The same recipe over ``steps`` steps, the lr drop moved in proportion."""
        steps = whole_number(steps, "steps", minimum=1)
        drop = None if self.drop_at is None else max(1, round(self.drop_at * steps / self.steps))
        return replace(self, steps=steps, drop_at=drop)


#: The lectures' recipes, model by model.
LECTURE: dict[str, Recipe] = {
    # W = randn(27, 27), 0.01 · mean(W²), full-batch descent with lr 50 on every bigram
    "bigram": Recipe("bigram", "sgd", 50.0, 200, None, l2=0.01 / 729, data="all", lecture=2.48),
    "mlp": Recipe(
        "mlp", "sgd", 0.1, 200_000, 32, "drop", 100_000, options={"init": "normal"}, lecture=2.17
    ),
    "batchnorm": Recipe("batchnorm", "sgd", 0.1, 200_000, 32, "drop", 100_000, lecture=2.105),
    "wavenet": Recipe("wavenet", "sgd", 0.1, 200_000, 32, "drop", 150_000, lecture=1.993),
}

#: neuronlab's own: AdamW and a cosine schedule (``neuronlab makemore`` with no options).  Each
#: reaches a lower dev loss than the lecture's in no more steps (bench_makemore.py --ladder);
#: the WaveNet, which learns its training words by heart, gets dropout 0.1 after each tanh.
DEFAULTS: dict[str, Recipe] = {
    "bigram": Recipe("bigram", "adamw", 0.1, 200, None, "cosine", data="all"),
    "mlp": Recipe("mlp", "adamw", 0.003, 100_000, 64, "cosine", options={"init": "kaiming"}),
    "batchnorm": Recipe("batchnorm", "adamw", 0.003, 200_000, 64, "cosine"),
    "wavenet": Recipe(
        "wavenet",
        "adamw",
        0.002,
        200_000,
        64,
        "cosine",
        weight_decay=0.01,
        options={"dropout": 0.1},
    ),
}

#: Recipe set name -> its recipes, for ``--recipe``.
RECIPE_SETS: dict[str, dict[str, Recipe]] = {"lecture": LECTURE, "default": DEFAULTS}
assert all(set(recipes) == set(LADDER) for recipes in RECIPE_SETS.values())


def recipe_for(model: str, recipes: str = "default") -> Recipe:
    """The recipe of one ladder model (``"mlp"``...) from a set (``"default"``, ``"lecture"``)."""
    one_of(recipes, RECIPE_SETS, "recipe set")
    one_of(model, LADDER, "model")
    return RECIPE_SETS[recipes][model]


def _optimizer(recipe: Recipe, params: list[Any]) -> Optimizer:
    lr = positive_number(recipe.lr, "recipe lr")
    kind = OPTIMIZERS[OPTIMIZERS.check(recipe.optimizer, "recipe optimizer")].builds
    return kind(params, lr=lr, weight_decay=recipe.weight_decay)


def _schedule(recipe: Recipe, optimizer: Optimizer) -> LRScheduler | None:
    if recipe.schedule == "drop" and recipe.drop_at is not None:
        return MultiStepLR(optimizer, milestones=[recipe.drop_at], gamma=0.1)
    if recipe.schedule == "cosine":
        return CosineAnnealingLR(optimizer, T_max=recipe.steps, eta_min=recipe.lr / 100)
    return None


def fit_options(recipe: Recipe, model: Any) -> dict[str, Any]:
    """The arguments of ``fit`` that train ``model`` by ``recipe``.

    ``fit(model, X, Y, loss="cross_entropy", **fit_options(recipe, model))``.
    """
    optimizer = _optimizer(recipe, model.parameters())
    return {
        "optimizer": optimizer,
        "scheduler": _schedule(recipe, optimizer),
        "steps": recipe.steps,
        "batch_size": recipe.batch_size,
        "batches": "epochs" if recipe.batch_size is None else "random",
        "l2": recipe.l2,
    }
