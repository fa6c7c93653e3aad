"""Exercise 05, the project's reference solution: Value with + and *, and their _backward."""


class Value:
    """A number that remembers how it was computed, so it can be differentiated."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0  # dL/d(this value): 0 until backward() fills it
        self._backward = lambda: None  # a leaf has nothing to hand back
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        """self + other, for another Value or a plain number.

        Make out = Value(self.data + other.data, (self, other), "+"), give it a
        _backward that adds 1 * out.grad to both inputs' grads, and return out.
        """
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        """self * other, for another Value or a plain number: d/dself = other, d/dother = self."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):  # 2 + a: Python asks a.__radd__(2)
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def backward(self):
        """Fill .grad of every Value this one depends on (given here; exercise 06 writes it).

        micrograd's way: a recursive walk puts every node after its inputs, then
        each node's _backward runs from the output back.  (Recursion is fine for
        a small graph; exercise 06 explains why not for a deep one.)
        """
        order, seen = [], set()

        def place(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    place(child)
                order.append(node)

        place(self)
        self.grad = 1.0  # dL/dL = 1
        for node in reversed(order):
            node._backward()


if __name__ == "__main__":
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    d = e + c
    f = Value(-2.0, label="f")
    L = d * f
    print(L.data)  # -8.0
    L.backward()
    print(a.grad, b.grad, c.grad, f.grad)  # 6.0 -4.0 -2.0 4.0
