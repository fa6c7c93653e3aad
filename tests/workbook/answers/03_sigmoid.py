"""Exercise 03, answered: a stable sigmoid and the sigmoid neuron (the tests' reference)."""
import math


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)), for every finite z, with no overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_neuron(weights, inputs, bias):
    """σ(w·x + b): the output of a sigmoid neuron."""
    z = bias
    for w, x in zip(weights, inputs):
        z += w * x
    return sigmoid(z)
