"""Models and data files in and out, never trusting what a file claims.

``serialize`` (save/load a model as .npz + a JSON record, never pickle) with
``architecture`` (a model as that record and back), ``npz`` and ``npy`` (zip
archives and arrays read with every size bounded first), ``rows`` (the input
rows ``neuronlab predict`` reads) and ``torch_bridge`` (to PyTorch and back).
"""
