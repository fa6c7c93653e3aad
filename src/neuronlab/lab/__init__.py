"""The lab: a live browser playground on neuronlab's own engine.

``settings`` (what a run is made of, and its URL), ``problem`` (the points on
the plane), ``features``, ``network`` (the network and how its outputs read),
``session`` (one run, trained through ``Trainer.step()``) and ``frames`` (what
the page draws after a step).
"""
