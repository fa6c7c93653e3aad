"""Helpers below every layer: argument checks, seeds, atomic files, readable numbers.

Nothing here knows about values, tensors or networks.
"""
