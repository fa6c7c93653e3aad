"""Exercise 07, the project's answers: -, /, **, exp and tanh."""
import math


class Value:
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
