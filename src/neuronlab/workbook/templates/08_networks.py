"""Exercise 08: Neuron, Layer and MLP on Value, and parameters().

A neuron holds one weight per input and a bias, and computes

    relu(w·x + b)          (or w·x + b itself, with nonlin=False)

where relu(z) = max(0, z) -- Value has it: z.relu().  A layer is a list of
neurons that all read the same inputs and each give one output.  A
multi-layer perceptron chains layers: MLP(3, [4, 4, 1]) reads 3 inputs, has
two hidden layers of 4 neurons and one output neuron.  The hidden layers use
ReLU; the last layer is linear (nonlin=False), so the network can output any
number.  This is micrograd's nn.py, and neuronlab's MLP does the same.

Build them on neuronlab's Value (exercises 05-07 built it; here the finished
one is imported, so this exercise does not depend on yours).  Start each
weight at random.uniform(-1, 1) and each bias at 0 (the lecture's micrograd
starts the bias at random.uniform(-1, 1) too, which works as well).

parameters() lists every weight and bias the network can learn, each once, in
order: layer by layer, neuron by neuron, each neuron's weights then its bias.
A training step moves exactly these.  MLP(3, [4, 4, 1]) has 41: 4·(3 + 1) +
4·(4 + 1) + 1·(4 + 1).

Keep micrograd's names, because the check reads your network through them
and sets the weights to numbers of its own: a Neuron's weights are self.w (a
list of Values) and its bias self.b (a Value), a Layer's neurons are
self.neurons, an MLP's layers are self.layers.  As in micrograd, a Layer of
one neuron returns that Value rather than a list of one, so that the output
of MLP(3, [4, 4, 1]) is a Value you can call backward() on (the check also
takes a list of one).

Try it by hand first: a Neuron(3) with w = [0.5, -1.5, 2], b = 0.75 at
x = [1, 0.5, 1.5] gives 0.5 - 0.75 + 3 + 0.75 = 3.5; with b = -4 it gives 0.

Fill in the three classes, then run:  neuronlab workbook check 08
"""

import random

from neuronlab import Value


class Neuron:
    """relu(w·x + b) for nin inputs, or w·x + b itself when nonlin is False."""

    w: list[Value]  # the weights, one per input
    b: Value  # the bias

    def __init__(self, nin, nonlin=True):
        raise NotImplementedError("08: Neuron is not written yet")

    def __call__(self, x):
        raise NotImplementedError("08: Neuron.__call__ is not written yet")

    def parameters(self):
        raise NotImplementedError("08: Neuron.parameters is not written yet")


class Layer:
    """nout neurons, each reading the same nin inputs."""

    neurons: list[Neuron]

    def __init__(self, nin, nout, nonlin=True):
        raise NotImplementedError("08: Layer is not written yet")

    def __call__(self, x):
        raise NotImplementedError("08: Layer.__call__ is not written yet")

    def parameters(self):
        raise NotImplementedError("08: Layer.parameters is not written yet")


class MLP:
    """Layers in a chain: nin inputs, then a layer of each size in nouts; the last is linear."""

    layers: list[Layer]

    def __init__(self, nin, nouts):
        raise NotImplementedError("08: MLP is not written yet")

    def __call__(self, x):
        raise NotImplementedError("08: MLP.__call__ is not written yet")

    def parameters(self):
        raise NotImplementedError("08: MLP.parameters is not written yet")


if __name__ == "__main__":
    random.seed(0)  # the same random weights on every run
    n = Neuron(3)
    n.w = [Value(0.5), Value(-1.5), Value(2.0)]
    n.b = Value(0.75)
    print(n([1.0, 0.5, 1.5]))  # Value(data=3.5, ...)
    model = MLP(3, [4, 4, 1])
    print(len(model.parameters()))  # 41
    print(model([2.0, 3.0, -1.0]))  # a Value: random weights, so any number
