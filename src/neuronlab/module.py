"""Module: the one protocol every network follows, on either engine.

A module finds its parameters by looking at its own attributes: a ``Value``
(or a ``Tensor`` that requires grad) is a parameter, a ``Module`` is a child
whose parameters are named ``child.name``, and a list or tuple of either is
numbered (``neurons.0.w.1``).  This is the walk PyTorch's ``nn.Module`` does
through registered attributes, without the registration machinery.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .engine import Value

__all__ = ["Module", "is_parameter"]


def is_parameter(obj: object) -> bool:
    """True for things an optimiser updates: a ``Value``, or a ``Tensor`` that requires grad."""
    if type(obj) is Value:
        return True
    return bool(getattr(obj, "requires_grad", False)) and isinstance(
        getattr(obj, "data", None), np.ndarray
    )


class Module:
    """Base class of neurons, layers and networks on both engines.

    Subclasses define ``forward``; calling the module calls it.  Parameters are
    found by attribute (see the module docstring), so a subclass only has to
    store them.
    """

    training: bool = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; subclasses must define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    # -- the tree of children and parameters --------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules, with their attribute names (lists numbered: ``layers.0``)."""
        for name, obj in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(obj, Module):
                yield name, obj
            elif isinstance(obj, (list, tuple)):
                for i, item in enumerate(obj):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Any]]:
        """Every parameter with a dotted name, in a fixed order, each once."""
        seen: set[int] = set()
        for name, p in self._walk_parameters(prefix):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Any]]:
        for name, obj in vars(self).items():
            if name.startswith("_"):
                continue
            full = f"{prefix}{name}"
            if is_parameter(obj):
                yield full, obj
            elif isinstance(obj, Module):
                yield from obj._walk_parameters(full + ".")
            elif isinstance(obj, (list, tuple)):
                for i, item in enumerate(obj):
                    if is_parameter(item):
                        yield f"{full}.{i}", item
                    elif isinstance(item, Module):
                        yield from item._walk_parameters(f"{full}.{i}.")

    def _parameter_list(self) -> list[Any]:
        """The objects ``_walk_parameters`` yields, in its order, without making their names.

        Layers that walk their parameters themselves give them straight (the
        training loop asks for them every step); anything else takes this walk.
        """
        return [p for _, p in self._walk_parameters("")]

    def parameters(self) -> list[Any]:
        """Every parameter (``Value`` or ``Tensor``), in the order of ``named_parameters``."""
        params = self._parameter_list()
        if len({id(p) for p in params}) == len(params):  # the usual case: each found once
            return params
        seen: set[int] = set()
        return [p for p in params if not (id(p) in seen or seen.add(id(p)))]

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, depth first."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    def num_parameters(self) -> int:
        """How many numbers the parameters hold in all."""
        return sum(1 if type(p) is Value else int(p.data.size) for p in self.parameters())

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero (before the next ``backward``)."""
        for p in self.parameters():
            if type(p) is Value:
                p.grad = 0.0
            else:
                p.zero_grad()

    # -- training / evaluation mode ------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Put this module and its children in training mode (or evaluation, with False)."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): expected a bool, got {type(mode).__name__}")
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Put this module and its children in evaluation mode."""
        return self.train(False)

    # -- saving and restoring numbers ------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """A copy of every parameter's numbers by name: floats for Values, arrays for Tensors."""
        return {
            name: p.data if type(p) is Value else np.array(p.data, copy=True)
            for name, p in self.named_parameters()
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state`` (as made by ``state_dict``).

        Checks everything first (names, types, shapes) and changes nothing
        unless all of it fits.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict: expected a dict of name -> numbers, got {type(state).__name__}"
            )
        params = dict(self.named_parameters())
        missing = sorted(set(params) - set(state))
        unexpected = sorted(set(state) - set(params))
        if missing or unexpected:
            raise ValueError(
                "load_state_dict: names do not match this model "
                f"(missing: {missing[:5] or 'none'}; unexpected: {unexpected[:5] or 'none'})"
            )
        staged: list[tuple[Any, Any]] = []
        for name, p in params.items():
            new = state[name]
            if type(p) is Value:
                if not isinstance(new, numbers.Real) or isinstance(new, bool):
                    raise TypeError(
                        f"load_state_dict: {name} expects a number, got {type(new).__name__}"
                    )
                staged.append((p, float(new)))
            else:
                arr = np.asarray(new)
                if arr.shape != p.data.shape:
                    raise ValueError(
                        f"load_state_dict: {name} expects shape {p.data.shape}, got {arr.shape}"
                    )
                if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
                    raise TypeError(f"load_state_dict: {name} needs real numbers, not {arr.dtype}")
                staged.append((p, arr.astype(p.data.dtype)))
        for p, new in staged:
            if type(p) is Value:
                p.data = new
            else:
                p.data[...] = new

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def all_finite(params: list[Any]) -> bool:
    """True when every parameter's data and grad are finite numbers."""
    for p in params:
        if type(p) is Value:
            if not (math.isfinite(p.data) and math.isfinite(p.grad)):
                return False
        elif not (np.isfinite(p.data).all() and (p.grad is None or np.isfinite(p.grad).all())):
            return False
    return True
