"""Training: the ``Trainer`` (one batch per ``step()``), ``fit``, ``evaluate`` and ``predict``.

There is one training loop, ``Trainer.step()``; ``fit`` runs it for some
epochs, and the command line and the lab drive it too.
"""

from .diagnostics import TrainingWarning
from .fit import fit
from .history import History, TrainingDiverged
from .inputs import as_features, as_targets
from .trainer import DEFAULT_LR, Trainer, evaluate, predict

__all__ = [
    "Trainer",
    "fit",
    "evaluate",
    "predict",
    "History",
    "TrainingDiverged",
    "TrainingWarning",
    "DEFAULT_LR",
    "as_features",
    "as_targets",
]
