"""The activation functions a layer can apply, by name: one list for both engines.

Each name is a method of both ``Value`` and ``Tensor`` (``n.relu()``), except
"linear", which leaves the weighted sum as it is.  The tensor layers have a
layer class for each (``ReLU``, ...); the scalar neurons call the method.
"""

from __future__ import annotations

from typing import Any

from ..util.checks import one_of

__all__ = ["ACTIVATIONS", "check_activation", "activate"]

#: Activation name -> what it computes from the weighted sum n, and its slope.
ACTIVATIONS: dict[str, str] = {
    "linear": "n itself;  d/dn = 1",
    "relu": "max(0, n);  d/dn = 1 if n > 0 else 0",
    "tanh": "tanh n;  d/dn = 1 - tanh(n)**2",
    "sigmoid": "1 / (1 + e**-n);  d/dn = σ(n) (1 - σ(n))",
    "step": "1 if n > 0 else 0;  d/dn = 0 (nothing flows back: only later layers learn)",
}


def check_activation(name: object, what: str = "activation") -> str:
    """``name`` when it is one of ``ACTIVATIONS``; otherwise a ValueError listing them."""
    return one_of(name, ACTIVATIONS, what)  # type: ignore[return-value]


def activate(n: Any, name: str) -> Any:
    """The activation ``name`` applied to ``n`` (a Value or a Tensor)."""
    return n if name == "linear" else getattr(n, name)()
