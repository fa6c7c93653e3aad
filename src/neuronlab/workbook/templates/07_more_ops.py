"""Exercise 07: more operations -- -, /, **, exp, tanh -- and a neuron that learns.

Value below has + and * and backward() (exercises 05 and 06).  Add the rest.
Some are built from what you have, so their derivatives come for free:

    -a      = a * -1
    a - b   = a + (-b)             2 - a  = (-a) + 2        (__rsub__: other - self)
    a / b   = a * b**-1            2 / a  = 2 * a**-1       (__rtruediv__: other / self)

Three need a _backward of their own (out.grad times the local derivative, +=):

    out = a**k  (k a plain number)   d out/da = k * a**(k - 1)
    out = e**a  (a.exp())            d out/da = e**a, which is out.data itself
    out = tanh(a)                    d out/da = 1 - tanh(a)**2 = 1 - out.data**2

Try the worked example first, a neuron with two inputs:
    x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432
    n = x1*w1 + x2*w2 + b = 0.8814,  o = tanh(n) = 0.7071
    do/dn = 1 - o**2 = 0.5, so  x1.grad = w1 * 0.5 = -1.5,  w1.grad = x1 * 0.5 = 1,
    x2.grad = w2 * 0.5 = 0.5,  w2.grad = x2 * 0.5 = 0.
The same tanh built from your own pieces, (e**(2n) - 1) / (e**(2n) + 1), must
give the same gradients.

Fill in the eight methods, then run:  neuronlab workbook check 07
"""

import math


class Value:
    """A number that remembers how it was computed, so it can be differentiated."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):  # 2 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def backward(self):
        """Fill .grad of every Value this one depends on (exercise 06)."""
        order, placed, stack = [], set(), [self]
        while stack:
            node = stack[-1]
            waiting = [child for child in node._prev if child not in placed]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            if node not in placed:
                placed.add(node)
                order.append(node)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    # -- yours: ----------------------------------------------------------------

    def __neg__(self):  # -self
        raise NotImplementedError("07: Value.__neg__ is not written yet")

    def __sub__(self, other):  # self - other
        raise NotImplementedError("07: Value.__sub__ is not written yet")

    def __rsub__(self, other):  # other - self, for a plain number other: 2 - a
        raise NotImplementedError("07: Value.__rsub__ is not written yet")

    def __pow__(self, k):
        """self ** k for a plain number k (int or float): its own node, op "**k"."""
        raise NotImplementedError("07: Value.__pow__ is not written yet")

    def __truediv__(self, other):  # self / other
        raise NotImplementedError("07: Value.__truediv__ is not written yet")

    def __rtruediv__(self, other):  # other / self, for a plain number other: 2 / a
        raise NotImplementedError("07: Value.__rtruediv__ is not written yet")

    def exp(self):
        """e ** self: its own node, op "exp"."""
        raise NotImplementedError("07: Value.exp is not written yet")

    def tanh(self):
        """tanh(self) = (e**(2x) - 1) / (e**(2x) + 1): its own node, op "tanh"."""
        raise NotImplementedError("07: Value.tanh is not written yet")


if __name__ == "__main__":
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    print(o.data)  # 0.7071...
    print(x1.grad, w1.grad, x2.grad, w2.grad)  # -1.5 1.0 0.5 0.0
    print(math.tanh(0.5), Value(0.5).tanh().data)  # the same number twice
