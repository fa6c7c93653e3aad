"""Exercise 04: the derivative by nudging, and why too small a nudge goes wrong.

The derivative of f at x is the slope there: how much f changes per unit of
change in x.  Measure it by nudging x up by a small h:

    forward difference:  (f(x + h) - f(x)) / h
    central difference:  (f(x + h) - f(x - h)) / (2h)     (a step each way)

Try it by hand first on the design's L graph: a = 2, b = -3, c = 10, f = -2,
L = (a·b + c)·f = -8.  Nudge a to 2.001: L becomes -7.994, so the slope
dL/da is (-7.994 - (-8)) / 0.001 = 6.  On the parabola 3x² - 4x + 5 at x = 3
(slope 6x - 4 = 14) with h = 0.001, the forward difference gives 14.003 and
the central one 14.000: it is exact for every parabola.

So a smaller h is better?  Only up to a point.  A float keeps about 16
significant digits; when h is tiny, f(x + h) and f(x) agree in almost all of
them, and their difference is mostly rounding.  nudge_errors measures it: for
each h in a list, how far the forward difference is from the exact slope.
Run this file and watch the error fall, then rise again.

Fill in the three functions, then run:  neuronlab workbook check 04
"""

import math

#: The nudges to try: 0.1, 0.01, ..., 1e-15.
STEPS = [10.0**-k for k in range(1, 16)]


def forward_difference(f, x, h=0.001):
    """(f(x + h) - f(x)) / h: the slope of f at x, measured by nudging x up by h."""
    raise NotImplementedError("04: forward_difference is not written yet")


def central_difference(f, x, h=0.001):
    """(f(x + h) - f(x - h)) / (2h): the slope of f at x, from a nudge each way."""
    raise NotImplementedError("04: central_difference is not written yet")


def nudge_errors(f, x, exact, steps=STEPS):
    """For each h in steps: abs(forward_difference(f, x, h) - exact), in a list."""
    raise NotImplementedError("04: nudge_errors is not written yet")


def L_of_a(a):
    """The L graph of the design as a function of a alone."""
    b, c, f = -3.0, 10.0, -2.0
    return (a * b + c) * f


if __name__ == "__main__":
    print(forward_difference(L_of_a, 2.0))  # 6.000000000000227 (6, and a little rounding)
    print(forward_difference(lambda x: 3 * x**2 - 4 * x + 5, 3.0))  # 14.00300000000243
    print(central_difference(lambda x: 3 * x**2 - 4 * x + 5, 3.0))  # 13.999999999999346
    for h, error in zip(STEPS, nudge_errors(math.sin, 1.0, math.cos(1.0))):
        print(f"h = {h:.0e}   error = {error:.1e}")
    # the error falls from 4.3e-02 at h = 1e-01 to 3.0e-09 at h = 1e-08, then rises to 1.5e-02
