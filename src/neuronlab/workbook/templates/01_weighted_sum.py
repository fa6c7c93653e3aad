"""Exercise 01: the weighted sum, and the perceptron that decides about sweets.

Every neuron starts with a weighted sum: each input x_i times its weight w_i,
all added up, plus a bias b:

    n = w_1·x_1 + w_2·x_2 + ... + w_k·x_k + b

A perceptron answers yes (1) when that sum clears a threshold and no (0)
otherwise: output = 1 if w·x > threshold else 0.

Should you eat sweets? Three yes/no factors decide -- is it the weekend (x1),
do you really want sweets (x2), are there sweets at home (x3) -- with weights
2, 6 and 2 and a threshold of 5. Work it out by hand first: 6 alone clears
5, but 2 + 2 = 4 does not, so the answer is always the second factor.

Fill in the two functions, then run:  neuronlab workbook check 01
"""


def weighted_sum(weights, inputs, bias=0.0):
    """w·x + b for a list of weights and a list of inputs of the same length."""
    raise NotImplementedError("01: weighted_sum is not written yet")


def perceptron(weights, inputs, threshold):
    """1 if the weighted sum of the inputs is greater than the threshold, else 0."""
    raise NotImplementedError("01: perceptron is not written yet")


if __name__ == "__main__":
    print(weighted_sum([2, 6, 2], [1, 0, 1]))  # 4
    print(perceptron([2, 6, 2], [0, 1, 0], threshold=5))  # 1: wanting sweets is enough
