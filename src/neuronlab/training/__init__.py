"""Training: the ``Trainer`` (one batch per ``step()``), ``fit``, ``evaluate`` and ``predict``.

There is one training loop, ``Trainer.step()``; ``fit`` runs it for some
epochs, and the command line and the lab drive it too.
"""

from .diagnostics import TrainingWarning
from .fit import fit
from .history import Checkpoint, History, TrainingDiverged
from .inputs import as_features, as_targets
from .lr_finder import LRSweep, lr_find
from .trainer import BATCHES, DEFAULT_LR, Trainer, evaluate, model_inputs, predict
from .updates import GUIDE, UpdateWatch, update_ratio

__all__ = [
    "BATCHES",
    "DEFAULT_LR",
    "GUIDE",
    "Checkpoint",
    "History",
    "LRSweep",
    "Trainer",
    "TrainingDiverged",
    "TrainingWarning",
    "UpdateWatch",
    "as_features",
    "as_targets",
    "evaluate",
    "fit",
    "lr_find",
    "model_inputs",
    "predict",
    "update_ratio",
]
