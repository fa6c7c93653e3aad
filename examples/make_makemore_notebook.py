"""Build examples/makemore.ipynb: the makemore lectures, step by step, on neuronlab.

    python examples/make_makemore_notebook.py            # writes examples/makemore.ipynb
    python examples/make_makemore_notebook.py --check    # exit 1 if the notebook is out of date

The notebook follows the language-model lectures that come after micrograd:
the names as data, bigram counts, the bigram network, the MLP with an
embedding table, its diagnostics and BatchNorm, and the WaveNet, with every
number checked on neuronlab's own engine and the last model carried over to
PyTorch.  Its runs are short (``STEPS`` in the first cell) so that it runs
in a minute; set ``STEPS = 200_000`` for the lectures' full runs.  It is
stored without outputs: open it in Jupyter and run all cells.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from notebook_file import cells_of, command, file_text, notebook

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "makemore.ipynb"

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """# makemore on neuronlab: from bigram counts to a WaveNet

The course that follows micrograd builds character-level language models on a
list of 32,033 names: a model reads a few characters and gives the
probability of each possible next one. This notebook follows it step by step
on neuronlab's tensor engine — every operation here is checked against
PyTorch in neuronlab's tests — and shows more than the lectures: the
learning-rate sweep, the saturation of tanh units, the update:data ratios.

The runs below are short so the notebook runs in about a minute. The lectures
train for 200,000 steps: set `STEPS = 200_000` to reproduce their numbers (or
run `neuronlab makemore --recipe lecture`).""",
    ),
    (
        "code",
        """from pathlib import Path

import numpy as np
from IPython.display import Image, display

from neuronlab import datasets, evaluate, fit, language, lr_find, sample
from neuronlab.data import Vocabulary, context_windows, split_words
from neuronlab.viz import plots

STEPS = 4_000  # the lectures: 200_000
out = Path("makemore-pictures")
out.mkdir(exist_ok=True)


def show(path):
    \"\"\"Display a saved picture inline.\"\"\"
    display(Image(filename=str(path)))""",
    ),
    (
        "md",
        """## 1. The data: characters as integers

`.` marks the start and the end of every name and is character 0; the letters
follow. A *context window* is the `block_size` characters before the one to
predict.""",
    ),
    (
        "code",
        """words = datasets.names()
vocab = Vocabulary.from_words(words)
print(len(words), "names, e.g.", words[:5])
print(vocab, " stoi['.'] =", vocab.stoi["."], " stoi['a'] =", vocab.stoi["a"])

X, Y = context_windows(["emma"], 3, vocab)
for context, target in zip(X, Y):
    print(vocab.decode(context).rjust(3, "."), "->", vocab.itos[int(target)])

train, dev, test = split_words(words)  # the lectures' random.seed(42) and 80/10/10
sizes = [len(context_windows(part, 3, vocab)[0]) for part in (train, dev, test)]
print("examples with a context of 3: {:,} / {:,} / {:,}".format(*sizes))""",
    ),
    (
        "md",
        """## 2. Bigram counts

Count how often each character follows each other one, add 1 to every count
(smoothing: no pair is impossible) and normalise each row. The loss is the
mean negative log-likelihood of every bigram of the names: the lecture prints
2.4544, summing 228,146 logarithms one by one in float32; the exact value
is 2.4546.""",
    ),
    (
        "code",
        """counts = language.count_bigrams(words, vocab, smoothing=1.0)
print("bigrams counted:", counts.counts.sum())
print(f"negative log-likelihood of all bigrams: {counts.nll(words):.4f}")
plots.plot_bigram_counts(counts, path=out / "counts.png")
show(out / "counts.png")
bigram_model = counts.as_model()  # W = log P: the table as a network
print(sample(bigram_model, 10, seed=2147483647))""",
    ),
    (
        "md",
        """## 3. The bigram network

`logits = one_hot(previous) @ W`, trained by gradient descent on all the
bigrams at once, with the lecture's regulariser 0.01 · mean(W²) (here `l2 =
0.01 / 729` times Σ W²) and a learning rate of 50. Looking up row i of W is
exactly one_hot(i) @ W, so the network is an `Embedding(27, 27)`. It learns
the counts' table: its W approaches log P, and its loss approaches the
counts'.""",
    ),
    (
        "code",
        """net = language.bigram_network(vocab, seed=0)
Xb, Yb = context_windows(words, 1, vocab)
recipe = language.recipe_for("bigram", "lecture").with_steps(60)
history = fit(net, Xb, Yb, loss="cross_entropy", **language.fit_options(recipe, net))
loss, counted = history.batch_loss[-1], counts.nll(words)
print(f"after {recipe.steps} full-batch steps: loss {loss:.4f} (the counts: {counted:.4f})")""",
    ),
    (
        "md",
        """## 4. The MLP with an embedding table (Bengio et al. 2003)

Each character gets a learned vector of 10 numbers (`C`, an `Embedding`);
the three vectors of a context are put side by side (30 numbers), go through
a tanh layer of 200 and a last layer gives 27 logits. First, the
learning-rate sweep of the lecture: 1,000 steps with the rate rising from
10⁻³ to 1, each step's loss against its rate.""",
    ),
    (
        "code",
        """Xtr, Ytr = context_windows(train, 3, vocab)
Xdev, Ydev = context_windows(dev, 3, vocab)
model = language.mlp(vocab, seed=0, init="normal")  # the lecture's start: N(0, 1) everywhere
print(model)
print("parameters:", f"{model.num_parameters():,}")
emb = model[0](Xtr[:32])  # C[X]
print("C[X] for a batch of 32:", emb.shape, "-> viewed as", model[1](emb).shape)

sweep = lr_find(model, Xtr, Ytr)
print(f"suggested learning rate: {sweep.suggestion:.2g}")
plots.plot_lr_sweep(sweep, path=out / "lr_sweep.png")
show(out / "lr_sweep.png")""",
    ),
    (
        "code",
        """recipe = language.recipe_for("mlp", "lecture").with_steps(STEPS)  # SGD 0.1, then 0.01
options = language.fit_options(recipe, model)
every = STEPS // 8  # the loss on all of train and dev, 8 times
history = fit(
    model, Xtr, Ytr, loss="cross_entropy", **options, validation=(Xdev, Ydev), eval_every=every
)
dev_loss = evaluate(model, Xdev, Ydev, loss="cross_entropy")["loss"]
print(f"dev loss after {STEPS:,} steps: {dev_loss:.4f} (the lecture: 2.17 after 200,000)")
plots.plot_language_losses(history, lecture=2.17, path=out / "mlp_losses.png")
show(out / "mlp_losses.png")
print(sample(model, 10, seed=0))""",
    ),
    (
        "md",
        """Above, the first steps have losses near 20: with every weight drawn from
N(0, 1), the network is confidently wrong about most characters. The start
matters — that is the next lecture.

## 5. Looking inside: saturated tanh, Kaiming's start, BatchNorm

With N(0, 1) weights, the 30 inputs of each hidden unit add up to numbers of
size √30 ≈ 5.5, and tanh of that is ±1: *saturated*, where its slope 1 − t²
is about 0 and almost no gradient gets back. neuronlab warns about it when
training starts (the `TrainingWarning` above said so). Kaiming's start
divides by √fan_in and multiplies by tanh's gain 5/3; the last layer starts
small so every character starts equally likely.""",
    ),
    (
        "code",
        """fresh_normal = language.mlp(vocab, seed=0, init="normal")
fresh_kaiming = language.mlp(vocab, seed=0, init="kaiming")
for name, m in (("normal", fresh_normal), ("kaiming", fresh_kaiming)):
    plots.plot_activation_histograms(m, Xtr[:32], path=out / f"activations_{name}.png")
    first = evaluate(m, Xtr[:1000], Ytr[:1000], loss="cross_entropy")["loss"]
    print(f"{name:8s} start: loss {first:.2f} (uniform guessing: ln 27 = {np.log(27):.2f})")
show(out / "activations_normal.png")
show(out / "activations_kaiming.png")""",
    ),
    (
        "md",
        """BatchNorm goes further: it normalises each unit's input over the batch, so
it stays in tanh's useful range whatever the weights do. In training it uses
the batch's mean and variance (the variance divided by n, as PyTorch does);
it keeps running averages for evaluation (their variance divided by n − 1,
as PyTorch does too); `evaluate` and `sample` use those.

The update:data ratio says how far each step moves a layer's weights,
relative to their spread: about 10⁻³ is the lecture's rough guide.""",
    ),
    (
        "code",
        """bn = language.batchnorm_mlp(vocab, seed=0)
print("parameters:", f"{bn.num_parameters():,}")
recipe = language.recipe_for("batchnorm", "lecture").with_steps(STEPS)
options = language.fit_options(recipe, bn)
history = fit(bn, Xtr, Ytr, loss="cross_entropy", **options, record_updates=10)
dev_loss = evaluate(bn, Xdev, Ydev, loss="cross_entropy")["loss"]
print(f"dev loss: {dev_loss:.4f} (the lecture: 2.105 after 200,000 steps)")
print("running mean of the first 3 units:", np.round(bn[3].running_mean[:3], 3))
plots.plot_update_ratios(history, path=out / "update_ratios.png")
plots.plot_gradient_histograms(bn, Xtr[:32], Ytr[:32], path=out / "gradients.png")
show(out / "update_ratios.png")
show(out / "gradients.png")""",
    ),
    (
        "md",
        """## 6. The WaveNet: fuse the context slowly

Eight characters of context, but not squashed into one layer at once: pairs
of neighbours are merged (`FlattenConsecutive(2)`), then pairs of pairs,
then pairs of those — three levels of Linear, BatchNorm and tanh.""",
    ),
    (
        "code",
        """wn = language.wavenet(vocab, seed=0)
print("parameters:", f"{wn.num_parameters():,}")
X8, Y8 = context_windows(train, 8, vocab)
for layer, output in zip(wn, wn.trace(X8[:4])):
    print(f"{type(layer).__name__:20s} {tuple(output.shape)}")
recipe = language.recipe_for("wavenet", "lecture").with_steps(STEPS // 4)
fit(wn, X8, Y8, loss="cross_entropy", **language.fit_options(recipe, wn))
X8dev, Y8dev = context_windows(dev, 8, vocab)
dev_loss = evaluate(wn, X8dev, Y8dev, loss="cross_entropy")["loss"]
print(f"dev loss after {recipe.steps:,} steps: {dev_loss:.4f} (the lecture: 1.993 after 200,000)")
print(sample(wn, 10, seed=0, temperature=0.8))""",
    ),
    (
        "md",
        """## 7. On to PyTorch

`to_torch` gives the same network as a `torch.nn.Sequential` — the same
weights and BatchNorm running statistics under the same names — so a model
trained here keeps training there.""",
    ),
    (
        "code",
        """try:
    import torch
except ImportError:
    print("PyTorch is not installed (pip install torch): skipping this step.")
else:
    from neuronlab import to_torch

    twin = to_torch(wn).eval()
    with torch.no_grad():
        logits = twin(torch.from_numpy(X8dev))
        torch_loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(Y8dev)).item()
    ours = evaluate(wn, X8dev, Y8dev, loss="cross_entropy")["loss"]
    print(f"dev loss: neuronlab {ours:.5f}, PyTorch {torch_loss:.5f}")""",
    ),
]


def build() -> nbformat.NotebookNode:
    """The makemore notebook, without outputs."""
    return notebook(cells_of(CELLS, "makemore"))


def text() -> str:
    """The notebook file's text, as written."""
    return file_text(build())


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) examples/makemore.ipynb."""
    return command(NOTEBOOK, text, (__doc__ or "").splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
