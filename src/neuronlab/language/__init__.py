"""Character-level language models: the makemore lectures' ladder on neuronlab's tensor engine.

- ``model``: ``LanguageModel``, a ``Sequential`` that reads contexts of
  ``block_size`` characters and knows its ``Vocabulary``.
- ``ladder``: ``bigram_network``, ``mlp``, ``batchnorm_mlp``, ``wavenet``
  (and ``LADDER``, the models by name), each with the lecture's layers and start.
- ``counts``: the bigram count table, the first rung (no training).
- ``sampling``: ``sample``, new words with a temperature and top-k.
- ``recipes``: how each model is trained, the lectures' way and neuronlab's.

>>> from neuronlab import datasets
>>> from neuronlab.data import Vocabulary
>>> vocab = Vocabulary.from_words(datasets.names())
>>> mlp(vocab, seed=0).num_parameters(), wavenet(vocab, seed=0).num_parameters()
(11897, 76579)
"""

from .counts import BigramCounts, count_bigrams
from .ladder import LADDER, RUNGS, LadderModel, batchnorm_mlp, bigram_network, mlp, wavenet
from .model import LanguageModel
from .recipes import DEFAULTS, LECTURE, RECIPE_SETS, Recipe, fit_options, recipe_for
from .sampling import next_character_probabilities, sample

__all__ = [
    "DEFAULTS",
    "LADDER",
    "LECTURE",
    "RECIPE_SETS",
    "RUNGS",
    "BigramCounts",
    "LadderModel",
    "LanguageModel",
    "Recipe",
    "batchnorm_mlp",
    "bigram_network",
    "count_bigrams",
    "fit_options",
    "mlp",
    "next_character_probabilities",
    "recipe_for",
    "sample",
    "wavenet",
]
