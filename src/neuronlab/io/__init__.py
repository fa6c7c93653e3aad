"""Models in and out: ``serialize`` (save/load .npz files, never pickle) and
``torch_bridge`` (to PyTorch and back)."""
