"""The names lab's speed as a page sees it: updates per second while the MLP trains.

Starts the real server (uvicorn on 127.0.0.1, a free port), connects a real WebSocket client
(the ``websockets`` package) to the names page's socket with the default run (the lectures'
MLP: 3 characters, embedding 10, 200 tanh units, 11,897 parameters, batch 32, AdamW) and
plays for ``--seconds``, counting the frames that arrive -- each one carrying the train and
dev losses, the embedding, the activation histogram and the update:data ratios, and about
once a second ten new samples.  The network lab's figure (``bench_lab.py``'s run: a 2-8-8-1
network with every heatmap) is measured the same way in the same process, side by side.
Each is measured ``--runs`` times; the median and the spread (lowest to highest) are printed.

Run with ``python benchmarks/bench_names_lab.py`` (needs the ``lab`` extra and
``websockets``).  It prints figures; it asserts nothing.  The lab's own work runs with one
BLAS thread (``util.threads.one_blas_thread``: on 2 busy cores OpenBLAS's second thread can make a
frame's small matrix products ten times slower), so the machine's default thread count is
what is measured; ``--threads N`` sets the count for everything else before NumPy loads.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from typing import Any

TARGET = 10.0  # updates a second with the MLP training (the figure)
NETWORK_TARGET = 20.0  # bench_lab.py's target for the network lab


def names_frame_ok(frame: dict[str, Any]) -> None:
    """A names frame carries what the page draws."""
    assert frame["train"] is not None
    assert frame["dev"] is not None
    assert len(frame["embedding"]["points"]) == 27
    assert len(frame["activations"]) == 1
    assert len(frame["activations"][0]["counts"]) == 40
    assert len(frame["ratios"]["series"]) == 3


def play(ws: Any, seconds: float, check: Any) -> dict[str, float]:
    """Frames (and those with new samples), steps and KB per second while playing."""
    ws.send(json.dumps({"cmd": "play"}))
    frames, sampled, sizes, steps = 0, 0, [], []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        text = ws.recv()
        message = json.loads(text)
        if message["type"] != "frame":
            continue
        check(message)
        frames += 1
        sampled += "samples" in message
        sizes.append(len(text))
        steps.append(message["step"])
    elapsed = time.perf_counter() - started
    ws.send(json.dumps({"cmd": "pause"}))
    while json.loads(ws.recv()) != {"type": "status", "playing": False}:
        pass
    return {
        "updates": frames / elapsed,
        "samples": sampled / elapsed,
        "steps": (steps[-1] - steps[0]) / elapsed if len(steps) > 1 else 0.0,
        "kb": statistics.mean(sizes) / 1024 if sizes else 0.0,
    }


def one_run(page: str, seconds: float) -> dict[str, float]:
    """Start a lab, play one page for ``seconds`` through a real WebSocket, stop the lab."""
    from bench_lab import SETTINGS, check_frame
    from websockets.sync.client import connect

    from neuronlab.lab.launch import LabServer
    from neuronlab.lab.session import LabSession

    server = LabServer("127.0.0.1", 0, LabSession(SETTINGS)).start()
    path = "/names/ws" if page == "names" else "/ws"
    try:
        url = f"ws://127.0.0.1:{server.port}{path}?token={server.token}"
        with connect(url, max_size=2**24) as ws:
            while json.loads(ws.recv())["type"] != "status":  # the State, then the status
                pass
            return play(ws, seconds, names_frame_ok if page == "names" else check_frame)
    finally:
        server.stop()


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.1f}  ({min(values):.1f} to {max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="how long each run plays")
    parser.add_argument("--runs", type=int, default=5, help="runs of each page")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (before NumPy)")
    args = parser.parse_args()
    if args.threads is not None:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

    runs: dict[str, list[dict[str, float]]] = {"names": [], "network": []}
    for _ in range(args.runs):  # alternated, so both pages meet the same machine
        for page in runs:
            runs[page].append(one_run(page, args.seconds))

    def column(page: str, key: str) -> list[float]:
        return [r[key] for r in runs[page]]

    print(
        f"neuronlab names lab benchmark: Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, BLAS threads {args.threads or 'as NumPy starts'}"
    )
    print(f"{args.runs} runs of {args.seconds:g} s each; median (lowest to highest)")
    print("names lab: the lectures' MLP (11,897 parameters), batch 32, AdamW")
    print(f"  updates per second      {summary(column('names', 'updates'))}  target >= {TARGET:g}")
    print(f"  new samples per second  {summary(column('names', 'samples'))}  (about 1)")
    print(f"  steps per second        {summary(column('names', 'steps'))}")
    print(f"  size of an update       {summary(column('names', 'kb'))} KB of JSON")
    print("network lab (bench_lab.py's run): 2-8-8-1 tanh, 250 training points, batch 10")
    print(
        f"  updates per second      {summary(column('network', 'updates'))}  "
        f"target >= {NETWORK_TARGET:g}"
    )
    ratio = statistics.median(column("names", "updates")) / statistics.median(
        column("network", "updates")
    )
    print(f"names lab / network lab updates: {ratio:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
