"""Exercise 07, the project's reference solution: -, /, **, exp and tanh."""

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
        return self * -1

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __rsub__(self, other):  # other - self, for a plain number other: 2 - a
        return (-self) + other

    def __pow__(self, k):
        """self ** k for a plain number k (int or float): its own node, op "**k"."""
        assert isinstance(k, (int, float)), "only a plain number as the exponent"
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other):  # self / other
        return self * other**-1

    def __rtruediv__(self, other):  # other / self, for a plain number other: 2 / a
        return other * self**-1

    def exp(self):
        """e ** self: its own node, op "exp"."""
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        """tanh(self) = (e**(2x) - 1) / (e**(2x) + 1): its own node, op "tanh"."""
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out


if __name__ == "__main__":
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    print(o.data)  # 0.7071...
    print(x1.grad, w1.grad, x2.grad, w2.grad)  # -1.5 1.0 0.5 0.0
    print(math.tanh(0.5), Value(0.5).tanh().data)  # the same number twice
