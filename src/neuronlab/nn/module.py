"""Module: the one protocol every network follows, on either engine.

A module finds its parameters by looking at its own attributes: a ``Value``
(or a ``Tensor`` that requires grad) is a parameter, a ``Module`` is a child
whose parameters are named ``child.name``, and a list or tuple of either is
numbered (``neurons.0.w.1``).  This is the walk PyTorch's ``nn.Module`` does
through registered attributes, without the registration machinery.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..util.checks import flag
from .engines import Engine, engine_of_parameter, is_parameter, one_engine

__all__ = ["LayerOutput", "Module", "evaluation_mode", "is_parameter", "training_mode"]


@dataclass(frozen=True)
class LayerOutput:
    """What one layer of a network computes for a batch of inputs.

    ``layer`` counts the weighted layers from 1, ``activation`` is applied
    after its weighted sum, ``values`` has one row per example and one column
    per neuron, and ``hidden`` is False for the output layer.
    """

    layer: int
    activation: str
    values: np.ndarray
    hidden: bool


class Module:
    """Base class of neurons, layers and networks on both engines.

    Subclasses define ``forward``; calling the module calls it.  Parameters are
    found by attribute (see the module docstring), so a subclass only has to
    store them.
    """

    training: bool = True
    #: The engine a module of this class computes with (None: decided by its parts).
    ENGINE: ClassVar[Engine | None] = None
    #: Attributes holding arrays the module keeps besides its parameters (BatchNorm's running
    #: statistics): in ``state_dict``, saved and exported with the parameters, never trained.
    BUFFERS: ClassVar[tuple[str, ...]] = ()

    @property
    def engine(self) -> Engine:
        """The engine this module computes with, chosen once by its type.

        The scalar networks (``Neuron``, ``Layer``, ``MLP``) use the scalar
        engine and the tensor layers the tensor engine; a module of your own
        uses the engine of its sub-modules and parameters, which must agree.
        """
        own = type(self).ENGINE
        if own is not None:
            return own
        engines = [m.engine for _, m in self.named_children()]
        engines += [engine_of_parameter(p) for p in self.parameters()]
        found = one_engine(engines, type(self).__name__)
        if found is None:
            raise ValueError(
                f"{type(self).__name__} has no parameters or sub-modules, so it has no engine"
            )
        return found

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; subclasses must define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def takes_indices(self) -> bool:
        """True when the module reads integer indices (it starts with an ``Embedding``).

        Training and evaluation then keep the inputs as integers instead of
        converting them to the parameters' float dtype.
        """
        return False

    def layer_outputs(self, X: Any) -> list[LayerOutput]:
        """Every layer's output for inputs ``X`` (one row per example), computed without a graph.

        Networks made of layers (``MLP``, ``Sequential``) answer; a module of
        your own raises NotImplementedError unless it defines this.
        """
        raise NotImplementedError(f"{type(self).__name__} does not list its layers' outputs")

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
        unique: dict[int, Any] = {}
        for p in params:
            unique.setdefault(id(p), p)
        return list(unique.values())

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """Every buffer (an array listed in a module's ``BUFFERS``) with a dotted name."""
        for name in type(self).BUFFERS:
            yield f"{prefix}{name}", getattr(self, name)
        for child_name, child in self.named_children():
            yield from child.named_buffers(f"{prefix}{child_name}.")

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, depth first."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    def num_parameters(self) -> int:
        """How many numbers the parameters hold in all."""
        params = self.parameters()
        if not params:
            return 0
        engine = self.engine
        return sum(engine.size(p) for p in params)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero (before the next ``backward``)."""
        for p in self.parameters():
            p.zero_grad()

    # -- training / evaluation mode ------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Put this module and its children in training mode (or evaluation, with False)."""
        mode = flag(mode, "train(mode)")
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Put this module and its children in evaluation mode."""
        return self.train(False)

    # -- saving and restoring numbers ------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """A copy of every parameter's numbers by name (floats for Values, arrays for Tensors),
        then of every buffer's (BatchNorm's running statistics), as PyTorch names them."""
        named = list(self.named_parameters())
        state = {name: self.engine.copy_data(p) for name, p in named} if named else {}
        state.update((name, np.array(b, copy=True)) for name, b in self.named_buffers())
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter and buffer from ``state`` (as made by ``state_dict``).

        Checks everything first (names, types, shapes) and changes nothing
        unless all of it fits.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict: expected a dict of name -> numbers, got {type(state).__name__}"
            )
        params = dict(self.named_parameters())
        buffers = dict(self.named_buffers())
        missing = sorted((set(params) | set(buffers)) - set(state))
        unexpected = sorted(set(state) - set(params) - set(buffers))
        if missing or unexpected:
            raise ValueError(
                "load_state_dict: names do not match this model "
                f"(missing: {missing[:5] or 'none'}; unexpected: {unexpected[:5] or 'none'})"
            )
        staged = [(b, _checked_buffer(name, b, state[name])) for name, b in buffers.items()]
        if params:
            engine = self.engine
            checked = [(p, engine.checked_data(name, p, state[name])) for name, p in params.items()]
            for p, new in checked:
                engine.assign(p, new)
        for b, new in staged:
            b[...] = new

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _checked_buffer(name: str, current: np.ndarray, new: Any) -> np.ndarray:
    """``new`` as numbers of ``current``'s shape and dtype, to replace a buffer's."""
    arr = np.asarray(new)
    if arr.shape != current.shape:
        raise ValueError(f"load_state_dict: {name} expects shape {current.shape}, got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"load_state_dict: {name} needs real numbers, not {arr.dtype}")
    if current.dtype.kind in "iu" and not np.array_equal(arr, np.round(arr)):
        raise ValueError(f"load_state_dict: {name} holds a count, a whole number, got {arr}")
    return arr.astype(current.dtype)


@contextlib.contextmanager
def evaluation_mode(model: Module) -> Iterator[Module]:
    """Every module of ``model`` in evaluation mode inside the block, each one's mode put back.

    ``with evaluation_mode(model): ...`` is how evaluation and sampling use
    BatchNorm's running statistics and switch dropout off without changing
    the mode a caller left the model in (a model half in training mode stays so).
    """
    with _modes(model, False):
        yield model


@contextlib.contextmanager
def training_mode(model: Module) -> Iterator[Module]:
    """Every module of ``model`` in training mode inside the block, each one's mode put back.

    (The lectures look inside a network in training mode: BatchNorm with the
    batch's own statistics.)
    """
    with _modes(model, True):
        yield model


@contextlib.contextmanager
def _modes(model: Module, training: bool) -> Iterator[None]:
    modes = [(m, m.training) for m in model.modules()]
    for m, _ in modes:
        m.training = training
    try:
        yield
    finally:
        for m, mode in modes:
            m.training = mode
