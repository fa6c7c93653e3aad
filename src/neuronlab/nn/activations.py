"""The activation functions a layer can apply: the one registry of their names, for both engines.

Each name but "linear" is a method of both ``Value`` and ``Tensor``
(``n.relu()``); "linear" leaves the weighted sum as it is.  The tensor layers
have a layer class for each (``ReLU``, ... in ``nn.layers.ACTIVATION_LAYERS``);
the scalar neurons call the method.  A new activation is added here (with its
method on both engines and its layer class); the command line, the lab's
menus and the model files read the names from ``ACTIVATIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import methodcaller
from typing import Any

from ..util.registry import Entry, Registry

__all__ = ["ACTIVATIONS", "ActivationEntry", "activate", "check_activation"]


@dataclass(frozen=True)
class ActivationEntry(Entry):
    """One activation: ``builds`` maps n to f(n); ``bounds`` is the (low, high) its outputs lie
    within (None: unbounded); ``silent_below_zero``: exactly 0 for every n <= 0, so a neuron
    whose weighted sums are all negative passes no gradient back; ``init``: the starting
    weights (a name of ``nn.init.INITS``) a layer followed by it gets by default (He for ReLU,
    Xavier otherwise); ``passes_gradient``: False when d/dn is 0 everywhere (the step), so
    nothing before it learns by gradient descent."""

    bounds: tuple[float, float] | None = None
    silent_below_zero: bool = False
    init: str = "xavier"
    passes_gradient: bool = True


def _identity(n: Any) -> Any:
    """The weighted sum as it is (the "linear" activation)."""
    return n


#: Activation name -> what it computes from the weighted sum n (``builds``: n -> f(n)).
ACTIVATIONS: Registry[ActivationEntry] = Registry(
    "activation",
    [
        ActivationEntry(
            "tanh", methodcaller("tanh"), "tanh n;  d/dn = 1 - tanh(n)**2", bounds=(-1.0, 1.0)
        ),
        ActivationEntry(
            "relu",
            methodcaller("relu"),
            "max(0, n);  d/dn = 1 if n > 0 else 0",
            silent_below_zero=True,
            init="he",
        ),
        ActivationEntry(
            "sigmoid",
            methodcaller("sigmoid"),
            "1 / (1 + e**-n);  d/dn = σ(n) (1 - σ(n))",
            bounds=(0.0, 1.0),
        ),
        ActivationEntry("linear", _identity, "n itself;  d/dn = 1"),
        ActivationEntry(
            "step",
            methodcaller("step"),
            "1 if n > 0 else 0;  d/dn = 0 (nothing flows back: only later layers learn)",
            bounds=(0.0, 1.0),
            silent_below_zero=True,
            passes_gradient=False,
        ),
    ],
)


def check_activation(name: object, where: str = "activation") -> str:
    """``name`` when it is one of ``ACTIVATIONS``; otherwise a ValueError listing them."""
    return ACTIVATIONS.check(name, where)


def activate(n: Any, name: str) -> Any:
    """The activation ``name`` applied to ``n`` (a Value or a Tensor)."""
    return ACTIVATIONS[name].builds(n)
