"""Value: a scalar with a gradient, and the reverse-mode autograd that fills it.

Every operation below computes its result *and* its local derivatives, and
stores them next to each other on the new node::

    out = Value(forward, inputs, local_derivatives, op)

``backward()`` then needs no per-node code at all: walking the graph from the
output, each node hands ``local * node.grad`` to each of its inputs (the chain
rule).  Because a node keeps numbers rather than a ``_backward`` closure that
refers back to itself, a graph holds no reference cycles and is freed by
reference counting the moment the loss goes out of scope.

Infinities and nan follow PyTorch (float64): no operation raises
``OverflowError`` or ``ZeroDivisionError``.
"""

from __future__ import annotations

import contextlib
import gc
import math
import numbers
from collections.abc import Iterator, Sequence
from operator import mul

from .walk import topological_order

__all__ = [
    "Value",
    "dot",
    "weighted_sum",
    "as_value",
    "chain_rule",
    "cycle_collector_paused",
]


def _number(x: object, where: str) -> float:
    """``x`` as a float, or an error naming the operation and what came."""
    if isinstance(x, numbers.Real):
        try:
            return float(x)
        except OverflowError:  # an int beyond ±1.8e308: PyTorch refuses it too
            came = type(x).__name__
            if isinstance(x, int):
                came = f"an int of about 10**{math.floor(math.log10(abs(x)))}"
            raise ValueError(
                f"{where}: expected a number within ±1.8e308 (a float), got {came}"
            ) from None
    if isinstance(x, Value):
        raise TypeError(f"{where}: expected a plain number, got a Value (use it, or its .data)")
    raise TypeError(
        f"{where}: expected a number (int or float) or a Value, got {type(x).__name__} {x!r:.60}"
    )


def as_value(x: object, where: str) -> Value:
    """Wrap a plain number as a constant ``Value``; pass a ``Value`` through.

    ``where`` names the operation for the ``TypeError`` anything else gets.
    """
    if type(x) is Value:
        return x
    return Value(_number(x, where))


def _compared(x: object, op: str) -> float:
    """The number a Value is compared with: a Value's ``data`` or a plain number as it is."""
    if type(x) is Value:
        return x.data
    if isinstance(x, numbers.Real):
        return x  # type: ignore[return-value]  # compared exactly, even an int beyond a float
    raise TypeError(f"Value {op} ?: expected a number or a Value, got {type(x).__name__} {x!r:.60}")


# -- the arithmetic of floats as IEEE 754 and PyTorch define it (Python's math raises) ----


def _exp(x: float) -> float:
    """e**x, with ``inf`` instead of ``OverflowError`` for large x."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log(x: float) -> float:
    """ln x as PyTorch gives it: ln 0 = -inf, ln of a negative = nan."""
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def _sigmoid(x: float) -> float:
    """1 / (1 + e**-x), computed so that neither branch can overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = _exp(x)
    return e / (1.0 + e)


def _divide(x: float, y: float) -> float:
    """x / y as IEEE floats (and PyTorch) define it: ±inf for x/0, nan for 0/0."""
    try:
        return x / y
    except ZeroDivisionError:
        if x == 0 or x != x:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)


def _pow(x: float, y: float) -> float:
    """x**y as IEEE pow: ±inf on overflow and for 0 to a negative power, nan off its domain."""
    try:
        return math.pow(x, y)
    except OverflowError:
        odd = y.is_integer() and int(y) % 2 == 1
        return -math.inf if (x < 0 and odd) else math.inf
    except ValueError:  # 0 to a negative power, or a negative base to a fraction
        if x == 0:
            odd = y.is_integer() and int(y) % 2 == 1
            return math.copysign(math.inf, x) if odd else math.inf
        return math.nan


def _power(x: float, k: float) -> float:
    """x**k for a number k as PyTorch computes it, with its shortcuts for six exponents.

    x*x, x*x*x, √x, 1/√x, 1/x, 1/(x*x) for k = 2, 3, 1/2, -1/2, -1, -2; IEEE pow
    otherwise.  So (-inf)**0.5 is nan (not inf), (-0.0)**-0.5 is -inf (not inf)
    and (1e160)**-2 is 0 (x*x overflows), exactly as in PyTorch.
    """
    if k == 2:
        return x * x
    if k == 3:
        return x * x * x
    if k == 0.5:
        return math.sqrt(x) if x >= 0 else math.nan
    if k == -0.5:
        return _divide(1.0, math.sqrt(x)) if x >= 0 else math.nan
    if k == -1:
        return _divide(1.0, x)
    if k == -2:
        return _divide(1.0, x * x)
    return _pow(x, k)


class Value:
    """A scalar that remembers how it was computed, so it can be differentiated.

    ``data`` is the number, ``grad`` is d(output)/d(this value) after
    ``output.backward()``, ``label`` is an optional name for pictures and
    explanations.  Arithmetic with other Values or plain numbers builds a graph.

    ``float(v)`` and ``v.item()`` give the number; ``<``, ``<=``, ``>``, ``>=``
    compare numbers and give a plain bool.  ``==`` is identity, as for any
    Python object (Values are dictionary keys): compare ``a.data == b.data``.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> L = a * b
    >>> L.backward()
    >>> a.grad, b.grad
    (-3.0, 2.0)
    >>> a > b, float(L)
    (True, -6.0)
    """

    __slots__ = ("data", "grad", "label", "inputs", "local_grads", "op")

    def __init__(
        self,
        data: float,
        _inputs: tuple[Value, ...] = (),
        _local_grads: tuple[float, ...] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        if type(data) is not float:
            data = _number(data, "Value()")
        if type(label) is not str:
            raise TypeError(f"Value(): label must be a str, got {type(label).__name__}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self.inputs = _inputs  # the Values this one was computed from (empty for a leaf)
        self.local_grads = _local_grads  # d(self)/d(input), one per input
        self.op = _op  # the operation that made it: "+", "*", "tanh", ... ("" for a leaf)

    def _repr_svg_(self) -> str | None:
        # Jupyter shows a Value as its graph.  The one import that points up a layer:
        # a display hook, made only when a notebook asks for the picture.
        from .viz.graph import value_repr_svg

        return value_repr_svg(self)

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # -- the number itself ----------------------------------------------------

    def item(self) -> float:
        """The number, ``data`` (as ``torch.Tensor.item``)."""
        return self.data

    def __float__(self) -> float:
        return self.data

    def __lt__(self, other: Value | float | numbers.Real) -> bool:
        return bool(self.data < _compared(other, "<"))

    def __le__(self, other: Value | float | numbers.Real) -> bool:
        return bool(self.data <= _compared(other, "<="))

    def __gt__(self, other: Value | float | numbers.Real) -> bool:
        return bool(self.data > _compared(other, ">"))

    def __ge__(self, other: Value | float | numbers.Real) -> bool:
        return bool(self.data >= _compared(other, ">="))

    # -- arithmetic: forward value and local derivatives side by side -------

    def __add__(self, other: Value | float) -> Value:
        """a + b;  d/da = 1,  d/db = 1."""
        other = other if type(other) is Value else as_value(other, "Value + ?")
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other: Value | float) -> Value:
        """a * b;  d/da = b,  d/db = a."""
        other = other if type(other) is Value else as_value(other, "Value * ?")
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __pow__(self, k: Value | float) -> Value:
        """a ** k for a number k;  d/da = k * a**(k-1).  A Value k gets a gradient too (below)."""
        if type(k) is Value:
            return self._pow_value(k)
        k = _number(k, "Value ** ?")
        name = f"**{k:g}" if float(f"{k:g}") == k else f"**{k!r}"  # exact, and short when it can be
        local = k * _power(self.data, k - 1.0) if k != 0 else 0.0  # a**0 = 1 is flat everywhere
        return Value(_power(self.data, k), (self,), (local,), name)

    def _pow_value(self, b: Value) -> Value:
        """a ** b for a Value b;  d/da = b * a**(b-1),  d/db = a**b * ln a.

        At the edges as PyTorch: d/da = 0 at b = 0, d/db = 0 at a = 0 with b >= 0.
        """
        a, y = self.data, b.data
        out = _pow(a, y)
        da = 0.0 if y == 0 else y * _pow(a, y - 1.0)  # a**0 = 1 is flat in a
        db = 0.0 if a == 0 and y >= 0 else out * _log(a)  # 0**b stays 0 as b grows
        return Value(out, (self, b), (da, db), "**")

    def exp(self) -> Value:
        """e ** a;  d/da = e ** a."""
        out = _exp(self.data)
        return Value(out, (self,), (out,), "exp")

    def log(self) -> Value:
        """ln a;  d/da = 1 / a."""
        return Value(_log(self.data), (self,), (_divide(1.0, self.data),), "log")

    def tanh(self) -> Value:
        """tanh a;  d/da = 1 - tanh(a)**2."""
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self) -> Value:
        """σ(a) = 1 / (1 + e**-a);  d/da = σ(a) * (1 - σ(a))."""
        s = _sigmoid(self.data)
        return Value(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self) -> Value:
        """max(0, a);  d/da = 1 if a > 0 else 0  (nan stays nan, as in PyTorch)."""
        a = self.data
        return Value(0.0 if a <= 0 else a, (self,), (0.0 if a <= 0 else 1.0,), "relu")

    def abs(self) -> Value:
        """|a|;  d/da = sign(a): 1, -1, or 0 at 0 (and at nan, as PyTorch has it)."""
        a = self.data
        sign = 1.0 if a > 0 else -1.0 if a < 0 else 0.0
        return Value(abs(a), (self,), (sign,), "abs")

    def step(self) -> Value:
        """The perceptron's threshold: 1 if a > 0 else 0;  d/da = 0 (no slope to follow)."""
        return Value(1.0 if self.data > 0 else 0.0, (self,), (0.0,), "step")

    # -- composed from the above, exactly as micrograd composes them --------

    def __neg__(self) -> Value:  # -a = a * -1
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:  # a - b = a + (-b)
        other = other if type(other) is Value else as_value(other, "Value - ?")
        return self + (-other)

    def __truediv__(self, other: Value | float) -> Value:
        """a / b;  d/da = 1 / b,  d/db = -a / b**2 = -(a / b) / b."""
        other = other if type(other) is Value else as_value(other, "Value / ?")
        out = _divide(self.data, other.data)
        return Value(out, (self, other), (_divide(1.0, other.data), -_divide(out, other.data)), "/")

    def __radd__(self, other: float) -> Value:  # number + a
        return self + other

    def __rmul__(self, other: float) -> Value:  # number * a
        return self * other

    def __rsub__(self, other: float) -> Value:  # number - a
        return as_value(other, "? - Value") + (-self)

    def __rtruediv__(self, other: float) -> Value:  # number / a
        return as_value(other, "? / Value") / self

    def __rpow__(self, other: float) -> Value:  # number ** b
        return as_value(other, "? ** Value")._pow_value(self)

    # -- backpropagation ----------------------------------------------------

    def topological_order(self) -> list[Value]:
        """The computed Values this one depends on (itself included), inputs first.

        Leaves (Values with no inputs) are left out: they have nothing to pass back.
        """
        return topological_order(self)

    def backward(self, gradient: float = 1.0) -> None:
        """Fill ``.grad`` of every Value this one depends on: d(self)/d(that value).

        Seeds ``self.grad`` with ``gradient`` (1 by default), then visits nodes
        from the output back to the leaves, adding ``local * node.grad`` to each
        input's grad (the chain rule; ``+=`` sums the paths of a value used twice).
        Leaves accumulate across calls, as in PyTorch, until ``zero_grad()``;
        intermediate nodes show the gradient of this call only.  An inf or nan
        gradient travels as in PyTorch: 0 · inf is nan, except through relu,
        step and a**0 where their slope is 0, which pass exactly 0 back.
        """
        gradient = _number(gradient, "Value.backward(gradient)")
        if not self.inputs:  # a leaf: its gradient with respect to itself
            self.grad += gradient
            return
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = gradient
        for node in reversed(order):
            g = node.grad
            if g == 0.0 and math.isfinite(sum(node.local_grads)):
                continue  # every contribution would be 0 * (a finite local) = 0
            if g == 0.0 or g - g != 0.0:  # 0 beside an infinite local, or g is inf or nan
                for child, share in zip(node.inputs, chain_rule(node, g)):
                    child.grad += share
                continue
            for child, local in zip(node.inputs, node.local_grads):  # chain_rule's usual case
                child.grad += local * g

    def zero_grad(self) -> None:
        """Set this Value's ``grad`` to 0."""
        self.grad = 0.0


#: The ops whose local derivative is 0 by a branch rather than by a product: PyTorch's
#: backward is ``where(condition, g, 0)``, which passes 0 back even when g is inf or nan.
_BRANCHES = frozenset({"relu", "step", "**0", "**-0"})


def chain_rule(node: Value, g: float) -> tuple[float, ...]:
    """What ``node`` hands back to each of its inputs when its gradient is ``g``.

    Usually ``local * g`` for each input (the chain rule).  When g is inf or nan,
    or 0 beside an infinite local derivative, that product can be nan where
    PyTorch has a number: PyTorch passes exactly 0 through a branch (relu at
    a <= 0, step, a**0, and the base of a**b at b = 0), and divides rather than
    multiplies for ln a (g / a) and the numerator of a / b (g / b).  Every other
    share is the product, nan included.  ``backward`` inlines the usual case;
    ``explain`` calls this for every edge.  (A local 1/a that overflows, for
    |a| < 5.6e-309, gives inf for a finite g where PyTorch's g / a may not.)
    """
    op, inputs, locals_ = node.op, node.inputs, node.local_grads
    if g - g == 0.0 and (g != 0.0 or math.isfinite(sum(locals_))):
        return tuple(local * g for local in locals_)
    shares = []
    for i, local in enumerate(locals_):
        if local == 0.0 and (op in _BRANCHES or (op == "**" and i == 0 and inputs[1].data == 0)):
            shares.append(0.0)  # a branch: exactly 0
        elif op == "log":
            shares.append(_divide(g, inputs[0].data))
        elif op == "/" and i == 0:
            shares.append(_divide(g, inputs[1].data))
        else:
            shares.append(local * g)
    return tuple(shares)


def dot(
    weights: Sequence[Value | float],
    inputs: Sequence[Value | float],
    bias: Value | float | None = None,
) -> Value:
    """The weighted sum w·x + b as one node.

    n = b + Σ w_i x_i;  dn/dw_i = x_i,  dn/dx_i = w_i,  dn/db = 1.

    The same number as ``b + w_1*x_1 + w_2*x_2 + ...`` built from ``*`` and
    ``+`` (summed in that order; Python 3.12+ may round the sum more
    accurately), in one node instead of 2n.  Plain numbers
    among the inputs are wrapped as constant Values.
    """
    ws = [as_value(w, "dot(weights)") for w in weights]
    xs = [as_value(x, "dot(inputs)") for x in inputs]
    if len(ws) != len(xs):
        raise ValueError(
            f"dot: expected as many weights as inputs, got {len(ws)} weights and {len(xs)} inputs"
        )
    b = None if bias is None else as_value(bias, "dot(bias)")
    return weighted_sum(ws, xs, b)


def weighted_sum(
    weights: Sequence[Value],
    inputs: Sequence[Value],
    bias: Value | None,
    x_data: Sequence[float] | None = None,
) -> Value:
    """``dot`` for arguments already checked (Values, as many weights as inputs).

    A layer calls it for each neuron with ``x_data``, the inputs' numbers read
    once for all of its neurons.
    """
    w_data = [w.data for w in weights]
    if x_data is None:
        x_data = [x.data for x in inputs]
    if bias is None:
        total = sum(map(mul, w_data, x_data), 0.0)
        return Value(total, (*weights, *inputs), (*x_data, *w_data), "dot")
    total = sum(map(mul, w_data, x_data), bias.data)
    return Value(total, (*weights, *inputs, bias), (*x_data, *w_data, 1.0), "dot")


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a block that builds and frees big graphs.

    A graph of Values holds no reference cycles, so reference counting frees
    it on its own; the cycle collector would only rescan every live node
    again and again while the graph grows (on a micrograd-sized step that is
    most of the forward pass).  ``fit`` runs each training step inside this.
    The collector is restored afterwards, and any cycles made meanwhile by
    other code are collected then as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
