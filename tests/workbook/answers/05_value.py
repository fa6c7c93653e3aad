"""Exercise 05, the project's answers: Value with + and *, and their _backward."""


class Value:
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
