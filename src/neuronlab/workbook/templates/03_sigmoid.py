"""Exercise 03: the sigmoid neuron, with a sigmoid that works for every finite z.

A perceptron jumps from 0 to 1; a small change of a weight can flip it, or do
nothing at all.  The sigmoid neuron answers smoothly instead:

    σ(z) = 1 / (1 + e^(-z)),   z = w·x + b

σ(0) = 0.5; a large positive z gives nearly 1 and a large negative z nearly 0,
so with big weights the sigmoid neuron behaves like the perceptron.  Try a few
by hand first: σ(2) = 0.881, σ(-2) = 0.119 (= 1 - σ(2)).

One trap: for z = -1000 the formula asks for e^1000, which is far beyond the
largest float (about 1.8e308), and math.exp raises OverflowError.  Yet σ(-1000)
is a perfectly good number: 0 (to every digit a float has).  Find a way to
compute σ that never raises e to a large positive number.  (Hint: multiply the
top and bottom of the fraction by e^z.)
Far out σ is tiny but still a float: σ(-60) = 8.76e-27, about e^-60, and the
check wants it to every digit (so no clipping z, and no rounding).

Fill in the two functions, then run:  neuronlab workbook check 03
"""

import math


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)), for every finite z, with no overflow."""
    raise NotImplementedError("03: sigmoid is not written yet")


def sigmoid_neuron(weights, inputs, bias):
    """σ(w·x + b): the output of a sigmoid neuron."""
    raise NotImplementedError("03: sigmoid_neuron is not written yet")


if __name__ == "__main__":
    print(sigmoid(0.0))  # 0.5
    print(sigmoid(2.0), sigmoid(-2.0))  # 0.8807970779778823 0.11920292202211755
    print(sigmoid(-1000.0), sigmoid(1000.0))  # 0.0 1.0
    print(sigmoid_neuron([2, 6, 2], [0, 1, 0], -5))  # σ(1) = 0.7310585786300049
    print(1 / (1 + math.exp(-2.0)))  # the formula itself, where it is safe: 0.8807970779778823
